// Binary elementwise arithmetic, bitwise and comparison ops with aten's
// overloads: .Tensor (Tensor, Tensor), .Scalar (Tensor, Scalar), and the
// number-first forms the emitter produces for `2 - x` (.Scalar_Tensor).
// One kernel serves all overloads: each operand is a tensor or a Python
// number, promoted as TensorIterator does (kernel_args.h ResultType).
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/cpu/spectral.h"

namespace wick::ops {
namespace {

// An operand: a tensor, or a Python number that participates in promotion as a wrapped scalar.
struct Operand {
  Tensor t;
  IValue scalar;
  bool wrapped = false;
};

Operand operandOf(const IValue& v) {
  if (v.isTensor()) return {Tensor::fromIValue(v), IValue(), false};
  return {Tensor(), v, true};
}

ScalarType resultTypeOf(const Operand& a, const Operand& b) {
  ResultType r;
  for (const Operand* o : {&a, &b}) {
    if (o->wrapped) r.add(o->scalar);
    else r.add(o->t);
  }
  return r.finish();
}

Tensor materialize(const Operand& o, ScalarType dtype) {
  return o.wrapped ? Tensor::scalarTensor(o.scalar, dtype) : o.t;
}

void checkNoZeroDivisor(const Tensor& b, ScalarType dtype) {
  if (!isIntegralType(dtype, false)) return;
  Tensor z = b.to(ScalarType::Long).contiguous();
  const int64_t* p = z.data<int64_t>();
  for (int64_t i = 0; i < z.numel(); ++i)
    if (p[i] == 0) lang::raise("RuntimeError", "ZeroDivisionError");
}

// ---- the functors (arithmetic on opmath values) ----

template <class M> M pyFloorDiv(M a, M b) {
  if constexpr (std::is_same_v<M, bool>) {
    return a;
  } else if constexpr (std::is_integral_v<M>) {
    if (b == 0) return 0;
    M q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  } else {
    if (b == 0) return a / b;
    M mod = std::fmod(a, b);
    M div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
    if (div == 0) return std::copysign(M(0), a / b);
    M fl = std::floor(div);
    if (div - fl > M(0.5)) fl += 1;
    return fl;
  }
}
template <class M> M pyRemainder(M a, M b) {
  if constexpr (std::is_same_v<M, bool>) {
    return false;
  } else if constexpr (std::is_integral_v<M>) {
    if (b == 0) return 0;
    M r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    M r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  }
}
template <class M> M cFmod(M a, M b) {
  if constexpr (std::is_same_v<M, bool>) return false;
  else if constexpr (std::is_integral_v<M>) return b == 0 ? 0 : a % b;
  else return std::fmod(a, b);
}
template <class M> M powOf(M a, M b) {
  if constexpr (std::is_same_v<M, bool>) {
    return a || !b;
  } else if constexpr (std::is_integral_v<M>) {
    if (b < 0) return a == 1 ? 1 : (a == -1 ? (b % 2 ? -1 : 1) : 0);
    M r = 1;
    while (b) {
      if (b & 1) r *= a;
      a *= a;
      b >>= 1;
    }
    return r;
  } else {
    return std::pow(a, b);
  }
}
template <class M> M maxNan(M a, M b) {
  if constexpr (std::is_floating_point_v<M>) if (std::isnan(a) || std::isnan(b)) return NAN;
  return a > b ? a : b;
}
template <class M> M minNan(M a, M b) {
  if constexpr (std::is_floating_point_v<M>) if (std::isnan(a) || std::isnan(b)) return NAN;
  return a < b ? a : b;
}

// log(e^a + e^b) (base 2 with kBase2) as aten computes it: equal infinities stay.
template <class M> M logAddExp(M a, M b, bool base2) {
  if constexpr (std::is_floating_point_v<M>) {
    M m = a > b ? a : b;
    if (std::isinf(m) && a == b) return a;
    M d = std::fabs(a - b);
    return base2 ? m + std::log1p(std::exp2(-d)) / std::log(M(2)) : m + std::log1p(std::exp(-d));
  } else {
    return a;
  }
}
template <class M> M gcdOf(M a, M b) {
  if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>) {
    a = a < 0 ? M(-a) : a, b = b < 0 ? M(-b) : b;
    while (b) a = static_cast<M>(a % b), std::swap(a, b);
    return a;
  } else {
    return a;
  }
}
template <class M> M lcmOf(M a, M b) {
  if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>) {
    M g = gcdOf<M>(a, b);
    M l = g == 0 ? M(0) : static_cast<M>(a / g * b);
    return l < 0 ? M(-l) : l;
  } else {
    return a;
  }
}

