// F.embedding_bag: sums, means or maxima of embedding rows over bags. A 2-D
// input is one bag per row; a 1-D input is cut into bags at `offsets`
// (include_last_offset: the last offset closes the last bag). Entries equal
// to padding_idx are skipped (not counted in a mean); an empty bag is zeros.
#include <algorithm>
#include <iterator>

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

constexpr const char* kModes[] = {"sum", "mean", "max"};  // torch's numbering of the modes

// The bags reduced, and the three bookkeeping results aten::embedding_bag
// returns after them, as torch 1.13's CPU kernel fills them: offset2bag
// (each index's bag; empty for sum without padding_idx), bag_size (entries
// counted per bag; zeros for sum), max_indices (the row each maximum came
// from for max, bag_size for mean, zeros for sum).
struct BagResults {
  Tensor out, offset2bag, bag_size, max_indices;
};

BagResults embeddingBag(const Tensor& input, const Tensor& weight, const IValue& offsets_v, int64_t mode, const IValue& psw_v,
                        const IValue& pad_v, bool include_last) {
  if (weight.dim() != 2) lang::raise("ValueError", "weight has to be a 2D Tensor, but got Tensor of dimension " + std::to_string(weight.dim()));
  if (!isIntegralType(input.dtype(), false)) lang::raise("RuntimeError", "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding_bag)");
  if (!psw_v.isNone() && mode != 0)
    lang::raise("NotImplementedError", std::string("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='") + kModes[mode] + "'). Please open a feature request on GitHub.");
  Bags bags = bagsOf(input, offsets_v, include_last);
  int64_t nbags = static_cast<int64_t>(bags.starts.size()), dim = weight.sizes()[1], rows = weight.sizes()[0];
  Tensor w = weight.to(ScalarType::Double).contiguous();
  Tensor psw = psw_v.isNone() ? Tensor() : Tensor::fromIValue(psw_v).to(ScalarType::Double).contiguous();
  std::optional<int64_t> pad = toOptInt(pad_v);
  if (pad && *pad < 0) *pad += rows;
  bool sum_fast = mode == 0 && !pad;  // torch's sum without padding_idx keeps no offset2bag
  BagResults r{Tensor::zeros({nbags, dim}, ScalarType::Double), Tensor::zeros({sum_fast ? 0 : bags.idx.numel()}, ScalarType::Long),
               Tensor::zeros({nbags}, ScalarType::Long),
               mode == 2 ? Tensor::zeros({nbags, dim}, ScalarType::Long) : Tensor::zeros({nbags}, ScalarType::Long)};
  const int64_t* ip = bags.idx.data<int64_t>();
  for (int64_t b = 0; b < nbags; ++b) {
    int64_t lo = bags.starts[b], hi = b + 1 < nbags ? bags.starts[b + 1] : bags.end_last;
    double* o = r.out.data<double>() + b * dim;
    int64_t* best = r.max_indices.data<int64_t>() + (mode == 2 ? b * dim : b);
    int64_t count = 0;
    for (int64_t k = lo; k < hi; ++k) {
      int64_t row_index = ip[k];
      if (row_index < 0 || row_index >= rows) lang::raise("IndexError", "index out of range in self");
      if (!sum_fast) r.offset2bag.data<int64_t>()[k] = b;
      if (pad && row_index == *pad) continue;
      const double* row = w.data<double>() + row_index * dim;
      double scale = psw.defined() ? psw.data<double>()[k] : 1.0;
      for (int64_t j = 0; j < dim; ++j) {
        if (mode != 2) o[j] += scale * row[j];
        else if (count == 0 || row[j] > o[j]) o[j] = row[j], best[j] = row_index;
      }
      ++count;
    }
    if (mode == 0) continue;  // sum counts nothing
    if (mode == 1 && count)
      for (int64_t j = 0; j < dim; ++j) o[j] /= count;
    r.bag_size.data<int64_t>()[b] = count;
    if (mode == 1) *best = count;
  }
  r.out = r.out.to(weight.dtype());
  return r;
}

// (input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean',
//  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None)
void embeddingBagKernel(Stack& s) {
  constexpr size_t n = 11;
  const std::string& mode = argAt(s, n, 6).toStr();
  int64_t m = std::find(std::begin(kModes), std::end(kModes), mode) - std::begin(kModes);
  if (m == 3) lang::raise("ValueError", "mode has to be one of sum, mean or max");
  pushResult(s, n, embeddingBag(tensorAt(s, n, 0), tensorAt(s, n, 1), argAt(s, n, 2), m, argAt(s, n, 8), argAt(s, n, 10),
                                argAt(s, n, 9).toBool()).out);
}

// aten::embedding_bag (what nn.EmbeddingBag's saved code and the tracer call): the mode a number,
// and the bookkeeping results after the bags.
void atenEmbeddingBag(Stack& s, size_t n) {
  // (weight, indices, offsets, scale_grad_by_freq, int mode, sparse, per_sample_weights, include_last_offset[, padding_idx])
  int64_t mode = argAt(s, n, 4).toInt();
  if (mode < 0 || mode > 2) lang::raise("RuntimeError", "embedding_bag: unknown mode " + std::to_string(mode));
  BagResults r = embeddingBag(tensorAt(s, n, 1), tensorAt(s, n, 0), argAt(s, n, 2), mode, argAt(s, n, 6),
                              n > 8 ? argAt(s, n, 8) : IValue(), argAt(s, n, 7).toBool());
  pushResults(s, n, {r.out.toIValue(), r.offset2bag.toIValue(), r.bag_size.toIValue(), r.max_indices.toIValue()});
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
