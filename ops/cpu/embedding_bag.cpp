// F.embedding_bag: sums, means or maxima of embedding rows over bags. A 2-D
// input is one bag per row; a 1-D input is cut into bags at `offsets`
// (include_last_offset: the last offset closes the last bag). Entries equal
// to padding_idx are skipped (not counted in a mean); an empty bag is zeros.
#include <algorithm>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

// (input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean',
//  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None)
void embeddingBagKernel(Stack& s) {
  constexpr size_t n = 11;
  Tensor input = tensorAt(s, n, 0), weight = tensorAt(s, n, 1);
  const IValue &offsets_v = argAt(s, n, 2), &psw_v = argAt(s, n, 8), &pad_v = argAt(s, n, 10);
  std::string mode = argAt(s, n, 6).toStr();
  bool include_last = argAt(s, n, 9).toBool();
  if (weight.dim() != 2) lang::raise("ValueError", "weight has to be a 2D Tensor, but got Tensor of dimension " + std::to_string(weight.dim()));
  if (!isIntegralType(input.dtype(), false)) lang::raise("RuntimeError", "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding_bag)");
  if (mode != "sum" && mode != "mean" && mode != "max") lang::raise("ValueError", "mode has to be one of sum, mean or max");
  if (!psw_v.isNone() && mode != "sum")
    lang::raise("NotImplementedError", "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='" + mode + "'). Please open a feature request on GitHub.");
  std::vector<int64_t> starts;
  Tensor idx;
  if (input.dim() == 2) {
    if (!offsets_v.isNone()) lang::raise("ValueError", "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor");
    for (int64_t b = 0; b < input.sizes()[0]; ++b) starts.push_back(b * input.sizes()[1]);
    idx = input.reshape({-1}).to(ScalarType::Long).contiguous();
  } else if (input.dim() == 1) {
    if (offsets_v.isNone()) lang::raise("ValueError", "offsets has to be a 1D Tensor but got None");
    Tensor off = Tensor::fromIValue(offsets_v);
    if (off.dim() != 1) lang::raise("ValueError", "offsets has to be a 1D Tensor");
    Tensor o = off.to(ScalarType::Long).contiguous();
    starts.assign(o.data<int64_t>(), o.data<int64_t>() + o.numel());
    if (include_last && !starts.empty()) starts.pop_back();
    idx = input.to(ScalarType::Long).contiguous();
  } else {
    lang::raise("ValueError", "input has to be 1D or 2D Tensor, but got Tensor of dimension " + std::to_string(input.dim()));
  }
  int64_t total = idx.numel(), bags = static_cast<int64_t>(starts.size()), dim = weight.sizes()[1], rows = weight.sizes()[0];
  int64_t end_last = include_last && input.dim() == 1 ? Tensor::fromIValue(offsets_v).to(ScalarType::Long).contiguous().data<int64_t>()[bags] : total;
  Tensor w = weight.to(ScalarType::Double).contiguous();
  Tensor psw = psw_v.isNone() ? Tensor() : Tensor::fromIValue(psw_v).to(ScalarType::Double).contiguous();
  std::optional<int64_t> pad = toOptInt(pad_v);
  if (pad && *pad < 0) *pad += rows;
  Tensor out = Tensor::zeros({bags, dim}, ScalarType::Double);
  const int64_t* ip = idx.data<int64_t>();
  for (int64_t b = 0; b < bags; ++b) {
    int64_t lo = starts[b], hi = b + 1 < bags ? starts[b + 1] : end_last;
    double* o = out.data<double>() + b * dim;
    int64_t count = 0;
    for (int64_t k = lo; k < hi; ++k) {
      int64_t r = ip[k];
      if (r < 0 || r >= rows) lang::raise("IndexError", "index out of range in self");
      if (pad && r == *pad) continue;
      const double* row = w.data<double>() + r * dim;
      double scale = psw.defined() ? psw.data<double>()[k] : 1.0;
      for (int64_t j = 0; j < dim; ++j) o[j] = mode == "max" ? (count ? std::max(o[j], row[j]) : row[j]) : o[j] + scale * row[j];
      ++count;
    }
    if (mode == "mean" && count)
      for (int64_t j = 0; j < dim; ++j) o[j] /= count;
  }
  pushResult(s, n, out.to(weight.dtype()));
}

static lang::RegisterOps reg({
    {"functional::embedding_bag(Tensor input, Tensor weight, Tensor? offsets=None, float? max_norm=None, float norm_type=2, bool scale_grad_by_freq=False, str mode='mean', bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None) -> Tensor", embeddingBagKernel},
});

}  // namespace
}  // namespace wick::ops
