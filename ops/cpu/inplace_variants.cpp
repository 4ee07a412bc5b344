// In-place forms (x.op_(...)) of out-of-place ops that have no dedicated
// in-place kernel: the result of the registered op is written back through
// self with assignInPlace (same shape, castable dtype, no overlap), which is
// what the in-place aten kernels amount to.
#include "ops/cpu/forwarding.h"

namespace wick::ops {
namespace {

#define WICK_INPLACE_OF(schema, op, n) {schema, inplaceOf<op, n>, lang::OpClass::Other, false}

static lang::RegisterOps reg({
    WICK_INPLACE_OF("aten::lerp_.Scalar(Tensor(a!) self, Tensor end, Scalar weight) -> Tensor(a!)", "aten::lerp.Scalar", 3),
    WICK_INPLACE_OF("aten::lerp_.Tensor(Tensor(a!) self, Tensor end, Tensor weight) -> Tensor(a!)", "aten::lerp.Tensor", 3),
    WICK_INPLACE_OF("aten::addcmul_(Tensor(a!) self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor(a!)", "aten::addcmul", 4),
    WICK_INPLACE_OF("aten::addcdiv_(Tensor(a!) self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor(a!)", "aten::addcdiv", 4),
    WICK_INPLACE_OF("aten::clamp_min_(Tensor(a!) self, Scalar min) -> Tensor(a!)", "aten::clamp_min", 2),
    WICK_INPLACE_OF("aten::clamp_max_(Tensor(a!) self, Scalar max) -> Tensor(a!)", "aten::clamp_max", 2),
    WICK_INPLACE_OF("aten::div_.Scalar_mode(Tensor(a!) self, Scalar other, *, str? rounding_mode) -> Tensor(a!)", "aten::div.Scalar_mode", 3),
    WICK_INPLACE_OF("aten::logit_(Tensor(a!) self, float? eps=None) -> Tensor(a!)", "aten::logit", 2),
    WICK_INPLACE_OF("aten::elu_(Tensor(a!) self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor(a!)", "aten::elu", 4),
    WICK_INPLACE_OF("aten::celu_(Tensor(a!) self, Scalar alpha=1.0) -> Tensor(a!)", "aten::celu", 2),
    WICK_INPLACE_OF("aten::selu_(Tensor(a!) self) -> Tensor(a!)", "aten::selu", 1),
    WICK_INPLACE_OF("aten::silu_(Tensor(a!) self) -> Tensor(a!)", "aten::silu", 1),
    WICK_INPLACE_OF("aten::mish_(Tensor(a!) self) -> Tensor(a!)", "aten::mish", 1),
    WICK_INPLACE_OF("aten::hardswish_(Tensor(a!) self) -> Tensor(a!)", "aten::hardswish", 1),
    WICK_INPLACE_OF("aten::hardsigmoid_(Tensor(a!) self) -> Tensor(a!)", "aten::hardsigmoid", 1),
    WICK_INPLACE_OF("aten::relu6_(Tensor(a!) self) -> Tensor(a!)", "aten::relu6", 1),
    WICK_INPLACE_OF("aten::threshold_(Tensor(a!) self, Scalar threshold, Scalar value) -> Tensor(a!)", "aten::threshold", 3),
    WICK_INPLACE_OF("aten::tril_(Tensor(a!) self, int diagonal=0) -> Tensor(a!)", "aten::tril", 2),
    WICK_INPLACE_OF("aten::triu_(Tensor(a!) self, int diagonal=0) -> Tensor(a!)", "aten::triu", 2),
    WICK_INPLACE_OF("aten::sgn_(Tensor(a!) self) -> Tensor(a!)", "aten::sgn", 1),
    WICK_INPLACE_OF("aten::deg2rad_(Tensor(a!) self) -> Tensor(a!)", "aten::deg2rad", 1),
    WICK_INPLACE_OF("aten::rad2deg_(Tensor(a!) self) -> Tensor(a!)", "aten::rad2deg", 1),
    WICK_INPLACE_OF("aten::digamma_(Tensor(a!) self) -> Tensor(a!)", "aten::digamma", 1),
    WICK_INPLACE_OF("aten::i0_(Tensor(a!) self) -> Tensor(a!)", "aten::i0", 1),
    WICK_INPLACE_OF("aten::logical_not_(Tensor(a!) self) -> Tensor(a!)", "aten::logical_not", 1),
    WICK_INPLACE_OF("aten::bitwise_not_(Tensor(a!) self) -> Tensor(a!)", "aten::bitwise_not", 1),
    WICK_INPLACE_OF("aten::addbmm_(Tensor(a!) self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor(a!)", "aten::addbmm", 5),
    WICK_INPLACE_OF("aten::addmv_(Tensor(a!) self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor(a!)", "aten::addmv", 5),
    WICK_INPLACE_OF("aten::addr_(Tensor(a!) self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor(a!)", "aten::addr", 5),
    WICK_INPLACE_OF("aten::heaviside_(Tensor(a!) self, Tensor values) -> Tensor(a!)", "aten::heaviside.Tensor", 2),
    WICK_INPLACE_OF("aten::float_power_.Tensor(Tensor(a!) self, Tensor exponent) -> Tensor(a!)", "aten::float_power.Tensor", 2),
    WICK_INPLACE_OF("aten::float_power_.Scalar(Tensor(a!) self, Scalar exponent) -> Tensor(a!)", "aten::float_power.Scalar", 2),
    WICK_INPLACE_OF("aten::nextafter_(Tensor(a!) self, Tensor other) -> Tensor(a!)", "aten::nextafter.Tensor", 2),
    WICK_INPLACE_OF("aten::clip_(Tensor(a!) self, Scalar? min=None, Scalar? max=None) -> Tensor(a!)", "aten::clip", 3),
});

}  // namespace
}  // namespace wick::ops
