// Writing through indices: scatter with a reduction (scatter_reduce, the
// deprecated scatter(reduce=)), take/take_along_dim/put, index_copy,
// index_add_, index_fill, masked_scatter, and the *_scatter ops that embed a
// tensor into a copy of another along a view (diagonal/select/slice).
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

void checkLongIndex(const Tensor& index, const char* fn) {
  if (index.dtype() != ScalarType::Long) lang::raise("RuntimeError", std::string(fn) + "(): Expected dtype int64 for index");
}

// f(offset in out, element offset in src) for every position p of index,
// out's position being p with dim replaced by index[p] (scatter's rule).
template <class F>
void forEachScatter(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src, const char* fn, F f) {
  checkLongIndex(index, fn);
  if (index.dim() != out.dim() && index.numel() > 0)
    lang::raise("RuntimeError", "Index tensor must have the same number of dimensions as self tensor");
  for (int64_t d = 0; d < index.dim(); ++d)
    if ((d != dim && index.sizes()[d] > out.sizes()[d]) || (src.defined() && index.sizes()[d] > src.sizes()[d]))
      lang::raise("RuntimeError", "Expected index " + shapeStr(index.sizes()) + " to be smaller than self " + shapeStr(out.sizes()) +
                                      " apart from dimension " + std::to_string(dim) + (src.defined() ? " and to be smaller size than src " + shapeStr(src.sizes()) : ""));
  Tensor idx = index.contiguous();
  const int64_t* ip = idx.data<int64_t>();
  IntArray pos(index.dim(), 0);
  for (int64_t k = 0; k < idx.numel(); ++k) {
    int64_t at = ip[k];
    int64_t size = out.sizes()[dim];
    if (at < -size || at >= size)
      lang::raise("RuntimeError", "index " + std::to_string(at) + " is out of bounds for dimension " + std::to_string(dim) + " with size " + std::to_string(size));
    if (at < 0) at += size;
    int64_t o = 0, so = 0;
    for (int64_t d = 0; d < index.dim(); ++d) {
      o += (d == dim ? at : pos[d]) * out.strides()[d];
      if (src.defined()) so += pos[d] * src.strides()[d];
    }
    f(o, so);
    for (int64_t d = index.dim() - 1; d >= 0; --d) {
      if (++pos[d] < index.sizes()[d]) break;
      pos[d] = 0;
    }
  }
}

// scatter_reduce(self, dim, index, src, reduce, include_self): values
// reaching the same place combine by sum/prod/mean/amax/amin, starting from
// self's value or (include_self=False) from the first value scattered there.
Tensor scatterReduce(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src_in, const std::string& reduce, bool include_self) {
  static const char* kModes[] = {"sum", "prod", "mean", "amax", "amin"};
  if (std::find(std::begin(kModes), std::end(kModes), reduce) == std::end(kModes))
    lang::raise("RuntimeError", "reduce argument must be either sum, prod, mean, amax or amin, got " + reduce);
  dim = wrapDim(dim, std::max<int64_t>(self.dim(), 1));
  Tensor out = self.contiguous().clone();
  Tensor src = src_in.to(self.dtype());
  Tensor acc = out.to(ScalarType::Double).contiguous().clone();
  std::vector<int64_t> count(out.numel(), include_self ? 1 : 0);
  forEachScatter(out, dim, index, src, "scatter_reduce", [&](int64_t o, int64_t so) {
    double x = dispatchType(src.dtype(), [&](auto tag) {
      using T = decltype(tag);
      return static_cast<double>(static_cast<opmath_t<T>>(src.data<T>()[so]));
    });
    double& a = acc.data<double>()[o];
    if (count[o] == 0) a = x;
    else if (reduce == "sum" || reduce == "mean") a += x;
    else if (reduce == "prod") a *= x;
    else if (reduce == "amax") a = std::isnan(a) || std::isnan(x) ? NAN : std::max(a, x);
    else a = std::isnan(a) || std::isnan(x) ? NAN : std::min(a, x);
    ++count[o];
  });
  if (reduce == "mean") {
    bool integral = !isFloatingType(self.dtype());
    for (int64_t i = 0; i < acc.numel(); ++i)
      if (count[i] > 0) acc.data<double>()[i] = integral ? std::floor(acc.data<double>()[i] / count[i]) : acc.data<double>()[i] / count[i];
  }
  return acc.to(self.dtype());
}
template <bool kInplace>
void scatterReduceKernel(Stack& s) {  // scatter_reduce.two(Tensor self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True)
  Tensor self = tensorAt(s, 6, 0);
  Tensor r = scatterReduce(self, argAt(s, 6, 1).toInt(), tensorAt(s, 6, 2), tensorAt(s, 6, 3), argAt(s, 6, 4).toStr(), argAt(s, 6, 5).toBool());
  if (kInplace) {
    self.copy_(r);
    r = self;
  }
  pushResult(s, 6, r);
}

