#include "serialize/pickle_globals.h"

namespace wick::serialize {
namespace {

struct StorageClass {
  ops::ScalarType dtype;
  const char* name;
};
// c10's ScalarType names + "Storage" (spec §5's table; torch has no storage
// class for dtypes outside it).
constexpr StorageClass kStorageClasses[] = {
    {ops::ScalarType::Byte, "ByteStorage"},
    {ops::ScalarType::Char, "CharStorage"},
    {ops::ScalarType::Short, "ShortStorage"},
    {ops::ScalarType::Int, "IntStorage"},
    {ops::ScalarType::Long, "LongStorage"},
    {ops::ScalarType::Half, "HalfStorage"},
    {ops::ScalarType::Float, "FloatStorage"},
    {ops::ScalarType::Double, "DoubleStorage"},
    {ops::ScalarType::ComplexHalf, "ComplexHalfStorage"},
    {ops::ScalarType::ComplexFloat, "ComplexFloatStorage"},
    {ops::ScalarType::ComplexDouble, "ComplexDoubleStorage"},
    {ops::ScalarType::Bool, "BoolStorage"},
    {ops::ScalarType::BFloat16, "BFloat16Storage"},
};

}  // namespace

const char* storageClassName(ops::ScalarType dtype) {
  for (const auto& c : kStorageClasses)
    if (c.dtype == dtype) return c.name;
  return nullptr;
}

std::optional<ops::ScalarType> dtypeOfStorageClass(std::string_view name) {
  for (const auto& c : kStorageClasses)
    if (name == c.name) return c.dtype;
  return std::nullopt;
}

std::string deviceString(ops::Device device) {
  // Device codes: CPU is 0, cuda:N is N + 1 (ops/tensor/tensor.h).
  if (device == ops::kCPU) return "cpu";
  return "cuda:" + std::to_string(device - 1);
}

int64_t storageNumel(const ops::Storage& storage, ops::ScalarType dtype) {
  size_t item = ops::elementSize(dtype);
  return item == 0 ? 0 : static_cast<int64_t>(storage.nbytes() / item);
}

}  // namespace wick::serialize
