// Which aten ops fuse and how (FUSED OPS), compiling a group's steps to a
// FusedProgram, and the prim::FusionGroup kernel with its fallback.
#include "ops/cpu/fused_elementwise.h"

#include <unordered_map>

#include "lang/error.h"
#include "ops/cpu/fused_program.h"
#include "ops/tensor/kernel_args.h"

namespace wick::ops {
namespace {

// How a step's schema arguments become instructions.
enum class Shape : uint8_t {
  Binary,       // op(arg0, arg1)
  Unary,        // op(arg0)
  AddAlpha,     // op(arg0, arg1 * alpha)       add/sub
  RsubAlpha,    // op(arg1, arg0 * alpha)       rsub
  Gelu,         // Gelu or GeluTanh by the constant `approximate`
  Clamp,        // ClampMin(arg0, arg1) then ClampMax(_, arg2), each left out when its bound is the constant None
  ClampMin,     // clamp_min(arg0, arg1)
  ClampMax,     // clamp_max(arg0, arg1)
};

struct FusibleOp {
  FusedOp op;
  Shape shape;
};

// By qualified schema name. Only overloads whose results, for float inputs,
// keep the input dtype: comparisons (bool results) and integer-only ops stay out.
const std::unordered_map<std::string, FusibleOp>& fusibleOps() {
  static const std::unordered_map<std::string, FusibleOp> table = [] {
    std::unordered_map<std::string, FusibleOp> t;
    for (const char* o : {"Tensor", "Scalar", "Scalar_Tensor"}) {
      std::string s = std::string(".") + o;
      t["aten::add" + s] = {FusedOp::Add, Shape::AddAlpha};
      t["aten::sub" + s] = {FusedOp::Sub, Shape::AddAlpha};
      t["aten::mul" + s] = {FusedOp::Mul, Shape::Binary};
      t["aten::div" + s] = {FusedOp::Div, Shape::Binary};
      t["aten::true_divide" + s] = {FusedOp::Div, Shape::Binary};
      t["aten::maximum" + s] = {FusedOp::Maximum, Shape::Binary};
      t["aten::minimum" + s] = {FusedOp::Minimum, Shape::Binary};
    }
    t["aten::rsub.Tensor"] = t["aten::rsub.Scalar"] = {FusedOp::Sub, Shape::RsubAlpha};
    t["aten::pow.Tensor_Tensor"] = t["aten::pow.Tensor_Scalar"] = t["aten::pow.Scalar"] = {FusedOp::Pow, Shape::Binary};
    const std::pair<const char*, FusedOp> unary[] = {
        {"neg", FusedOp::Neg},         {"negative", FusedOp::Neg}, {"abs", FusedOp::Abs},
        {"absolute", FusedOp::Abs},    {"relu", FusedOp::Relu},    {"sigmoid", FusedOp::Sigmoid},
        {"special_expit", FusedOp::Sigmoid}, {"tanh", FusedOp::Tanh}, {"exp", FusedOp::Exp},
        {"log", FusedOp::Log},         {"sqrt", FusedOp::Sqrt},    {"rsqrt", FusedOp::Rsqrt},
        {"reciprocal", FusedOp::Reciprocal}, {"silu", FusedOp::Silu}};
    for (const auto& [name, op] : unary) t[std::string("aten::") + name] = {op, Shape::Unary};
    t["aten::gelu"] = {FusedOp::Gelu, Shape::Gelu};
    t["aten::clamp"] = t["aten::clip"] = {FusedOp::ClampMin, Shape::Clamp};
    t["aten::clamp_min"] = {FusedOp::ClampMin, Shape::ClampMin};
    t["aten::clamp_max"] = {FusedOp::ClampMax, Shape::ClampMax};
    return t;
  }();
  return table;
}

const FusibleOp* fusibleOp(const lang::Operator& op) {
  const auto& t = fusibleOps();
  auto it = t.find(op.schema.qualifiedName());
  return it == t.end() ? nullptr : &it->second;
}

bool isNumber(const lang::IValue& v) { return v.isInt() || v.isFloat() || v.isBool(); }
bool isOne(const lang::IValue& v) { return (v.isInt() && v.toInt() == 1) || (v.isFloat() && v.toDouble() == 1.0); }

// alpha scales a Python number in that number's own type before promotion
// (binary.cpp scaledByAlpha), which a float32 product would not repeat:
// such steps fuse only when alpha is the constant 1.
bool alphaFuses(const lang::Operator& op, size_t scaled_arg, const std::optional<lang::IValue>& alpha) {
  if (alpha && isOne(*alpha)) return true;
  return op.schema.arguments[scaled_arg].type->kind() == lang::TypeKind::Tensor;
}

}  // namespace

bool isFusible(const lang::Operator& op, const std::vector<std::optional<lang::IValue>>& constants) {
  const FusibleOp* f = fusibleOp(op);
  if (!f || op.schema.returns.size() != 1 || constants.size() != op.schema.arguments.size()) return false;
  switch (f->shape) {
    case Shape::AddAlpha: return alphaFuses(op, 1, constants[2]);
    case Shape::RsubAlpha: return alphaFuses(op, 0, constants[2]);
    case Shape::Gelu: return constants[1] && constants[1]->isStr() && (constants[1]->toStr() == "none" || constants[1]->toStr() == "tanh");
    case Shape::Clamp:  // bounds must be known numbers or None (not both None: that raises)
      return constants[1] && constants[2] && (constants[1]->isNone() || isNumber(*constants[1])) &&
             (constants[2]->isNone() || isNumber(*constants[2])) && !(constants[1]->isNone() && constants[2]->isNone());
    case Shape::Binary:
    case Shape::Unary:
    case Shape::ClampMin:
    case Shape::ClampMax: return true;
  }
  return false;
}

namespace {

// Steps to instructions; alpha other than the constant 1 multiplies first.
void compileSteps(FusedProgram& p, const std::vector<FusedStep>& steps,
                  const std::vector<std::optional<lang::IValue>>& input_constants) {
  auto constantAt = [&](int32_t v) -> std::optional<lang::IValue> {
    return v < static_cast<int32_t>(input_constants.size()) ? input_constants[v] : std::nullopt;
  };
  auto temp = [&] { return static_cast<int32_t>(p.num_values++); };
  for (size_t k = 0; k < steps.size(); ++k) {
    const FusedStep& s = steps[k];
    const FusibleOp* f = fusibleOp(*s.op);
    WICK_ASSERT(f, "not a fusible op: " + s.op->schema.str());
    int32_t dst = static_cast<int32_t>(p.num_inputs + k);
    auto scaled = [&](int32_t v, int32_t alpha) {
      auto c = constantAt(alpha);
      if (c && isOne(*c)) return v;
      int32_t t = temp();
      p.instrs.push_back({FusedOp::Mul, t, v, alpha});
      return t;
    };
    switch (f->shape) {
      case Shape::Binary: p.instrs.push_back({f->op, dst, s.args[0], s.args[1]}); break;
      case Shape::Unary: p.instrs.push_back({f->op, dst, s.args[0], -1}); break;
      case Shape::AddAlpha: p.instrs.push_back({f->op, dst, s.args[0], scaled(s.args[1], s.args[2])}); break;
      case Shape::RsubAlpha: p.instrs.push_back({f->op, dst, s.args[1], scaled(s.args[0], s.args[2])}); break;
      case Shape::ClampMin:
      case Shape::ClampMax: p.instrs.push_back({f->op, dst, s.args[0], s.args[1]}); break;
      case Shape::Clamp: {
        bool lo = !constantAt(s.args[1])->isNone(), hi = !constantAt(s.args[2])->isNone();
        int32_t x = s.args[0];
        if (lo) {
          int32_t t = hi ? temp() : dst;
          p.instrs.push_back({FusedOp::ClampMin, t, x, s.args[1]});
          x = t;
        }
        if (hi) p.instrs.push_back({FusedOp::ClampMax, dst, x, s.args[2]});
        break;
      }
      case Shape::Gelu: {
        bool tanh = constantAt(s.args[1])->toStr() == "tanh";
        p.instrs.push_back({tanh ? FusedOp::GeluTanh : FusedOp::Gelu, dst, s.args[0], -1});
        break;
      }
    }
  }
}

// Scratch buffers by liveness: a value's buffer is free after its last
// reader; an instruction never writes the buffer it reads (the loops are
// __restrict). Outputs live in their tensors.
void assignBuffers(FusedProgram& p) {
  std::vector<int32_t> last_use(p.num_values, -1);
  for (size_t i = 0; i < p.instrs.size(); ++i) {
    last_use[p.instrs[i].a] = static_cast<int32_t>(i);
    if (p.instrs[i].b >= 0) last_use[p.instrs[i].b] = static_cast<int32_t>(i);
  }
  p.buffer_of.assign(p.num_values, -1);
  std::vector<bool> is_output(p.num_values, false);
  for (int32_t o : p.outputs) is_output[o] = true;
  std::vector<int32_t> free_list;
  for (size_t i = 0; i < p.instrs.size(); ++i) {
    const FusedInstr& in = p.instrs[i];
    if (!is_output[in.dst]) {
      if (free_list.empty()) free_list.push_back(p.num_buffers++);
      p.buffer_of[in.dst] = free_list.back();
      free_list.pop_back();
    }
    for (int32_t v : {in.a, in.b})
      if (v >= 0 && last_use[v] == static_cast<int32_t>(i) && p.buffer_of[v] >= 0) {
        free_list.push_back(p.buffer_of[v]);
        last_use[v] = -2;  // freed once even when read twice
      }
  }
}

// Which inputs each output reads, through the instructions.
void traceOutputInputs(FusedProgram& p) {
  std::vector<std::vector<bool>> reads(p.num_values, std::vector<bool>(p.num_inputs, false));
  for (size_t i = 0; i < p.num_inputs; ++i) reads[i][i] = true;
  for (const FusedInstr& in : p.instrs)
    for (int32_t v : {in.a, in.b})
      if (v >= 0)
        for (size_t i = 0; i < p.num_inputs; ++i) reads[in.dst][i] = reads[in.dst][i] || reads[v][i];
  p.operand_input.assign(p.num_inputs, false);
  for (const FusedInstr& in : p.instrs)
    for (int32_t v : {in.a, in.b})
      if (v >= 0 && static_cast<size_t>(v) < p.num_inputs) p.operand_input[v] = true;
  for (int32_t o : p.outputs) {
    std::vector<int32_t> ins;
    bool all = true;
    for (size_t i = 0; i < p.num_inputs; ++i) {
      if (reads[o][i]) ins.push_back(static_cast<int32_t>(i));
      else if (p.operand_input[i]) all = false;
    }
    p.output_inputs.push_back(std::move(ins));
    p.output_reads_all.push_back(all);
  }
}

}  // namespace

namespace {
const lang::ClassTypePtr& kernelClass() {
  static const lang::ClassTypePtr t = lang::ClassType::create("__wick__.FusedKernel");
  return t;
}
}  // namespace

FusedKernel::FusedKernel() : lang::Object(kernelClass(), 0) {}
FusedKernel::~FusedKernel() = default;
lang::TypePtr FusedKernel::type() { return kernelClass(); }

lang::Ref<FusedKernel> FusedKernel::make(std::vector<FusedStep> steps,
                                         std::vector<std::optional<lang::IValue>> input_constants,
                                         std::vector<int32_t> outputs) {
  lang::Ref<FusedKernel> k(new FusedKernel());
  k->num_inputs_ = input_constants.size();
  k->outputs_ = outputs;
  auto p = std::make_unique<FusedProgram>();
  p->num_inputs = input_constants.size();
  p->num_values = p->num_inputs + steps.size();
  p->outputs = std::move(outputs);
  compileSteps(*p, steps, input_constants);
  assignBuffers(*p);
  traceOutputInputs(*p);
  k->program_ = std::move(p);
  k->steps_ = std::move(steps);
  return k;
}

void FusedKernel::runUnfused(const lang::IValue* inputs, lang::IValue* outputs) const {
  std::vector<lang::IValue> values(inputs, inputs + num_inputs_);
  lang::Stack stack;
  for (const FusedStep& s : steps_) {
    for (int32_t a : s.args) stack.push_back(values[a]);
    s.op->kernel(stack);
    WICK_ASSERT(stack.size() == 1, "a fused step must return one value");
    values.push_back(std::move(stack.back()));
    stack.clear();
  }
  for (size_t k = 0; k < outputs_.size(); ++k) outputs[k] = values[outputs_[k]];
}

bool FusedKernel::runFused(const lang::IValue* inputs, lang::IValue* outputs) const {
  return runFusedProgram(*program_, inputs, outputs);
}

void FusedKernel::run(lang::Stack& stack, size_t num_inputs) const {
  WICK_ASSERT(num_inputs == num_inputs_, "FusionGroup called with the wrong number of inputs");
  size_t base = stack.size() - num_inputs;
  std::vector<lang::IValue> outs(outputs_.size());
  if (!runFused(&stack[base], outs.data())) runUnfused(&stack[base], outs.data());
  stack.resize(base - 1);  // the kernel object too
  for (auto& o : outs) stack.push_back(std::move(o));
}

namespace {

// prim::FusionGroup(kernel, inputs...): the VM pushes the vararg count last.
void fusionGroupKernel(lang::Stack& s) {
  size_t extra = static_cast<size_t>(s.back().toInt());
  s.pop_back();
  lang::IValue k = s[s.size() - extra - 1];  // a reference: run pops it
  static_cast<const FusedKernel*>(k.toObject())->run(s, extra);
}

static lang::RegisterOps reg({
    {"prim::FusionGroup(Any kernel, ...) -> ...", fusionGroupKernel},
});

}  // namespace
}  // namespace wick::ops
