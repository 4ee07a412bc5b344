#include "serialize/format_version.h"

#include <algorithm>
#include <array>

namespace wick::serialize {

namespace {

struct VersionBump {
  std::string_view op;  // "aten::name.overload", as torch keys it
  int64_t version;      // the first archive version with the current meaning
};

// torch 1.13's operator version map (torch/csrc/jit/operator_upgraders/
// version_map.cpp, read back with torch._C._get_operator_version_map());
// torch keys it by full schema name, so only these overloads raise the
// version: `/` on two ints (aten::div.Scalar_Scalar here, aten::div.int in
// torch) has no upgrader and stays at 3. The legacy per-kind table
// (get_min_version_for_kind: div 4, div_ 4, full 5) agrees with it on every
// overload listed here, and torch consults it only for listed overloads.
// Keep the rows sorted by op name.
constexpr std::array<VersionBump, 19> kVersionBumps = {{
    {"aten::div.Scalar", 4},        // integer tensors divided with truncation before 4
    {"aten::div.Scalar_mode", 4},
    {"aten::div.Tensor", 4},
    {"aten::div.Tensor_mode", 4},
    {"aten::div.out", 4},
    {"aten::div.out_mode", 4},
    {"aten::div_.Scalar", 4},
    {"aten::div_.Scalar_mode", 4},
    {"aten::div_.Tensor", 4},
    {"aten::div_.Tensor_mode", 4},
    {"aten::full", 5},              // bool/int fill values gave a float tensor before 5
    {"aten::full.names", 5},
    {"aten::full.out", 5},
    {"aten::gelu", 10},             // no `approximate` argument before 10
    {"aten::gelu.out", 10},
    {"aten::linspace", 8},          // `steps` was optional before 8
    {"aten::linspace.out", 8},
    {"aten::logspace", 9},          // `steps` was optional before 9
    {"aten::logspace.out", 9},
}};

}  // namespace

int64_t operatorVersionBump(std::string_view op) {
  auto it = std::lower_bound(kVersionBumps.begin(), kVersionBumps.end(), op,
                             [](const VersionBump& b, std::string_view key) { return b.op < key; });
  return it != kVersionBumps.end() && it->op == op ? it->version : 0;
}

void FormatVersion::noteOperator(std::string_view qualified_op) {
  value_ = std::max(value_, operatorVersionBump(qualified_op));
}

}  // namespace wick::serialize
