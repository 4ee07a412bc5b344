// The math module: math.f(x) resolves to aten::f. Float functions take an
// int overload too, so math.sqrt(4) needs no implicit conversion.
#include <cmath>
#include <numeric>

#include "ops/builtins/kernel_util.h"

namespace wick::ops {
namespace {

#define WICK_MATH1(name, fn)                                                                                   \
  {"aten::" name ".float(float a) -> float", [](Stack& s) { s.back() = IValue(static_cast<double>(fn(s.back().toDouble()))); }}, \
  {"aten::" name ".int(int a) -> float", [](Stack& s) { s.back() = IValue(static_cast<double>(fn(static_cast<double>(s.back().toInt())))); }}

#define WICK_MATH2(name, fn)                                                                                   \
  {"aten::" name ".float(float a, float b) -> float", [](Stack& s) { double b = pop(s).toScalarDouble(); s.back() = IValue(static_cast<double>(fn(s.back().toScalarDouble(), b))); }}, \
  {"aten::" name ".int(int a, int b) -> float", [](Stack& s) { double b = pop(s).toScalarDouble(); s.back() = IValue(static_cast<double>(fn(s.back().toScalarDouble(), b))); }}

#define WICK_MATH_PRED(name, fn)                                                                               \
  {"aten::" name ".float(float a) -> bool", [](Stack& s) { s.back() = IValue(static_cast<bool>(fn(s.back().toDouble()))); }}, \
  {"aten::" name ".int(int a) -> bool", [](Stack& s) { s.back() = IValue(static_cast<bool>(fn(static_cast<double>(s.back().toInt())))); }}

// TorchScript's math functions return nan/-inf outside their domain instead of raising.
double checkedLog(double x) { return std::log(x); }
double checkedSqrt(double x) { return std::sqrt(x); }
double degrees(double x) { return x * 180.0 / M_PI; }
double radians(double x) { return x * M_PI / 180.0; }
int64_t floorInt(double x) { return static_cast<int64_t>(std::floor(x)); }
int64_t ceilInt(double x) { return static_cast<int64_t>(std::ceil(x)); }

static lang::RegisterOps reg({
    WICK_MATH1("sqrt", checkedSqrt), WICK_MATH1("exp", std::exp), WICK_MATH1("log", checkedLog),
    WICK_MATH1("log10", std::log10), WICK_MATH1("log2", std::log2), WICK_MATH1("log1p", std::log1p),
    WICK_MATH1("expm1", std::expm1), WICK_MATH1("sin", std::sin), WICK_MATH1("cos", std::cos),
    WICK_MATH1("tan", std::tan), WICK_MATH1("asin", std::asin), WICK_MATH1("acos", std::acos),
    WICK_MATH1("atan", std::atan), WICK_MATH1("sinh", std::sinh), WICK_MATH1("cosh", std::cosh),
    WICK_MATH1("tanh", std::tanh), WICK_MATH1("asinh", std::asinh), WICK_MATH1("acosh", std::acosh),
    WICK_MATH1("atanh", std::atanh), WICK_MATH1("fabs", std::fabs), WICK_MATH1("erf", std::erf),
    WICK_MATH1("erfc", std::erfc), WICK_MATH1("gamma", std::tgamma), WICK_MATH1("lgamma", std::lgamma),
    WICK_MATH1("degrees", degrees), WICK_MATH1("radians", radians),
    WICK_MATH2("atan2", std::atan2), WICK_MATH2("fmod", std::fmod), WICK_MATH2("hypot", std::hypot),
    WICK_MATH2("copysign", std::copysign), WICK_MATH2("mathpow", std::pow),
    WICK_MATH_PRED("isnan", std::isnan), WICK_MATH_PRED("isinf", std::isinf), WICK_MATH_PRED("isfinite", std::isfinite),
    {"aten::log.base(float a, float b) -> float", [](Stack& s) { double b = pop(s).toScalarDouble(); s.back() = IValue(checkedLog(s.back().toScalarDouble()) / checkedLog(b)); }},
    {"aten::floor.float(float a) -> int", [](Stack& s) { s.back() = IValue(floorInt(s.back().toDouble())); }},
    {"aten::floor.int(int a) -> int", [](Stack& s) {}},
    {"aten::ceil.float(float a) -> int", [](Stack& s) { s.back() = IValue(ceilInt(s.back().toDouble())); }},
    {"aten::ceil.int(int a) -> int", [](Stack& s) {}},
    {"aten::trunc.float(float a) -> int", [](Stack& s) { s.back() = IValue(static_cast<int64_t>(std::trunc(s.back().toDouble()))); }},
    {"aten::gcd.int(int a, int b) -> int", [](Stack& s) { int64_t b = pop(s).toInt(); s.back() = IValue(static_cast<int64_t>(std::gcd(s.back().toInt(), b))); }},
    {"aten::factorial.int(int a) -> int", [](Stack& s) {
       int64_t n = s.back().toInt();
       if (n < 0) lang::raise("ValueError", "factorial() not defined for negative values");
       int64_t r = 1;
       for (int64_t i = 2; i <= n; ++i) r *= i;
       s.back() = IValue(r);
     }},
});

}  // namespace
}  // namespace wick::ops
