// Special functions and unary ops with extra arguments: sinc, erfinv,
// digamma, i0/i0e, ndtr/ndtri/log_ndtr, entr, deg2rad/rad2deg, angle, isreal, logit,
// nan_to_num, round(decimals=), frexp/ldexp, with their torch.special names.
// Evaluated in double and rounded to the result dtype.
#include <cfloat>
#include <cmath>
#include <limits>

#include "ops/cpu/special_math.h"
#include "ops/cpu/spectral.h"
#include "ops/cpu/unary_family.h"

namespace wick::ops {
namespace {

double sinc(double x) {
  if (x == 0) return 1;
  double px = M_PI * x;
  return std::sin(px) / px;
}

// Inverse error function: Giles' single-precision approximation, then two
// Newton steps on erf(x) - y in double.
double erfinv(double y) {
  if (std::isnan(y) || y < -1 || y > 1) return NAN;
  if (y == 1) return INFINITY;
  if (y == -1) return -INFINITY;
  double w = -std::log((1.0 - y) * (1.0 + y)), x;
  if (w < 5.0) {
    w -= 2.5;
    double p = 2.81022636e-08;
    for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941})
      p = c + p * w;
    x = p * y;
  } else {
    w = std::sqrt(w) - 3.0;
    double p = -0.000200214257;
    for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682})
      p = c + p * w;
    x = p * y;
  }
  for (int i = 0; i < 2; ++i) x -= (std::erf(x) - y) / (2.0 / std::sqrt(M_PI) * std::exp(-x * x));
  return x;
}

// digamma: reflection for negatives, recurrence up to 6, then the asymptotic series.
double digamma(double x) {
  if (x == 0) return std::signbit(x) ? INFINITY : -INFINITY;
  if (x < 0) {
    if (x == std::floor(x)) return NAN;
    return digamma(1 - x) - M_PI / std::tan(M_PI * x);
  }
  double r = 0;
  while (x < 6) r -= 1 / x, x += 1;
  double f = 1 / (x * x);
  return r + std::log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}


