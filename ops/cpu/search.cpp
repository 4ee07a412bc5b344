// Membership (isin) and binary search of sorted boundaries: searchsorted (a sorted sequence, or a
// batch of them matching the values' leading dims) and bucketize (one 1-D
// boundaries tensor). left: the first index whose value is >= v; right: > v.
// Values compare in double, the common dtype of both operands.
#include <algorithm>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

bool rightOf(const IValue& right, const IValue& side) {
  bool r = right.toBool();
  if (side.isNone()) return r;
  std::string sd = side.toStr();
  if (sd != "left" && sd != "right")
    lang::raise("RuntimeError", "torch.searchsorted(): side can only be 'left' or 'right' but got " + sd);
  if (r && sd == "left")
    lang::raise("RuntimeError", "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  return sd == "right";
}

// Index of each value in its row of `seq` ([rows, n]); values are [rows, m] (or one row for all).
Tensor search(const Tensor& seq_in, const Tensor& values, bool right, bool int32, const IValue& sorter) {
  Tensor seq = seq_in;
  if (!sorter.isNone()) {
    Tensor order = Tensor::fromIValue(sorter);
    if (order.sizes() != seq.sizes()) lang::raise("RuntimeError", "torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor " + shapeStr(seq.sizes()) + "and got sorter tensor " + shapeStr(order.sizes()));
    Tensor sorted = Tensor::empty(seq.sizes(), seq.dtype());
    Tensor so = seq.contiguous(), oo = order.to(ScalarType::Long).contiguous();
    int64_t n = seq.dim() ? seq.sizes().back() : 1, rows = n ? seq.numel() / n : 0;
    dispatchType(seq.dtype(), [&](auto tag) {
      using T = decltype(tag);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < n; ++i) sorted.data<T>()[r * n + i] = so.data<T>()[r * n + oo.data<int64_t>()[r * n + i]];
    });
    seq = sorted;
  }
  if (seq.dim() == 0) lang::raise("RuntimeError", "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
  if (seq.dim() > 1) {
    IntArray sb(seq.sizes().begin(), seq.sizes().end() - 1), vb(values.sizes().begin(), values.sizes().end() - (values.dim() ? 1 : 0));
    if (values.dim() == 0 || sb != vb)
      lang::raise("RuntimeError", "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor " +
                                      shapeStr(seq.sizes()) + " and input value tensor " + shapeStr(values.sizes()));
  }
  Tensor s = seq.to(ScalarType::Double).contiguous(), v = values.to(ScalarType::Double).contiguous();
  int64_t n = s.sizes().back(), m = values.dim() ? values.sizes().back() : 1;
  Tensor out = Tensor::empty(values.sizes(), int32 ? ScalarType::Int : ScalarType::Long);
  const double* sp = s.data<double>();
  const double* vp = v.data<double>();
  for (int64_t i = 0; i < v.numel(); ++i) {
    const double* row = seq.dim() > 1 ? sp + (i / std::max<int64_t>(m, 1)) * n : sp;
    const double* at = right ? std::upper_bound(row, row + n, vp[i]) : std::lower_bound(row, row + n, vp[i]);
    int64_t idx = at - row;
    if (int32) out.data<int32_t>()[i] = static_cast<int32_t>(idx);
    else out.data<int64_t>()[i] = idx;
  }
  return out;
}

// searchsorted(Tensor sorted_sequence, Tensor self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None)
void searchsortedKernel(Stack& s) {
  Tensor seq = tensorAt(s, 6, 0);
  const IValue& v = argAt(s, 6, 1);
  Tensor values = v.isTensor() ? Tensor::fromIValue(v) : scalarToTensor(v, scalarDefaultDtype(v));
  if (!v.isTensor() && seq.dim() != 1)
    lang::raise("RuntimeError", "torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(" +
                                    std::to_string(seq.dim()) + ") and input value's dim(0) numel(1)");
  pushResult(s, 6, search(seq, values, rightOf(argAt(s, 6, 3), argAt(s, 6, 4)), argAt(s, 6, 2).toBool(), argAt(s, 6, 5)));
}

// bucketize(Tensor self, Tensor boundaries, *, bool out_int32=False, bool right=False)
void bucketizeKernel(Stack& s) {
  const IValue& v = argAt(s, 4, 0);
  Tensor b = tensorAt(s, 4, 1);
  if (b.dim() != 1) lang::raise("RuntimeError", "boundaries tensor must be 1 dimension, but got dim(" + std::to_string(b.dim()) + ")");
  Tensor values = v.isTensor() ? Tensor::fromIValue(v) : scalarToTensor(v, scalarDefaultDtype(v));
  pushResult(s, 4, search(b, values, argAt(s, 4, 3).toBool(), argAt(s, 4, 2).toBool(), IValue()));
}

// isin: whether each element occurs among test_elements (compared as doubles;
// NaN occurs nowhere); invert negates.
void isinKernel(Stack& s) {  // isin.Tensor_Tensor(Tensor elements, Tensor test_elements, *, bool assume_unique=False, bool invert=False)
  auto tensorOf = [](const IValue& v) { return v.isTensor() ? Tensor::fromIValue(v) : scalarToTensor(v, scalarDefaultDtype(v)); };
  Tensor e = tensorOf(argAt(s, 4, 0)), t = tensorOf(argAt(s, 4, 1));
  bool invert = argAt(s, 4, 3).toBool();
  Tensor tv = t.to(ScalarType::Double).contiguous(), ev = e.to(ScalarType::Double).contiguous();
  std::vector<double> set(tv.data<double>(), tv.data<double>() + tv.numel());
  std::sort(set.begin(), set.end());
  Tensor out = Tensor::empty(e.sizes(), ScalarType::Bool);
  for (int64_t i = 0; i < ev.numel(); ++i) out.data<bool>()[i] = std::binary_search(set.begin(), set.end(), ev.data<double>()[i]) != invert;
  pushResult(s, 4, out);
}

static lang::RegisterOps reg({
    {"aten::isin.Tensor_Tensor(Tensor elements, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor", isinKernel},
    {"aten::isin.Tensor_Scalar(Tensor elements, Scalar test_element, *, bool assume_unique=False, bool invert=False) -> Tensor", isinKernel},
    {"aten::isin.Scalar_Tensor(Scalar element, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor", isinKernel},
    {"aten::searchsorted.Tensor(Tensor sorted_sequence, Tensor self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None) -> Tensor", searchsortedKernel},
    {"aten::searchsorted.Scalar(Tensor sorted_sequence, Scalar self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None) -> Tensor", searchsortedKernel},
    {"aten::bucketize.Tensor(Tensor self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor", bucketizeKernel},
    {"aten::bucketize.Scalar(Scalar self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor", bucketizeKernel},
});

}  // namespace
}  // namespace wick::ops
