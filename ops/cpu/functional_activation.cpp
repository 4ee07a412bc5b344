// torch.nn.functional's Python-level signatures for activations, dropout
// and normalization (inplace flags, training flags, argument orders that
// differ from aten's), registered as functional::X. The frontend resolves
// F.X here first (Python-level: no implicit int-to-float conversion, as
// TorchScript compiles these from torch/nn/functional.py); each forwards to
// the aten kernel that computes it.
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// Pushes op(args...) for the n arguments on the stack; written back into the
// input (args[0]) when inplace, as F.relu(x, inplace=True) does.
void forward(Stack& s, size_t n, const char* op, std::vector<IValue> args, bool inplace) {
  Tensor x = Tensor::fromIValue(args[0]);
  Tensor r = Tensor::fromIValue(callOp(findOp(op), std::move(args)));
  if (inplace) {
    assignInPlace(x, r);
    r = x;
  }
  pushResult(s, n, r);
}

void relu(Stack& s) { forward(s, 2, "aten::relu", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void relu6(Stack& s) { forward(s, 2, "aten::relu6", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void selu(Stack& s) { forward(s, 2, "aten::selu", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void silu(Stack& s) { forward(s, 2, "aten::silu", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void mish(Stack& s) { forward(s, 2, "aten::mish", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void hardswish(Stack& s) { forward(s, 2, "aten::hardswish", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void hardsigmoid(Stack& s) { forward(s, 2, "aten::hardsigmoid", {argAt(s, 2, 0)}, argAt(s, 2, 1).toBool()); }
void leakyRelu(Stack& s) {  // leaky_relu(Tensor input, float negative_slope=0.01, bool inplace=False)
  forward(s, 3, "aten::leaky_relu", {argAt(s, 3, 0), argAt(s, 3, 1)}, argAt(s, 3, 2).toBool());
}
void hardtanh(Stack& s) {  // hardtanh(Tensor input, float min_val=-1., float max_val=1., bool inplace=False)
  forward(s, 4, "aten::hardtanh", {argAt(s, 4, 0), argAt(s, 4, 1), argAt(s, 4, 2)}, argAt(s, 4, 3).toBool());
}
void elu(Stack& s) {  // elu(Tensor input, float alpha=1., bool inplace=False)
  forward(s, 3, "aten::elu", {argAt(s, 3, 0), argAt(s, 3, 1), IValue(int64_t(1)), IValue(int64_t(1))}, argAt(s, 3, 2).toBool());
}
void celu(Stack& s) {  // celu(Tensor input, float alpha=1., bool inplace=False)
  forward(s, 3, "aten::celu", {argAt(s, 3, 0), argAt(s, 3, 1)}, argAt(s, 3, 2).toBool());
}
void threshold(Stack& s) {  // threshold(Tensor input, float threshold, float value, bool inplace=False)
  forward(s, 4, "aten::threshold", {argAt(s, 4, 0), argAt(s, 4, 1), argAt(s, 4, 2)}, argAt(s, 4, 3).toBool());
}
// rrelu outside training is leaky_relu with the mean slope; in training each
// element draws its slope from U(lower, upper).
void rrelu(Stack& s) {  // rrelu(Tensor input, float lower=1./8, float upper=1./3, bool training=False, bool inplace=False)
  double lo = argAt(s, 5, 1).toDouble(), hi = argAt(s, 5, 2).toDouble();
  Tensor x = tensorAt(s, 5, 0);
  if (!argAt(s, 5, 3).toBool()) {
    forward(s, 5, "aten::leaky_relu", {x.toIValue(), IValue((lo + hi) / 2)}, argAt(s, 5, 4).toBool());
    return;
  }
  Tensor u = callTensorOp(findOp("aten::rand_like"), {x.toIValue(), IValue(), IValue(), IValue(), IValue(), IValue()});
  Tensor slope = add(mul(u.toIValue(), IValue(hi - lo)).toIValue(), IValue(lo));
  Tensor neg = callTensorOp(findOp("aten::lt.Scalar"), {x.toIValue(), IValue(int64_t(0))});
  Tensor r = callTensorOp(findOp("aten::where.self"), {neg.toIValue(), mul(x.toIValue(), slope.toIValue()).toIValue(), x.toIValue()});
  if (argAt(s, 5, 4).toBool()) {
    assignInPlace(x, r);
    r = x;
  }
  pushResult(s, 5, r);
}

// glu: the first half of dim gated by the sigmoid of the second half.
void gluKernel(Stack& s) {  // glu(Tensor self, int dim=-1)
  Tensor x = tensorAt(s, 2, 0);
  if (x.dim() == 0) lang::raise("RuntimeError", "glu does not support scalars because halving size must be even");
  int64_t dim = wrapDim(argAt(s, 2, 1).toInt(), x.dim());
  int64_t n = x.sizes()[dim];
  if (n % 2) lang::raise("RuntimeError", "Halving dimension must be even, but dimension " + std::to_string(dim) + " is size " + std::to_string(n));
  Tensor gate = callTensorOp(findOp("aten::sigmoid"), {x.narrow(dim, n / 2, n / 2).toIValue()});
  pushResult(s, 2, mul(x.narrow(dim, 0, n / 2).toIValue(), gate.toIValue()));
}

void checkDropoutP(double p) {
  if (p < 0 || p > 1) {
    std::string v = std::to_string(p);
    lang::raise("ValueError", "dropout probability has to be between 0 and 1, but got " + v.substr(0, v.find_last_not_of('0') + 1));
  }
}
void dropout(Stack& s) {  // dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False)
  checkDropoutP(argAt(s, 4, 1).toDouble());
  forward(s, 4, "aten::dropout", {argAt(s, 4, 0), argAt(s, 4, 1), argAt(s, 4, 2)}, argAt(s, 4, 3).toBool());
}
// dropout1d/2d/3d zero whole channels: one draw per (N, C), kept ones scaled by 1/(1-p).
void featureDropout(Stack& s) {  // dropout2d(Tensor input, float p=0.5, bool training=True, bool inplace=False)
  double p = argAt(s, 4, 1).toDouble();
  checkDropoutP(p);
  Tensor x = tensorAt(s, 4, 0);
  if (!argAt(s, 4, 2).toBool() || x.dim() < 2) {
    forward(s, 4, "aten::dropout", {x.toIValue(), IValue(p), IValue(false)}, false);
    return;
  }
  IntArray mask_shape(x.dim(), 1);
  mask_shape[0] = x.sizes()[0];
  mask_shape[1] = x.sizes()[1];
  Tensor keep = callTensorOp(findOp("aten::dropout"), {Tensor::full(mask_shape, 1.0, x.dtype()).toIValue(), IValue(p), IValue(true)});
  Tensor r = mul(x.toIValue(), keep.toIValue());
  if (argAt(s, 4, 3).toBool()) {
    assignInPlace(x, r);
    r = x;
  }
  pushResult(s, 4, r);
}
void alphaDropout(Stack& s) {  // alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False)
  checkDropoutP(argAt(s, 4, 1).toDouble());
  if (argAt(s, 4, 2).toBool() && argAt(s, 4, 1).toDouble() > 0)
    lang::raise("RuntimeError", "alpha_dropout in training mode is not supported by wick");
  pushResult(s, 4, tensorAt(s, 4, 0));
}

// aten::rrelu(self, Scalar lower, Scalar upper, bool training, Generator? generator): F.rrelu's
// saved code; the F kernel with `inplace` in the generator's place.
template <bool kInplace>
void atenRrelu(Stack& s) {
  size_t base = s.size() - 5;
  s[base + 1] = IValue(s[base + 1].toScalarDouble());  // lower
  s[base + 2] = IValue(s[base + 2].toScalarDouble());  // upper
  s.back() = IValue(kInplace);
  rrelu(s);
}

// An aten dropout (input, p, train) run by the F kernel that takes `inplace` too.
template <void (*kKernel)(Stack&), bool kInplace>
void withInplace(Stack& s) {
  s.push_back(IValue(kInplace));
  kKernel(s);
}

void normalize(Stack& s) {  // normalize(Tensor input, float p=2., int dim=1, float eps=1e-12, Tensor? out=None)
  forward(s, 5, "aten::normalize", {argAt(s, 5, 0), argAt(s, 5, 1), argAt(s, 5, 2), argAt(s, 5, 3)}, false);
}

// F.softmax/log_softmax/softmin with dim=None take the legacy implicit dim.
int64_t implicitSoftmaxDim(int64_t ndim) { return ndim == 0 || ndim == 1 || ndim == 3 ? 0 : 1; }
template <int kWhich>  // 0 softmax, 1 log_softmax, 2 softmin
void softmax(Stack& s) {  // softmax(Tensor input, int? dim=None, int _stacklevel=3, int? dtype=None)
  Tensor x = tensorAt(s, 4, 0);
  IValue dim = argAt(s, 4, 1).isNone() ? IValue(implicitSoftmaxDim(x.dim())) : argAt(s, 4, 1);
  const char* op = kWhich == 1 ? "aten::log_softmax.int" : "aten::softmax.int";
  if (kWhich == 2) x = callTensorOp(findOp("aten::neg"), {x.toIValue()});
  forward(s, 4, op, {x.toIValue(), dim, argAt(s, 4, 3)}, false);
}

// F.batch_norm's order: (input, running_mean, running_var, weight, bias, training, momentum, eps).
void batchNorm(Stack& s) {
  forward(s, 8, "aten::batch_norm", {argAt(s, 8, 0), argAt(s, 8, 3), argAt(s, 8, 4), argAt(s, 8, 1), argAt(s, 8, 2), argAt(s, 8, 5),
                                     argAt(s, 8, 6), argAt(s, 8, 7), IValue(false)}, false);
}

// F.embedding(input, weight, padding_idx, max_norm, ...): aten::embedding with
// the arguments swapped. TorchScript's F.embedding leaves the weight alone
// under max_norm (its renorm runs under no_grad, which scripting drops), so
// wick does too.
void embedding(Stack& s) {
  constexpr size_t n = 7;
  forward(s, n, "aten::embedding", {argAt(s, n, 1), argAt(s, n, 0), IValue(int64_t(-1)), IValue(false), IValue(false)}, false);
}

// Not pure: inplace flags write the input, training-mode dropout draws
// random numbers.
static lang::RegisterOps reg({
    {"functional::relu(Tensor input, bool inplace=False) -> Tensor", relu, lang::OpClass::Other, false},
    {"functional::relu6(Tensor input, bool inplace=False) -> Tensor", relu6, lang::OpClass::Other, false},
    {"functional::selu(Tensor input, bool inplace=False) -> Tensor", selu, lang::OpClass::Other, false},
    {"functional::silu(Tensor input, bool inplace=False) -> Tensor", silu, lang::OpClass::Other, false},
    {"functional::mish(Tensor input, bool inplace=False) -> Tensor", mish, lang::OpClass::Other, false},
    {"functional::hardswish(Tensor input, bool inplace=False) -> Tensor", hardswish, lang::OpClass::Other, false},
    {"functional::hardsigmoid(Tensor input, bool inplace=False) -> Tensor", hardsigmoid, lang::OpClass::Other, false},
    {"functional::leaky_relu(Tensor input, float negative_slope=0.01, bool inplace=False) -> Tensor", leakyRelu, lang::OpClass::Other, false},
    {"functional::hardtanh(Tensor input, float min_val=-1., float max_val=1., bool inplace=False) -> Tensor", hardtanh, lang::OpClass::Other, false},
    {"functional::elu(Tensor input, float alpha=1., bool inplace=False) -> Tensor", elu, lang::OpClass::Other, false},
    {"functional::celu(Tensor input, float alpha=1., bool inplace=False) -> Tensor", celu, lang::OpClass::Other, false},
    {"functional::threshold(Tensor input, float threshold, float value, bool inplace=False) -> Tensor", threshold, lang::OpClass::Other, false},
    {"functional::rrelu(Tensor input, float lower=0.125, float upper=0.3333333333333333, bool training=False, bool inplace=False) -> Tensor", rrelu, lang::OpClass::Other, false},
    {"aten::glu(Tensor self, int dim=-1) -> Tensor", gluKernel},
    {"functional::dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor", dropout, lang::OpClass::Other, false},
    {"functional::dropout1d(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor", featureDropout, lang::OpClass::Other, false},
    {"functional::dropout2d(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor", featureDropout, lang::OpClass::Other, false},
    {"functional::dropout3d(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor", featureDropout, lang::OpClass::Other, false},
    {"functional::alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False) -> Tensor", alphaDropout, lang::OpClass::Other, false},
    {"aten::rrelu(Tensor self, Scalar lower=0.125, Scalar upper=0.3333333333333333, bool training=False, Generator? generator=None) -> Tensor", atenRrelu<false>, lang::OpClass::Other, false},
    {"aten::rrelu_(Tensor(a!) self, Scalar lower=0.125, Scalar upper=0.3333333333333333, bool training=False, Generator? generator=None) -> Tensor(a!)", atenRrelu<true>, lang::OpClass::Other, false},
    // The aten ops F.dropout2d/alpha_dropout's saved code calls: (input, p, train), in place with a trailing _.
    {"aten::feature_dropout(Tensor input, float p, bool train) -> Tensor", withInplace<featureDropout, false>, lang::OpClass::Other, false},
    {"aten::feature_dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", withInplace<featureDropout, true>, lang::OpClass::Other, false},
    {"aten::alpha_dropout(Tensor input, float p, bool train) -> Tensor", withInplace<alphaDropout, false>, lang::OpClass::Other, false},
    {"aten::alpha_dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", withInplace<alphaDropout, true>, lang::OpClass::Other, false},
    {"aten::feature_alpha_dropout(Tensor input, float p, bool train) -> Tensor", withInplace<alphaDropout, false>, lang::OpClass::Other, false},
    {"aten::feature_alpha_dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", withInplace<alphaDropout, true>, lang::OpClass::Other, false},
    {"functional::feature_alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False) -> Tensor", alphaDropout, lang::OpClass::Other, false},
    {"functional::normalize(Tensor input, float p=2., int dim=1, float eps=1e-12, Tensor? out=None) -> Tensor", normalize, lang::OpClass::Other, false},
    {"functional::softmax(Tensor input, int? dim=None, int _stacklevel=3, int? dtype=None) -> Tensor", softmax<0>, lang::OpClass::Other, false},
    {"functional::log_softmax(Tensor input, int? dim=None, int _stacklevel=3, int? dtype=None) -> Tensor", softmax<1>, lang::OpClass::Other, false},
    {"functional::softmin(Tensor input, int? dim=None, int _stacklevel=3, int? dtype=None) -> Tensor", softmax<2>, lang::OpClass::Other, false},
    {"functional::batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05) -> Tensor", batchNorm, lang::OpClass::Other, false},
    {"functional::embedding(Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None, float norm_type=2., bool scale_grad_by_freq=False, bool sparse=False) -> Tensor", embedding, lang::OpClass::Other, false},
});

}  // namespace
}  // namespace wick::ops
