// Sorting along a dim (sort/argsort/msort/topk/kthvalue) and the order
// statistics built on it (median/nanmedian/mode).
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
// ---- order statistics: median/nanmedian/mode ----

// One value and index per row along dim (keepdim applied): pick(row, n) -> index.
template <class Pick>
std::pair<Tensor, Tensor> selectRows(const Tensor& t, int64_t dim, bool keepdim, Pick pick) {
  Tensor x = t.dim() == 0 ? t.reshape({1}) : t;
  dim = wrapDim(dim, x.dim());
  Tensor moved = x.transpose(dim, x.dim() - 1).contiguous();
  int64_t n = moved.sizes().back();
  IntArray out_shape(moved.sizes().begin(), moved.sizes().end() - 1);
  int64_t rows = numelOf(out_shape);
  Tensor vals = Tensor::empty(out_shape, t.dtype()), idx = Tensor::empty(out_shape, ScalarType::Long);
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = moved.data<T>() + r * n;
      int64_t i = pick(row, n);
      vals.data<T>()[r] = row[i];
      idx.data<int64_t>()[r] = i;
    }
  });
  // moved is x with dim and the last dim swapped: put the reduced dim back.
  Tensor v = vals.unsqueeze(-1).transpose(dim, x.dim() - 1), ii = idx.unsqueeze(-1).transpose(dim, x.dim() - 1);
  vals = keepdim ? v.contiguous() : v.squeeze(dim).contiguous();
  idx = keepdim ? ii.contiguous() : ii.squeeze(dim).contiguous();
  if (t.dim() == 0) return {vals.reshape({}), idx.reshape({})};
  return {vals, idx};
}

// Row positions sorted by value, NaN last, stable.
template <class T>
std::vector<int64_t> sortedOrder(const T* row, int64_t n) {
  using M = opmath_t<T>;
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    M va = static_cast<M>(row[a]), vb = static_cast<M>(row[b]);
    return vb != vb ? va == va : (va == va && va < vb);
  });
  return order;
}
template <class T> bool isNan(T v) { auto m = static_cast<opmath_t<T>>(v); return m != m; }

// median: the lower middle value; a row with NaN gives its first NaN.
// nanmedian: the lower middle of the non-NaN values.
template <bool kIgnoreNan>
std::pair<Tensor, Tensor> median(const Tensor& t, int64_t dim, bool keepdim) {
  return selectRows(t, dim, keepdim, [](const auto* row, int64_t n) -> int64_t {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(row)>>;
    std::vector<int64_t> order = sortedOrder<T>(row, n);
    int64_t valid = 0;
    while (valid < n && !isNan(row[order[valid]])) ++valid;
    if (!kIgnoreNan && valid < n) {
      for (int64_t i = 0; i < n; ++i)
        if (isNan(row[i])) return i;
    }
    if (valid == 0) return order.empty() ? 0 : order[0];
    return order[(valid - 1) / 2];
  });
}

template <bool kIgnoreNan>
void medianAllKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back()).reshape({-1});
  if (t.numel() == 0) {
    s.back() = Tensor::full({}, NAN, t.dtype()).toIValue();
    return;
  }
  s.back() = median<kIgnoreNan>(t, 0, false).first.toIValue();
}
template <bool kIgnoreNan>
void medianDimKernel(Stack& s) {  // median.dim(Tensor self, int dim, bool keepdim=False)
  Tensor t = tensorAt(s, 3, 0);
  int64_t dim = argAt(s, 3, 1).toInt();
  if (t.dim() > 0 && t.size(dim) == 0)
    lang::raise("IndexError", std::string(kIgnoreNan ? "nanmedian" : "median") + "(): Expected reduction dim " + std::to_string(dim) + " to have non-zero size.");
  auto [v, i] = median<kIgnoreNan>(t, dim, argAt(s, 3, 2).toBool());
  pushResults(s, 3, {v.toIValue(), i.toIValue()});
}

// mode as aten computes it: sort the row, take the longest run of equal
// values (the smallest value on ties) and the last original index in it.
// NaN never equals itself, so each NaN is a run of one.
void modeKernel(Stack& s) {  // mode(Tensor self, int dim=-1, bool keepdim=False)
  Tensor t = tensorAt(s, 3, 0);
  auto [v, i] = selectRows(t, argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toBool(), [](const auto* row, int64_t n) -> int64_t {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(row)>>;
    using M = opmath_t<T>;
    std::vector<int64_t> order = sortedOrder<T>(row, n);
    int64_t best = 0, best_count = 0, run = 0;
    for (int64_t k = 0; k < n; ++k) {
      ++run;
      if (k == n - 1 || !(static_cast<M>(row[order[k]]) == static_cast<M>(row[order[k + 1]]))) {
        if (run > best_count) {
          best_count = run;
          best = order[k];
        }
        run = 0;
      }
    }
    return best;
  });
  pushResults(s, 3, {v.toIValue(), i.toIValue()});
}

void msortKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  s.back() = sortRows(t, 0, false, t.dim() == 0 ? 1 : t.size(0)).first.toIValue();
}

static lang::RegisterOps reg({
    {"aten::sort(Tensor self, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)", sortKernel},
    {"aten::sort.stable(Tensor self, *, bool? stable, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)", sortStableKernel},
    {"aten::argsort(Tensor self, int dim=-1, bool descending=False) -> Tensor", argsortKernel},
    {"aten::argsort.stable(Tensor self, *, bool stable, int dim=-1, bool descending=False) -> Tensor", [](Stack& s) {
       Tensor t = tensorAt(s, 4, 0);
       int64_t dim = argAt(s, 4, 2).toInt();
       pushResult(s, 4, sortRows(t, dim, argAt(s, 4, 3).toBool(), t.dim() == 0 ? 1 : t.size(dim)).second);
     }},
    {"aten::topk(Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)", topkKernel},
    {"aten::kthvalue(Tensor self, int k, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)", kthvalueKernel},
    {"aten::msort(Tensor self) -> Tensor", msortKernel},
    {"aten::median(Tensor self) -> Tensor", medianAllKernel<false>},
    {"aten::median.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", medianDimKernel<false>},
    {"aten::nanmedian(Tensor self) -> Tensor", medianAllKernel<true>},
    {"aten::nanmedian.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", medianDimKernel<true>},
    {"aten::mode(Tensor self, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)", modeKernel},
});

}  // namespace
}  // namespace wick::ops
