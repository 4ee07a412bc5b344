// Graph IR to register bytecode: one register per SSA value, prim::If and
// prim::Loop blocks to jumps, block parameters and loop-carried values to
// register moves, hot scalar ops to specialized opcodes, every other op to
// OP with its kernel resolved here (never looked up while running).
#include <cinttypes>
#include <algorithm>
#include <climits>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "interpreter/code.h"
#include "interpreter/passes/passes.h"
#include "lang/error.h"

namespace wick::interp {

using lang::Block;
using lang::IValue;
using lang::Node;
using lang::Value;
namespace prim = lang::prim;
namespace attr = lang::attr;

const char* opcodeName(Opcode op) {
  static const char* names[] = {
#define WICK_OPCODE_NAME(name, meaning) #name,
      WICK_OPCODES(WICK_OPCODE_NAME)
#undef WICK_OPCODE_NAME
  };
  return names[static_cast<int>(op)];
}

namespace {

// Functions being lowered on this thread, innermost last (Note [Direct calls]).
thread_local std::vector<const lang::Function*> t_lowering;

class Lowering {
 public:
  explicit Lowering(Code& code) : code_(code) {}

  void lowerFunction(const lang::Function& fn, const lang::Graph& g) {
    fn_ = &fn;
    code_.name = fn.qualname();
    for (Value* v : g.inputs()) reg(v);
    code_.num_params = static_cast<uint32_t>(g.inputs().size());
    numberNodes(g.block());
    hoistConstants(g.block());
    lowerBlock(g.block());
    WICK_ASSERT(g.outputs().size() == 1, "functions return one value");
    emit(Opcode::RET, reg(g.outputs()[0]), 0, 0, nullptr, fn.range());
    returnEarly();
    // Scalar registers need no clearing on return; only these may hold references.
    for (const auto& [v, r] : regs_) {
      lang::TypeKind k = v->type()->kind();
      if (k != lang::TypeKind::Int && k != lang::TypeKind::Float && k != lang::TypeKind::Bool && k != lang::TypeKind::None)
        code_.heap_registers.push_back(r);
    }
    code_.heap_registers.insert(code_.heap_registers.end(), temps_.begin(), temps_.end());
  }

 private:
  uint32_t reg(const Value* v) {
    auto it = regs_.find(v);
    if (it != regs_.end()) return it->second;
    uint32_t r = code_.num_registers++;
    regs_[v] = r;
    return r;
  }
  uint32_t temp() {
    temps_.push_back(code_.num_registers);
    return code_.num_registers++;
  }

  size_t emit(Opcode op, uint32_t a, uint32_t b, uint32_t c, const void* p, const lang::SourceRange& range) {
    code_.instrs.push_back({op, a, b, c, p});
    code_.ranges.push_back(range);
    code_.inline_stacks.push_back(current_stack_);
    return code_.instrs.size() - 1;
  }

  // Appends registers to the operand pool; returns the offset of the run.
  uint32_t operands(const std::vector<Value*>& vs) {
    uint32_t off = static_cast<uint32_t>(code_.operands.size());
    for (Value* v : vs) code_.operands.push_back(reg(v));
    return off;
  }

  // n's inputs, each marked kMoveOperand where this is its last use (Note
  // [Moved operands]), then its outputs when `with_outputs`.
  uint32_t inputOperands(const Node* n, bool with_outputs) {
    uint32_t off = static_cast<uint32_t>(code_.operands.size());
    for (size_t i = 0; i < n->inputs().size(); ++i)
      code_.operands.push_back(reg(n->input(i)) | (isLastUse(n, i) ? kMoveOperand : 0));
    if (with_outputs)
      for (Value* v : n->outputs()) code_.operands.push_back(reg(v));
    return off;
  }

  // Program order of every node, nested blocks' nodes and return nodes
  // included: a block's nodes come right after the node owning it, its
  // return node after its nodes.
  void numberNodes(const Block* b) {
    for (const Node* n : *b) {
      order_[n] = order_.size();
      for (const Block* sub : n->blocks()) numberNodes(sub);
    }
    order_[b->returnNode()] = order_.size();
  }

