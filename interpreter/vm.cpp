// The dispatch loop: the one long function (STYLE.md), as Lua's luaV_execute.
//
// Registers are IValues in a per-thread stack; a frame is a window of
// Code::num_registers slots starting at `regs`. Scalars stay unboxed in the
// registers, so int/float/bool arithmetic never allocates.
#include <cstdio>
#include <cstdlib>
#include <new>
#include <memory>

#include "interpreter/code.h"
#include "interpreter/runtime.h"
#include "lang/error.h"

namespace wick::interp {

using lang::IValue;
using lang::Ref;

namespace {

constexpr size_t kRegisterStackSize = 1 << 18;

// A caller suspended by CALL inside the dispatch loop (Note [Calls without
// recursion]): where to resume and which register receives the result.
struct Frame {
  const Code* code;
  IValue* regs;
  size_t pc;
  uint32_t dest;
};

// Note [Register stack]: all zero bytes are a None IValue, so the stack is
// calloc'd: the kernel maps its pages on first touch, and a program that
// needs a few hundred registers never pays for the 4 MB it leaves unused,
// neither at start-up nor at exit, when only the registers below the
// high-water mark are destroyed.
class RegisterStack {
 public:
  RegisterStack() : base_(static_cast<IValue*>(std::calloc(kRegisterStackSize, sizeof(IValue)))) {
    if (!base_) throw std::bad_alloc();
    high_water_ = base_;
  }
  ~RegisterStack() {
    for (IValue* r = base_; r != high_water_; ++r) r->~IValue();
    std::free(base_);
  }
  RegisterStack(const RegisterStack&) = delete;
  RegisterStack& operator=(const RegisterStack&) = delete;
  IValue* get() const { return base_; }
  // Makes [base, top) usable; false when that passes the end of the stack.
  bool reserve(IValue* top) {
    if (top <= high_water_) return true;
    if (top > base_ + kRegisterStackSize) return false;
    high_water_ = top;
    return true;
  }

