// The dispatch loop: the one long function (STYLE.md), as Lua's luaV_execute.
//
// Registers are IValues in a per-thread stack; a frame is a window of
// Code::num_registers slots starting at `regs`. Scalars stay unboxed in the
// registers, so int/float/bool arithmetic never allocates.
#include <sys/mman.h>

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
// are a None IValue. So the stack is a fresh anonymous mapping (zero pages)
// unmapped without running destructors: the kernel maps its pages on first
// touch, and a program that needs a few hundred registers never pays for the
// 4 MB it leaves unused, neither at start-up nor at exit. (Not calloc: an
// allocator that reuses memory must clear all 4 MB first.)
constexpr size_t kRegisterStackBytes = kRegisterStackSize * sizeof(IValue);
struct FreeRegisters {
  void operator()(IValue* p) const { munmap(p, kRegisterStackBytes); }
};
std::unique_ptr<IValue[], FreeRegisters> allocateRegisters() {
  void* p = mmap(nullptr, kRegisterStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return std::unique_ptr<IValue[], FreeRegisters>(static_cast<IValue*>(p));
}

struct ThreadState {
  std::unique_ptr<IValue[], FreeRegisters> registers = allocateRegisters();
  std::unique_ptr<Frame[]> frames{new Frame[kMaxCallDepth]};
  IValue* const registers_end = registers.get() + kRegisterStackSize;
  Frame* const frames_end = frames.get() + kMaxCallDepth;
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

// Initializes a callee's parameter register (or a kernel's argument slot)
// from an input operand. Registers above the active frame hold no references
// (RET and unwinding clear the registers that may), so there is no old value
// to release; a scalar is copied even on its last use: moving it would only
// add the stores that clear its register.
inline void passOperand(IValue& param, IValue* regs, uint32_t operand) {
  IValue& src = regs[operand & ~kMoveOperand];
  if ((operand & kMoveOperand) && src.isHeap()) new (&param) IValue(std::move(src));
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

// Note [Lean handlers]: GCC keeps the loop's state (pc, registers, code,
// frame) in callee-saved machine registers only while few values compete for
// them, and any value a handler keeps live across a call competes. So the
// handlers that call out -- a kernel, an allocation, a release that may free
// -- do it through one noinline helper below that takes what it needs as
// arguments, and the scalar, branch, call and return paths call nothing
// unless a register holds a reference. A handler that grows locals live
// across a call pushes that state back to the stack frame, which costs every
// CALL and RET a store-to-load round trip.

// Note [Field-wise copies]: registers are copied tag and payload apart (as
// IValue's constructors do), never as one 16-byte block: a scalar handler
// has just stored the tag and the payload separately, and a wider load that
// spans two pending stores cannot be forwarded from them; it waits for both
// to reach the cache, which made every call and return about a third slower.

// As `dst = src` for registers, without a call unless either holds a reference.
[[gnu::noinline]] void copySlow(IValue& dst, const IValue& src) { dst = src; }
inline void copyValue(IValue& dst, const IValue& src) {
  if (!dst.isHeap() && !src.isHeap()) [[likely]]
    new (&dst) IValue(src);
  else
    copySlow(dst, src);
}

// Moves `src` into `dst`, which holds nothing to release. Only a reference
// needs clearing from `src` (Note [Register stack]); a scalar is just copied.
inline void relocate(IValue& dst, IValue& src) {
  if (src.isHeap()) new (&dst) IValue(std::move(src));
  else new (&dst) IValue(src);
}

// Drops the reference `v` holds; leaves it destroyed (the caller overwrites it).
[[gnu::noinline]] void releaseValue(IValue& v) { v.~IValue(); }

// RET: drops the references a frame's registers hold.
[[gnu::noinline]] void clearRegisters(const Code& code, IValue* regs) {
  for (uint32_t r : code.heap_registers) regs[r] = IValue();
}

// OP: runs the kernel on the thread's stack (Note [Kernel stack]).
[[gnu::noinline]] void runKernel(ThreadState& ts, const Code& code, IValue* regs, const Instr& in) {
  auto* op = static_cast<const lang::Operator*>(in.p);
  const uint32_t* ops = code.operands.data() + in.b;
  lang::Stack& stack = ts.stack;
  size_t base = stack.size();
  // None slots, each then initialized in place like a callee's parameter.
  stack.resize(base + in.c);
  IValue* args = stack.data() + base;
  for (uint32_t i = 0, n = in.c; i < n; ++i) passOperand(args[i], regs, ops[i]);
  if (op->schema.is_vararg) stack.push_back(IValue(static_cast<int64_t>(in.c - op->schema.arguments.size())));
  op->kernel(stack);
  WICK_ASSERT(stack.size() == base + in.a, "kernel of " + op->schema.str() + " left the stack unbalanced");
  for (uint32_t i = 0; i < in.a; ++i) regs[ops[in.c + i]] = std::move(stack[base + i]);
  stack.resize(base);
}

// CALL_METHOD: the receiver's class's method, lowered.
[[gnu::noinline]] const Code& methodCode(const Code& code, IValue* regs, const Instr& in) {
  const IValue& self = regs[code.operands[in.b] & ~kMoveOperand];
  const std::string& name = code.strings[in.a];
  lang::Function* fn = self.isObject() ? self.toObject()->type->findMethod(name) : nullptr;
  if (!fn) lang::raise("RuntimeError", "object of type " + lang::typeOf(self)->str() + " has no method '" + name + "'");
  return calleeCode(*fn);
}

std::vector<IValue> takeOperands(IValue* regs, const Code& code, const Instr& in) {
  std::vector<IValue> items;
  items.reserve(in.c);
  for (uint32_t i = 0; i < in.c; ++i) items.push_back(takeOperand(regs, code.operands[in.b + i]));
  return items;
}

[[gnu::noinline]] void makeList(IValue* regs, const Code& code, const Instr& in) {
  regs[in.a] = IValue(Ref<lang::ListObj>::make(*static_cast<const lang::TypePtr*>(in.p), takeOperands(regs, code, in)));
}

[[gnu::noinline]] void makeDict(IValue* regs, const Code& code, const Instr& in) {
  const auto& t = *static_cast<const lang::TypePtr*>(in.p);
  auto d = Ref<lang::DictObj>::make(t->key(), t->value());
  const uint32_t* ops = code.operands.data() + in.b;
  for (uint32_t i = 0; i + 1 < in.c; i += 2) d->set(regs[ops[i]], regs[ops[i + 1]]);
  regs[in.a] = IValue(d);
}

[[gnu::noinline]] void makeTuple(IValue* regs, const Code& code, const Instr& in) {
  lang::TypePtr t = in.p ? *static_cast<const lang::TypePtr*>(in.p) : nullptr;
  regs[in.a] = IValue(Ref<lang::TupleObj>::make(takeOperands(regs, code, in), t));
}

[[gnu::noinline]] void unpack(IValue* regs, const Code& code, const Instr& in) {
  IValue v = regs[in.a];
  const auto& items = v.isTuple() ? v.toTuple()->items : v.toList()->items;
  if (items.size() != in.c)
    lang::raise("ValueError", "expected " + std::to_string(in.c) + " values to unpack, got " + std::to_string(items.size()));
  for (uint32_t i = 0; i < in.c; ++i) regs[code.operands[in.b + i]] = items[i];
}

[[gnu::noinline]] void tupleIndex(IValue* regs, const Instr& in) {
  IValue v = regs[in.b].toTuple()->items[in.c];
  regs[in.a] = std::move(v);
}

[[gnu::noinline]] void getAttr(IValue* regs, const Instr& in) {
  IValue v = regs[in.b].toObject()->slots[in.c];
  regs[in.a] = std::move(v);
}

[[gnu::noinline]] void setAttr(IValue* regs, const Instr& in) { regs[in.a].toObject()->slots[in.c] = regs[in.b]; }

[[gnu::noinline]] void newObject(IValue* regs, const Instr& in) {
  auto cls = std::static_pointer_cast<lang::ClassType>(std::const_pointer_cast<lang::Type>(*static_cast<const lang::TypePtr*>(in.p)));
  regs[in.a] = IValue(Ref<lang::Object>::make(cls, cls->attributes().size()));
}

[[noreturn, gnu::noinline]] void raiseException(IValue* regs, const Code& code, const Instr& in) {
  const std::string& kind = code.strings[reinterpret_cast<uintptr_t>(in.p)];
  throw lang::Error(kind, regs[in.a].isStr() ? regs[in.a].toStr() : lang::toStr(regs[in.a]));
}

[[gnu::noinline]] void print(IValue* regs, const Code& code, const Instr& in) {
  std::string line;
  for (uint32_t i = 0; i < in.c; ++i) {
    if (i) line += ' ';
    line += lang::toStr(regs[code.operands[in.b + i]]);
  }
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
}

[[gnu::noinline]] void enumName(IValue* regs, const Instr& in) {
  IValue v(regs[in.b].toEnum()->name);
  regs[in.a] = std::move(v);
}

[[gnu::noinline]] void enumValue(IValue* regs, const Instr& in) {
  IValue v = regs[in.b].toEnum()->value;
  regs[in.a] = std::move(v);
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

// Note [Saved pc]: the loop keeps pc, registers, code and frame in locals
// (machine registers, Note [Lean handlers]) and has no try block, so nothing
// forces them to memory. An instruction that may raise first stores pc into
// its Frame and the frame into ts.top (SAVE_PC); CALL stores its pc too (the
// return address) and sets ts.top only on its error paths. That is all
// runFrame's handler reads to build the traceback and unwind, so CALL and RET
// need not keep ts.top current. A raising handler without SAVE_PC would
// report the wrong line, or frames that already returned.
IValue dispatch(ThreadState& ts) {
  Frame* fp = ts.top;
  const Code* code = fp->code;
  IValue* regs = fp->regs;
  const Instr* in = fp->pc;
  const Code* callee;  // CALL and CALL_METHOD meet at push_frame
  // Threaded dispatch (GCC's labels as values): each handler ends with its
  // own indirect jump, which the branch predictor learns per opcode.
#define WICK_LABEL(name, meaning) &&L_##name,
  static const void* const kDispatch[] = {WICK_OPCODES(WICK_LABEL)};
#undef WICK_LABEL
#define DISPATCH() goto* kDispatch[static_cast<unsigned>(in->op)]
// Note [Handler scopes]: a computed goto leaves a block without running the
// destructors of its locals (GCC's labels as values), so no handler may
// hold a local with a destructor (IValue, vector, string, shared_ptr) when
// it reaches NEXT() or DISPATCH(): such work lives in a helper function
// (Note [Lean handlers]) or an inner block. Otherwise references leak, as
// every unpacked tuple, dict literal and printed line once did.
#define NEXT() \
  do {         \
    ++in;      \
    DISPATCH(); \
  } while (0)
#define JUMP_TO(target)                    \
  do {                                     \
    in = code->instrs.data() + (target);   \
    DISPATCH();                            \
  } while (0)
#define SAVE_PC() (fp->pc = in, ts.top = fp)
  DISPATCH();
  {
      L_LOADK: copyValue(regs[in->a], code->constants[in->b]); NEXT();
      L_MOVE: copyValue(regs[in->a], regs[in->b]); NEXT();
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
          JUMP_TO(code->operands[reinterpret_cast<uintptr_t>(in->p)]);
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
      L_OP: SAVE_PC(); runKernel(ts, *code, regs, *in); NEXT();
      L_CALL:
        callee = static_cast<const Code*>(in->p);
      push_frame: {
        fp->pc = in;  // the return address
        IValue* frame = regs + code->num_registers;
        if (fp + 1 == ts.frames_end || frame + callee->num_registers > ts.registers_end) [[unlikely]] {
          ts.top = fp;
          raiseRecursion(fp + 1 != ts.frames_end);
        }
        // The callee's parameters are its first registers, right above ours.
        const uint32_t* args = code->operands.data() + in->b;
        for (uint32_t i = 0, n = in->c; i < n; ++i) passOperand(frame[i], regs, args[i]);
        *++fp = {callee, frame, callee->instrs.data(), args[in->c]};
        code = callee;
        regs = frame;
        in = callee->instrs.data();
        DISPATCH();
      }
      L_CALL_FN: {
        auto& fn = *const_cast<lang::Function*>(static_cast<const lang::Function*>(in->p));
        const void* c = fn.code_ptr.load(std::memory_order_acquire);
        if (!c) [[unlikely]] {
          SAVE_PC();
          c = &lowerCallee(fn);
        }
        callee = static_cast<const Code*>(c);
        goto push_frame;
      }
      L_CALL_METHOD:
        SAVE_PC();
        callee = &methodCode(*code, regs, *in);
        goto push_frame;
      L_RET: {
        IValue& result = regs[in->a];
        if (fp->dest == kReturnToRun) [[unlikely]] {
          IValue r = std::move(result);
          clearFrame(*fp);
          return r;
        }
        Frame* caller = fp - 1;
        // As `dest = std::move(result)`, which leaves `result` None: here
        // only a reference needs clearing (Note [Register stack]).
        IValue& dest = caller->regs[fp->dest];
        if (dest.isHeap()) releaseValue(dest);
        relocate(dest, result);
        if (!code->heap_registers.empty()) clearRegisters(*code, regs);
        fp = caller;
        code = fp->code;
        regs = fp->regs;
        in = fp->pc;
        NEXT();
      }
      L_LIST: SAVE_PC(); makeList(regs, *code, *in); NEXT();
      L_DICT: SAVE_PC(); makeDict(regs, *code, *in); NEXT();
      L_TUPLE: SAVE_PC(); makeTuple(regs, *code, *in); NEXT();
      L_UNPACK: SAVE_PC(); unpack(regs, *code, *in); NEXT();
      L_TUPLE_INDEX: tupleIndex(regs, *in); NEXT();
      L_GETATTR: getAttr(regs, *in); NEXT();
      L_SETATTR: setAttr(regs, *in); NEXT();
      L_NEWOBJ: SAVE_PC(); newObject(regs, *in); NEXT();
      L_RAISE: SAVE_PC(); raiseException(regs, *code, *in);
      L_PRINT: SAVE_PC(); print(regs, *code, *in); NEXT();
      L_ISINSTANCE: storeBool(regs[in->a], isInstance(regs[in->b], code->type_lists[in->c])); NEXT();
      L_ENUM_NAME: enumName(regs, *in); NEXT();
      L_ENUM_VALUE: enumValue(regs, *in); NEXT();
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
