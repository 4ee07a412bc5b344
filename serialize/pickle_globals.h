#pragma once
// Names that TorchScript pickles use for things that are not plain values
// (spec §4.3 and §5): storage classes standing for dtypes, and device
// strings. The pickler writes these spellings and the unpickler accepts
// nothing else, so both read them from here.
#include <optional>
#include <string>
#include <string_view>

#include "ops/tensor/scalar_type.h"
#include "ops/tensor/tensor.h"

namespace wick::serialize {

// "FloatStorage" for float32 (the global is `torch FloatStorage`); nullptr
// for a dtype torch has no storage class for.
const char* storageClassName(ops::ScalarType dtype);
// The dtype of "FloatStorage", "BoolStorage", ...; nullopt for anything else
// (the quantized classes included, which wick has no dtype for).
std::optional<ops::ScalarType> dtypeOfStorageClass(std::string_view name);

// A device as torch spells it: "cpu", "cuda:0" (device code 1), ...
std::string deviceString(ops::Device device);

// Element count of a storage's bytes viewed as `dtype` (spec §5: the numel
// in a persistent id is that of the whole storage, not of one view).
int64_t storageNumel(const ops::Storage& storage, ops::ScalarType dtype);

}  // namespace wick::serialize