 private:
  IValue* base_;
  IValue* high_water_;
};

struct ThreadState {
  RegisterStack registers;
  lang::Stack stack;
  std::vector<Frame> frames;
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
  if (!ts.registers.reserve(frame + callee.num_registers)) {
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

// Note [Calls without recursion]: a call between compiled functions does
// not recurse in C++. CALL pushes the caller's Frame on ts.frames and the loop
// goes on in the callee's code, with its registers right above the caller's;
// RET pops back. So a call costs a few stores, and deep recursion costs
// registers, not C stack. `execute` returns when the frame it was entered
// with returns; an error unwinds the frames it pushed, adding each to the
// traceback.
IValue execute(const Code& entry, IValue* regs, ThreadState& ts) {
  const Code* code_ptr = &entry;
  const Instr* instrs = entry.instrs.data();
  const uint32_t* ops = entry.operands.data();
  size_t pc = 0;
  const size_t base_frames = ts.frames.size();
  auto enter = [&](lang::Function& fn, const IValue* const* args, uint32_t nargs, uint32_t dest) {
    const Code& callee = codeFor(fn);
    IValue* frame = regs + code_ptr->num_registers;
    if (ts.depth + 1 > kMaxCallDepth) lang::raise("RecursionError", "maximum recursion depth exceeded");
    if (!ts.registers.reserve(frame + callee.num_registers))
      lang::raise("RecursionError", "maximum recursion depth exceeded (register stack exhausted)");
    for (uint32_t i = 0; i < nargs; ++i) frame[i] = *args[i];
    ts.frames.push_back({code_ptr, regs, pc, dest});
    ++ts.depth;
    code_ptr = &callee;
    instrs = callee.instrs.data();
    ops = callee.operands.data();
    regs = frame;
    pc = 0;
  };
  try {
    // Threaded dispatch (GCC's labels as values): each handler ends with its
    // own indirect jump, which the branch predictor learns per opcode.
#define WICK_LABEL(name, meaning) &&L_##name,
    static const void* const kDispatch[] = {WICK_OPCODES(WICK_LABEL)};
#undef WICK_LABEL
    const Instr* in;
#define DISPATCH()                                        \
  do {                                                    \
    in = &instrs[pc];                                     \
    goto* kDispatch[static_cast<unsigned>(in->op)];       \
  } while (0)
#define NEXT() \
  do {         \
    ++pc;      \
    DISPATCH(); \
  } while (0)
    DISPATCH();
    {
        L_LOADK: regs[in->a] = code_ptr->constants[in->b]; NEXT();
        L_MOVE: regs[in->a] = regs[in->b]; NEXT();
        L_JUMP: pc = in->a; DISPATCH();
        L_JUMP_IF_FALSE:
          if (!regs[in->a].toBool()) {
            pc = in->b;
            DISPATCH();
          }
          NEXT();
#define WICK_BRANCH(opcode, op)                           \
  L_##opcode:                                    \
    if (!(regs[in->a].toInt() op regs[in->b].toInt())) {    \
      pc = in->c;                                          \
      DISPATCH();                                           \
    }                                                     \
    NEXT();
        WICK_BRANCH(JUMP_IF_NOT_LT_I, <)
        WICK_BRANCH(JUMP_IF_NOT_LE_I, <=)
        WICK_BRANCH(JUMP_IF_NOT_GT_I, >)
        WICK_BRANCH(JUMP_IF_NOT_GE_I, >=)
        WICK_BRANCH(JUMP_IF_NOT_EQ_I, ==)
        WICK_BRANCH(JUMP_IF_NOT_NE_I, !=)
#undef WICK_BRANCH
#define WICK_BRANCH_K(opcode, op)                                                   \
  L_##opcode:                                                                       \
    if (!(regs[in->a].toInt() op static_cast<int64_t>(static_cast<int32_t>(in->b)))) { \
      pc = in->c;                                                                   \
      DISPATCH();                                                                   \
    }                                                                               \
    NEXT();
        WICK_BRANCH_K(JUMP_IF_NOT_LT_IK, <)
        WICK_BRANCH_K(JUMP_IF_NOT_LE_IK, <=)
        WICK_BRANCH_K(JUMP_IF_NOT_GT_IK, >)
        WICK_BRANCH_K(JUMP_IF_NOT_GE_IK, >=)
        WICK_BRANCH_K(JUMP_IF_NOT_EQ_IK, ==)
        WICK_BRANCH_K(JUMP_IF_NOT_NE_IK, !=)
#undef WICK_BRANCH_K
        L_ADD_IK: regs[in->a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(in->c))))); NEXT();
        L_SUB_IK: regs[in->a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) - static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(in->c))))); NEXT();
        L_LOOP_TEST:
          if (!(regs[in->a].toBool() && regs[in->b].toInt() < regs[in->c].toInt())) {
            pc = ops[reinterpret_cast<uintptr_t>(in->p)];
            DISPATCH();
          }
          NEXT();
        L_INC: regs[in->a].setInt(regs[in->a].toInt() + 1); NEXT();
        L_ADD_I: regs[in->a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) + static_cast<uint64_t>(regs[in->c].toInt()))); NEXT();
        L_SUB_I: regs[in->a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) - static_cast<uint64_t>(regs[in->c].toInt()))); NEXT();
        L_MUL_I: regs[in->a].setInt(static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) * static_cast<uint64_t>(regs[in->c].toInt()))); NEXT();
        L_FLOORDIV_I: {
          int64_t x = regs[in->b].toInt(), y = regs[in->c].toInt();
          if (y == 0) lang::raise("ZeroDivisionError", "integer division or modulo by zero");
          int64_t q = x / y;
          if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
          regs[in->a].setInt(q);
          NEXT();
        }
        L_MOD_I: {
          int64_t x = regs[in->b].toInt(), y = regs[in->c].toInt();
          if (y == 0) lang::raise("ZeroDivisionError", "integer division or modulo by zero");
          int64_t m = x % y;
          if (m != 0 && ((m < 0) != (y < 0))) m += y;
          regs[in->a].setInt(m);
          NEXT();
        }
        L_LT_I: regs[in->a].setBool(regs[in->b].toInt() < regs[in->c].toInt()); NEXT();
        L_LE_I: regs[in->a].setBool(regs[in->b].toInt() <= regs[in->c].toInt()); NEXT();
        L_GT_I: regs[in->a].setBool(regs[in->b].toInt() > regs[in->c].toInt()); NEXT();
        L_GE_I: regs[in->a].setBool(regs[in->b].toInt() >= regs[in->c].toInt()); NEXT();
        L_EQ_I: regs[in->a].setBool(regs[in->b].toInt() == regs[in->c].toInt()); NEXT();
        L_NE_I: regs[in->a].setBool(regs[in->b].toInt() != regs[in->c].toInt()); NEXT();
        L_ADD_F: regs[in->a].setDouble(regs[in->b].toDouble() + regs[in->c].toDouble()); NEXT();
        L_SUB_F: regs[in->a].setDouble(regs[in->b].toDouble() - regs[in->c].toDouble()); NEXT();
        L_MUL_F: regs[in->a].setDouble(regs[in->b].toDouble() * regs[in->c].toDouble()); NEXT();
        L_DIV_F: regs[in->a].setDouble(regs[in->b].toDouble() / regs[in->c].toDouble()); NEXT();
        L_LT_F: regs[in->a].setBool(regs[in->b].toDouble() < regs[in->c].toDouble()); NEXT();
        L_GT_F: regs[in->a].setBool(regs[in->b].toDouble() > regs[in->c].toDouble()); NEXT();
        L_NOT: regs[in->a].setBool(!regs[in->b].toBool()); NEXT();
        L_OP: {
          auto* op = static_cast<const lang::Operator*>(in->p);
          lang::Stack& stack = ts.stack;
          size_t base = stack.size();
          for (uint32_t i = 0; i < in->c; ++i) stack.push_back(regs[ops[in->b + i]]);
          if (op->schema.is_vararg)
            stack.push_back(IValue(static_cast<int64_t>(in->c - op->schema.arguments.size())));
          op->kernel(stack);
          WICK_ASSERT(stack.size() == base + in->a, "kernel of " + op->schema.str() + " left the stack unbalanced");
          for (uint32_t i = 0; i < in->a; ++i) regs[ops[in->b + in->c + i]] = std::move(stack[base + i]);
          stack.resize(base);
          NEXT();
        }
        L_CALL: {
          auto* fn = const_cast<lang::Function*>(static_cast<const lang::Function*>(in->p));
          const IValue* args[64];
          WICK_ASSERT(in->c <= 64, "too many call arguments");
          for (uint32_t i = 0; i < in->c; ++i) args[i] = &regs[ops[in->b + i]];
          enter(*fn, args, in->c, ops[in->b + in->c]);
          DISPATCH();
        }
        L_CALL_METHOD: {
          const IValue& self = regs[ops[in->b]];
          const std::string& name = code_ptr->strings[in->a];
          lang::Function* fn = self.isObject() ? self.toObject()->type->findMethod(name) : nullptr;
          if (!fn) lang::raise("RuntimeError", "object of type " + lang::typeOf(self)->str() + " has no method '" + name + "'");
          const IValue* args[64];
          WICK_ASSERT(in->c <= 64, "too many call arguments");
          for (uint32_t i = 0; i < in->c; ++i) args[i] = &regs[ops[in->b + i]];
          enter(*fn, args, in->c, ops[in->b + in->c]);
          DISPATCH();
        }
        L_RET: {
          IValue result = std::move(regs[in->a]);
          for (uint32_t r : code_ptr->heap_registers) regs[r] = IValue();
          if (ts.frames.size() == base_frames) return result;
          const Frame f = ts.frames.back();
          ts.frames.pop_back();
          --ts.depth;
          code_ptr = f.code;
          instrs = f.code->instrs.data();
          ops = f.code->operands.data();
          regs = f.regs;
          pc = f.pc + 1;
          regs[f.dest] = std::move(result);
          DISPATCH();
        }
        L_LIST: {
          std::vector<IValue> items;
          items.reserve(in->c);
          for (uint32_t i = 0; i < in->c; ++i) items.push_back(regs[ops[in->b + i]]);
          regs[in->a] = IValue(Ref<lang::ListObj>::make(*static_cast<const lang::TypePtr*>(in->p), std::move(items)));
          NEXT();
        }
        L_DICT: {
          const auto& t = *static_cast<const lang::TypePtr*>(in->p);
          auto d = Ref<lang::DictObj>::make(t->key(), t->value());
          for (uint32_t i = 0; i + 1 < in->c; i += 2) d->set(regs[ops[in->b + i]], regs[ops[in->b + i + 1]]);
          regs[in->a] = IValue(d);
          NEXT();
        }
        L_TUPLE: {
          std::vector<IValue> items;
          items.reserve(in->c);
          for (uint32_t i = 0; i < in->c; ++i) items.push_back(regs[ops[in->b + i]]);
          lang::TypePtr t = in->p ? *static_cast<const lang::TypePtr*>(in->p) : nullptr;
          regs[in->a] = IValue(Ref<lang::TupleObj>::make(std::move(items), t));
          NEXT();
        }
        L_UNPACK: {
          IValue v = regs[in->a];
          const auto& items = v.isTuple() ? v.toTuple()->items : v.toList()->items;
          if (items.size() != in->c)
            lang::raise("ValueError", "expected " + std::to_string(in->c) + " values to unpack, got " + std::to_string(items.size()));
          for (uint32_t i = 0; i < in->c; ++i) regs[ops[in->b + i]] = items[i];
          NEXT();
        }
        L_TUPLE_INDEX: {
          IValue v = regs[in->b].toTuple()->items[in->c];
          regs[in->a] = std::move(v);
          NEXT();
        }
        L_GETATTR: {
          IValue v = regs[in->b].toObject()->slots[in->c];
          regs[in->a] = std::move(v);
          NEXT();
        }
        L_SETATTR: regs[in->a].toObject()->slots[in->c] = regs[in->b]; NEXT();
        L_NEWOBJ: {
          auto cls = std::static_pointer_cast<lang::ClassType>(std::const_pointer_cast<lang::Type>(*static_cast<const lang::TypePtr*>(in->p)));
          regs[in->a] = IValue(Ref<lang::Object>::make(cls, cls->attributes().size()));
          NEXT();
        }
        L_RAISE: {
          const std::string& kind = code_ptr->strings[reinterpret_cast<uintptr_t>(in->p)];
          throw lang::Error(kind, regs[in->a].isStr() ? regs[in->a].toStr() : lang::toStr(regs[in->a]));
        }
        L_PRINT: {
          std::string line;
          for (uint32_t i = 0; i < in->c; ++i) line += (i ? " " : "") + lang::toStr(regs[ops[in->b + i]]);
          line += "\n";
          std::fwrite(line.data(), 1, line.size(), stdout);
          NEXT();
        }
        L_ISINSTANCE: regs[in->a].setBool(isInstance(regs[in->b], code_ptr->type_lists[in->c])); NEXT();
        L_ENUM_NAME: {
          IValue v(regs[in->b].toEnum()->name);
          regs[in->a] = std::move(v);
          NEXT();
        }
        L_ENUM_VALUE: {
          IValue v = regs[in->b].toEnum()->value;
          regs[in->a] = std::move(v);
          NEXT();
        }
    }
#undef NEXT
#undef DISPATCH
  } catch (lang::Error& e) {
    // Each active frame, innermost first; inlined callees keep their frames
    // too: innermost callee, then each call site.
    for (;;) {
      const Code& code = *code_ptr;
      lang::SourceRange range = code.ranges[pc];
      if (const auto& stack = code.inline_stacks[pc]) {
        for (const lang::InlinedCall& c : *stack) {
          e.addFrame(c.function, range);
          range = c.call_site;
        }
      }
      e.addFrame(code.name, range);
      if (ts.frames.size() == base_frames) break;
      code_ptr = ts.frames.back().code;
      pc = ts.frames.back().pc;
      ts.frames.pop_back();
      --ts.depth;
    }
    throw;
  } catch (...) {
    ts.depth -= static_cast<int>(ts.frames.size() - base_frames);
    ts.frames.resize(base_frames);
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