#define WICK_FUNCTOR(Name, expr) \
  struct Name { template <class M> auto operator()(M a, M b) const { return expr; } };
WICK_FUNCTOR(AddOp, static_cast<M>(a + b))
WICK_FUNCTOR(SubOp, static_cast<M>(a - b))
WICK_FUNCTOR(MulOp, static_cast<M>(a * b))
WICK_FUNCTOR(DivOp, static_cast<M>(a / b))
WICK_FUNCTOR(DivTruncOp, static_cast<M>(std::is_integral_v<M> ? (b == 0 ? M(0) : M(a / b)) : M(std::trunc(a / b))))
WICK_FUNCTOR(FloorDivOp, pyFloorDiv<M>(a, b))
WICK_FUNCTOR(RemainderOp, pyRemainder<M>(a, b))
WICK_FUNCTOR(FmodOp, cFmod<M>(a, b))
WICK_FUNCTOR(PowOp, powOf<M>(a, b))
WICK_FUNCTOR(Atan2Op, static_cast<M>(std::atan2(a, b)))
WICK_FUNCTOR(HypotOp, static_cast<M>(std::hypot(a, b)))
WICK_FUNCTOR(MaximumOp, maxNan<M>(a, b))
WICK_FUNCTOR(MinimumOp, minNan<M>(a, b))
WICK_FUNCTOR(FmaxOp, static_cast<M>(a != a ? b : (b != b ? a : (a > b ? a : b))))
WICK_FUNCTOR(FminOp, static_cast<M>(a != a ? b : (b != b ? a : (a < b ? a : b))))
WICK_FUNCTOR(EqOp, a == b)
WICK_FUNCTOR(NeOp, a != b)
WICK_FUNCTOR(LtOp, a < b)
WICK_FUNCTOR(LeOp, a <= b)
WICK_FUNCTOR(GtOp, a > b)
WICK_FUNCTOR(GeOp, a >= b)
WICK_FUNCTOR(LogicalAndOp, bool(a != 0 && b != 0))
WICK_FUNCTOR(LogicalOrOp, bool(a != 0 || b != 0))
WICK_FUNCTOR(LogicalXorOp, bool((a != 0) != (b != 0)))
WICK_FUNCTOR(CopysignOp, static_cast<M>(std::copysign(a, b)))
WICK_FUNCTOR(LogAddExpOp, static_cast<M>(logAddExp<M>(a, b, false)))
WICK_FUNCTOR(LogAddExp2Op, static_cast<M>(logAddExp<M>(a, b, true)))
WICK_FUNCTOR(XlogyOp, static_cast<M>(b != b ? b : (a == 0 ? M(0) : M(a * std::log(b)))))
WICK_FUNCTOR(Xlog1pyOp, static_cast<M>(b != b ? b : (a == 0 ? M(0) : M(a * std::log1p(b)))))
WICK_FUNCTOR(HeavisideOp, static_cast<M>(a == 0 ? b : M(a > 0)))
WICK_FUNCTOR(NextafterOp, static_cast<M>(std::nextafter(a, b)))
WICK_FUNCTOR(GcdOp, gcdOf<M>(a, b))
WICK_FUNCTOR(LcmOp, lcmOf<M>(a, b))
#undef WICK_FUNCTOR

struct BitAndOp { template <class M> M operator()(M a, M b) const { if constexpr (std::is_integral_v<M>) return a & b; else return a; } };
struct BitOrOp { template <class M> M operator()(M a, M b) const { if constexpr (std::is_integral_v<M>) return a | b; else return a; } };
struct BitXorOp { template <class M> M operator()(M a, M b) const { if constexpr (std::is_integral_v<M>) return a ^ b; else return a; } };
struct LShiftOp { template <class M> M operator()(M a, M b) const { if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>) return (b < 0 || b >= M(sizeof(M) * 8)) ? M(0) : M(static_cast<std::make_unsigned_t<M>>(a) << b); else return a; } };
struct RShiftOp { template <class M> M operator()(M a, M b) const { if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>) return (b < 0 || b >= M(sizeof(M) * 8)) ? M(a < 0 ? -1 : 0) : M(a >> b); else return a; } };

