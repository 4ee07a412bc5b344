// unique and unique_consecutive: the distinct elements (or slices along a
// dim), with each input position's group (inverse) and each group's size
// (counts). The ops return all three; torch.unique's flags pick among them
// in the frontend (emitBooleanDispatch). Results are always sorted; NaN is
// never equal to itself, so each NaN is its own group.
#include <algorithm>
#include <numeric>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// Groups the n slices of `rows` ([n, width] contiguous). sort: order slices
// lexicographically first (unique) or keep their order (unique_consecutive).
// Returns the representative slice of each group, group id per slice, counts.
struct Groups {
  std::vector<int64_t> first;  // a slice index per group
  std::vector<int64_t> group;  // group id per slice
  std::vector<int64_t> count;  // slices per group
};
template <class T>
Groups groupSlices(const T* rows, int64_t n, int64_t width, bool sort) {
  using M = opmath_t<T>;
  auto cmp = [&](int64_t a, int64_t b) {  // -1, 0, 1; NaN after everything and unequal
    for (int64_t k = 0; k < width; ++k) {
      M x = static_cast<M>(rows[a * width + k]), y = static_cast<M>(rows[b * width + k]);
      if (x != x || y != y) return x != x ? (y != y ? (a < b ? -1 : a > b ? 1 : 0) : 1) : -1;
      if (x < y) return -1;
      if (y < x) return 1;
    }
    return 0;
  };
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (sort) std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return cmp(a, b) < 0; });
  Groups g;
  g.group.assign(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (i == 0 || cmp(order[i - 1], order[i]) != 0 || order[i - 1] == order[i]) {
      g.first.push_back(order[i]);
      g.count.push_back(0);
    }
    g.group[order[i]] = static_cast<int64_t>(g.first.size()) - 1;
    ++g.count.back();
  }
  return g;
}

// (values, inverse, counts) for slices of t along dim (all elements when dim is None).
std::vector<IValue> unique(const Tensor& t, const IValue& dim, bool sort) {
  Tensor moved;
  int64_t d = 0;
  if (dim.isNone()) {
    moved = t.reshape({-1, 1}).contiguous();
  } else {
    if (t.dim() == 0) lang::raise("IndexError", "Dimension out of range (expected to be in range of [-1, 0], but got " + std::to_string(dim.toInt()) + ")");
    d = wrapDim(dim.toInt(), t.dim());
    moved = t.transpose(0, d).contiguous();
    moved = moved.reshape({moved.sizes()[0], -1});
  }
  int64_t n = moved.sizes()[0], width = n > 0 ? moved.numel() / n : 0;
  Groups g = dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return groupSlices<T>(moved.data<T>(), n, width, sort);
  });
  int64_t groups = static_cast<int64_t>(g.first.size());
  Tensor idx = longTensor(g.first), inverse = longTensor(g.group), counts = longTensor(g.count);
  static const lang::Operator* index_select = findOp("aten::index_select");
  Tensor values;
  if (dim.isNone()) {
    values = t.reshape({-1}).contiguous();
    Tensor out = Tensor::empty({groups}, t.dtype());
    dispatchType(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      for (int64_t i = 0; i < groups; ++i) out.data<T>()[i] = values.data<T>()[g.first[i]];
    });
    values = out;
    inverse = inverse.reshape(t.sizes());
  } else {
    Stack st{t.toIValue(), IValue(d), idx.toIValue()};
    index_select->kernel(st);
    values = Tensor::fromIValue(st.back());
  }
  return {values.toIValue(), inverse.toIValue(), counts.toIValue()};
}

void uniqueAllKernel(Stack& s) {  // _unique_all(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False, int? dim=None)
  pushResults(s, 5, unique(tensorAt(s, 5, 0), argAt(s, 5, 4), true));
}
void unique2Kernel(Stack& s) {  // _unique2(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False)
  pushResults(s, 4, unique(tensorAt(s, 4, 0), IValue(), true));
}
void uniqueDimKernel(Stack& s) {  // unique_dim(Tensor self, int dim, bool sorted=True, bool return_inverse=False, bool return_counts=False)
  pushResults(s, 5, unique(tensorAt(s, 5, 0), argAt(s, 5, 1), true));
}
void uniqueConsecutiveKernel(Stack& s) {  // unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False, int? dim=None)
  pushResults(s, 4, unique(tensorAt(s, 4, 0), argAt(s, 4, 3), false));
}

static lang::RegisterOps reg({
    {"aten::_unique_all(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False, int? dim=None) -> (Tensor, Tensor, Tensor)", uniqueAllKernel},
    {"aten::_unique2(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False) -> (Tensor, Tensor, Tensor)", unique2Kernel},
    {"aten::unique_dim(Tensor self, int dim, bool sorted=True, bool return_inverse=False, bool return_counts=False) -> (Tensor, Tensor, Tensor)", uniqueDimKernel},
    {"aten::unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False, int? dim=None) -> (Tensor, Tensor, Tensor)", uniqueConsecutiveKernel},
});

}  // namespace
}  // namespace wick::ops
