// Sorting along a dim: sort/argsort/topk/kthvalue/median/mode-free basics.
// NaN sorts as the largest value, as in PyTorch; sorts are stable.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

// Sorted values and indices of every row along dim (moved last), keeping the first k.
std::pair<Tensor, Tensor> sortRows(const Tensor& t, int64_t dim, bool descending, int64_t k) {
  Tensor x = t.dim() == 0 ? t.reshape({1}) : t;
  dim = wrapDim(dim, x.dim());
  Tensor moved = x.transpose(dim, x.dim() - 1).contiguous();
  int64_t n = moved.sizes().back();
  if (k < 0 || k > n) lang::raise("RuntimeError", "selected index k out of range");
  IntArray out_shape = moved.sizes();
  out_shape.back() = k;
  Tensor vals = Tensor::empty(out_shape, t.dtype()), idx = Tensor::empty(out_shape, ScalarType::Long);
  int64_t rows = n == 0 ? 0 : moved.numel() / n;
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const T* p = moved.data<T>();
    std::vector<int64_t> order(n);
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = p + r * n;
      std::iota(order.begin(), order.end(), 0);
      auto less = [&](int64_t a, int64_t b) {
        M va = static_cast<M>(row[a]), vb = static_cast<M>(row[b]);
        bool na = va != va, nb = vb != vb;
        if (descending) return na ? !nb : (!nb && va > vb);
        return nb ? !na : (!na && va < vb);
      };
      std::stable_sort(order.begin(), order.end(), less);
      for (int64_t i = 0; i < k; ++i) {
        vals.data<T>()[r * k + i] = row[order[i]];
        idx.data<int64_t>()[r * k + i] = order[i];
      }
    }
  });
  Tensor v = vals.transpose(dim, x.dim() - 1).contiguous(), i = idx.transpose(dim, x.dim() - 1).contiguous();
  if (t.dim() == 0) return {v.reshape({}), i.reshape({})};
  return {v, i};
}

void sortKernel(Stack& s) {  // sort(Tensor self, int dim=-1, bool descending=False)
  Tensor t = tensorAt(s, 3, 0);
  int64_t dim = argAt(s, 3, 1).toInt();
  auto [v, i] = sortRows(t, dim, argAt(s, 3, 2).toBool(), t.dim() == 0 ? 1 : t.size(dim));
  pushResults(s, 3, {v.toIValue(), i.toIValue()});
}
void sortStableKernel(Stack& s) {  // sort.stable(Tensor self, *, bool? stable, int dim=-1, bool descending=False)
  Tensor t = tensorAt(s, 4, 0);
  int64_t dim = argAt(s, 4, 2).toInt();
  auto [v, i] = sortRows(t, dim, argAt(s, 4, 3).toBool(), t.dim() == 0 ? 1 : t.size(dim));
  pushResults(s, 4, {v.toIValue(), i.toIValue()});
}
void argsortKernel(Stack& s) {  // argsort(Tensor self, int dim=-1, bool descending=False)
  Tensor t = tensorAt(s, 3, 0);
  int64_t dim = argAt(s, 3, 1).toInt();
  pushResult(s, 3, sortRows(t, dim, argAt(s, 3, 2).toBool(), t.dim() == 0 ? 1 : t.size(dim)).second);
}
void topkKernel(Stack& s) {  // topk(Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True)
  Tensor t = tensorAt(s, 5, 0);
  auto [v, i] = sortRows(t, argAt(s, 5, 2).toInt(), argAt(s, 5, 3).toBool(), argAt(s, 5, 1).toInt());
  pushResults(s, 5, {v.toIValue(), i.toIValue()});
}
void kthvalueKernel(Stack& s) {  // kthvalue(Tensor self, int k, int dim=-1, bool keepdim=False)
  Tensor t = tensorAt(s, 4, 0);
  int64_t k = argAt(s, 4, 1).toInt(), dim = argAt(s, 4, 2).toInt();
  if (k < 1 || k > (t.dim() == 0 ? 1 : t.size(dim))) lang::raise("IndexError", "kthvalue(): selected number k out of range for dimension " + std::to_string(dim));
  auto [v, i] = sortRows(t, dim, false, k);
  Tensor vv = v.narrow(dim, k - 1, 1), ii = i.narrow(dim, k - 1, 1);
  if (!argAt(s, 4, 3).toBool()) {
    vv = vv.squeeze(dim);
    ii = ii.squeeze(dim);
  }
  pushResults(s, 4, {vv.contiguous().toIValue(), ii.contiguous().toIValue()});
}
// median: the lower of the two middle values, as torch.median.
void medianKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back()).reshape({-1});
  if (t.numel() == 0) {
    s.back() = Tensor::full({}, NAN, t.dtype()).toIValue();
    return;
  }
  auto [v, i] = sortRows(t, 0, false, t.numel());
  s.back() = v.select(0, (t.numel() - 1) / 2).clone().toIValue();
}
void medianDimKernel(Stack& s) {  // median.dim(Tensor self, int dim, bool keepdim=False)
  Tensor t = tensorAt(s, 3, 0);
  int64_t dim = argAt(s, 3, 1).toInt();
  int64_t n = t.dim() == 0 ? 1 : t.size(dim);
  auto [v, i] = sortRows(t, dim, false, n);
  int64_t m = (n - 1) / 2;
  Tensor vv = v.narrow(dim, m, 1), ii = i.narrow(dim, m, 1);
  if (!argAt(s, 3, 2).toBool()) {
    vv = vv.squeeze(dim);
    ii = ii.squeeze(dim);
  }
  pushResults(s, 3, {vv.contiguous().toIValue(), ii.contiguous().toIValue()});
}

static lang::RegisterOps reg({
    {"aten::sort(Tensor self, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)", sortKernel},
    {"aten::sort.stable(Tensor self, *, bool? stable, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)", sortStableKernel},
    {"aten::argsort(Tensor self, int dim=-1, bool descending=False) -> Tensor", argsortKernel},
    {"aten::topk(Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)", topkKernel},
    {"aten::kthvalue(Tensor self, int k, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)", kthvalueKernel},
    {"aten::median(Tensor self) -> Tensor", medianKernel},
    {"aten::median.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", medianDimKernel},
});

}  // namespace
}  // namespace wick::ops