double ndtr(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double entr(double x) {
  if (std::isnan(x)) return x;
  if (x > 0) return -x * std::log(x);
  return x == 0 ? 0.0 : -INFINITY;
}

#define WICK_SFUNCTOR(Name, expr) \
  struct Name { template <class M> auto operator()(M a) const { double x = static_cast<double>(a); (void)x; return static_cast<M>(expr); } };
WICK_SFUNCTOR(SincOp, sinc(x))
WICK_SFUNCTOR(ErfinvOp, erfinv(x))
WICK_SFUNCTOR(DigammaOp, digamma(x))
WICK_SFUNCTOR(I0Op, besselI0(x))
WICK_SFUNCTOR(I0eOp, std::exp(-std::fabs(x)) * besselI0(x))
WICK_SFUNCTOR(NdtrOp, ndtr(x))
WICK_SFUNCTOR(NdtriOp, std::sqrt(2.0) * erfinv(2 * x - 1))
WICK_SFUNCTOR(LogNdtrOp, std::log(ndtr(x)))
WICK_SFUNCTOR(EntrOp, entr(x))
WICK_SFUNCTOR(Deg2RadOp, x * (M_PI / 180.0))
WICK_SFUNCTOR(Rad2DegOp, x * (180.0 / M_PI))
WICK_SFUNCTOR(AngleOp, std::isnan(x) ? x : (x < 0 ? M_PI : 0.0))
#undef WICK_SFUNCTOR
struct TrueOp { template <class M> bool operator()(M) const { return true; } };

// logit(self, eps=None): log(z / (1 - z)) with z clamped to [eps, 1 - eps].
void logitKernel(Stack& s) {
  Tensor t = tensorAt(s, 2, 0);
  const IValue& eps = argAt(s, 2, 1);
  double e = eps.isNone() ? -1 : eps.toDouble();
  ScalarType dt = defaultFloatIfIntegral(t.dtype());
  pushResult(s, 2, unaryOp(t, dt, dt, [e](auto a) {
    double z = static_cast<double>(a);
    if (e >= 0) z = z < e ? e : (z > 1 - e ? 1 - e : z);
    return static_cast<decltype(a)>(std::log(z / (1 - z)));
  }));
}

double lowestOf(ScalarType t) {
  switch (t) {
    case ScalarType::Half: return -65504.0;
    case ScalarType::BFloat16: return -3.3895313892515355e38;
    case ScalarType::Float: return -FLT_MAX;
    default: return -DBL_MAX;
  }
}

// nan_to_num(self, nan=None, posinf=None, neginf=None): NaN to 0 and the
// infinities to the dtype's largest / lowest finite values by default.
Tensor nanToNum(const Tensor& t, const IValue& nan, const IValue& posinf, const IValue& neginf) {
  if (!isFloatingType(t.dtype())) return t.clone();
  double n = nan.isNone() ? 0.0 : nan.toDouble();
  double hi = posinf.isNone() ? -lowestOf(t.dtype()) : posinf.toDouble();
  double lo = neginf.isNone() ? lowestOf(t.dtype()) : neginf.toDouble();
  return unaryOp(t, t.dtype(), t.dtype(), [=](auto a) {
    double x = static_cast<double>(a);
    return static_cast<decltype(a)>(std::isnan(x) ? n : x == INFINITY ? hi : x == -INFINITY ? lo : x);
  });
}
void nanToNumKernel(Stack& s) { pushResult(s, 4, nanToNum(tensorAt(s, 4, 0), argAt(s, 4, 1), argAt(s, 4, 2), argAt(s, 4, 3))); }
void nanToNumInplaceKernel(Stack& s) {
  Tensor self = tensorAt(s, 4, 0);
  assignInPlace(self, nanToNum(self, argAt(s, 4, 1), argAt(s, 4, 2), argAt(s, 4, 3)));
  pushResult(s, 4, self);
}

// round(decimals=d) as aten: nearbyint(x * 10^d) / 10^d, or for d < 0
// nearbyint(x / 10^-d) * 10^-d, in the tensor's float type.
void roundDecimalsKernel(Stack& s) {  // round.decimals(Tensor self, *, int decimals)
  Tensor t = tensorAt(s, 2, 0);
  int64_t d = argAt(s, 2, 1).toInt();
  if (!isFloatingType(t.dtype())) {
    if (d != 0) lang::raise("RuntimeError", std::string("\"round_cpu\" not implemented for '") + scalarTypeName(t.dtype()) + "'");
    pushResult(s, 2, t.clone());
    return;
  }
  bool neg = d < 0;
  pushResult(s, 2, unaryOp(t, t.dtype(), t.dtype(), [=](auto a) {
    using M = decltype(a);
    M p = static_cast<M>(std::pow(10.0, static_cast<double>(neg ? -d : d)));
    return neg ? static_cast<M>(std::nearbyint(a / p) * p) : static_cast<M>(std::nearbyint(a * p) / p);
  }));
}

// frexp: x = mantissa * 2^exponent with |mantissa| in [0.5, 1) (exponent int32).
void frexpKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (!isFloatingType(t.dtype())) lang::raise("RuntimeError", "torch.frexp() only supports floating-point dtypes");
  Tensor x = t.to(ScalarType::Double).contiguous();
  Tensor m = Tensor::empty(t.sizes(), ScalarType::Double), e = Tensor::empty(t.sizes(), ScalarType::Int);
  for (int64_t i = 0; i < x.numel(); ++i) {
    int ex = 0;
    m.data<double>()[i] = std::frexp(x.data<double>()[i], &ex);
    e.data<int32_t>()[i] = ex;
  }
  pushResults(s, 1, {m.to(t.dtype()).toIValue(), e.toIValue()});
}
// ldexp: self * 2^other, in floating point.
void ldexpKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  ScalarType dt = defaultFloatIfIntegral(promoteTypes(a.dtype(), b.dtype()));
  Tensor ea = a.to(dt), eb = b.to(dt);
  pushResult(s, 2, binaryOp(ea, eb, dt, dt, [](auto x, auto y) { return static_cast<decltype(x)>(x * std::exp2(y)); }));
}