  // Note [Moved operands]: input i of `user` may be moved out of its register
  // when nothing reads that register afterwards: `user` is in the block that
  // defines the value (so no loop runs `user` again with the same value),
  // every other use comes earlier in program order (a block output is a use
  // by the return node, which comes last), `user` reads the value only once,
  // and the value is neither a constant (those are loaded once, at entry)
  // nor a loop's iteration count (INC and LOOP_TEST read it after the body).
  bool isLastUse(const Node* user, size_t i) const {
    const Value* v = user->input(i);
    const Node* def = v->node();
    if (def->kind() == prim::Constant || def->owningBlock() != user->owningBlock()) return false;
    const Node* loop = def->owningBlock()->owningNode();
    if (def->kind() == prim::Param && v->offset() == 0 && loop && loop->kind() == prim::Loop) return false;
    size_t at = order_.at(user);
    for (const lang::Use& u : v->uses()) {
      if (u.user == user ? u.offset != i : order_.at(u.user) > at) return false;
    }
    return true;
  }

  void move(uint32_t dst, uint32_t src, const lang::SourceRange& r) {
    if (dst != src) emit(Opcode::MOVE, dst, src, 0, nullptr, r);
  }

  // Moves srcs into dsts as if simultaneously (loop-carried values may swap):
  // emit a move once its destination is no longer needed as a source; break
  // a cycle with one temporary.
  void parallelMove(std::vector<uint32_t> dsts, std::vector<uint32_t> srcs, const lang::SourceRange& r) {
    for (size_t i = 0; i < dsts.size();) {
      if (dsts[i] == srcs[i]) {
        dsts.erase(dsts.begin() + i);
        srcs.erase(srcs.begin() + i);
      } else {
        ++i;
      }
    }
    while (!dsts.empty()) {
      bool progress = false;
      for (size_t i = 0; i < dsts.size(); ++i) {
        bool needed = false;
        for (size_t j = 0; j < srcs.size(); ++j) needed |= j != i && srcs[j] == dsts[i];
        if (needed) continue;
        move(dsts[i], srcs[i], r);
        dsts.erase(dsts.begin() + i);
        srcs.erase(srcs.begin() + i);
        progress = true;
        break;
      }
      if (progress) continue;
      uint32_t t = temp();  // a cycle: park one source
      move(t, srcs[0], r);
      srcs[0] = t;
    }
  }

  // Constants have no inputs, so all of them load once at function entry
  // instead of on every trip through a loop body.
  void hoistConstants(const Block* b) {
    for (const Node* n : *b) {
      if (n->kind() == prim::Constant && !onlyImmediateUses(n->output())) {
        IValue v = n->hasAttribute(attr::value) ? n->ival(attr::value) : IValue();
        emit(Opcode::LOADK, reg(n->output()), constantIndex(v), 0, nullptr, n->sourceRange());
      }
      for (const Block* sub : n->blocks()) hoistConstants(sub);
    }
  }

  // An int constant that fits in 32 bits, as the second operand of an int
  // add/sub or of a compare fused with its branch, is an immediate operand
  // (ADD_IK, JUMP_IF_NOT_LT_IK, ...): no register, no load per call.
  static std::optional<int32_t> immediate(const Value* v) {
    const Node* n = v->node();
    if (n->kind() != prim::Constant || !n->hasAttribute(attr::value) || !n->ival(attr::value).isInt()) return std::nullopt;
    int64_t x = n->ival(attr::value).toInt();
    if (x < INT32_MIN || x > INT32_MAX) return std::nullopt;
    return static_cast<int32_t>(x);
  }
  static bool takesImmediate(const Node* user, size_t offset) {
    if (offset != 1 || !user->op()) return false;
    const std::string& q = user->op()->schema.qualifiedName();
    if (q == "aten::add.int" || q == "aten::sub.int") return true;
    return user->next() && user->next()->kind() == prim::If && user->next()->input() == user->output() &&
           user->output()->uses().size() == 1 && fusedBranch(user->next());
  }
  static bool onlyImmediateUses(const Value* v) {
    if (!immediate(v) || v->uses().empty()) return false;
    for (const lang::Use& u : v->uses())
      if (!takesImmediate(u.user, u.offset)) return false;
    return true;
  }

