#pragma once
// The number in an archive's `version` record, computed from the operators
// its code calls, as torch.jit.save does (spec §3):
//
//   FormatVersion v;                     // starts at 3
//   v.noteOperator("aten::div.Tensor");  // now 4
//   v.value();                           // 4 -> written to `version`
//
// Why it matters: some operators changed meaning (integer tensor division,
// full() with an int fill value, ...). torch.jit.load runs code from an
// archive older than the change with the old meaning, so an archive that
// uses the new meaning must say so with a high enough number.
#include <cstdint>
#include <string_view>

namespace wick::serialize {

// What torch writes for code that calls no versioned operator
// (kProducedFileFormatVersion in caffe2/serialize/versions.h).
constexpr int64_t kMinProducedArchiveVersion = 3;

// The version at which `op` ("aten::div.Tensor": name and overload) last
// changed meaning, or 0 when it never did.
int64_t operatorVersionBump(std::string_view op);

class FormatVersion {
 public:
  void noteOperator(std::string_view qualified_op);
  int64_t value() const { return value_; }
  // The record name torch uses for it: `.data/version` from 6 on.
  static std::string_view recordName(int64_t version) { return version >= 6 ? ".data/version" : "version"; }

 private:
  int64_t value_ = kMinProducedArchiveVersion;
};

}  // namespace wick::serialize
