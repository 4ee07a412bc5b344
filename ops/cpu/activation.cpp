// Activations and softmax (torch.nn.functional). Pointwise activations are
// float functions computed in opmath; integer inputs keep the aten rules
// (relu keeps the dtype; the others need floating point).
#include <cmath>

#include "ops/cpu/activation_math.h"
#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

Tensor floatInput(const Tensor& t, const char* op) {
  if (!isFloatingType(t.dtype()))
    lang::raise("RuntimeError", std::string("\"") + op + "\" not implemented for '" + (t.dtype() == ScalarType::Long ? "Long" : dtypeName(t.dtype())) + "'");
  return t;
}

template <class F>
Tensor pointwise(const Tensor& t, const char* op, F f) {
  Tensor x = floatInput(t, op);
  return unaryOp(x, x.dtype(), x.dtype(), f);
}

// Writes f(self) back through self for the in-place forms (relu_, ...).
void finishInplace(Stack& s, size_t n, const Tensor& result) {
  Tensor self = tensorAt(s, n, 0);
  assignInPlace(self, result);
  s.resize(s.size() - n + 1);
}

void geluKernel(Stack& s) {  // gelu(Tensor self, *, str approximate='none')
  const std::string& mode = argAt(s, 2, 1).toStr();
  if (mode != "none" && mode != "tanh") lang::raise("RuntimeError", "approximate argument must be either none or tanh.");
  bool t = mode == "tanh";
  pushResult(s, 2, pointwise(tensorAt(s, 2, 0), "GeluKernelImpl", [t](auto x) { return decltype(x)(geluOf(x, t)); }));
}
void siluKernel(Stack& s) { s.back() = pointwise(Tensor::fromIValue(s.back()), "silu", [](auto x) { return siluOf(x); }).toIValue(); }
void mishKernel(Stack& s) { s.back() = pointwise(Tensor::fromIValue(s.back()), "mish", [](auto x) { return decltype(x)(x * std::tanh(std::log1p(std::exp(x)))); }).toIValue(); }
void relu6Kernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  s.back() = unaryOp(t, t.dtype(), t.dtype(), [](auto x) { return x != x ? x : decltype(x)(x < 0 ? 0 : (x > 6 ? 6 : x)); }).toIValue();
}
Tensor leakyRelu(const Tensor& t, double slope) {
  return pointwise(t, "leaky_relu", [slope](auto x) { return x > 0 ? x : decltype(x)(x * slope); });
}
void leakyReluKernel(Stack& s) { pushResult(s, 2, leakyRelu(tensorAt(s, 2, 0), argAt(s, 2, 1).toScalarDouble())); }
void leakyReluInplaceKernel(Stack& s) { finishInplace(s, 2, leakyRelu(tensorAt(s, 2, 0), argAt(s, 2, 1).toScalarDouble())); }
void eluKernel(Stack& s) {  // elu(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1)
  double a = argAt(s, 4, 1).toScalarDouble(), sc = argAt(s, 4, 2).toScalarDouble(), is = argAt(s, 4, 3).toScalarDouble();
  pushResult(s, 4, pointwise(tensorAt(s, 4, 0), "elu", [=](auto x) { return decltype(x)(x > 0 ? sc * x : sc * a * (std::exp(x * is) - 1)); }));
}
void celuKernel(Stack& s) {  // celu(Tensor self, Scalar alpha=1.0)
  double a = argAt(s, 2, 1).toScalarDouble();
  pushResult(s, 2, pointwise(tensorAt(s, 2, 0), "celu", [=](auto x) { return decltype(x)(x > 0 ? x : a * (std::exp(x / a) - 1)); }));
}
void seluKernel(Stack& s) {
  constexpr double kAlpha = 1.6732632423543772848170429916717, kScale = 1.0507009873554804934193349852946;
  s.back() = pointwise(Tensor::fromIValue(s.back()), "selu", [](auto x) { return decltype(x)(x > 0 ? kScale * x : kScale * kAlpha * (std::exp(x) - 1)); }).toIValue();
}
Tensor hardtanh(const Tensor& t, double lo, double hi) {
  return unaryOp(t, t.dtype(), t.dtype(), [=](auto x) { return x != x ? x : decltype(x)(x < lo ? lo : (x > hi ? hi : x)); });
}
void hardtanhKernel(Stack& s) { pushResult(s, 3, hardtanh(tensorAt(s, 3, 0), argAt(s, 3, 1).toScalarDouble(), argAt(s, 3, 2).toScalarDouble())); }
void hardtanhInplaceKernel(Stack& s) { finishInplace(s, 3, hardtanh(tensorAt(s, 3, 0), argAt(s, 3, 1).toScalarDouble(), argAt(s, 3, 2).toScalarDouble())); }
void hardsigmoidKernel(Stack& s) {
  s.back() = pointwise(Tensor::fromIValue(s.back()), "hardsigmoid", [](auto x) { double v = static_cast<double>(x); return decltype(x)(std::min(std::max(v + 3, 0.0), 6.0) / 6); }).toIValue();
}
void hardswishKernel(Stack& s) {
  s.back() = pointwise(Tensor::fromIValue(s.back()), "hardswish", [](auto x) { double v = static_cast<double>(x); return decltype(x)(v * std::min(std::max(v + 3, 0.0), 6.0) / 6); }).toIValue();
}
void softplusKernel(Stack& s) {  // softplus(Tensor self, Scalar beta=1, Scalar threshold=20)
  double b = argAt(s, 3, 1).toScalarDouble(), th = argAt(s, 3, 2).toScalarDouble();
  pushResult(s, 3, pointwise(tensorAt(s, 3, 0), "softplus", [=](auto x) { return decltype(x)(x * b > th ? x : std::log1p(std::exp(x * b)) / b); }));
}
void logSigmoidKernel(Stack& s) {
  s.back() = pointwise(Tensor::fromIValue(s.back()), "log_sigmoid", [](auto x) {
    return decltype(x)(std::min(0.0, double(x)) - std::log1p(std::exp(-std::fabs(double(x)))));
  }).toIValue();
}
void softsignKernel(Stack& s) { s.back() = pointwise(Tensor::fromIValue(s.back()), "softsign", [](auto x) { return decltype(x)(x / (1 + std::fabs(x))); }).toIValue(); }
void tanhshrinkKernel(Stack& s) { s.back() = pointwise(Tensor::fromIValue(s.back()), "tanhshrink", [](auto x) { return decltype(x)(x - std::tanh(x)); }).toIValue(); }
void hardshrinkKernel(Stack& s) {
  double l = argAt(s, 2, 1).toScalarDouble();
  pushResult(s, 2, pointwise(tensorAt(s, 2, 0), "hardshrink", [=](auto x) { return (x >= -l && x <= l) ? decltype(x)(0) : x; }));
}
void softshrinkKernel(Stack& s) {
  double l = argAt(s, 2, 1).toScalarDouble();
  pushResult(s, 2, pointwise(tensorAt(s, 2, 0), "softshrink", [=](auto x) { return decltype(x)(x > l ? x - l : (x < -l ? x + l : 0)); }));
}
void thresholdKernel(Stack& s) {  // threshold(Tensor self, Scalar threshold, Scalar value)
  Tensor t = tensorAt(s, 3, 0);
  double th = argAt(s, 3, 1).toScalarDouble(), v = argAt(s, 3, 2).toScalarDouble();
  pushResult(s, 3, unaryOp(t, t.dtype(), t.dtype(), [=](auto x) { return x <= th ? decltype(x)(v) : x; }));
}