// scatter(..., reduce='add' | 'multiply'): scatter that accumulates.
template <bool kInplace>
void scatterLegacyReduceKernel(Stack& s) {  // scatter.reduce(Tensor self, int dim, Tensor index, Tensor src, *, str reduce)
  Tensor self = tensorAt(s, 5, 0);
  std::string reduce = argAt(s, 5, 4).toStr();
  if (reduce != "add" && reduce != "multiply") lang::raise("RuntimeError", "reduce argument must be either add or multiply.");
  const IValue& srcv = argAt(s, 5, 3);
  Tensor src = srcv.isTensor() ? Tensor::fromIValue(srcv) : Tensor::full(tensorAt(s, 5, 2).sizes(), srcv.toScalarDouble(), self.dtype());
  Tensor r = scatterReduce(self, argAt(s, 5, 1).toInt(), tensorAt(s, 5, 2), src, reduce == "add" ? "sum" : "prod", true);
  if (kInplace) {
    self.copy_(r);
    r = self;
  }
  pushResult(s, 5, r);
}

// take: elements of the flattened input; negative indices count from the end.
Tensor take(const Tensor& self, const Tensor& index) {
  checkLongIndex(index, "take");
  Tensor flat = self.reshape({-1});
  Tensor idx = index.contiguous().clone();
  int64_t n = flat.numel();
  for (int64_t i = 0; i < idx.numel(); ++i) {
    int64_t& v = idx.data<int64_t>()[i];
    if (v < -n || v >= n)
      lang::raise("IndexError", "out of range: tried to access index " + std::to_string(v) + " on a tensor of " + std::to_string(n) + " elements.");
    if (v < 0) v += n;
  }
  static const lang::Operator* index_select = findOp("aten::index_select");
  return callTensorOp(index_select, {flat.toIValue(), IValue(int64_t(0)), idx.reshape({-1}).toIValue()}).reshape(index.sizes());
}
void takeKernel(Stack& s) { pushResult(s, 2, take(tensorAt(s, 2, 0), tensorAt(s, 2, 1))); }

void takeAlongDimKernel(Stack& s) {  // take_along_dim(Tensor self, Tensor indices, int? dim=None)
  Tensor self = tensorAt(s, 3, 0), idx = tensorAt(s, 3, 1);
  const IValue& dim = argAt(s, 3, 2);
  if (dim.isNone()) {
    pushResult(s, 3, take(self, idx.reshape({-1})));
    return;
  }
  checkHasDims(dim.toInt(), self.dim());
  int64_t d = wrapDim(dim.toInt(), self.dim());
  if (self.dim() != idx.dim()) lang::raise("RuntimeError", "torch.take_along_dim(): input and indices should have the same number of dimensions, but got " + std::to_string(self.dim()) + " dimensions for input, and " + std::to_string(idx.dim()) + " dimensions for indices");
  IntArray ss = self.sizes(), is = idx.sizes();
  ss[d] = is[d] = 1;
  IntArray b = broadcastShapes(ss, is);
  IntArray sb = b, ib = b;
  sb[d] = self.sizes()[d];
  ib[d] = idx.sizes()[d];
  static const lang::Operator* gather = findOp("aten::gather");
  pushResult(s, 3, callTensorOp(gather, {self.expand(sb).toIValue(), IValue(d), idx.expand(ib).toIValue(), IValue(false)}));
}