// ---- how each family picks its dtypes ----

enum class Family { Arith, TrueDiv, FloatOnly, Compare, Logical, Bitwise, IntDiv, Double, SameDtype };

// The arithmetic ops complex tensors have (spectral.cpp): '+', '-', '*', '/', or 0.
template <class Op> constexpr char kComplexOp = 0;
template <> constexpr char kComplexOp<AddOp> = '+';
template <> constexpr char kComplexOp<SubOp> = '-';
template <> constexpr char kComplexOp<MulOp> = '*';
template <> constexpr char kComplexOp<DivOp> = '/';

bool isComplexOperand(const Operand& o) { return !o.wrapped && isComplexType(o.t.dtype()); }
bool isDoubleOperand(const Operand& o) {
  return !o.wrapped && (o.t.dtype() == ScalarType::Double || o.t.dtype() == ScalarType::ComplexDouble);
}

template <class Op, Family kFamily>
Tensor compute(const Operand& a, const Operand& b, const char* name) {
  if constexpr (kComplexOp<Op> != 0 && (kFamily == Family::Arith || kFamily == Family::TrueDiv)) {
    if (isComplexOperand(a) || isComplexOperand(b)) {
      // A Python number never widens: complex64 * 2.5 stays complex64.
      ScalarType out = isDoubleOperand(a) || isDoubleOperand(b) ? ScalarType::ComplexDouble : ScalarType::ComplexFloat;
      return complexArithmetic(materialize(a, ScalarType::Double), materialize(b, ScalarType::Double), kComplexOp<Op>, out);
    }
  }
  ScalarType rt = resultTypeOf(a, b);
  ScalarType compute = rt, out = rt;
  switch (kFamily) {
    case Family::TrueDiv:
    case Family::FloatOnly: compute = out = defaultFloatIfIntegral(rt); break;
    case Family::Compare: out = ScalarType::Bool; break;
    case Family::Logical: out = ScalarType::Bool; break;
    case Family::Bitwise:
      if (isFloatingType(rt)) lang::raise("RuntimeError", std::string("\"") + name + "_cpu\" not implemented for '" + (rt == ScalarType::Double ? "Double" : "Float") + "'");
      break;
    case Family::Double: compute = out = ScalarType::Double; break;
    case Family::SameDtype:
      if (!a.wrapped && !b.wrapped && a.t.dtype() != b.t.dtype())
        lang::raise("RuntimeError", "heaviside is not yet implemented for tensors with different dtypes");
      break;
    case Family::IntDiv:
    case Family::Arith: break;
  }
  Tensor ta = materialize(a, compute), tb = materialize(b, compute);
  if (kFamily == Family::IntDiv) checkNoZeroDivisor(tb, compute);
  return binaryOp(ta, tb, compute, out, Op{});
}

// alpha * b in b's own category (alpha is a wrapped number, so it never widens b's dtype).
Operand scaledByAlpha(const Operand& b, const IValue& alpha, ScalarType rt) {
  if (alpha.isFloat() && isIntegralType(rt, true))
    lang::raise("RuntimeError", "For integral input tensors, argument alpha must not be a floating point number.");
  Tensor scaled = compute<MulOp, Family::Arith>(b, operandOf(alpha), "mul");
  if (b.wrapped) return Operand{Tensor(), scaled.item(), true};
  return Operand{scaled, IValue(), false};
}

bool isOne(const IValue& v) { return (v.isInt() && v.toInt() == 1) || (v.isFloat() && v.toDouble() == 1.0); }

