// int / float / bool arithmetic, comparisons and bit operations with
// Python's semantics (floor division and modulo signs, int ** int -> float
// as TorchScript does).
#include "ops/builtins/kernel_util.h"

namespace wick::ops {
namespace {

inline int64_t asInt(const IValue& v) { return v.isBool() ? v.toBool() : v.toInt(); }
inline double asFloat(const IValue& v) { return v.toScalarDouble(); }

#define WICK_BIN_KERNEL(conv_a, conv_b, expr)                     \
  [](Stack& s) {                                                  \
    auto b = conv_b(s.back());                                    \
    s.pop_back();                                                 \
    auto a = conv_a(s.back());                                    \
    s.back() = IValue(expr);                                      \
  }

// One op, four overloads: int, float, int_float, float_int.
#define WICK_NUMERIC(name, int_expr, int_ret, float_expr)                                                           \
  {"aten::" name ".int(int a, int b) -> " int_ret, WICK_BIN_KERNEL(asInt, asInt, int_expr), lang::OpClass::Other},  \
  {"aten::" name ".float(float a, float b) -> float", WICK_BIN_KERNEL(asFloat, asFloat, float_expr)},            \
  {"aten::" name ".int_float(int a, float b) -> float", WICK_BIN_KERNEL(asFloat, asFloat, float_expr)},          \
  {"aten::" name ".float_int(float a, int b) -> float", WICK_BIN_KERNEL(asFloat, asFloat, float_expr)}

#define WICK_COMPARE(name, op)                                                                   \
  {"aten::" name ".int(int a, int b) -> bool", WICK_BIN_KERNEL(asInt, asInt, a op b)},           \
  {"aten::" name ".float(float a, float b) -> bool", WICK_BIN_KERNEL(asFloat, asFloat, a op b)}, \
  {"aten::" name ".int_float(int a, float b) -> bool", WICK_BIN_KERNEL(asFloat, asFloat, a op b)}, \
  {"aten::" name ".float_int(float a, int b) -> bool", WICK_BIN_KERNEL(asFloat, asFloat, a op b)}, \
  {"aten::" name ".bool(bool a, bool b) -> bool", WICK_BIN_KERNEL(asInt, asInt, a op b)},        \
  {"aten::" name ".str(str a, str b) -> bool", [](Stack& s) {                                    \
     bool r = arg(s, 2, 0).toStrView() op arg(s, 2, 1).toStrView();                              \
     ret(s, 2, IValue(r));                                                                       \
   }}

double powFloat(double a, double b) { return std::pow(a, b); }

// Scalar (int or float known only at run time, e.g. Union[int, float]):
// the result is an int when both are ints, else a float.
IValue scalarBinary(const IValue& a, const IValue& b, int64_t (*fi)(int64_t, int64_t), double (*ff)(double, double)) {
  if (!a.isFloat() && !b.isFloat()) return IValue(fi(asInt(a), asInt(b)));
  return IValue(ff(a.toScalarDouble(), b.toScalarDouble()));
}
#define WICK_SCALAR_OP(name, iexpr, fexpr)                                                          \
  {"aten::" name ".Scalar_Scalar(Scalar a, Scalar b) -> Scalar", [](Stack& s) {                   \
     IValue b = pop(s);                                                                           \
     s.back() = scalarBinary(s.back(), b, [](int64_t a, int64_t b) -> int64_t { return iexpr; },  \
                             [](double a, double b) -> double { return fexpr; });                 \
   }}
#define WICK_SCALAR_CMP(name, op)                                                                 \
  {"aten::" name ".Scalar_Scalar(Scalar a, Scalar b) -> bool", [](Stack& s) {                     \
     IValue b = pop(s);                                                                           \
     s.back() = IValue(s.back().toScalarDouble() op b.toScalarDouble());                          \
   }}

static lang::RegisterOps scalar_ops({
    WICK_SCALAR_OP("add", a + b, a + b),
    WICK_SCALAR_OP("sub", a - b, a - b),
    WICK_SCALAR_OP("mul", a * b, a * b),
    WICK_SCALAR_OP("floordiv", floordivInt(a, b), floordivFloat(a, b)),
    WICK_SCALAR_OP("remainder", modInt(a, b), modFloat(a, b)),
    {"aten::div.Scalar_Scalar(Scalar a, Scalar b) -> float", [](Stack& s) {
       double b = pop(s).toScalarDouble();
       s.back() = IValue(s.back().toScalarDouble() / b);
     }},
    WICK_SCALAR_CMP("lt", <), WICK_SCALAR_CMP("le", <=), WICK_SCALAR_CMP("gt", >), WICK_SCALAR_CMP("ge", >=),
    WICK_SCALAR_CMP("eq", ==), WICK_SCALAR_CMP("ne", !=),
    {"aten::neg.Scalar(Scalar a) -> Scalar", [](Stack& s) {
       s.back() = s.back().isFloat() ? IValue(-s.back().toDouble()) : IValue(-asInt(s.back()));
     }},
    {"aten::Float.Scalar(Scalar a) -> float", [](Stack& s) { s.back() = IValue(s.back().toScalarDouble()); }},
    {"aten::Int.Scalar(Scalar a) -> int", [](Stack& s) {
       s.back() = s.back().isFloat() ? IValue(static_cast<int64_t>(s.back().toDouble())) : IValue(asInt(s.back()));
     }},
});

static lang::RegisterOps reg({
    WICK_NUMERIC("add", a + b, "int", a + b),
    WICK_NUMERIC("sub", a - b, "int", a - b),
    WICK_NUMERIC("mul", a * b, "int", a * b),
    WICK_NUMERIC("div", static_cast<double>(a) / static_cast<double>(b), "float", a / b),
    WICK_NUMERIC("floordiv", floordivInt(a, b), "int", floordivFloat(a, b)),
    WICK_NUMERIC("remainder", modInt(a, b), "int", modFloat(a, b)),
    WICK_NUMERIC("pow", powFloat(static_cast<double>(a), static_cast<double>(b)), "float", powFloat(a, b)),
    WICK_NUMERIC("min", std::min<int64_t>(a, b), "int", std::fmin(a, b)),
    WICK_NUMERIC("max", std::max<int64_t>(a, b), "int", std::fmax(a, b)),
    WICK_COMPARE("eq", ==),
    WICK_COMPARE("ne", !=),
    WICK_COMPARE("lt", <),
    WICK_COMPARE("le", <=),
    WICK_COMPARE("gt", >),
    WICK_COMPARE("ge", >=),
    {"aten::__and__.bool(bool a, bool b) -> bool", WICK_BIN_KERNEL(asInt, asInt, static_cast<bool>(a & b))},
    {"aten::__or__.bool(bool a, bool b) -> bool", WICK_BIN_KERNEL(asInt, asInt, static_cast<bool>(a | b))},
    {"aten::__xor__.bool(bool a, bool b) -> bool", WICK_BIN_KERNEL(asInt, asInt, static_cast<bool>(a ^ b))},
    {"aten::__and__.int(int a, int b) -> int", WICK_BIN_KERNEL(asInt, asInt, a & b)},
    {"aten::__or__.int(int a, int b) -> int", WICK_BIN_KERNEL(asInt, asInt, a | b)},
    {"aten::__xor__.int(int a, int b) -> int", WICK_BIN_KERNEL(asInt, asInt, a ^ b)},
    {"aten::__lshift__.int(int a, int b) -> int", WICK_BIN_KERNEL(asInt, asInt, static_cast<int64_t>(static_cast<uint64_t>(a) << b))},
    {"aten::__rshift__.int(int a, int b) -> int", WICK_BIN_KERNEL(asInt, asInt, a >> b)},
    {"aten::bitwise_not.int(int a) -> int", [](Stack& s) { s.back() = IValue(~asInt(s.back())); }},
    {"aten::neg.int(int a) -> int", [](Stack& s) { s.back() = IValue(-asInt(s.back())); }},
    {"aten::neg.float(float a) -> float", [](Stack& s) { s.back() = IValue(-s.back().toDouble()); }},
    {"aten::__not__(bool self) -> bool", [](Stack& s) { s.back() = IValue(!s.back().toBool()); }},
    {"aten::abs.int(int a) -> int", [](Stack& s) { s.back() = IValue(std::abs(asInt(s.back()))); }},
    {"aten::abs.float(float a) -> float", [](Stack& s) { s.back() = IValue(std::fabs(s.back().toDouble())); }},
    {"aten::divmod.int(int x, int y) -> (int, int)", [](Stack& s) {
       int64_t b = asInt(pop(s)), a = asInt(s.back());
       s.back() = IValue(floordivInt(a, b));
       s.push_back(IValue(modInt(a, b)));
     }},
    {"aten::divmod.float(float x, float y) -> (float, float)", [](Stack& s) {
       double b = pop(s).toDouble(), a = s.back().toDouble();
       s.back() = IValue(floordivFloat(a, b));
       s.push_back(IValue(modFloat(a, b)));
     }},
});

}  // namespace
}  // namespace wick::ops

namespace wick::ops {
namespace {
// range(lo, hi, step) as a loop trip count and the value at iteration i.
static lang::RegisterOps range_ops({
    {"aten::__range_length(int lo, int hi, int step) -> int", [](Stack& s) {
       int64_t step = pop(s).toInt(), hi = pop(s).toInt(), lo = s.back().toInt();
       if (step == 0) lang::raise("ValueError", "range() arg 3 must not be zero");
       int64_t n = step > 0 ? (hi > lo ? (hi - lo + step - 1) / step : 0) : (lo > hi ? (lo - hi - step - 1) / (-step) : 0);
       s.back() = IValue(n);
     }},
    {"aten::__derive_index(int index, int start, int step) -> int", [](Stack& s) {
       int64_t step = pop(s).toInt(), start = pop(s).toInt();
       s.back() = IValue(start + s.back().toInt() * step);
     }},
});
}  // namespace
}  // namespace wick::ops
