#include "ops/tensor/scalar_type.h"

#include <string>

#include "lang/error.h"

namespace wick::ops {

namespace {
struct DtypeInfo {
  ScalarType type;
  const char* name;
  size_t size;
};
// ORDER SCALARTYPE: names as spec/values.md spells them.
constexpr DtypeInfo kDtypes[] = {
    {ScalarType::Byte, "uint8", 1},     {ScalarType::Char, "int8", 1},         {ScalarType::Short, "int16", 2},
    {ScalarType::Int, "int32", 4},      {ScalarType::Long, "int64", 8},        {ScalarType::Half, "float16", 2},
    {ScalarType::Float, "float32", 4},  {ScalarType::Double, "float64", 8},    {ScalarType::ComplexHalf, "complex32", 4},
    {ScalarType::ComplexFloat, "complex64", 8}, {ScalarType::ComplexDouble, "complex128", 16},
    {ScalarType::Bool, "bool", 1},      {ScalarType::BFloat16, "bfloat16", 2},
};
const DtypeInfo* info(ScalarType t) {
  for (const auto& d : kDtypes)
    if (d.type == t) return &d;
  return nullptr;
}
}  // namespace

const char* dtypeName(ScalarType t) {
  const DtypeInfo* d = info(t);
  return d ? d->name : "undefined";
}

const char* scalarTypeName(ScalarType t) {
  switch (t) {
    case ScalarType::Float: return "Float"; case ScalarType::Double: return "Double"; case ScalarType::Half: return "Half";
    case ScalarType::BFloat16: return "BFloat16"; case ScalarType::Long: return "Long"; case ScalarType::Int: return "Int";
    case ScalarType::Short: return "Short"; case ScalarType::Char: return "Char"; case ScalarType::Byte: return "Byte";
    case ScalarType::Bool: return "Bool"; default: return "Undefined";
  }
}

std::optional<ScalarType> dtypeFromName(std::string_view name) {
  for (const auto& d : kDtypes)
    if (name == d.name) return d.type;
  return std::nullopt;
}

std::optional<ScalarType> dtypeFromInt(int64_t code) {
  if (code < 0 || code > 127) return std::nullopt;
  auto t = static_cast<ScalarType>(code);
  if (!info(t)) return std::nullopt;
  return t;
}

size_t elementSize(ScalarType t) {
  const DtypeInfo* d = info(t);
  return d ? d->size : 0;
}

void raiseUnsupportedDtype(ScalarType t) {
  lang::raise("RuntimeError", std::string("dtype ") + dtypeName(t) + " is not supported by this operation");
}

// IEEE half conversion with round to nearest even (as c10::Half does).
uint16_t Half::fromFloat(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t abs = x & 0x7fffffffu;
  if (abs > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
  if (abs >= 0x47800000u) return static_cast<uint16_t>(sign | 0x7c00u); // overflow -> inf
  if (abs < 0x38800000u) {                                             // subnormal or zero
    float af;
    std::memcpy(&af, &abs, 4);
    // Adding 0.5 (2^-1) aligns the half's subnormal ulp (2^-24) with float's last bits.
    float shifted = af + 0.5f;
    uint32_t s;
    std::memcpy(&s, &shifted, 4);
    return static_cast<uint16_t>(sign | (s - 0x3f000000u));
  }
  uint32_t mant_odd = (abs >> 13) & 1u;
  abs += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round
  return static_cast<uint16_t>(sign | (abs >> 13));
}

float Half::toFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t out;
  if (exp == 0) {
    if (mant == 0) {
      out = sign;
    } else {  // subnormal: value = mant * 2^-24
      float f = static_cast<float>(mant) * 5.9604644775390625e-8f;
      std::memcpy(&out, &f, 4);
      out |= sign;
    }
  } else if (exp == 31) {
    out = sign | 0x7f800000u | (mant << 13);
  } else {
    out = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &out, 4);
  return f;
}

// torch.promote_types: bool < integers < floats; mixing uint8 with int8 gives
// int16; float16 with bfloat16 gives float32.
ScalarType promoteTypes(ScalarType a, ScalarType b) {
  using S = ScalarType;
  if (a == b) return a;
  if (a == S::Undefined) return b;
  if (b == S::Undefined) return a;
  if (a == S::Bool) return b;
  if (b == S::Bool) return a;
  if (isComplexType(a) || isComplexType(b)) raiseUnsupportedDtype(isComplexType(a) ? a : b);
  bool fa = isFloatingType(a), fb = isFloatingType(b);
  if (fa && !fb) return a;
  if (fb && !fa) return b;
  if (fa && fb) {
    if (a == S::Double || b == S::Double) return S::Double;
    return S::Float;  // float32 with a 16-bit float, or float16 with bfloat16
  }
  if (a == S::Byte || b == S::Byte) {
    S other = a == S::Byte ? b : a;
    return other == S::Char ? S::Short : other;
  }
  return elementSize(a) >= elementSize(b) ? a : b;
}

}  // namespace wick::ops
