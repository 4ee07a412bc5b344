// Unary elementwise math. Three families: float functions (integer inputs
// compute in the default float dtype, as torch.sin(int_tensor) does), dtype
// keeping ops (abs, neg, floor, ...), and predicates returning bool.
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/cpu/fast_math.h"
#include "ops/cpu/spectral.h"
#include "ops/cpu/unary_family.h"

namespace wick::ops {
namespace {

template <class M> M signOf(M a) {
  if constexpr (std::is_same_v<M, bool>) return a;
  else if constexpr (std::is_unsigned_v<M>) return a > 0;
  else return static_cast<M>((M(0) < a) - (a < M(0)));
}
template <class M> M roundHalfEven(M a) {
  if constexpr (std::is_integral_v<M>) return a;
  else return std::nearbyint(a);
}
template <class M> M absOf(M a) {
  if constexpr (std::is_same_v<M, bool> || std::is_unsigned_v<M>) return a;
  else return a < 0 ? M(-a) : a;
}
template <class M> M negOf(M a) {
  if constexpr (std::is_same_v<M, bool>) return a;
  else return static_cast<M>(-a);
}

#define WICK_UFUNCTOR(Name, expr) \
  struct Name { template <class M> auto operator()(M a) const { return expr; } };
WICK_UFUNCTOR(AbsOp, absOf<M>(a))
WICK_UFUNCTOR(NegOp, negOf<M>(a))
WICK_UFUNCTOR(SignOp, signOf<M>(a))
// float32 exp/tanh/sigmoid: fast_math.h's vectorizable forms.
template <class M> M expOf(M a) {
  if constexpr (std::is_same_v<M, float>) return fastmath::expf(a);
  else return static_cast<M>(std::exp(a));
}
template <class M> M tanhOf(M a) {
  if constexpr (std::is_same_v<M, float>) return fastmath::tanhf(a);
  else return static_cast<M>(std::tanh(a));
}
template <class M> M sigmoidOf(M a) {
  if constexpr (std::is_same_v<M, float>) return fastmath::sigmoidf(a);
  else return static_cast<M>(M(1) / (M(1) + std::exp(-a)));
}
WICK_UFUNCTOR(ExpOp, expOf<M>(a))
WICK_UFUNCTOR(Exp2Op, static_cast<M>(std::exp2(a)))
WICK_UFUNCTOR(LogOp, static_cast<M>(std::log(a)))
WICK_UFUNCTOR(Log2Op, static_cast<M>(std::log2(a)))
WICK_UFUNCTOR(Log10Op, static_cast<M>(std::log10(a)))
WICK_UFUNCTOR(Log1pOp, static_cast<M>(std::log1p(a)))
WICK_UFUNCTOR(Expm1Op, static_cast<M>(std::expm1(a)))
WICK_UFUNCTOR(SqrtOp, static_cast<M>(std::sqrt(a)))
WICK_UFUNCTOR(RsqrtOp, static_cast<M>(M(1) / std::sqrt(a)))
WICK_UFUNCTOR(SinOp, static_cast<M>(std::sin(a)))
WICK_UFUNCTOR(CosOp, static_cast<M>(std::cos(a)))
WICK_UFUNCTOR(TanOp, static_cast<M>(std::tan(a)))
WICK_UFUNCTOR(AsinOp, static_cast<M>(std::asin(a)))
WICK_UFUNCTOR(AcosOp, static_cast<M>(std::acos(a)))
WICK_UFUNCTOR(AtanOp, static_cast<M>(std::atan(a)))
WICK_UFUNCTOR(SinhOp, static_cast<M>(std::sinh(a)))
WICK_UFUNCTOR(CoshOp, static_cast<M>(std::cosh(a)))
WICK_UFUNCTOR(TanhOp, tanhOf<M>(a))
WICK_UFUNCTOR(AsinhOp, static_cast<M>(std::asinh(a)))
WICK_UFUNCTOR(AcoshOp, static_cast<M>(std::acosh(a)))
WICK_UFUNCTOR(AtanhOp, static_cast<M>(std::atanh(a)))
WICK_UFUNCTOR(SigmoidOp, sigmoidOf<M>(a))
WICK_UFUNCTOR(ErfOp, static_cast<M>(std::erf(a)))
WICK_UFUNCTOR(ErfcOp, static_cast<M>(std::erfc(a)))
WICK_UFUNCTOR(LgammaOp, static_cast<M>(std::lgamma(a)))
WICK_UFUNCTOR(ReciprocalOp, static_cast<M>(M(1) / a))
WICK_UFUNCTOR(SquareOp, static_cast<M>(a * a))
WICK_UFUNCTOR(FloorOp, static_cast<M>(std::is_integral_v<M> ? a : M(std::floor(a))))
WICK_UFUNCTOR(CeilOp, static_cast<M>(std::is_integral_v<M> ? a : M(std::ceil(a))))
WICK_UFUNCTOR(TruncOp, static_cast<M>(std::is_integral_v<M> ? a : M(std::trunc(a))))
WICK_UFUNCTOR(RoundOp, roundHalfEven<M>(a))
WICK_UFUNCTOR(FracOp, static_cast<M>(std::is_integral_v<M> ? M(0) : M(a - std::trunc(a))))
WICK_UFUNCTOR(ReluOp, static_cast<M>(a < M(0) ? M(0) : a))  // NaN and -0.0 pass through, as in torch
WICK_UFUNCTOR(IsNanOp, bool(a != a))
WICK_UFUNCTOR(IsInfOp, bool(std::is_floating_point_v<M> && std::isinf(static_cast<double>(a))))
WICK_UFUNCTOR(IsFiniteOp, bool(!std::is_floating_point_v<M> || std::isfinite(static_cast<double>(a))))
WICK_UFUNCTOR(IsPosInfOp, bool(std::is_floating_point_v<M> && static_cast<double>(a) == INFINITY))
WICK_UFUNCTOR(IsNegInfOp, bool(std::is_floating_point_v<M> && static_cast<double>(a) == -INFINITY))
WICK_UFUNCTOR(LogicalNotOp, bool(a == 0))
WICK_UFUNCTOR(SignbitOp, bool(std::signbit(static_cast<double>(a))))
#undef WICK_UFUNCTOR
struct BitNotOp {
  template <class M> M operator()(M a) const {
    if constexpr (std::is_same_v<M, bool>) return !a;
    else if constexpr (std::is_integral_v<M>) return static_cast<M>(~a);
    else return a;
  }
};

void bitwiseNotKernel(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  if (isFloatingType(a.dtype())) lang::raise("RuntimeError", "\"bitwise_not_cpu\" not implemented for 'Float'");
  s.back() = applyUnary<BitNotOp, UFamily::Keep>(a).toIValue();
}

void negKernelChecked(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  if (a.dtype() == ScalarType::Bool)
    lang::raise("RuntimeError", "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  s.back() = applyUnary<NegOp, UFamily::Keep>(a).toIValue();
}

// abs of a complex tensor is its magnitude, a real tensor (spectral.cpp).
void absKernel(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  s.back() = (isComplexType(a.dtype()) ? complexAbs(a) : applyUnary<AbsOp, UFamily::Keep>(a)).toIValue();
}

#define WICK_UNARY(name, Op, Fam)                                                                      \
  {"aten::" name "(Tensor self) -> Tensor", unaryKernel<Op, Fam>, lang::OpClass::Elementwise},        \
  {"aten::" name "_(Tensor(a!) self) -> Tensor(a!)", unaryInplaceKernel<Op, Fam>, lang::OpClass::Elementwise, false}

static lang::RegisterOps reg({
    {"aten::abs(Tensor self) -> Tensor", absKernel, lang::OpClass::Elementwise},
    {"aten::abs_(Tensor(a!) self) -> Tensor(a!)", unaryInplaceKernel<AbsOp, UFamily::Keep>, lang::OpClass::Elementwise, false},
    {"aten::absolute(Tensor self) -> Tensor", absKernel, lang::OpClass::Elementwise},
    {"aten::absolute_(Tensor(a!) self) -> Tensor(a!)", unaryInplaceKernel<AbsOp, UFamily::Keep>, lang::OpClass::Elementwise, false},
    {"aten::neg(Tensor self) -> Tensor", negKernelChecked, lang::OpClass::Elementwise},
    {"aten::neg_(Tensor(a!) self) -> Tensor(a!)", unaryInplaceKernel<NegOp, UFamily::Keep>, lang::OpClass::Elementwise, false},
    {"aten::negative(Tensor self) -> Tensor", negKernelChecked, lang::OpClass::Elementwise},
    WICK_UNARY("sign", SignOp, UFamily::Keep), WICK_UNARY("sgn", SignOp, UFamily::Keep),
    WICK_UNARY("exp", ExpOp, UFamily::Float), WICK_UNARY("exp2", Exp2Op, UFamily::Float),
    WICK_UNARY("log", LogOp, UFamily::Float), WICK_UNARY("log2", Log2Op, UFamily::Float),
    WICK_UNARY("log10", Log10Op, UFamily::Float), WICK_UNARY("log1p", Log1pOp, UFamily::Float),
    WICK_UNARY("expm1", Expm1Op, UFamily::Float), WICK_UNARY("sqrt", SqrtOp, UFamily::Float),
    WICK_UNARY("rsqrt", RsqrtOp, UFamily::Float), WICK_UNARY("sin", SinOp, UFamily::Float),
    WICK_UNARY("cos", CosOp, UFamily::Float), WICK_UNARY("tan", TanOp, UFamily::Float),
    WICK_UNARY("asin", AsinOp, UFamily::Float), WICK_UNARY("acos", AcosOp, UFamily::Float),
    WICK_UNARY("atan", AtanOp, UFamily::Float), WICK_UNARY("arcsin", AsinOp, UFamily::Float),
    WICK_UNARY("arccos", AcosOp, UFamily::Float), WICK_UNARY("arctan", AtanOp, UFamily::Float),
    WICK_UNARY("sinh", SinhOp, UFamily::Float), WICK_UNARY("cosh", CoshOp, UFamily::Float),
    WICK_UNARY("tanh", TanhOp, UFamily::Float), WICK_UNARY("asinh", AsinhOp, UFamily::Float),
    WICK_UNARY("acosh", AcoshOp, UFamily::Float), WICK_UNARY("atanh", AtanhOp, UFamily::Float),
    WICK_UNARY("sigmoid", SigmoidOp, UFamily::Float), WICK_UNARY("erf", ErfOp, UFamily::Float),
    WICK_UNARY("erfc", ErfcOp, UFamily::Float), WICK_UNARY("lgamma", LgammaOp, UFamily::Float),
    WICK_UNARY("reciprocal", ReciprocalOp, UFamily::Float), WICK_UNARY("square", SquareOp, UFamily::Keep),
    WICK_UNARY("floor", FloorOp, UFamily::Keep), WICK_UNARY("ceil", CeilOp, UFamily::Keep),
    WICK_UNARY("trunc", TruncOp, UFamily::Keep), WICK_UNARY("fix", TruncOp, UFamily::Keep),
    WICK_UNARY("round", RoundOp, UFamily::Keep), WICK_UNARY("frac", FracOp, UFamily::Keep),
    WICK_UNARY("relu", ReluOp, UFamily::Keep),
    WICK_UNARY("arcsinh", AsinhOp, UFamily::Float), WICK_UNARY("arccosh", AcoshOp, UFamily::Float),
    WICK_UNARY("arctanh", AtanhOp, UFamily::Float),
    // torch.special aliases (the frontend maps torch.special.X to aten::special_X)
    {"aten::special_expit(Tensor self) -> Tensor", unaryKernel<SigmoidOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_exp2(Tensor self) -> Tensor", unaryKernel<Exp2Op, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_expm1(Tensor self) -> Tensor", unaryKernel<Expm1Op, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_erf(Tensor self) -> Tensor", unaryKernel<ErfOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_erfc(Tensor self) -> Tensor", unaryKernel<ErfcOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_log1p(Tensor self) -> Tensor", unaryKernel<Log1pOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_gammaln(Tensor self) -> Tensor", unaryKernel<LgammaOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::isnan(Tensor self) -> Tensor", unaryKernel<IsNanOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::isinf(Tensor self) -> Tensor", unaryKernel<IsInfOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::isfinite(Tensor self) -> Tensor", unaryKernel<IsFiniteOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::isposinf(Tensor self) -> Tensor", unaryKernel<IsPosInfOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::isneginf(Tensor self) -> Tensor", unaryKernel<IsNegInfOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::signbit(Tensor self) -> Tensor", unaryKernel<SignbitOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::logical_not(Tensor self) -> Tensor", unaryKernel<LogicalNotOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::bitwise_not(Tensor self) -> Tensor", bitwiseNotKernel, lang::OpClass::Elementwise},
});

}  // namespace
}  // namespace wick::ops
