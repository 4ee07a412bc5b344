// F.embedding_bag: sums, means or maxima of embedding rows over bags. A 2-D
// input is one bag per row; a 1-D input is cut into bags at `offsets`
// (include_last_offset: the last offset closes the last bag). Entries equal
// to padding_idx are skipped (not counted in a mean); an empty bag is zeros.
#include <algorithm>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

// The bags: indices flattened, where each bag starts, where the last ends.
struct Bags {
  Tensor idx;
  std::vector<int64_t> starts;
  int64_t end_last;
};

Bags bagsOf(const Tensor& input, const IValue& offsets_v, bool include_last) {
  Bags bags;
  if (input.dim() == 2) {
    if (!offsets_v.isNone()) lang::raise("ValueError", "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor");
    for (int64_t b = 0; b < input.sizes()[0]; ++b) bags.starts.push_back(b * input.sizes()[1]);
    bags.idx = input.reshape({-1}).to(ScalarType::Long).contiguous();
    bags.end_last = bags.idx.numel();
    return bags;
  }
  if (input.dim() != 1) lang::raise("ValueError", "input has to be 1D or 2D Tensor, but got Tensor of dimension " + std::to_string(input.dim()));
  if (offsets_v.isNone()) lang::raise("ValueError", "offsets has to be a 1D Tensor but got None");
  Tensor off = Tensor::fromIValue(offsets_v);
  if (off.dim() != 1) lang::raise("ValueError", "offsets has to be a 1D Tensor");
  Tensor o = off.to(ScalarType::Long).contiguous();
  bags.starts.assign(o.data<int64_t>(), o.data<int64_t>() + o.numel());
  bags.idx = input.to(ScalarType::Long).contiguous();
  bags.end_last = bags.idx.numel();
  if (include_last && !bags.starts.empty()) {
    bags.end_last = bags.starts.back();
    bags.starts.pop_back();
  }
  return bags;
}

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
  Bags bags = bagsOf(input, offsets_v, include_last);
  const std::vector<int64_t>& starts = bags.starts;
  const Tensor& idx = bags.idx;
  int64_t dim = weight.sizes()[1], rows = weight.sizes()[0];
  int64_t end_last = bags.end_last;
  int64_t nbags = static_cast<int64_t>(starts.size());
  Tensor w = weight.to(ScalarType::Double).contiguous();
  Tensor psw = psw_v.isNone() ? Tensor() : Tensor::fromIValue(psw_v).to(ScalarType::Double).contiguous();
  std::optional<int64_t> pad = toOptInt(pad_v);
  if (pad && *pad < 0) *pad += rows;
  Tensor out = Tensor::zeros({nbags, dim}, ScalarType::Double);
  const int64_t* ip = idx.data<int64_t>();
  for (int64_t b = 0; b < nbags; ++b) {
    int64_t lo = starts[b], hi = b + 1 < nbags ? starts[b + 1] : end_last;
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

// aten::embedding_bag (what nn.EmbeddingBag's saved code and the tracer call):
// the mode a number, and three bookkeeping results after the bags, as torch
// 1.13's CPU kernel fills them (offset2bag: each index's bag, empty for sum
// without padding_idx; bag_size: entries counted per bag, zeros for sum;
// max_indices: the row each maximum came from for max, bag_size for mean,
// zeros for sum).
void atenEmbeddingBag(Stack& s, size_t n) {
  // (weight, indices, offsets, scale_grad_by_freq, int mode, sparse, per_sample_weights, include_last_offset[, padding_idx])
  static const char* const kModes[] = {"sum", "mean", "max"};
  int64_t mode = argAt(s, n, 4).toInt();
  if (mode < 0 || mode > 2) lang::raise("RuntimeError", "embedding_bag: unknown mode " + std::to_string(mode));
  Tensor weight = tensorAt(s, n, 0), input = tensorAt(s, n, 1);
  IValue offsets = argAt(s, n, 2), pad = n > 8 ? argAt(s, n, 8) : IValue();
  bool include_last = argAt(s, n, 7).toBool();
  Stack f{input.toIValue(), weight.toIValue(), offsets, IValue(), IValue(2.0), argAt(s, n, 3), IValue(std::string(kModes[mode])),
          argAt(s, n, 5), argAt(s, n, 6), IValue(include_last), pad};
  embeddingBagKernel(f);
  Tensor out = Tensor::fromIValue(f.back());
  Bags bags = bagsOf(input, offsets, include_last);
  int64_t nbags = static_cast<int64_t>(bags.starts.size()), dim = weight.size(1), rows = weight.size(0);
  std::optional<int64_t> padding = toOptInt(pad);
  if (padding && *padding < 0) *padding += rows;
  bool sum_fast = mode == 0 && !padding;  // torch's sum without padding_idx keeps no offset2bag
  Tensor offset2bag = Tensor::zeros({sum_fast ? 0 : bags.idx.numel()}, ScalarType::Long);
  Tensor bag_size = Tensor::zeros({nbags}, ScalarType::Long);
  Tensor max_indices = mode == 2 ? Tensor::zeros({nbags, dim}, ScalarType::Long) : Tensor::zeros({nbags}, ScalarType::Long);
  Tensor w = weight.to(ScalarType::Double).contiguous();
  const int64_t* ip = bags.idx.data<int64_t>();
  for (int64_t b = 0; b < nbags && !sum_fast; ++b) {
    int64_t lo = bags.starts[b], hi = b + 1 < nbags ? bags.starts[b + 1] : bags.end_last;
    int64_t count = 0;
    for (int64_t k = lo; k < hi; ++k) {
      offset2bag.data<int64_t>()[k] = b;
      if (padding && ip[k] == *padding) continue;
      if (mode == 2)
        for (int64_t j = 0; j < dim; ++j) {
          int64_t& best = max_indices.data<int64_t>()[b * dim + j];
          if (count == 0 || w.data<double>()[ip[k] * dim + j] > w.data<double>()[best * dim + j]) best = ip[k];
        }
      ++count;
    }
    if (mode == 0) continue;  // sum counts nothing
    bag_size.data<int64_t>()[b] = count;
    if (mode == 1) max_indices.data<int64_t>()[b] = count;
  }
  pushResults(s, n, {out.toIValue(), offset2bag.toIValue(), bag_size.toIValue(), max_indices.toIValue()});
}

static lang::RegisterOps reg({
    {"aten::embedding_bag(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, int mode=0, bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False) -> (Tensor, Tensor, Tensor, Tensor)",
     [](Stack& s) { atenEmbeddingBag(s, 8); }},
    {"aten::embedding_bag.padding_idx(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq, int mode, bool sparse, Tensor? per_sample_weights, bool include_last_offset, int? padding_idx) -> (Tensor, Tensor, Tensor, Tensor)",
     [](Stack& s) { atenEmbeddingBag(s, 9); }},
    {"functional::embedding_bag(Tensor input, Tensor weight, Tensor? offsets=None, float? max_norm=None, float norm_type=2, bool scale_grad_by_freq=False, str mode='mean', bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None) -> Tensor", embeddingBagKernel},
});

}  // namespace
}  // namespace wick::ops
