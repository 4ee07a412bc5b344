// The dispatch loop: the one long function (STYLE.md), as Lua's luaV_execute.
//
// Registers are IValues in a per-thread stack; a frame is a window of
// Code::num_registers slots starting at `regs`. Scalars stay unboxed in the
// registers, so int/float/bool arithmetic never allocates.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>

#include "interpreter/code.h"
#include "interpreter/runtime.h"
#include "lang/error.h"

namespace wick::interp {

using lang::IValue;
using lang::Ref;

namespace {

constexpr size_t kRegisterStackSize = 1 << 18;

// One active call (Note [Calls without recursion]). `pc` is the instruction
// the frame is executing: for a caller, its CALL; for the innermost frame it
// is saved before every instruction that may raise (Note [Saved pc]).
struct Frame {
  const Code* code;
  IValue* regs;
  const Instr* pc;
  uint32_t dest;  // the caller's register that receives this frame's result
};

// Frame::dest of the frame `run` enters: its RET leaves the loop.
constexpr uint32_t kReturnToRun = UINT32_MAX;

// Per thread: the register stack and a frame stack preallocated to the depth
// limit, so a call never allocates.
// Note [Register stack]: registers above the active frame hold no
// references (RET and unwinding clear the ones that may), and all zero bytes
// are a None IValue. So the stack is calloc'd and freed without running
// destructors: the kernel maps its pages on first touch, and a program that
// needs a few hundred registers never pays for the 4 MB it leaves unused,
// neither at start-up nor at exit.
struct FreeRegisters {
  void operator()(IValue* p) const { std::free(p); }
};
std::unique_ptr<IValue[], FreeRegisters> allocateRegisters() {
  void* p = std::calloc(kRegisterStackSize, sizeof(IValue));
  if (!p) throw std::bad_alloc();
  return std::unique_ptr<IValue[], FreeRegisters>(static_cast<IValue*>(p));
}

struct ThreadState {
  std::unique_ptr<IValue[], FreeRegisters> registers = allocateRegisters();
  std::unique_ptr<Frame[]> frames{new Frame[kMaxCallDepth]};
  Frame* top = nullptr;  // the innermost active frame; null when not running
  lang::Stack stack;     // kernel arguments (Note [Kernel stack])
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

// An input operand (Note [Moved operands]): moved out of its register on
// its last use, copied otherwise.
inline IValue takeOperand(IValue* regs, uint32_t operand) {
  if (operand & kMoveOperand) return std::move(regs[operand & ~kMoveOperand]);
  return regs[operand];
}

// Initializes a callee's parameter register from an input operand. Registers
// above the active frame hold no references (RET and unwinding clear the
// registers that may), so there is no old value to release.
inline void passOperand(IValue& param, IValue* regs, uint32_t operand) {
  IValue& src = regs[operand & ~kMoveOperand];
  if (operand & kMoveOperand) new (&param) IValue(std::move(src));
  else new (&param) IValue(src);
}

// Note [Typed registers]: lowering gives every SSA value a register of its
// own, so a register's static type never changes. One of type int, float or
// bool holds that scalar or None (a fresh frame's registers: Note [Register
// stack]) -- never a reference -- so the scalar handlers overwrite it without
// the release check IValue::setInt would make. Writing a scalar handler's
// result into a register of any other type would leak what it held.
inline void storeInt(IValue& r, int64_t x) { new (&r) IValue(x); }
inline void storeDouble(IValue& r, double x) { new (&r) IValue(x); }
inline void storeBool(IValue& r, bool x) { new (&r) IValue(x); }

[[noreturn, gnu::cold, gnu::noinline]] void raiseRecursion(bool registers_exhausted) {
  if (registers_exhausted)
    lang::raise("RecursionError", "maximum recursion depth exceeded (register stack exhausted)");
  lang::raise("RecursionError", "maximum recursion depth exceeded");
}

[[noreturn, gnu::cold, gnu::noinline]] void raiseZeroDivision() {
  lang::raise("ZeroDivisionError", "integer division or modulo by zero");
}

// The lowered code of a callee; lowers it on first use (cold).
[[gnu::noinline]] const Code& lowerCallee(lang::Function& fn) { return codeFor(fn); }

inline const Code& calleeCode(lang::Function& fn) {
  if (const void* c = fn.code_ptr.load(std::memory_order_acquire)) [[likely]]
    return *static_cast<const Code*>(c);
  return lowerCallee(fn);
}

// Drops the references a frame's registers hold, as RET does.
void clearFrame(const Frame& f) {
  for (uint32_t r : f.code->heap_registers) f.regs[r] = IValue();
}

// Each active frame from the innermost to `base`, inlined callees included
// (innermost callee, then each call site).
void addTraceback(lang::Error& e, const Frame* top, const Frame* base) {
  for (const Frame* f = top; f >= base; --f) {
    const Code& code = *f->code;
    size_t pc = static_cast<size_t>(f->pc - code.instrs.data());
    lang::SourceRange range = code.ranges[pc];
    if (const auto& stack = code.inline_stacks[pc]) {
      for (const lang::InlinedCall& c : *stack) {
        e.addFrame(c.function, range);
        range = c.call_site;
      }
    }
    e.addFrame(code.name, range);
  }
}

IValue dispatch(ThreadState& ts);

// Note [Calls without recursion]: a call between compiled functions does
// not recurse in C++. CALL records the caller's pc in its Frame, pushes the
// callee's Frame and the loop goes on in the callee's code, with its
// registers right above the caller's; RET pops back. So a call costs a few
// stores and no allocation, and deep recursion costs registers, not C stack.
// `run` enters the loop once; an error unwinds every frame, adding each to
// the traceback.
IValue runFrame(const Code& code, std::vector<IValue>& args, ThreadState& ts) {
  IValue* regs = ts.registers.get();
  if (code.num_registers > kRegisterStackSize) raiseRecursion(true);
  for (size_t i = 0; i < args.size(); ++i) regs[i] = std::move(args[i]);
  Frame* base = ts.frames.get();
  *base = {&code, regs, code.instrs.data(), kReturnToRun};
  ts.top = base;
  try {
    IValue result = dispatch(ts);
    ts.top = nullptr;
    return result;
  } catch (...) {
    const Frame* top = ts.top;
    ts.top = nullptr;
    for (const Frame* f = top; f >= base; --f) clearFrame(*f);
    try {
      throw;
    } catch (lang::Error& e) {
      addTraceback(e, top, base);
      throw;
    }
  }
}

// Note [Saved pc]: the loop keeps pc, registers and code in locals (machine
// registers) and has no try block, so nothing forces them to memory. An
// instruction that may raise first stores pc into its Frame and the frame
// into ts.top (SAVE_PC); CALL stores its pc too. That is all runFrame's
// handler reads to build the traceback and unwind, so CALL and RET need not
// keep ts.top current. A raising handler without SAVE_PC would report the
// wrong line, or frames that already returned.
IValue dispatch(ThreadState& ts) {
  Frame* fp = ts.top;
  Frame* const frames_end = ts.frames.get() + kMaxCallDepth;
  IValue* const regs_end = ts.registers.get() + kRegisterStackSize;
  const Code* code = fp->code;
  IValue* regs = fp->regs;
  const Instr* instrs = code->instrs.data();
  const uint32_t* ops = code->operands.data();
  const Instr* in = fp->pc;
  // Threaded dispatch (GCC's labels as values): each handler ends with its
  // own indirect jump, which the branch predictor learns per opcode.
#define WICK_LABEL(name, meaning) &&L_##name,
  static const void* const kDispatch[] = {WICK_OPCODES(WICK_LABEL)};
#undef WICK_LABEL
#define DISPATCH() goto* kDispatch[static_cast<unsigned>(in->op)]
#define NEXT() \
  do {         \
    ++in;      \
    DISPATCH(); \
  } while (0)
#define JUMP_TO(target) \
  do {                  \
    in = instrs + (target); \
    DISPATCH();         \
  } while (0)
#define SAVE_PC() (fp->pc = in, ts.top = fp)
  DISPATCH();
  {
      L_LOADK: regs[in->a] = code->constants[in->b]; NEXT();
      L_MOVE: regs[in->a] = regs[in->b]; NEXT();
      L_JUMP: JUMP_TO(in->a);
      L_JUMP_IF_FALSE:
        if (!regs[in->a].toBool()) JUMP_TO(in->b);
        NEXT();
#define WICK_BRANCH(opcode, op)                                              \
  L_##opcode:                                                                \
    if (!(regs[in->a].toInt() op regs[in->b].toInt())) JUMP_TO(in->c);        \
    NEXT();
      WICK_BRANCH(JUMP_IF_NOT_LT_I, <)
      WICK_BRANCH(JUMP_IF_NOT_LE_I, <=)
      WICK_BRANCH(JUMP_IF_NOT_GT_I, >)
      WICK_BRANCH(JUMP_IF_NOT_GE_I, >=)
      WICK_BRANCH(JUMP_IF_NOT_EQ_I, ==)
      WICK_BRANCH(JUMP_IF_NOT_NE_I, !=)
#undef WICK_BRANCH
#define WICK_BRANCH_K(opcode, op)                                                                       \
  L_##opcode:                                                                                           \
    if (!(regs[in->a].toInt() op static_cast<int64_t>(static_cast<int32_t>(in->b)))) JUMP_TO(in->c);     \
    NEXT();
      WICK_BRANCH_K(JUMP_IF_NOT_LT_IK, <)
      WICK_BRANCH_K(JUMP_IF_NOT_LE_IK, <=)
      WICK_BRANCH_K(JUMP_IF_NOT_GT_IK, >)
      WICK_BRANCH_K(JUMP_IF_NOT_GE_IK, >=)
      WICK_BRANCH_K(JUMP_IF_NOT_EQ_IK, ==)
      WICK_BRANCH_K(JUMP_IF_NOT_NE_IK, !=)
#undef WICK_BRANCH_K
      L_ADD_IK: storeInt(regs[in->a], static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(in->c))))); NEXT();
      L_SUB_IK: storeInt(regs[in->a], static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) - static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(in->c))))); NEXT();
      L_LOOP_TEST:
        if (!(regs[in->a].toBool() && regs[in->b].toInt() < regs[in->c].toInt()))
          JUMP_TO(ops[reinterpret_cast<uintptr_t>(in->p)]);
        NEXT();
      L_INC: storeInt(regs[in->a], regs[in->a].toInt() + 1); NEXT();
      L_ADD_I: storeInt(regs[in->a], static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) + static_cast<uint64_t>(regs[in->c].toInt()))); NEXT();
      L_SUB_I: storeInt(regs[in->a], static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) - static_cast<uint64_t>(regs[in->c].toInt()))); NEXT();
      L_MUL_I: storeInt(regs[in->a], static_cast<int64_t>(static_cast<uint64_t>(regs[in->b].toInt()) * static_cast<uint64_t>(regs[in->c].toInt()))); NEXT();
      L_FLOORDIV_I: {
        int64_t x = regs[in->b].toInt(), y = regs[in->c].toInt();
        if (y == 0) [[unlikely]] {
          SAVE_PC();
          raiseZeroDivision();
        }
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        storeInt(regs[in->a], q);
        NEXT();
      }
      L_MOD_I: {
        int64_t x = regs[in->b].toInt(), y = regs[in->c].toInt();
        if (y == 0) [[unlikely]] {
          SAVE_PC();
          raiseZeroDivision();
        }
        int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        storeInt(regs[in->a], m);
        NEXT();
      }
      L_LT_I: storeBool(regs[in->a], regs[in->b].toInt() < regs[in->c].toInt()); NEXT();
      L_LE_I: storeBool(regs[in->a], regs[in->b].toInt() <= regs[in->c].toInt()); NEXT();
      L_GT_I: storeBool(regs[in->a], regs[in->b].toInt() > regs[in->c].toInt()); NEXT();
      L_GE_I: storeBool(regs[in->a], regs[in->b].toInt() >= regs[in->c].toInt()); NEXT();
      L_EQ_I: storeBool(regs[in->a], regs[in->b].toInt() == regs[in->c].toInt()); NEXT();
      L_NE_I: storeBool(regs[in->a], regs[in->b].toInt() != regs[in->c].toInt()); NEXT();
      L_ADD_F: storeDouble(regs[in->a], regs[in->b].toDouble() + regs[in->c].toDouble()); NEXT();
      L_SUB_F: storeDouble(regs[in->a], regs[in->b].toDouble() - regs[in->c].toDouble()); NEXT();
      L_MUL_F: storeDouble(regs[in->a], regs[in->b].toDouble() * regs[in->c].toDouble()); NEXT();
      L_DIV_F: storeDouble(regs[in->a], regs[in->b].toDouble() / regs[in->c].toDouble()); NEXT();
      L_LT_F: storeBool(regs[in->a], regs[in->b].toDouble() < regs[in->c].toDouble()); NEXT();
      L_GT_F: storeBool(regs[in->a], regs[in->b].toDouble() > regs[in->c].toDouble()); NEXT();
      L_NOT: storeBool(regs[in->a], !regs[in->b].toBool()); NEXT();
      L_OP: {
        SAVE_PC();
        auto* op = static_cast<const lang::Operator*>(in->p);
        lang::Stack& stack = ts.stack;
        size_t base = stack.size();
        for (uint32_t i = 0; i < in->c; ++i) stack.push_back(takeOperand(regs, ops[in->b + i]));
        if (op->schema.is_vararg)
          stack.push_back(IValue(static_cast<int64_t>(in->c - op->schema.arguments.size())));
        op->kernel(stack);
        WICK_ASSERT(stack.size() == base + in->a, "kernel of " + op->schema.str() + " left the stack unbalanced");
        for (uint32_t i = 0; i < in->a; ++i) regs[ops[in->b + in->c + i]] = std::move(stack[base + i]);
        stack.resize(base);
        NEXT();
      }
      L_CALL: {
        auto& fn = *const_cast<lang::Function*>(static_cast<const lang::Function*>(in->p));
        SAVE_PC();
        const Code& callee = calleeCode(fn);
        IValue* frame = regs + code->num_registers;
        if (fp + 1 == frames_end || frame + callee.num_registers > regs_end) [[unlikely]]
          raiseRecursion(fp + 1 != frames_end);
        // The callee's parameters are its first registers, right above ours.
        const uint32_t* args = ops + in->b;
        for (uint32_t i = 0, n = in->c; i < n; ++i) passOperand(frame[i], regs, args[i]);
        *++fp = {&callee, frame, callee.instrs.data(), args[in->c]};
        code = &callee;
        regs = frame;
        instrs = in = callee.instrs.data();
        ops = callee.operands.data();
        DISPATCH();
      }
      L_CALL_METHOD: {
        SAVE_PC();
        const IValue& self = regs[ops[in->b] & ~kMoveOperand];
        const std::string& name = code->strings[in->a];
        lang::Function* fn = self.isObject() ? self.toObject()->type->findMethod(name) : nullptr;
        if (!fn) lang::raise("RuntimeError", "object of type " + lang::typeOf(self)->str() + " has no method '" + name + "'");
        const Code& callee = calleeCode(*fn);
        IValue* frame = regs + code->num_registers;
        if (fp + 1 == frames_end || frame + callee.num_registers > regs_end) [[unlikely]]
          raiseRecursion(fp + 1 != frames_end);
        const uint32_t* args = ops + in->b;
        for (uint32_t i = 0, n = in->c; i < n; ++i) passOperand(frame[i], regs, args[i]);
        *++fp = {&callee, frame, callee.instrs.data(), args[in->c]};
        code = &callee;
        regs = frame;
        instrs = in = callee.instrs.data();
        ops = callee.operands.data();
        DISPATCH();
      }
      L_RET: {
        if (fp->dest == kReturnToRun) [[unlikely]] {
          IValue result = std::move(regs[in->a]);
          clearFrame(*fp);
          return result;
        }
        Frame* caller = fp - 1;
        // As `= std::move(...)`, without the self-assignment test (the frames
        // are disjoint), so the compiler keeps it inline.
        IValue& dest = caller->regs[fp->dest];
        dest.~IValue();
        new (&dest) IValue(std::move(regs[in->a]));
        for (uint32_t r : code->heap_registers) regs[r] = IValue();
        fp = caller;
        code = fp->code;
        regs = fp->regs;
        instrs = code->instrs.data();
        ops = code->operands.data();
        in = fp->pc;
        NEXT();
      }
      L_LIST: {
        SAVE_PC();
        std::vector<IValue> items;
        items.reserve(in->c);
        for (uint32_t i = 0; i < in->c; ++i) items.push_back(takeOperand(regs, ops[in->b + i]));
        regs[in->a] = IValue(Ref<lang::ListObj>::make(*static_cast<const lang::TypePtr*>(in->p), std::move(items)));
        NEXT();
      }
      L_DICT: {
        SAVE_PC();
        const auto& t = *static_cast<const lang::TypePtr*>(in->p);
        auto d = Ref<lang::DictObj>::make(t->key(), t->value());
        for (uint32_t i = 0; i + 1 < in->c; i += 2) d->set(regs[ops[in->b + i]], regs[ops[in->b + i + 1]]);
        regs[in->a] = IValue(d);
        NEXT();
      }
      L_TUPLE: {
        SAVE_PC();
        std::vector<IValue> items;
        items.reserve(in->c);
        for (uint32_t i = 0; i < in->c; ++i) items.push_back(takeOperand(regs, ops[in->b + i]));
        lang::TypePtr t = in->p ? *static_cast<const lang::TypePtr*>(in->p) : nullptr;
        regs[in->a] = IValue(Ref<lang::TupleObj>::make(std::move(items), t));
        NEXT();
      }
      L_UNPACK: {
        SAVE_PC();
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
        SAVE_PC();
        auto cls = std::static_pointer_cast<lang::ClassType>(std::const_pointer_cast<lang::Type>(*static_cast<const lang::TypePtr*>(in->p)));
        regs[in->a] = IValue(Ref<lang::Object>::make(cls, cls->attributes().size()));
        NEXT();
      }
      L_RAISE: {
        SAVE_PC();
        const std::string& kind = code->strings[reinterpret_cast<uintptr_t>(in->p)];
        throw lang::Error(kind, regs[in->a].isStr() ? regs[in->a].toStr() : lang::toStr(regs[in->a]));
      }
      L_PRINT: {
        SAVE_PC();
        std::string line;
        for (uint32_t i = 0; i < in->c; ++i) {
          if (i) line += ' ';
          line += lang::toStr(regs[ops[in->b + i]]);
        }
        line += "\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
        NEXT();
      }
      L_ISINSTANCE: storeBool(regs[in->a], isInstance(regs[in->b], code->type_lists[in->c])); NEXT();
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
#undef SAVE_PC
#undef JUMP_TO
#undef NEXT
#undef DISPATCH
}

}  // namespace

lang::IValue run(lang::Function& fn, std::vector<lang::IValue> args) {
  ThreadState& ts = threadState();
  if (ts.top) lang::raise("RuntimeError", "re-entrant run() on one thread is not supported");
  // The outermost call starts at the bottom of the register stack.
  return runFrame(codeFor(fn), args, ts);
}

}  // namespace wick::interp