// add/sub with alpha: a + alpha * b.
template <class Op>
Tensor addLike(const IValue& av, const IValue& bv, const IValue& alpha, const char* name) {
  Operand a = operandOf(av), b = operandOf(bv);
  if (isComplexOperand(a) || isComplexOperand(b)) {  // no promotion table for complex: compute() takes them
    if (!isOne(alpha)) b = scaledByAlpha(b, alpha, ScalarType::ComplexFloat);
    return compute<Op, Family::Arith>(a, b, name);
  }
  ScalarType rt = resultTypeOf(a, b);
  if (std::is_same_v<Op, SubOp> && rt == ScalarType::Bool)
    lang::raise("RuntimeError", "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  if (!isOne(alpha)) b = scaledByAlpha(b, alpha, rt);
  return compute<Op, Family::Arith>(a, b, name);
}

template <class Op, Family kFamily>
void kernel2(Stack& s) {
  Tensor r = compute<Op, kFamily>(operandOf(argAt(s, 2, 0)), operandOf(argAt(s, 2, 1)), "op");
  pushResult(s, 2, r);
}

template <class Op>
void addKernel(Stack& s) {
  pushResult(s, 3, addLike<Op>(argAt(s, 3, 0), argAt(s, 3, 1), argAt(s, 3, 2), "add"));
}

template <class Op>
void rsubKernel(Stack& s) {  // rsub(self, other, alpha) = other - alpha * self
  pushResult(s, 3, addLike<Op>(argAt(s, 3, 1), argAt(s, 3, 0), argAt(s, 3, 2), "rsub"));
}

// In-place forms write the result through self (which may be a view).
void writeBack(Stack& s, size_t n, const Tensor& result) {
  Tensor self = tensorAt(s, n, 0);
  assignInPlace(self, result);
  pushResult(s, n, self);
}

template <class Op>
void addInplaceKernel(Stack& s) { writeBack(s, 3, addLike<Op>(argAt(s, 3, 0), argAt(s, 3, 1), argAt(s, 3, 2), "add_")); }

template <class Op, Family kFamily>
void inplaceKernel2(Stack& s) {
  writeBack(s, 2, compute<Op, kFamily>(operandOf(argAt(s, 2, 0)), operandOf(argAt(s, 2, 1)), "op_"));
}

Tensor divMode(const IValue& a, const IValue& b, const IValue& mode) {
  if (mode.isNone()) return compute<DivOp, Family::TrueDiv>(operandOf(a), operandOf(b), "div");
  const std::string& m = mode.toStr();
  if (m == "trunc") {
    Operand oa = operandOf(a), ob = operandOf(b);
    if (isIntegralType(resultTypeOf(oa, ob), true)) return compute<DivTruncOp, Family::IntDiv>(oa, ob, "div");
    return compute<DivTruncOp, Family::Arith>(oa, ob, "div");
  }
  if (m == "floor") return compute<FloorDivOp, Family::IntDiv>(operandOf(a), operandOf(b), "div");
  lang::raise("RuntimeError", "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '" + m + "'");
}

void divModeKernel(Stack& s) { pushResult(s, 3, divMode(argAt(s, 3, 0), argAt(s, 3, 1), argAt(s, 3, 2))); }
void divModeInplaceKernel(Stack& s) { writeBack(s, 3, divMode(argAt(s, 3, 0), argAt(s, 3, 1), argAt(s, 3, 2))); }

void powKernel(Stack& s) {
  Operand a = operandOf(argAt(s, 2, 0)), b = operandOf(argAt(s, 2, 1));
  ScalarType rt = resultTypeOf(a, b);
  if (isIntegralType(rt, false)) {
    Tensor e = materialize(b, ScalarType::Long).to(ScalarType::Long).contiguous();
    for (int64_t i = 0; i < e.numel(); ++i)
      if (e.data<int64_t>()[i] < 0) lang::raise("RuntimeError", "Integers to negative integer powers are not allowed.");
  }
  pushResult(s, 2, compute<PowOp, Family::Arith>(a, b, "pow"));
}

#define WICK_ARITH(name, Op, Fam)                                                                                   \
  {"aten::" name ".Tensor(Tensor self, Tensor other) -> Tensor", kernel2<Op, Fam>, lang::OpClass::Elementwise},    \
  {"aten::" name ".Scalar(Tensor self, Scalar other) -> Tensor", kernel2<Op, Fam>, lang::OpClass::Elementwise},    \
  {"aten::" name ".Scalar_Tensor(Scalar self, Tensor other) -> Tensor", kernel2<Op, Fam>, lang::OpClass::Elementwise}
#define WICK_INPLACE(name, Op, Fam)                                                                                 \
  {"aten::" name "_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", inplaceKernel2<Op, Fam>, lang::OpClass::Elementwise, false}, \
  {"aten::" name "_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", inplaceKernel2<Op, Fam>, lang::OpClass::Elementwise, false}

static lang::RegisterOps reg({
    {"aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", addKernel<AddOp>, lang::OpClass::Elementwise},
    {"aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", addKernel<AddOp>, lang::OpClass::Elementwise},
    {"aten::add.Scalar_Tensor(Scalar self, Tensor other, Scalar alpha=1) -> Tensor", addKernel<AddOp>, lang::OpClass::Elementwise},
    {"aten::sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", addKernel<SubOp>, lang::OpClass::Elementwise},
    {"aten::sub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", addKernel<SubOp>, lang::OpClass::Elementwise},
    {"aten::sub.Scalar_Tensor(Scalar self, Tensor other, Scalar alpha=1) -> Tensor", addKernel<SubOp>, lang::OpClass::Elementwise},
    {"aten::rsub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", rsubKernel<SubOp>, lang::OpClass::Elementwise},
    {"aten::rsub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", rsubKernel<SubOp>, lang::OpClass::Elementwise},
    {"aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", addInplaceKernel<AddOp>, lang::OpClass::Elementwise, false},
    {"aten::add_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)", addInplaceKernel<AddOp>, lang::OpClass::Elementwise, false},
    {"aten::sub_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", addInplaceKernel<SubOp>, lang::OpClass::Elementwise, false},
    {"aten::sub_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)", addInplaceKernel<SubOp>, lang::OpClass::Elementwise, false},
    WICK_ARITH("mul", MulOp, Family::Arith), WICK_INPLACE("mul", MulOp, Family::Arith),
    WICK_ARITH("div", DivOp, Family::TrueDiv), WICK_INPLACE("div", DivOp, Family::TrueDiv),
    WICK_ARITH("true_divide", DivOp, Family::TrueDiv),
    {"aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor", divModeKernel, lang::OpClass::Elementwise},
    {"aten::div.Scalar_mode(Tensor self, Scalar other, *, str? rounding_mode) -> Tensor", divModeKernel, lang::OpClass::Elementwise},
    {"aten::div_.Tensor_mode(Tensor(a!) self, Tensor other, *, str? rounding_mode) -> Tensor(a!)", divModeInplaceKernel, lang::OpClass::Elementwise, false},
    WICK_ARITH("floor_divide", FloorDivOp, Family::IntDiv), WICK_INPLACE("floor_divide", FloorDivOp, Family::IntDiv),
    WICK_ARITH("floordiv", FloorDivOp, Family::IntDiv),
    WICK_ARITH("remainder", RemainderOp, Family::IntDiv), WICK_INPLACE("remainder", RemainderOp, Family::IntDiv),
    WICK_ARITH("fmod", FmodOp, Family::IntDiv), WICK_INPLACE("fmod", FmodOp, Family::IntDiv),
    {"aten::pow.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor", powKernel, lang::OpClass::Elementwise},
    {"aten::pow.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor", powKernel, lang::OpClass::Elementwise},
    {"aten::pow.Scalar(Scalar self, Tensor exponent) -> Tensor", powKernel, lang::OpClass::Elementwise},
    WICK_INPLACE("pow", PowOp, Family::Arith),
    WICK_ARITH("atan2", Atan2Op, Family::FloatOnly), WICK_ARITH("arctan2", Atan2Op, Family::FloatOnly),
    WICK_ARITH("hypot", HypotOp, Family::FloatOnly),
    WICK_ARITH("maximum", MaximumOp, Family::Arith), WICK_ARITH("minimum", MinimumOp, Family::Arith),
    WICK_ARITH("fmax", FmaxOp, Family::Arith), WICK_ARITH("fmin", FminOp, Family::Arith),
    WICK_ARITH("eq", EqOp, Family::Compare), WICK_ARITH("ne", NeOp, Family::Compare),
    WICK_ARITH("lt", LtOp, Family::Compare), WICK_ARITH("le", LeOp, Family::Compare),
    WICK_ARITH("gt", GtOp, Family::Compare), WICK_ARITH("ge", GeOp, Family::Compare),
    WICK_ARITH("greater", GtOp, Family::Compare), WICK_ARITH("less", LtOp, Family::Compare),
    WICK_ARITH("greater_equal", GeOp, Family::Compare), WICK_ARITH("less_equal", LeOp, Family::Compare),
    WICK_ARITH("not_equal", NeOp, Family::Compare),
    WICK_ARITH("logical_and", LogicalAndOp, Family::Logical), WICK_ARITH("logical_or", LogicalOrOp, Family::Logical),
    WICK_ARITH("logical_xor", LogicalXorOp, Family::Logical),
    WICK_ARITH("bitwise_and", BitAndOp, Family::Bitwise), WICK_ARITH("bitwise_or", BitOrOp, Family::Bitwise),
    WICK_ARITH("bitwise_xor", BitXorOp, Family::Bitwise),
    WICK_ARITH("__and__", BitAndOp, Family::Bitwise), WICK_ARITH("__or__", BitOrOp, Family::Bitwise),
    WICK_ARITH("__xor__", BitXorOp, Family::Bitwise),
    WICK_ARITH("__lshift__", LShiftOp, Family::Bitwise), WICK_ARITH("__rshift__", RShiftOp, Family::Bitwise),
    WICK_ARITH("bitwise_left_shift", LShiftOp, Family::Bitwise), WICK_ARITH("bitwise_right_shift", RShiftOp, Family::Bitwise),
    WICK_INPLACE("bitwise_and", BitAndOp, Family::Bitwise), WICK_INPLACE("bitwise_or", BitOrOp, Family::Bitwise),
    WICK_INPLACE("__iand__", BitAndOp, Family::Bitwise), WICK_INPLACE("__ior__", BitOrOp, Family::Bitwise),
    WICK_INPLACE("__ixor__", BitXorOp, Family::Bitwise), WICK_INPLACE("bitwise_xor", BitXorOp, Family::Bitwise),
    WICK_INPLACE("bitwise_left_shift", LShiftOp, Family::Bitwise), WICK_INPLACE("bitwise_right_shift", RShiftOp, Family::Bitwise),
    WICK_INPLACE("__ilshift__", LShiftOp, Family::Bitwise), WICK_INPLACE("__irshift__", RShiftOp, Family::Bitwise),
    // In-place comparisons and logical ops write 0/1 in self's dtype.
    WICK_INPLACE("eq", EqOp, Family::Arith), WICK_INPLACE("ne", NeOp, Family::Arith),
    WICK_INPLACE("lt", LtOp, Family::Arith), WICK_INPLACE("le", LeOp, Family::Arith),
    WICK_INPLACE("gt", GtOp, Family::Arith), WICK_INPLACE("ge", GeOp, Family::Arith),
    WICK_INPLACE("logical_and", LogicalAndOp, Family::Arith), WICK_INPLACE("logical_or", LogicalOrOp, Family::Arith),
    WICK_INPLACE("logical_xor", LogicalXorOp, Family::Arith),
    WICK_ARITH("copysign", CopysignOp, Family::FloatOnly), WICK_INPLACE("copysign", CopysignOp, Family::FloatOnly),
    WICK_ARITH("logaddexp", LogAddExpOp, Family::FloatOnly), WICK_ARITH("logaddexp2", LogAddExp2Op, Family::FloatOnly),
    WICK_ARITH("xlogy", XlogyOp, Family::FloatOnly), WICK_INPLACE("xlogy", XlogyOp, Family::FloatOnly),
    WICK_ARITH("special_xlogy", XlogyOp, Family::FloatOnly), WICK_ARITH("special_xlog1py", Xlog1pyOp, Family::FloatOnly),
    WICK_ARITH("heaviside", HeavisideOp, Family::SameDtype),
    WICK_ARITH("nextafter", NextafterOp, Family::Arith),
    WICK_ARITH("gcd", GcdOp, Family::Bitwise), WICK_INPLACE("gcd", GcdOp, Family::Bitwise),
    WICK_ARITH("lcm", LcmOp, Family::Bitwise), WICK_INPLACE("lcm", LcmOp, Family::Bitwise),
    WICK_ARITH("float_power", PowOp, Family::Double),
    WICK_INPLACE("atan2", Atan2Op, Family::FloatOnly), WICK_INPLACE("hypot", HypotOp, Family::FloatOnly),
});

}  // namespace

Tensor& assignInPlace(Tensor& self, const Tensor& result) {
  if (result.sizes() != self.sizes())
    lang::raise("RuntimeError", "output with shape " + shapeStr(self.sizes()) +
                                    " doesn't match the broadcast shape " + shapeStr(result.sizes()));
  checkCanCast(result.dtype(), self.dtype());
  checkNoInternalOverlap(self);
  self.copy_(result);
  return self;
}

}  // namespace wick::ops