// put_(self, index, source, accumulate): take's inverse on the flattened self.
template <bool kInplace>
void putKernel(Stack& s) {  // put_(Tensor(a!) self, Tensor index, Tensor source, bool accumulate=False)
  Tensor self = tensorAt(s, 4, 0), index = tensorAt(s, 4, 1), src = tensorAt(s, 4, 2);
  bool acc = argAt(s, 4, 3).toBool();
  checkLongIndex(index, "put_");
  if (index.numel() != src.numel()) lang::raise("RuntimeError", "put_(): Expected source and index to have the same number of elements, but got source.numel() = " + std::to_string(src.numel()) + ", index.numel() = " + std::to_string(index.numel()));
  Tensor out = kInplace ? self : self.clone();
  Tensor flat = out.is_contiguous() ? out.reshape({-1}) : out.contiguous();
  Tensor idx = index.reshape({-1}).contiguous(), sv = src.reshape({-1}).to(out.dtype()).contiguous();
  int64_t n = flat.numel();
  dispatchType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < idx.numel(); ++i) {
      int64_t v = idx.data<int64_t>()[i];
      if (v < -n || v >= n)
        lang::raise("IndexError", "out of range: tried to access index " + std::to_string(v) + " on a tensor of " + std::to_string(n) + " elements.");
      if (v < 0) v += n;
      T x = sv.data<T>()[i];
      T& o = flat.data<T>()[v];
      o = acc ? convertElement<T>(static_cast<opmath_t<T>>(o) + static_cast<opmath_t<T>>(x)) : x;
    }
  });
  if (!out.is_contiguous()) out.copy_(flat.reshape(out.sizes()));
  pushResult(s, 4, out);
}

// index_copy / index_add / index_fill: whole slices along dim, one per index.
enum class IndexWrite { Copy, Add };
template <IndexWrite kWrite, bool kInplace>
void indexWriteKernel(Stack& s) {  // index_copy(Tensor self, int dim, Tensor index, Tensor source) / index_add(..., *, Scalar alpha=1)
  constexpr size_t n = kWrite == IndexWrite::Add ? 5 : 4;
  Tensor self = tensorAt(s, n, 0), index = tensorAt(s, n, 2).reshape({-1}).contiguous(), src = tensorAt(s, n, 3);
  checkLongIndex(index, kWrite == IndexWrite::Add ? "index_add" : "index_copy");
  int64_t dim = wrapDim(argAt(s, n, 1).toInt(), std::max<int64_t>(self.dim(), 1));
  Tensor out = kInplace ? self : self.clone();
  Tensor source = kWrite == IndexWrite::Add ? mul(src.toIValue(), argAt(s, n, 4)) : src;
  if (self.dim() == 0) {
    out.copy_(kWrite == IndexWrite::Add ? add(out.toIValue(), source.toIValue()) : source);
    pushResult(s, n, out);
    return;
  }
  if (source.dim() > 0 && source.sizes()[dim] != index.numel())
    lang::raise("RuntimeError", "index_copy_(): Number of indices (" + std::to_string(index.numel()) + ") should be equal to source.size(dim) (" + std::to_string(source.sizes()[dim]) + ")");
  for (int64_t i = 0; i < index.numel(); ++i) {
    int64_t at = index.data<int64_t>()[i];
    if (at < 0 || at >= out.sizes()[dim]) lang::raise("IndexError", "index out of range in self");
    Tensor target = out.select(dim, at);
    Tensor piece = source.dim() > 0 ? source.select(dim, i) : source;
    target.copy_(kWrite == IndexWrite::Add ? add(target.toIValue(), piece.toIValue()) : piece);
  }
  pushResult(s, n, out);
}

template <bool kInplace>
void indexFillKernel(Stack& s) {  // index_fill.int_Scalar(Tensor self, int dim, Tensor index, Scalar value) (.int_Tensor: 0-dim value)
  Tensor self = tensorAt(s, 4, 0), index = tensorAt(s, 4, 2).reshape({-1}).to(ScalarType::Long).contiguous();
  IValue value = argAt(s, 4, 3);
  if (value.isTensor()) {
    Tensor v = Tensor::fromIValue(value);
    if (v.dim() != 0) lang::raise("RuntimeError", "index_fill_ only supports a 0-dimensional value tensor, but got tensor with " + std::to_string(v.dim()) + " dimension(s).");
    value = v.item();
  }
  checkFillValue(value, self.dtype());
  int64_t dim = wrapDim(argAt(s, 4, 1).toInt(), std::max<int64_t>(self.dim(), 1));
  Tensor out = kInplace ? self : self.clone();
  int64_t extent = out.dim() == 0 ? 1 : out.size(dim);
  for (int64_t i = 0; i < index.numel(); ++i) {
    int64_t at = index.data<int64_t>()[i];
    if (at < -extent || at >= extent) lang::raise("IndexError", "index out of range in self");
    (out.dim() == 0 ? out : out.select(dim, at < 0 ? at + extent : at)).fill_(value);
  }
  pushResult(s, 4, out);
}

