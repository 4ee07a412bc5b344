// Splitting into views by count or by cut points: tensor_split and
// hsplit/vsplit/dsplit (split/chunk/unbind live in shape.cpp).
#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

// Pieces of t along dim between consecutive cut points (clamped to the size).
std::vector<Tensor> cutAt(const Tensor& t, int64_t dim, const IntArray& cuts) {
  int64_t n = t.sizes()[dim], start = 0;
  std::vector<Tensor> out;
  auto clampTo = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
  for (int64_t c : cuts) {
    int64_t end = std::max(clampTo(c), start);
    out.push_back(t.narrow(dim, start, end - start));
    start = end;
  }
  out.push_back(t.narrow(dim, start, n - start));
  return out;
}

// sections pieces: the first size % sections one element longer.
std::vector<Tensor> sections(const Tensor& t, int64_t dim, int64_t k) {
  if (k <= 0) lang::raise("RuntimeError", "number of sections must be larger than 0, got " + std::to_string(k));
  int64_t n = t.sizes()[dim], base = n / k, extra = n % k, at = 0;
  IntArray cuts;
  for (int64_t i = 0; i + 1 < k; ++i) cuts.push_back(at += base + (i < extra ? 1 : 0));
  return cutAt(t, dim, cuts);
}

int64_t splitDim(const Tensor& t, int64_t dim) {
  if (t.dim() == 0) lang::raise("RuntimeError", "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  return wrapDim(dim, t.dim());
}
void tensorSplitSectionsKernel(Stack& s) {  // tensor_split.sections(Tensor(a -> *) self, int sections, int dim=0)
  Tensor t = tensorAt(s, 3, 0);
  pushResult(s, 3, fromTensorList(sections(t, splitDim(t, argAt(s, 3, 2).toInt()), argAt(s, 3, 1).toInt())));
}
void tensorSplitIndicesKernel(Stack& s) {  // tensor_split.indices(Tensor(a -> *) self, int[] indices, int dim=0)
  Tensor t = tensorAt(s, 3, 0);
  pushResult(s, 3, fromTensorList(cutAt(t, splitDim(t, argAt(s, 3, 2).toInt()), toIntArray(argAt(s, 3, 1)))));
}
// tensor_split.tensor_indices_or_sections: a 0-dim tensor is a section count, a 1-D one cut points.
void tensorSplitTensorKernel(Stack& s) {
  Tensor t = tensorAt(s, 3, 0), ios = tensorAt(s, 3, 1);
  int64_t dim = splitDim(t, argAt(s, 3, 2).toInt());
  if (ios.dtype() != ScalarType::Long) lang::raise("RuntimeError", "tensor_split expected tensor_indices_or_sections to have dtype of long, but got " + std::string(dtypeName(ios.dtype())));
  if (ios.dim() > 1) lang::raise("RuntimeError", "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with " + std::to_string(ios.dim()) + " dims");
  Tensor c = ios.contiguous();
  if (ios.dim() == 0) {
    pushResult(s, 3, fromTensorList(sections(t, dim, c.data<int64_t>()[0])));
    return;
  }
  pushResult(s, 3, fromTensorList(cutAt(t, dim, IntArray(c.data<int64_t>(), c.data<int64_t>() + c.numel()))));
}

// hsplit / vsplit / dsplit: dim 1 (0 for 1-D), 0, 2; a count must divide the size.
template <int kWhich>  // 0 h, 1 v, 2 d
void directionalSplit(Stack& s) {
  Tensor t = tensorAt(s, 2, 0);
  const char* name = kWhich == 0 ? "torch.hsplit" : kWhich == 1 ? "torch.vsplit" : "torch.dsplit";
  int64_t need = kWhich == 0 ? 1 : kWhich == 1 ? 2 : 3;
  if (t.dim() < need)
    lang::raise("RuntimeError", std::string(name) + " requires a tensor with at least " + std::to_string(need) + " dimension, but got a tensor with " +
                                    std::to_string(t.dim()) + " dimensions!");
  int64_t dim = kWhich == 0 ? (t.dim() == 1 ? 0 : 1) : kWhich == 1 ? 0 : 2;
  const IValue& arg = argAt(s, 2, 1);
  if (arg.isInt()) {
    int64_t k = arg.toInt();
    if (k != 0 && t.sizes()[dim] % k != 0)
      lang::raise("RuntimeError", std::string(name) + " attempted to split along dimension " + std::to_string(dim) + ", but the size of the dimension " +
                                      std::to_string(t.sizes()[dim]) + " is not divisible by the split_size " + std::to_string(k) + "!");
    pushResult(s, 2, fromTensorList(sections(t, dim, k)));
    return;
  }
  pushResult(s, 2, fromTensorList(cutAt(t, dim, toIntArray(arg))));
}

#define WICK_DIRSPLIT(name, which)                                                                                   \
  {"aten::" name ".int(Tensor(a -> *) self, int sections) -> Tensor(a)[]", directionalSplit<which>, lang::OpClass::View}, \
  {"aten::" name ".array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]", directionalSplit<which>, lang::OpClass::View}

static lang::RegisterOps reg({
    {"aten::tensor_split.sections(Tensor(a -> *) self, int sections, int dim=0) -> Tensor(a)[]", tensorSplitSectionsKernel, lang::OpClass::View},
    {"aten::tensor_split.indices(Tensor(a -> *) self, int[] indices, int dim=0) -> Tensor(a)[]", tensorSplitIndicesKernel, lang::OpClass::View},
    {"aten::tensor_split.tensor_indices_or_sections(Tensor(a -> *) self, Tensor tensor_indices_or_sections, int dim=0) -> Tensor(a)[]", tensorSplitTensorKernel, lang::OpClass::View},
    WICK_DIRSPLIT("hsplit", 0), WICK_DIRSPLIT("vsplit", 1), WICK_DIRSPLIT("dsplit", 2),
});

}  // namespace
}  // namespace wick::ops