  void lowerBlock(const Block* b) {
    for (const Node* n : *b) lowerNode(n);
  }

  uint32_t constantIndex(const IValue& v) {
    code_.constants.push_back(v);
    return static_cast<uint32_t>(code_.constants.size() - 1);
  }

  static int64_t constantInt(const Value* v) {
    const Node* n = v->node();
    WICK_ASSERT(n->kind() == prim::Constant, "expected a constant index");
    return n->ival(attr::value).toInt();
  }

  const lang::TypePtr* keepType(const lang::TypePtr& t) {
    code_.types.push_back(t);
    return &code_.types.back();
  }

  // An int comparison whose only use is the prim::If right after it becomes
  // one compare-and-branch instruction (the condition never needs a register).
  static std::optional<Opcode> fusedBranch(const Node* n) {
    static const std::unordered_map<std::string, Opcode> branches = {
        {"aten::lt.int", Opcode::JUMP_IF_NOT_LT_I}, {"aten::le.int", Opcode::JUMP_IF_NOT_LE_I},
        {"aten::gt.int", Opcode::JUMP_IF_NOT_GT_I}, {"aten::ge.int", Opcode::JUMP_IF_NOT_GE_I},
        {"aten::eq.int", Opcode::JUMP_IF_NOT_EQ_I}, {"aten::ne.int", Opcode::JUMP_IF_NOT_NE_I}};
    const Node* c = n->input()->node();
    if (!c->op() || c->next() != n || n->input()->uses().size() != 1) return std::nullopt;
    auto it = branches.find(c->op()->schema.qualifiedName());
    if (it == branches.end()) return std::nullopt;
    return it->second;
  }

  void lowerIf(const Node* n) {
    const auto& r = n->sourceRange();
    size_t jf;
    bool fused = false;
    if (auto op = fusedBranch(n)) {
      const Node* c = n->input()->node();
      if (auto k = immediate(c->input(1))) {
        // JUMP_IF_NOT_xx_I -> JUMP_IF_NOT_xx_IK: the same order in the table.
        auto ik = static_cast<Opcode>(static_cast<int>(*op) - static_cast<int>(Opcode::JUMP_IF_NOT_LT_I) +
                                      static_cast<int>(Opcode::JUMP_IF_NOT_LT_IK));
        jf = emit(ik, reg(c->input(0)), static_cast<uint32_t>(*k), 0, nullptr, r);
      } else {
        jf = emit(*op, reg(c->input(0)), reg(c->input(1)), 0, nullptr, r);
      }
      fused = true;
    } else {
      jf = emit(Opcode::JUMP_IF_FALSE, reg(n->input()), 0, 0, nullptr, r);
    }
    std::vector<uint32_t> outs;
    for (Value* o : n->outputs()) outs.push_back(reg(o));
    auto branch = [&](const Block* blk) {
      lowerBlock(blk);
      std::vector<uint32_t> srcs;
      for (Value* v : blk->outputs()) srcs.push_back(reg(v));
      parallelMove(outs, srcs, r);
    };
    branch(n->block(0));
    size_t jend = emit(Opcode::JUMP, 0, 0, 0, nullptr, r);
    (fused ? code_.instrs[jf].c : code_.instrs[jf].b) = static_cast<uint32_t>(code_.instrs.size());
    branch(n->block(1));
    code_.instrs[jend].a = static_cast<uint32_t>(code_.instrs.size());
  }

