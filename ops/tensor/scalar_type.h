#pragma once
// Element types of tensors, numbered as PyTorch numbers them (c10::ScalarType):
// the numbers travel in archives and are what `t.dtype` evaluates to in
// TorchScript, so they must never change (grep ORDER SCALARTYPE).
#include <cstdint>
#include <complex>
#include <cstring>
#include <optional>
#include <string_view>

namespace wick::ops {

enum class ScalarType : int8_t {
  Byte = 0,   // uint8
  Char = 1,   // int8
  Short = 2,  // int16
  Int = 3,    // int32
  Long = 4,   // int64
  Half = 5,   // float16
  Float = 6,  // float32
  Double = 7, // float64
  ComplexHalf = 8,
  ComplexFloat = 9,
  ComplexDouble = 10,
  Bool = 11,
  BFloat16 = 15,
  Undefined = 127,  // "no type yet" while promoting
};

// "float32", "int64", ... as spec/values.md names them.
const char* dtypeName(ScalarType t);
std::optional<ScalarType> dtypeFromName(std::string_view name);
// "Float", "Long", ... as c10's toString names them in PyTorch's error messages.
const char* scalarTypeName(ScalarType t);
// A valid ScalarType number (for `dtype=` arguments, which are ints), or nullopt.
std::optional<ScalarType> dtypeFromInt(int64_t code);
size_t elementSize(ScalarType t);

inline bool isFloatingType(ScalarType t) {
  return t == ScalarType::Half || t == ScalarType::Float || t == ScalarType::Double || t == ScalarType::BFloat16;
}
inline bool isIntegralType(ScalarType t, bool include_bool) {
  return (t >= ScalarType::Byte && t <= ScalarType::Long) || (include_bool && t == ScalarType::Bool);
}
inline bool isComplexType(ScalarType t) { return t >= ScalarType::ComplexHalf && t <= ScalarType::ComplexDouble; }
// std::complex<float> / <double>: the element types of complex64 / complex128.
template <class T> inline constexpr bool isComplex = false;
template <class T> inline constexpr bool isComplex<std::complex<T>> = true;

// float16 and bfloat16 as storage types: arithmetic happens in float.
struct Half {
  uint16_t bits = 0;
  Half() = default;
  Half(float f) : bits(fromFloat(f)) {}
  operator float() const { return toFloat(bits); }
  static uint16_t fromFloat(float f);
  static float toFloat(uint16_t h);
};

struct BFloat16 {
  uint16_t bits = 0;
  BFloat16() = default;
  BFloat16(float f) : bits(fromFloat(f)) {}
  operator float() const {
    uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  // Round to nearest even, NaN stays NaN (as c10::BFloat16 does).
  static uint16_t fromFloat(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;
    u += 0x7fffu + ((u >> 16) & 1u);
    return static_cast<uint16_t>(u >> 16);
  }
};

[[noreturn]] void raiseUnsupportedDtype(ScalarType t);

// Calls f(T{}) with the C++ type of a dtype; complex types raise.
// Usage: dispatchType(t.dtype(), [&](auto tag) { using T = decltype(tag); ... });
template <class F>
decltype(auto) dispatchType(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Byte: return f(uint8_t{});
    case ScalarType::Char: return f(int8_t{});
    case ScalarType::Short: return f(int16_t{});
    case ScalarType::Int: return f(int32_t{});
    case ScalarType::Long: return f(int64_t{});
    case ScalarType::Half: return f(Half{});
    case ScalarType::Float: return f(float{});
    case ScalarType::Double: return f(double{});
    case ScalarType::Bool: return f(bool{});
    case ScalarType::BFloat16: return f(BFloat16{});
    default: break;
  }
  raiseUnsupportedDtype(t);
}

// The C++ type arithmetic on T happens in: float for the 16-bit floats.
template <class T> struct OpMath { using type = T; };
template <> struct OpMath<Half> { using type = float; };
template <> struct OpMath<BFloat16> { using type = float; };
template <class T> using opmath_t = typename OpMath<T>::type;

// Type promotion of two dtypes (torch.promote_types).
ScalarType promoteTypes(ScalarType a, ScalarType b);

}  // namespace wick::ops