// angle of a complex tensor is arg z; conj negates the imaginary part (spectral.cpp).
void angleKernel(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  s.back() = (isComplexType(a.dtype()) ? complexAngle(a) : applyUnary<AngleOp, UFamily::Float>(a)).toIValue();
}
void conjKernel(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  if (isComplexType(a.dtype())) s.back() = complexConj(a).toIValue();
}

#define WICK_SPECIAL(name, Op)                                                                             \
  {"aten::" name "(Tensor self) -> Tensor", unaryKernel<Op, UFamily::Float>, lang::OpClass::Elementwise}, \
  {"aten::special_" name "(Tensor self) -> Tensor", unaryKernel<Op, UFamily::Float>, lang::OpClass::Elementwise}

static lang::RegisterOps reg({
    WICK_SPECIAL("sinc", SincOp), WICK_SPECIAL("erfinv", ErfinvOp), WICK_SPECIAL("digamma", DigammaOp),
    WICK_SPECIAL("i0", I0Op),
    {"aten::special_psi(Tensor self) -> Tensor", unaryKernel<DigammaOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::sinc_(Tensor(a!) self) -> Tensor(a!)", unaryInplaceKernel<SincOp, UFamily::Float>, lang::OpClass::Elementwise, false},
    {"aten::erfinv_(Tensor(a!) self) -> Tensor(a!)", unaryInplaceKernel<ErfinvOp, UFamily::Float>, lang::OpClass::Elementwise, false},
    {"aten::special_i0e(Tensor self) -> Tensor", unaryKernel<I0eOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_ndtr(Tensor self) -> Tensor", unaryKernel<NdtrOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_ndtri(Tensor self) -> Tensor", unaryKernel<NdtriOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_log_ndtr(Tensor self) -> Tensor", unaryKernel<LogNdtrOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::special_entr(Tensor self) -> Tensor", unaryKernel<EntrOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::deg2rad(Tensor self) -> Tensor", unaryKernel<Deg2RadOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::rad2deg(Tensor self) -> Tensor", unaryKernel<Rad2DegOp, UFamily::Float>, lang::OpClass::Elementwise},
    {"aten::angle(Tensor self) -> Tensor", angleKernel, lang::OpClass::Elementwise},
    {"aten::isreal(Tensor self) -> Tensor", unaryKernel<TrueOp, UFamily::Predicate>, lang::OpClass::Elementwise},
    {"aten::positive(Tensor(a) self) -> Tensor(a)", [](Stack&) {}, lang::OpClass::View},
    {"aten::conj(Tensor(a) self) -> Tensor(a)", conjKernel, lang::OpClass::View},
    {"aten::resolve_conj(Tensor(a) self) -> Tensor(a)", [](Stack&) {}, lang::OpClass::View},
    {"aten::resolve_neg(Tensor(a) self) -> Tensor(a)", [](Stack&) {}, lang::OpClass::View},
    {"aten::logit(Tensor self, float? eps=None) -> Tensor", logitKernel, lang::OpClass::Elementwise},
    {"aten::special_logit(Tensor self, float? eps=None) -> Tensor", logitKernel, lang::OpClass::Elementwise},
    {"aten::nan_to_num(Tensor self, float? nan=None, float? posinf=None, float? neginf=None) -> Tensor", nanToNumKernel, lang::OpClass::Elementwise},
    {"aten::nan_to_num_(Tensor(a!) self, float? nan=None, float? posinf=None, float? neginf=None) -> Tensor(a!)", nanToNumInplaceKernel, lang::OpClass::Elementwise, false},
    {"aten::round.decimals(Tensor self, *, int decimals) -> Tensor", roundDecimalsKernel, lang::OpClass::Elementwise},
    {"aten::frexp.Tensor(Tensor self) -> (Tensor mantissa, Tensor exponent)", frexpKernel},
    {"aten::ldexp.Tensor(Tensor self, Tensor other) -> Tensor", ldexpKernel, lang::OpClass::Elementwise},
    {"aten::special_round(Tensor self, *, int decimals=0) -> Tensor", roundDecimalsKernel, lang::OpClass::Elementwise},
});

}  // namespace
}  // namespace wick::ops
