#pragma once
// Torch's pickler: writes a value as `data.pkl` / `constants.pkl` with
// exactly the opcodes and spellings torch.jit.save uses (spec §4.2), so
// torch 1.13 and 2.x load what wick saves.
//
//   std::vector<ops::Tensor> storages;  // the caller writes their bytes as data/0, data/1, ...
//   PickleHooks hooks;
//   hooks.storage_key = [&](const ops::Tensor& t) {
//     storages.push_back(t);
//     return std::to_string(storages.size() - 1);
//   };
//   std::vector<uint8_t> pkl = pickle(module_object, hooks);
//
// Note [What the pickler memoizes]: as torch does, every string (by value),
// every GLOBAL, every device and every storage is memoized (BINPUT, then
// BINGET on repeats). Torch memoizes a heap value when its C++ reference
// count is above one, which counts references held by Python: when
// torch.jit.save runs, every module object and every tensor is also held by
// a Python wrapper or Parameter, while lists, dicts, tuples and enums are
// held only by their slot. So objects and tensors always get a BINPUT, and
// other heap values when the value graph reaches them more than once (which
// keeps aliasing across a round trip). For the fixtures this reproduces
// torch's data.pkl and constants.pkl byte for byte.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lang/ivalue.h"
#include "ops/tensor/tensor.h"
#include "serialize/zip_reader.h"  // ArchiveError

namespace wick::serialize {

struct PickleHooks {
  // Called once per distinct storage (by Storage pointer) in first-use order; returns the record key to write
  // ("0", "1", ...). Without a hook the keys are "0", "1", ... in that order.
  std::function<std::string(const ops::Tensor& tensor_using_it)> storage_key;
};

// Throws ArchiveError for what a TorchScript archive cannot hold: functions,
// uninitialized values, classes with __getstate__, values that contain
// themselves or nest deeper than kMaxValueNesting (unpickler.h).
std::vector<uint8_t> pickle(const lang::IValue& root, const PickleHooks& hooks);

}  // namespace wick::serialize