// ---- softmax family along one dim: rows are made contiguous, computed in double ----

template <bool kLog>
Tensor softmax(const Tensor& t, int64_t dim, const IValue& dtype) {
  ScalarType dt = toOptDtype(dtype).value_or(t.dtype());
  if (!isFloatingType(dt)) lang::raise("RuntimeError", std::string("\"") + (kLog ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl") + "\" not implemented for 'Long'");
  Tensor x = t.to(dt);
  if (x.dim() == 0) x = x.reshape({1});
  dim = wrapDim(dim, x.dim());
  Tensor moved = x.transpose(dim, x.dim() - 1).contiguous();
  Tensor out = Tensor::empty(moved.sizes(), dt);
  int64_t n = moved.sizes().back();
  int64_t rows = n == 0 ? 0 : moved.numel() / n;
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* p = moved.data<T>();
    T* o = out.data<T>();
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = p + r * n;
      double m = -INFINITY;
      for (int64_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(static_cast<opmath_t<T>>(row[i])));
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(static_cast<opmath_t<T>>(row[i])) - m);
      for (int64_t i = 0; i < n; ++i) {
        double v = static_cast<double>(static_cast<opmath_t<T>>(row[i])) - m;
        o[r * n + i] = convertElement<T>(kLog ? v - std::log(sum) : std::exp(v) / sum);
      }
    }
  });
  return out.transpose(dim, x.dim() - 1).contiguous().reshape(t.sizes());
}
template <bool kLog>
void softmaxKernel(Stack& s) { pushResult(s, 3, softmax<kLog>(tensorAt(s, 3, 0), argAt(s, 3, 1).toInt(), argAt(s, 3, 2))); }

