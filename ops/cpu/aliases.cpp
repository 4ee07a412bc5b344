// Second names of registered ops (torch.divide is aten::div, x.greater_ is
// aten::gt_, ...): each schema here takes the same arguments as the op it
// forwards to (forwarding.h).
#include "ops/cpu/forwarding.h"

namespace wick::ops {
namespace {

#define WICK_ALIAS(schema, op) {schema, forwardTo<op>, lang::OpClass::Elementwise}
#define WICK_ALIAS_INPLACE(schema, op) {schema, forwardTo<op>, lang::OpClass::Elementwise, false}

static lang::RegisterOps reg({
    WICK_ALIAS("aten::divide.Tensor(Tensor self, Tensor other) -> Tensor", "aten::div.Tensor"),
    WICK_ALIAS("aten::divide.Scalar(Tensor self, Scalar other) -> Tensor", "aten::div.Scalar"),
    WICK_ALIAS("aten::divide.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor", "aten::div.Tensor_mode"),
    WICK_ALIAS("aten::divide.Scalar_mode(Tensor self, Scalar other, *, str? rounding_mode) -> Tensor", "aten::div.Scalar_mode"),
    WICK_ALIAS_INPLACE("aten::divide_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::div_.Tensor"),
    WICK_ALIAS_INPLACE("aten::divide_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::div_.Scalar"),
    WICK_ALIAS_INPLACE("aten::true_divide_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::div_.Tensor"),
    WICK_ALIAS_INPLACE("aten::true_divide_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::div_.Scalar"),
    WICK_ALIAS("aten::multiply.Tensor(Tensor self, Tensor other) -> Tensor", "aten::mul.Tensor"),
    WICK_ALIAS("aten::multiply.Scalar(Tensor self, Scalar other) -> Tensor", "aten::mul.Scalar"),
    WICK_ALIAS_INPLACE("aten::multiply_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::mul_.Tensor"),
    WICK_ALIAS_INPLACE("aten::multiply_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::mul_.Scalar"),
    WICK_ALIAS("aten::subtract.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", "aten::sub.Tensor"),
    WICK_ALIAS("aten::subtract.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", "aten::sub.Scalar"),
    WICK_ALIAS_INPLACE("aten::subtract_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", "aten::sub_.Tensor"),
    WICK_ALIAS_INPLACE("aten::subtract_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)", "aten::sub_.Scalar"),
    WICK_ALIAS("aten::concatenate(Tensor[] tensors, int dim=0) -> Tensor", "aten::cat"),
    WICK_ALIAS_INPLACE("aten::greater_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::gt_.Tensor"),
    WICK_ALIAS_INPLACE("aten::greater_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::gt_.Scalar"),
    WICK_ALIAS_INPLACE("aten::greater_equal_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::ge_.Tensor"),
    WICK_ALIAS_INPLACE("aten::greater_equal_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::ge_.Scalar"),
    WICK_ALIAS_INPLACE("aten::less_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::lt_.Tensor"),
    WICK_ALIAS_INPLACE("aten::less_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::lt_.Scalar"),
    WICK_ALIAS_INPLACE("aten::less_equal_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::le_.Tensor"),
    WICK_ALIAS_INPLACE("aten::less_equal_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::le_.Scalar"),
    WICK_ALIAS_INPLACE("aten::not_equal_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::ne_.Tensor"),
    WICK_ALIAS_INPLACE("aten::not_equal_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", "aten::ne_.Scalar"),
    WICK_ALIAS_INPLACE("aten::negative_(Tensor(a!) self) -> Tensor(a!)", "aten::neg_"),
    WICK_ALIAS_INPLACE("aten::arctan2_(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::atan2_.Tensor"),
    WICK_ALIAS("aten::linalg_matmul(Tensor self, Tensor other) -> Tensor", "aten::matmul"),
    {"aten::detach_(Tensor(a!) self) -> Tensor(a!)", [](Stack&) {}, lang::OpClass::Other, false},
    {"aten::Size(int[] sizes) -> int[]", [](Stack&) {}},
    {"aten::get_device(Tensor self) -> int", [](Stack& s) { s.back() = IValue(int64_t(-1)); }},
});

}  // namespace
}  // namespace wick::ops
