// repeat_interleave: each element (or slice along dim) repeated in place,
// by one count or a count per element; with only counts, the indices
// 0, 1, ... repeated by them.
#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// Indices 0..n-1, index i repeated repeats[i] times.
Tensor repeatedIndices(const Tensor& repeats_in) {
  if (repeats_in.dim() > 1) lang::raise("RuntimeError", "repeat_interleave only accept 1D vector as repeat");
  if (!isIntegralType(repeats_in.dtype(), false))
    lang::raise("RuntimeError", "repeats has to be Long or Int tensor");
  Tensor repeats = repeats_in.reshape({-1}).to(ScalarType::Long).contiguous();
  const int64_t* r = repeats.data<int64_t>();
  int64_t total = 0;
  for (int64_t i = 0; i < repeats.numel(); ++i) {
    if (r[i] < 0) lang::raise("RuntimeError", "repeats can not be negative");
    total += r[i];
  }
  Tensor out = Tensor::empty({total}, ScalarType::Long);
  int64_t k = 0;
  for (int64_t i = 0; i < repeats.numel(); ++i)
    for (int64_t j = 0; j < r[i]; ++j) out.data<int64_t>()[k++] = i;
  return out;
}

Tensor repeatInterleave(const Tensor& self, Tensor repeats, const IValue& dim) {
  Tensor x = dim.isNone() ? self.reshape({-1}) : self;
  int64_t d = dim.isNone() ? 0 : wrapDim(dim.toInt(), std::max<int64_t>(x.dim(), 1));
  if (x.dim() == 0) x = x.reshape({1});
  int64_t len = x.sizes()[d];
  if (repeats.dim() == 0 || repeats.numel() == 1) repeats = repeats.reshape({1}).expand({len});
  else if (repeats.numel() != len) lang::raise("RuntimeError", "repeats must have the same size as input along dim");
  static const lang::Operator* index_select = findOp("aten::index_select");
  return callTensorOp(index_select, {x.toIValue(), IValue(d), repeatedIndices(repeats).toIValue()});
}

void repeatsOnlyKernel(Stack& s) {  // repeat_interleave.Tensor(Tensor repeats, *, int? output_size=None)
  pushResult(s, 2, repeatedIndices(tensorAt(s, 2, 0)));
}
void repeatTensorKernel(Stack& s) {  // repeat_interleave.self_Tensor(Tensor self, Tensor repeats, int? dim=None, *, int? output_size=None)
  pushResult(s, 4, repeatInterleave(tensorAt(s, 4, 0), tensorAt(s, 4, 1), argAt(s, 4, 2)));
}
void repeatIntKernel(Stack& s) {  // repeat_interleave.self_int(Tensor self, int repeats, int? dim=None, *, int? output_size=None)
  int64_t r = argAt(s, 4, 1).toInt();
  if (r < 0) lang::raise("RuntimeError", "repeats can not be negative");
  pushResult(s, 4, repeatInterleave(tensorAt(s, 4, 0), Tensor::full({}, static_cast<double>(r), ScalarType::Long), argAt(s, 4, 2)));
}

static lang::RegisterOps reg({
    {"aten::repeat_interleave.Tensor(Tensor repeats, *, int? output_size=None) -> Tensor", repeatsOnlyKernel},
    {"aten::repeat_interleave.self_Tensor(Tensor self, Tensor repeats, int? dim=None, *, int? output_size=None) -> Tensor", repeatTensorKernel},
    {"aten::repeat_interleave.self_int(Tensor self, int repeats, int? dim=None, *, int? output_size=None) -> Tensor", repeatIntKernel},
});

}  // namespace
}  // namespace wick::ops