  void lowerLoop(const Node* n) {
    const auto& r = n->sourceRange();
    const Block* body = n->block(0);
    std::vector<uint32_t> params, init;
    for (size_t i = 1; i < body->inputs().size(); ++i) params.push_back(reg(body->inputs()[i]));
    for (size_t i = 2; i < n->inputs().size(); ++i) init.push_back(reg(n->inputs()[i]));
    parallelMove(params, init, r);
    uint32_t iter = reg(body->inputs()[0]);
    emit(Opcode::LOADK, iter, constantIndex(IValue(int64_t(0))), 0, nullptr, r);
    uint32_t cond = temp();
    move(cond, reg(n->input(1)), r);
    uint32_t max = reg(n->input(0));
    size_t top = emit(Opcode::LOOP_TEST, cond, iter, max, nullptr, r);
    lowerBlock(body);
    std::vector<uint32_t> dsts = {cond}, srcs = {reg(body->outputs()[0])};
    dsts.insert(dsts.end(), params.begin(), params.end());
    for (size_t i = 1; i < body->outputs().size(); ++i) srcs.push_back(reg(body->outputs()[i]));
    parallelMove(dsts, srcs, r);
    emit(Opcode::INC, iter, 0, 0, nullptr, r);
    emit(Opcode::JUMP, static_cast<uint32_t>(top), 0, 0, nullptr, r);
    // LOOP_TEST's exit target lives in the operand pool (its a/b/c are taken).
    code_.operands.push_back(static_cast<uint32_t>(code_.instrs.size()));
    code_.instrs[top].p = reinterpret_cast<const void*>(static_cast<uintptr_t>(code_.operands.size() - 1));
    for (size_t i = 0; i < n->outputs().size(); ++i) move(reg(n->output(i)), params[i], r);
  }

  bool lowerScalarOp(const Node* n) {
    // Compared only to branch on it: the If emits the fused compare-and-branch.
    if (n->next() && n->next()->kind() == prim::If && n->outputs().size() == 1 && n->next()->input() == n->output() &&
        fusedBranch(n->next()))
      return true;
    static const std::unordered_map<std::string, Opcode> fast = {
        {"aten::add.int", Opcode::ADD_I},       {"aten::sub.int", Opcode::SUB_I},     {"aten::mul.int", Opcode::MUL_I},
        {"aten::floordiv.int", Opcode::FLOORDIV_I}, {"aten::remainder.int", Opcode::MOD_I},
        {"aten::lt.int", Opcode::LT_I},         {"aten::le.int", Opcode::LE_I},       {"aten::gt.int", Opcode::GT_I},
        {"aten::ge.int", Opcode::GE_I},         {"aten::eq.int", Opcode::EQ_I},       {"aten::ne.int", Opcode::NE_I},
        {"aten::add.float", Opcode::ADD_F},     {"aten::sub.float", Opcode::SUB_F},   {"aten::mul.float", Opcode::MUL_F},
        {"aten::div.float", Opcode::DIV_F},     {"aten::lt.float", Opcode::LT_F},     {"aten::gt.float", Opcode::GT_F}};
    auto it = fast.find(n->op()->schema.qualifiedName());
    if (it == fast.end()) {
      if (n->op()->schema.qualifiedName() == "aten::__not__") {
        emit(Opcode::NOT, reg(n->output()), reg(n->input(0)), 0, nullptr, n->sourceRange());
        return true;
      }
      return false;
    }
    if (auto k = immediate(n->input(1)); k && (it->second == Opcode::ADD_I || it->second == Opcode::SUB_I)) {
      emit(it->second == Opcode::ADD_I ? Opcode::ADD_IK : Opcode::SUB_IK, reg(n->output()), reg(n->input(0)),
           static_cast<uint32_t>(*k), nullptr, n->sourceRange());
      return true;
    }
    emit(it->second, reg(n->output()), reg(n->input(0)), reg(n->input(1)), nullptr, n->sourceRange());
    return true;
  }

  // Note [Direct calls]: a CALL names its callee's Code, so a call reads one
  // pointer where it would read the Function and then its code_ptr: one
  // dependent load less between a CALL and the callee's first instruction.
  // So a function's callees are lowered while it is (Note [Lazy lowering]),
  // except those being lowered on this thread already: the function itself,
  // whose call names the Code being built, and a function up a cycle of
  // mutual recursion, which a CALL_FN calls by reading its code_ptr when it
  // runs (by then it is lowered).
  void lowerCall(lang::Function* callee, uint32_t operands, uint32_t num_args, const lang::SourceRange& r) {
    if (callee == fn_) {
      emit(Opcode::CALL, 0, operands, num_args, &code_, r);
    } else if (std::find(t_lowering.begin(), t_lowering.end(), callee) != t_lowering.end()) {
      emit(Opcode::CALL_FN, 0, operands, num_args, callee, r);
    } else {
      const Code* code = &codeFor(*callee);
      emit(Opcode::CALL, 0, operands, num_args, code, r);
    }
  }

