// The dispatch loop: the one long function (STYLE.md), as Lua's luaV_execute.
//
// Registers are IValues in a per-thread stack; a frame is a window of
// Code::num_registers slots starting at `regs`. Scalars stay unboxed in the
// registers, so int/float/bool arithmetic never allocates.
#include <cstdio>
#include <memory>

#include "interpreter/code.h"
#include "interpreter/runtime.h"
#include "lang/error.h"

namespace wick::interp {

using lang::IValue;
using lang::Ref;

namespace {

constexpr size_t kRegisterStackSize = 1 << 18;

struct ThreadState {
  std::unique_ptr<IValue[]> registers{new IValue[kRegisterStackSize]};
  lang::Stack stack;
  int depth = 0;
};

ThreadState& threadState() {
  thread_local ThreadState state;
  return state;
}

// Containers carry their static element types, so List[int] is checked exactly.
bool isInstance(const IValue& v, const std::vector<lang::TypePtr>& types) {
  lang::TypePtr t = lang::typeOf(v);
  for (const auto& x : types)
    if (lang::isSubtypeOf(t, x)) return true;
  return false;
}

IValue execute(const Code& code, IValue* regs, ThreadState& ts);

IValue call(lang::Function& fn, IValue* caller_top, const IValue* const* args, size_t nargs, ThreadState& ts) {
  const Code& callee = codeFor(fn);
  if (++ts.depth > kMaxCallDepth) {
    --ts.depth;
    lang::raise("RecursionError", "maximum recursion depth exceeded");
  }
  IValue* frame = caller_top;
  if (frame + callee.num_registers > ts.registers.get() + kRegisterStackSize) {
    --ts.depth;
    lang::raise("RecursionError", "maximum recursion depth exceeded (register stack exhausted)");
  }
  for (size_t i = 0; i < nargs; ++i) frame[i] = *args[i];
  IValue result;
  try {
    result = execute(callee, frame, ts);
  } catch (...) {
    --ts.depth;
    throw;
  }
  --ts.depth;
  return result;
}

IValue execute(const Code& code, IValue* regs, ThreadState& ts) {
  const Instr* instrs = code.instrs.data();
  const uint32_t* ops = code.operands.data();
  size_t pc = 0;
  try {
    for (;;) {
      const Instr& in = instrs[pc];
      switch (in.op) {
        case Opcode::LOADK: regs[in.a] = code.constants[in.b]; break;
        case Opcode::MOVE: regs[in.a] = regs[in.b]; break;
        case Opcode::JUMP: pc = in.a; continue;
        case Opcode::JUMP_IF_FALSE:
          if (!regs[in.a].toBool()) {
            pc = in.b;
            continue;
          }
          break;
#define WICK_BRANCH(opcode, op)                           \
  case Opcode::opcode:                                    \
    if (!(regs[in.a].toInt() op regs[in.b].toInt())) {    \
      pc = in.c;                                          \
      continue;                                           \
    }                                                     \
    break;
        WICK_BRANCH(JUMP_IF_NOT_LT_I, <)
        WICK_BRANCH(JUMP_IF_NOT_LE_I, <=)
        WICK_BRANCH(JUMP_IF_NOT_GT_I, >)
        WICK_BRANCH(JUMP_IF_NOT_GE_I, >=)
        WICK_BRANCH(JUMP_IF_NOT_EQ_I, ==)
        WICK_BRANCH(JUMP_IF_NOT_NE_I, !=)
#undef WICK_BRANCH
        case Opcode::LOOP_TEST:
          if (!(regs[in.a].toBool() && regs[in.b].toInt() < regs[in.c].toInt())) {
            pc = ops[reinterpret_cast<uintptr_t>(in.p)];
            continue;
          }
          break;
        case Opcode::INC: regs[in.a].setInt(regs[in.a].toInt() + 1); break;
        case Opcode::ADD_I: regs[in.a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in.b].toInt()) + static_cast<uint64_t>(regs[in.c].toInt()))); break;
        case Opcode::SUB_I: regs[in.a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in.b].toInt()) - static_cast<uint64_t>(regs[in.c].toInt()))); break;
        case Opcode::MUL_I: regs[in.a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in.b].toInt()) * static_cast<uint64_t>(regs[in.c].toInt()))); break;
        case Opcode::FLOORDIV_I: {
          int64_t x = regs[in.b].toInt(), y = regs[in.c].toInt();
          if (y == 0) lang::raise("ZeroDivisionError", "integer division or modulo by zero");
          int64_t q = x / y;
          if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
          regs[in.a].setInt(q);
          break;
        }
        case Opcode::MOD_I: {
          int64_t x = regs[in.b].toInt(), y = regs[in.c].toInt();
          if (y == 0) lang::raise("ZeroDivisionError", "integer division or modulo by zero");
          int64_t m = x % y;
          if (m != 0 && ((m < 0) != (y < 0))) m += y;
          regs[in.a].setInt(m);
          break;
        }
        case Opcode::LT_I: regs[in.a].setBool(regs[in.b].toInt() < regs[in.c].toInt()); break;
        case Opcode::LE_I: regs[in.a].setBool(regs[in.b].toInt() <= regs[in.c].toInt()); break;
        case Opcode::GT_I: regs[in.a].setBool(regs[in.b].toInt() > regs[in.c].toInt()); break;
        case Opcode::GE_I: regs[in.a].setBool(regs[in.b].toInt() >= regs[in.c].toInt()); break;
        case Opcode::EQ_I: regs[in.a].setBool(regs[in.b].toInt() == regs[in.c].toInt()); break;
        case Opcode::NE_I: regs[in.a].setBool(regs[in.b].toInt() != regs[in.c].toInt()); break;
        case Opcode::ADD_F: regs[in.a].setDouble(regs[in.b].toDouble() + regs[in.c].toDouble()); break;
        case Opcode::SUB_F: regs[in.a].setDouble(regs[in.b].toDouble() - regs[in.c].toDouble()); break;
        case Opcode::MUL_F: regs[in.a].setDouble(regs[in.b].toDouble() * regs[in.c].toDouble()); break;
        case Opcode::DIV_F: regs[in.a].setDouble(regs[in.b].toDouble() / regs[in.c].toDouble()); break;
        case Opcode::LT_F: regs[in.a].setBool(regs[in.b].toDouble() < regs[in.c].toDouble()); break;
        case Opcode::GT_F: regs[in.a].setBool(regs[in.b].toDouble() > regs[in.c].toDouble()); break;
        case Opcode::NOT: regs[in.a].setBool(!regs[in.b].toBool()); break;
        case Opcode::OP: {
          auto* op = static_cast<const lang::Operator*>(in.p);
          lang::Stack& stack = ts.stack;
          size_t base = stack.size();
          for (uint32_t i = 0; i < in.c; ++i) stack.push_back(regs[ops[in.b + i]]);
          if (op->schema.is_vararg)
            stack.push_back(IValue(static_cast<int64_t>(in.c - op->schema.arguments.size())));
          op->kernel(stack);
          WICK_ASSERT(stack.size() == base + in.a, "kernel of " + op->schema.str() + " left the stack unbalanced");
          for (uint32_t i = 0; i < in.a; ++i) regs[ops[in.b + in.c + i]] = std::move(stack[base + i]);
          stack.resize(base);
          break;
        }
        case Opcode::CALL: {
          auto* fn = const_cast<lang::Function*>(static_cast<const lang::Function*>(in.p));
          const IValue* args[64];
          WICK_ASSERT(in.c <= 64, "too many call arguments");
          for (uint32_t i = 0; i < in.c; ++i) args[i] = &regs[ops[in.b + i]];
          regs[ops[in.b + in.c]] = call(*fn, regs + code.num_registers, args, in.c, ts);
          break;
        }
        case Opcode::CALL_METHOD: {
          const IValue& self = regs[ops[in.b]];
          const std::string& name = code.strings[in.a];
          lang::Function* fn = self.isObject() ? self.toObject()->type->findMethod(name) : nullptr;
          if (!fn) lang::raise("RuntimeError", "object of type " + lang::typeOf(self)->str() + " has no method '" + name + "'");
          const IValue* args[64];
          WICK_ASSERT(in.c <= 64, "too many call arguments");
          for (uint32_t i = 0; i < in.c; ++i) args[i] = &regs[ops[in.b + i]];
          regs[ops[in.b + in.c]] = call(*fn, regs + code.num_registers, args, in.c, ts);
          break;
        }
        case Opcode::RET: {
          IValue result = std::move(regs[in.a]);
          for (uint32_t r : code.heap_registers) regs[r] = IValue();
          return result;
        }
        case Opcode::LIST: {
          std::vector<IValue> items;
          items.reserve(in.c);
          for (uint32_t i = 0; i < in.c; ++i) items.push_back(regs[ops[in.b + i]]);
          regs[in.a] = IValue(Ref<lang::ListObj>::make(*static_cast<const lang::TypePtr*>(in.p), std::move(items)));
          break;
        }
        case Opcode::DICT: {
          const auto& t = *static_cast<const lang::TypePtr*>(in.p);
          auto d = Ref<lang::DictObj>::make(t->key(), t->value());
          for (uint32_t i = 0; i + 1 < in.c; i += 2) d->set(regs[ops[in.b + i]], regs[ops[in.b + i + 1]]);
          regs[in.a] = IValue(d);
          break;
        }
        case Opcode::TUPLE: {
          std::vector<IValue> items;
          items.reserve(in.c);
          for (uint32_t i = 0; i < in.c; ++i) items.push_back(regs[ops[in.b + i]]);
          lang::TypePtr t = in.p ? *static_cast<const lang::TypePtr*>(in.p) : nullptr;
          regs[in.a] = IValue(Ref<lang::TupleObj>::make(std::move(items), t));
          break;
        }
        case Opcode::UNPACK: {
          IValue v = regs[in.a];
          const auto& items = v.isTuple() ? v.toTuple()->items : v.toList()->items;
          if (items.size() != in.c)
            lang::raise("ValueError", "expected " + std::to_string(in.c) + " values to unpack, got " + std::to_string(items.size()));
          for (uint32_t i = 0; i < in.c; ++i) regs[ops[in.b + i]] = items[i];
          break;
        }
        case Opcode::TUPLE_INDEX: {
          IValue v = regs[in.b].toTuple()->items[in.c];
          regs[in.a] = std::move(v);
          break;
        }
        case Opcode::GETATTR: {
          IValue v = regs[in.b].toObject()->slots[in.c];
          regs[in.a] = std::move(v);
          break;
        }
        case Opcode::SETATTR: regs[in.a].toObject()->slots[in.c] = regs[in.b]; break;
        case Opcode::NEWOBJ: {
          auto cls = std::static_pointer_cast<lang::ClassType>(std::const_pointer_cast<lang::Type>(*static_cast<const lang::TypePtr*>(in.p)));
          regs[in.a] = IValue(Ref<lang::Object>::make(cls, cls->attributes().size()));
          break;
        }
        case Opcode::RAISE: {
          const std::string& kind = code.strings[reinterpret_cast<uintptr_t>(in.p)];
          throw lang::Error(kind, regs[in.a].isStr() ? regs[in.a].toStr() : lang::toStr(regs[in.a]));
        }
        case Opcode::PRINT: {
          std::string line;
          for (uint32_t i = 0; i < in.c; ++i) line += (i ? " " : "") + lang::toStr(regs[ops[in.b + i]]);
          line += "\n";
          std::fwrite(line.data(), 1, line.size(), stdout);
          break;
        }
        case Opcode::ISINSTANCE: regs[in.a].setBool(isInstance(regs[in.b], code.type_lists[in.c])); break;
        case Opcode::ENUM_NAME: {
          IValue v(regs[in.b].toEnum()->name);
          regs[in.a] = std::move(v);
          break;
        }
        case Opcode::ENUM_VALUE: {
          IValue v = regs[in.b].toEnum()->value;
          regs[in.a] = std::move(v);
          break;
        }
      }
      ++pc;
    }
  } catch (lang::Error& e) {
    // Inlined callees keep their frames: innermost callee, then each call site.
    lang::SourceRange range = code.ranges[pc];
    if (const auto& stack = code.inline_stacks[pc]) {
      for (const lang::InlinedCall& c : *stack) {
        e.addFrame(c.function, range);
        range = c.call_site;
      }
    }
    e.addFrame(code.name, range);
    throw;
  }
}

}  // namespace

lang::IValue run(lang::Function& fn, std::vector<lang::IValue> args) {
  ThreadState& ts = threadState();
  // Find the first free register: the outermost call starts at the bottom.
  IValue* top = ts.registers.get();
  std::vector<const IValue*> ptrs;
  for (const auto& a : args) ptrs.push_back(&a);
  if (ts.depth > 0) lang::raise("RuntimeError", "re-entrant run() on one thread is not supported");
  return call(fn, top, ptrs.data(), ptrs.size(), ts);
}

}  // namespace wick::interp