// masked_scatter: the True places of mask (broadcast to self), in row-major
// order, take source's elements in order.
template <bool kInplace>
void maskedScatterKernel(Stack& s) {  // masked_scatter(Tensor self, Tensor mask, Tensor source)
  Tensor self = tensorAt(s, 3, 0), mask = tensorAt(s, 3, 1), src = tensorAt(s, 3, 2);
  if (mask.dtype() != ScalarType::Bool) lang::raise("RuntimeError", "masked_scatter_ only supports boolean masks, but got mask with dtype " + std::string(dtypeName(mask.dtype())));
  Tensor out = kInplace ? self : self.clone();
  Tensor m = mask.expand(out.sizes()).contiguous();
  Tensor flat = out.contiguous().clone(), sv = src.reshape({-1}).to(out.dtype()).contiguous();
  int64_t k = 0;
  dispatchType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < flat.numel(); ++i)
      if (m.data<bool>()[i]) {
        if (k >= sv.numel()) lang::raise("RuntimeError", "Number of elements of source < number of ones in mask");
        flat.data<T>()[i] = sv.data<T>()[k++];
      }
  });
  out.copy_(flat);
  pushResult(s, 3, out);
}

// The *_scatter ops: a copy of self with src written into one view of it.
void diagonalScatterKernel(Stack& s) {  // diagonal_scatter(Tensor self, Tensor src, int offset=0, int dim1=0, int dim2=1)
  Tensor out = tensorAt(s, 5, 0).clone();
  static const lang::Operator* diagonal = findOp("aten::diagonal");
  callTensorOp(diagonal, {out.toIValue(), argAt(s, 5, 2), argAt(s, 5, 3), argAt(s, 5, 4)}).copy_(tensorAt(s, 5, 1));
  pushResult(s, 5, out);
}
void selectScatterKernel(Stack& s) {  // select_scatter(Tensor self, Tensor src, int dim, int index)
  Tensor out = tensorAt(s, 4, 0).clone();
  int64_t dim = argAt(s, 4, 2).toInt(), i = argAt(s, 4, 3).toInt();
  Tensor view = out.select(dim, i);
  if (view.sizes() != tensorAt(s, 4, 1).sizes())
    lang::raise("RuntimeError", "expected src to have a size equal to the slice of self. src size = " + shapeStr(tensorAt(s, 4, 1).sizes()) + ", slice size = " + shapeStr(view.sizes()));
  view.copy_(tensorAt(s, 4, 1));
  pushResult(s, 4, out);
}
void sliceScatterKernel(Stack& s) {  // slice_scatter(Tensor self, Tensor src, int dim=0, int? start=None, int? end=None, int step=1)
  Tensor out = tensorAt(s, 6, 0).clone();
  Tensor view = out.slice(argAt(s, 6, 2).toInt(), toOptInt(argAt(s, 6, 3)), toOptInt(argAt(s, 6, 4)), argAt(s, 6, 5).toInt());
  if (view.sizes() != tensorAt(s, 6, 1).sizes())
    lang::raise("RuntimeError", "expected src to have a size equal to the slice of self. src size = " + shapeStr(tensorAt(s, 6, 1).sizes()) + ", slice size = " + shapeStr(view.sizes()));
  view.copy_(tensorAt(s, 6, 1));
  pushResult(s, 6, out);
}

// fill_diagonal_: the main diagonal of a matrix (or of an all-equal-dims
// tensor); wrap continues every cols + 1 rows down a tall matrix.
void fillDiagonalKernel(Stack& s) {  // fill_diagonal_(Tensor(a!) self, Scalar fill_value, bool wrap=False)
  Tensor self = tensorAt(s, 3, 0);
  if (self.dim() < 2) lang::raise("RuntimeError", "dimensions must larger than 1");
  for (int64_t d = 1; d < self.dim() && self.dim() > 2; ++d)
    if (self.sizes()[d] != self.sizes()[0]) lang::raise("RuntimeError", "all dimensions of input must be of equal length");
  checkFillValue(argAt(s, 3, 1), self.dtype());
  int64_t step = 0;
  for (int64_t st : self.strides()) step += st;
  int64_t n = *std::min_element(self.sizes().begin(), self.sizes().end());
  if (self.dim() == 2 && argAt(s, 3, 2).toBool() && self.sizes()[0] > self.sizes()[1] + 1) {
    // rows 0.., then again from row cols + 1, cols + 1 at a time
    int64_t rows = self.sizes()[0], cols = self.sizes()[1];
    for (int64_t r0 = 0; r0 < rows; r0 += cols + 1)
      self.narrow(0, r0, std::min(cols, rows - r0)).asStrided({std::min(cols, rows - r0)}, {step}, self.storageOffset() + r0 * self.strides()[0]).fill_(argAt(s, 3, 1));
  } else {
    self.asStrided({n}, {step}, self.storageOffset()).fill_(argAt(s, 3, 1));
  }
  pushResult(s, 3, self);
}