  // `MOVE r x` then `RET r` (directly, or through a JUMP to it): `RET x`.
  // An if whose value is returned thus returns from each branch.
  void returnEarly() {
    auto& ins = code_.instrs;
    for (size_t i = 0; i + 1 < ins.size(); ++i) {
      if (ins[i].op != Opcode::MOVE) continue;
      size_t t = ins[i + 1].op == Opcode::JUMP ? ins[i + 1].a : i + 1;
      if (t < ins.size() && ins[t].op == Opcode::RET && ins[t].a == ins[i].a) ins[i] = {Opcode::RET, ins[i].b, 0, 0, nullptr};
    }
  }

  void lowerNode(const Node* n) {
    current_stack_ = n->inlineStack();
    const auto& r = n->sourceRange();
    lang::Symbol k = n->kind();
    if (n->op()) {
      if (lowerScalarOp(n)) return;
      emit(Opcode::OP, static_cast<uint32_t>(n->outputs().size()), inputOperands(n, true),
           static_cast<uint32_t>(n->inputs().size()), n->op(), r);
      return;
    }
    if (k == prim::Constant) {
      // Loaded at entry (hoistConstants).
    } else if (k == prim::Uninitialized) {
      emit(Opcode::LOADK, reg(n->output()), constantIndex(IValue::uninitialized()), 0, nullptr, r);
    } else if (k == prim::If) {
      lowerIf(n);
    } else if (k == prim::Loop) {
      lowerLoop(n);
    } else if (k == prim::unchecked_cast) {
      move(reg(n->output()), reg(n->input()), r);
    } else if (k == prim::ListConstruct) {
      emit(Opcode::LIST, reg(n->output()), inputOperands(n, false), static_cast<uint32_t>(n->inputs().size()),
           keepType(n->output()->type()->elem()), r);
    } else if (k == prim::DictConstruct) {
      emit(Opcode::DICT, reg(n->output()), operands(n->inputs()), static_cast<uint32_t>(n->inputs().size()),
           keepType(n->output()->type()), r);
    } else if (k == prim::TupleConstruct || k == prim::NamedTupleConstruct) {
      const auto& t = n->output()->type();
      emit(Opcode::TUPLE, reg(n->output()), inputOperands(n, false), static_cast<uint32_t>(n->inputs().size()),
           t->name().empty() ? nullptr : keepType(t), r);
    } else if (k == prim::TupleUnpack || k == prim::ListUnpack) {
      emit(Opcode::UNPACK, reg(n->input()), operands(n->outputs()), static_cast<uint32_t>(n->outputs().size()), nullptr, r);
    } else if (k == prim::TupleIndex) {
      emit(Opcode::TUPLE_INDEX, reg(n->output()), reg(n->input(0)), static_cast<uint32_t>(constantInt(n->input(1))), nullptr, r);
    } else if (k == prim::GetAttr || k == prim::SetAttr) {
      auto& cls = static_cast<const lang::ClassType&>(*n->input(0)->type());
      auto slot = cls.findAttribute(n->s(attr::name));
      WICK_ASSERT(slot.has_value(), "unknown attribute " + n->s(attr::name));
      if (k == prim::GetAttr) emit(Opcode::GETATTR, reg(n->output()), reg(n->input(0)), static_cast<uint32_t>(*slot), nullptr, r);
      else emit(Opcode::SETATTR, reg(n->input(0)), reg(n->input(1)), static_cast<uint32_t>(*slot), nullptr, r);
    } else if (k == prim::CreateObject) {
      emit(Opcode::NEWOBJ, reg(n->output()), 0, 0, keepType(n->output()->type()), r);
    } else if (k == prim::CallFunction || k == prim::CallMethod) {
      uint32_t vs = inputOperands(n, true);
      if (n->callee()) {
        lowerCall(n->callee(), vs, static_cast<uint32_t>(n->inputs().size()), r);
      } else {  // an interface method: dispatched on the receiver's class
        code_.strings.push_back(n->s(attr::name));
        emit(Opcode::CALL_METHOD, static_cast<uint32_t>(code_.strings.size() - 1), vs,
             static_cast<uint32_t>(n->inputs().size()), nullptr, r);
      }
    } else if (k == prim::RaiseException) {
      code_.strings.push_back(n->hasAttribute(attr::name) ? n->s(attr::name) : "Exception");
      emit(Opcode::RAISE, reg(n->input(0)), 0, 0, reinterpret_cast<const void*>(code_.strings.size() - 1), r);
    } else if (k == prim::Print) {
      emit(Opcode::PRINT, 0, operands(n->inputs()), static_cast<uint32_t>(n->inputs().size()), nullptr, r);
    } else if (k == prim::isinstance) {
      code_.type_lists.push_back(n->tys(attr::types));
      emit(Opcode::ISINSTANCE, reg(n->output()), reg(n->input()), static_cast<uint32_t>(code_.type_lists.size() - 1), nullptr, r);
    } else if (k == prim::EnumName || k == prim::EnumValue) {
      emit(k == prim::EnumName ? Opcode::ENUM_NAME : Opcode::ENUM_VALUE, reg(n->output()), reg(n->input()), 0, nullptr, r);
    } else {
      WICK_ASSERT(false, "no lowering for node kind " + k.str());
    }
  }