static lang::RegisterOps reg({
    {"aten::gelu(Tensor self, *, str approximate='none') -> Tensor", geluKernel, lang::OpClass::Elementwise},
    {"aten::silu(Tensor self) -> Tensor", siluKernel, lang::OpClass::Elementwise},
    {"aten::mish(Tensor self) -> Tensor", mishKernel, lang::OpClass::Elementwise},
    {"aten::relu6(Tensor self) -> Tensor", relu6Kernel, lang::OpClass::Elementwise},
    {"aten::leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor", leakyReluKernel, lang::OpClass::Elementwise},
    {"aten::leaky_relu_(Tensor(a!) self, Scalar negative_slope=0.01) -> Tensor(a!)", leakyReluInplaceKernel, lang::OpClass::Elementwise, false},
    {"aten::elu(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor", eluKernel, lang::OpClass::Elementwise},
    {"aten::celu(Tensor self, Scalar alpha=1.0) -> Tensor", celuKernel, lang::OpClass::Elementwise},
    {"aten::selu(Tensor self) -> Tensor", seluKernel, lang::OpClass::Elementwise},
    {"aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor", hardtanhKernel, lang::OpClass::Elementwise},
    {"aten::hardtanh_(Tensor(a!) self, Scalar min_val=-1, Scalar max_val=1) -> Tensor(a!)", hardtanhInplaceKernel, lang::OpClass::Elementwise, false},
    {"aten::hardsigmoid(Tensor self) -> Tensor", hardsigmoidKernel, lang::OpClass::Elementwise},
    {"aten::hardswish(Tensor self) -> Tensor", hardswishKernel, lang::OpClass::Elementwise},
    {"aten::softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor", softplusKernel, lang::OpClass::Elementwise},
    {"aten::log_sigmoid(Tensor self) -> Tensor", logSigmoidKernel, lang::OpClass::Elementwise},
    {"functional::logsigmoid(Tensor input) -> Tensor", logSigmoidKernel, lang::OpClass::Elementwise},
    {"functional::softsign(Tensor input) -> Tensor", softsignKernel, lang::OpClass::Elementwise},
    {"functional::tanhshrink(Tensor input) -> Tensor", tanhshrinkKernel, lang::OpClass::Elementwise},
    {"aten::hardshrink(Tensor self, Scalar lambd=0.5) -> Tensor", hardshrinkKernel, lang::OpClass::Elementwise},
    {"aten::softshrink(Tensor self, Scalar lambd=0.5) -> Tensor", softshrinkKernel, lang::OpClass::Elementwise},
    {"aten::threshold(Tensor self, Scalar threshold, Scalar value) -> Tensor", thresholdKernel, lang::OpClass::Elementwise},
    {"aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", softmaxKernel<false>},
    {"aten::log_softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", softmaxKernel<true>},
    {"aten::special_softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", softmaxKernel<false>},
    {"aten::special_log_softmax(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", softmaxKernel<true>},
});

}  // namespace
}  // namespace wick::ops