static lang::RegisterOps reg({
    {"aten::fill_diagonal_(Tensor(a!) self, Scalar fill_value, bool wrap=False) -> Tensor(a!)", fillDiagonalKernel, lang::OpClass::Other, false},
    {"aten::scatter_reduce.two(Tensor self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) -> Tensor", scatterReduceKernel<false>},
    {"aten::scatter_reduce_.two(Tensor(a!) self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) -> Tensor(a!)", scatterReduceKernel<true>, lang::OpClass::Other, false},
    {"aten::scatter.reduce(Tensor self, int dim, Tensor index, Tensor src, *, str reduce) -> Tensor", scatterLegacyReduceKernel<false>},
    {"aten::scatter.value_reduce(Tensor self, int dim, Tensor index, Scalar value, *, str reduce) -> Tensor", scatterLegacyReduceKernel<false>},
    {"aten::scatter_.reduce(Tensor(a!) self, int dim, Tensor index, Tensor src, *, str reduce) -> Tensor(a!)", scatterLegacyReduceKernel<true>, lang::OpClass::Other, false},
    {"aten::scatter_.value_reduce(Tensor(a!) self, int dim, Tensor index, Scalar value, *, str reduce) -> Tensor(a!)", scatterLegacyReduceKernel<true>, lang::OpClass::Other, false},
    {"aten::take(Tensor self, Tensor index) -> Tensor", takeKernel},
    {"aten::take_along_dim(Tensor self, Tensor indices, int? dim=None) -> Tensor", takeAlongDimKernel},
    {"aten::put_(Tensor(a!) self, Tensor index, Tensor source, bool accumulate=False) -> Tensor(a!)", putKernel<true>, lang::OpClass::Other, false},
    {"aten::put(Tensor self, Tensor index, Tensor source, bool accumulate=False) -> Tensor", putKernel<false>},
    {"aten::index_copy(Tensor self, int dim, Tensor index, Tensor source) -> Tensor", indexWriteKernel<IndexWrite::Copy, false>},
    {"aten::index_copy_(Tensor(a!) self, int dim, Tensor index, Tensor source) -> Tensor(a!)", indexWriteKernel<IndexWrite::Copy, true>, lang::OpClass::Other, false},
    {"aten::index_add_(Tensor(a!) self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor(a!)", indexWriteKernel<IndexWrite::Add, true>, lang::OpClass::Other, false},
    {"aten::index_fill.int_Scalar(Tensor self, int dim, Tensor index, Scalar value) -> Tensor", indexFillKernel<false>},
    {"aten::index_fill.int_Tensor(Tensor self, int dim, Tensor index, Tensor value) -> Tensor", indexFillKernel<false>},
    {"aten::index_fill_.int_Tensor(Tensor(a!) self, int dim, Tensor index, Tensor value) -> Tensor(a!)", indexFillKernel<true>, lang::OpClass::Other, false},
    {"aten::masked_scatter(Tensor self, Tensor mask, Tensor source) -> Tensor", maskedScatterKernel<false>},
    {"aten::masked_scatter_(Tensor(a!) self, Tensor mask, Tensor source) -> Tensor(a!)", maskedScatterKernel<true>, lang::OpClass::Other, false},
    {"aten::diagonal_scatter(Tensor self, Tensor src, int offset=0, int dim1=0, int dim2=1) -> Tensor", diagonalScatterKernel},
    {"aten::select_scatter(Tensor self, Tensor src, int dim, int index) -> Tensor", selectScatterKernel},
    {"aten::slice_scatter(Tensor self, Tensor src, int dim=0, int? start=None, int? end=None, int step=1) -> Tensor", sliceScatterKernel},
});

}  // namespace
}  // namespace wick::ops