  Code& code_;
  const lang::Function* fn_ = nullptr;
  std::unordered_map<const Value*, uint32_t> regs_;
  std::unordered_map<const Node*, size_t> order_;
  lang::InlineStack current_stack_;
  std::vector<uint32_t> temps_;
};

}  // namespace

std::shared_ptr<Code> lower(const lang::Function& fn) {
  // The function keeps the graph the frontend emitted; the optimized copy
  // exists only to be lowered.
  std::shared_ptr<lang::Graph> g = optimizedGraph(fn);
  auto code = std::make_shared<Code>();
  t_lowering.push_back(&fn);
  struct Pop {
    ~Pop() { t_lowering.pop_back(); }
  } pop;
  Lowering(*code).lowerFunction(fn, *g);
  return code;
}

std::shared_ptr<lang::Graph> optimizedGraph(const lang::Function& fn) {
  std::shared_ptr<lang::Graph> g = fn.graph().copy();
  optimize(*g, &fn);
  return g;
}

// Note [Lazy lowering]: a function is lowered when first called, or when a
// function that calls it is (Note [Direct calls]), once; its Code is then
// shared read-only by every thread, and Function::code_ptr is the lock-free
// fast path. Lowering holds one process-wide recursive mutex: it nests
// (callees first), and two threads each lowering one end of a cycle of calls
// would otherwise each wait for the other's once-flag forever.
const Code& codeFor(lang::Function& fn) {
  if (const void* c = fn.code_ptr.load(std::memory_order_acquire)) return *static_cast<const Code*>(c);
  static std::recursive_mutex mutex;
  std::lock_guard<std::recursive_mutex> lock(mutex);
  std::call_once(fn.code_once, [&] {
    fn.code = lower(fn);
    fn.code_ptr.store(fn.code.get(), std::memory_order_release);
  });
  return *static_cast<const Code*>(fn.code.get());
}

std::string Code::disassemble() const {
  std::ostringstream os;
  for (size_t i = 0; i < instrs.size(); ++i) {
    const Instr& in = instrs[i];
    char buf[96];
    std::snprintf(buf, sizeof buf, "%4zu %-13s %4u %4u %4u", i, opcodeName(in.op), in.a, in.b, in.c);
    os << buf;
    // Operand runs: registers, `*` where the value is moved out (last use).
    bool call = in.op == Opcode::CALL || in.op == Opcode::CALL_FN || in.op == Opcode::CALL_METHOD;
    if (in.op == Opcode::OP || call || in.op == Opcode::LIST || in.op == Opcode::TUPLE) {
      size_t n = in.c + (in.op == Opcode::OP ? in.a : call ? 1 : 0);
      os << "  [";
      for (size_t k = 0; k < n; ++k) {
        uint32_t r = operands[in.b + k];
        os << (k ? " r" : "r") << (r & ~kMoveOperand) << ((r & kMoveOperand) ? "*" : "");
      }
      os << "]";
    }
    if (ranges[i].valid()) os << "    # " << ranges[i].str();
    os << "\n";
  }
  return os.str();
}

}  // namespace wick::interp
