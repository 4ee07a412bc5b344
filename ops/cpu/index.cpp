// Indexing: advanced indexing (aten::index / index_put_), masks, where,
// gather/scatter, index_select/index_add/index_fill, nonzero, clamp and the
// small composites that select per element (lerp, addcmul, addcdiv), plus
// the whole-tensor comparisons equal/allclose/isclose.
#include <cmath>

#include "lang/types.h"
#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

Tensor nonzero(const Tensor& t) {
  Tensor c = t.contiguous();
  std::vector<int64_t> hits;
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    for (int64_t i = 0; i < c.numel(); ++i)
      if (static_cast<opmath_t<T>>(p[i]) != 0) hits.push_back(i);
  });
  int64_t nd = t.dim();
  Tensor out = Tensor::empty({static_cast<int64_t>(hits.size()), nd}, ScalarType::Long);
  int64_t* o = out.data<int64_t>();
  IntArray cs = contiguousStrides(t.sizes());
  for (size_t k = 0; k < hits.size(); ++k) {
    int64_t rem = hits[k];
    for (int64_t d = 0; d < nd; ++d) {
      o[k * nd + d] = rem / cs[d];
      rem %= cs[d];
    }
  }
  return out;
}

// Index tensors per dimension after expanding bool masks (a k-dim mask becomes k index tensors).
std::vector<std::optional<Tensor>> expandMasks(const Tensor& self, const std::vector<std::optional<Tensor>>& indices) {
  std::vector<std::optional<Tensor>> out;
  for (const auto& idx : indices) {
    if (!idx || (idx->dtype() != ScalarType::Bool && idx->dtype() != ScalarType::Byte)) {
      if (idx && !isIntegralType(idx->dtype(), false))
        lang::raise("IndexError", "tensors used as indices must be long, int, byte or bool tensors");
      out.push_back(idx);
      continue;
    }
    size_t first = out.size();
    for (int64_t j = 0; j < idx->dim(); ++j) {
      if (first + j >= static_cast<size_t>(self.dim()) || idx->sizes()[j] != self.sizes()[first + j])
        lang::raise("IndexError", "The shape of the mask " + shapeStr(idx->sizes()) + " at index " + std::to_string(j) +
                                      " does not match the shape of the indexed tensor " + shapeStr(self.sizes()) + " at index " + std::to_string(first + j));
    }
    Tensor nz = nonzero(*idx);
    for (int64_t j = 0; j < idx->dim(); ++j) out.push_back(nz.select(1, j));
  }
  if (out.size() > static_cast<size_t>(self.dim()))
    lang::raise("IndexError", "too many indices for tensor of dimension " + std::to_string(self.dim()) + " (got " + std::to_string(out.size()) + ")");
  while (out.size() < static_cast<size_t>(self.dim())) out.push_back(std::nullopt);
  return out;
}

// The plan shared by index and index_put_: self permuted so indexed dims are
// adjacent at `pos`, and the broadcast index tensors as contiguous int64.
struct IndexPlan {
  Tensor src;                  // self, permuted
  int64_t pos = 0;             // where the indexed dims start in src
  std::vector<Tensor> idx;     // one per indexed dim, shape `bshape`
  IntArray bshape;
  IntArray result_shape;       // src.sizes[:pos] + bshape + src.sizes[pos+k:]
};

IndexPlan planIndex(const Tensor& self, const std::vector<std::optional<Tensor>>& raw) {
  for (const auto& ix : raw)
    if (ix && ix->dtype() != ScalarType::Long && ix->dtype() != ScalarType::Byte && ix->dtype() != ScalarType::Bool)
      lang::raise("IndexError", "tensors used as indices must be long, byte or bool tensors");
  auto indices = expandMasks(self, raw);
  IntArray indexed, rest;
  for (int64_t d = 0; d < self.dim(); ++d) (indices[d] ? indexed : rest).push_back(d);
  bool adjacent = !indexed.empty() && indexed.back() - indexed.front() + 1 == static_cast<int64_t>(indexed.size());
  IndexPlan p;
  IntArray perm;
  if (adjacent) {
    for (int64_t d = 0; d < self.dim(); ++d) perm.push_back(d);
    p.pos = indexed.empty() ? 0 : indexed.front();
  } else {
    perm = indexed;
    perm.insert(perm.end(), rest.begin(), rest.end());
  }
  p.src = self.permute(perm);
  for (int64_t d : indexed) p.bshape = broadcastShapes(p.bshape, indices[d]->sizes());
  for (int64_t d : indexed) {
    Tensor ix = indices[d]->to(ScalarType::Long).expand(p.bshape).contiguous();
    int64_t n = self.sizes()[d];
    int64_t* q = ix.data<int64_t>();
    for (int64_t i = 0; i < ix.numel(); ++i) {
      if (q[i] < -n || q[i] >= n)
        lang::raise("IndexError", "index " + std::to_string(q[i]) + " is out of bounds for dimension " + std::to_string(d) + " with size " + std::to_string(n));
      if (q[i] < 0) q[i] += n;
    }
    p.idx.push_back(ix);
  }
  int64_t k = static_cast<int64_t>(indexed.size());
  p.result_shape.assign(p.src.sizes().begin(), p.src.sizes().begin() + p.pos);
  p.result_shape.insert(p.result_shape.end(), p.bshape.begin(), p.bshape.end());
  p.result_shape.insert(p.result_shape.end(), p.src.sizes().begin() + p.pos + k, p.src.sizes().end());
  return p;
}

// The slice of src picked by broadcast position b (the indexed dims removed).
Tensor pickSlice(const IndexPlan& p, int64_t b) {
  int64_t k = static_cast<int64_t>(p.idx.size());
  int64_t off = p.src.storageOffset();
  for (int64_t j = 0; j < k; ++j) off += p.idx[j].data<int64_t>()[b] * p.src.strides()[p.pos + j];
  IntArray sz(p.src.sizes().begin(), p.src.sizes().begin() + p.pos), st(p.src.strides().begin(), p.src.strides().begin() + p.pos);
  sz.insert(sz.end(), p.src.sizes().begin() + p.pos + k, p.src.sizes().end());
  st.insert(st.end(), p.src.strides().begin() + p.pos + k, p.src.strides().end());
  return p.src.asStrided(sz, st, off);
}

// The result viewed as [before, nB, after], so select(pos, b) matches pickSlice(b).
IntArray flatShape(const IndexPlan& p) {
  IntArray s(p.src.sizes().begin(), p.src.sizes().begin() + p.pos);
  s.push_back(numelOf(p.bshape));
  s.insert(s.end(), p.src.sizes().begin() + p.pos + p.idx.size(), p.src.sizes().end());
  return s;
}

Tensor index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices) {
  IndexPlan p = planIndex(self, indices);
  if (p.idx.empty()) return self;
  Tensor out = Tensor::empty(p.result_shape, self.dtype());
  Tensor flat = out.view(flatShape(p));
  int64_t nb = numelOf(p.bshape);
  for (int64_t b = 0; b < nb; ++b) flat.select(p.pos, b).copy_(pickSlice(p, b));
  return out;
}
void indexKernel(Stack& s) { pushResult(s, 2, index(tensorAt(s, 2, 0), toOptTensorList(argAt(s, 2, 1)))); }

void indexPut(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values, bool accumulate) {
  if (values.dtype() != self.dtype())
    lang::raise("RuntimeError", std::string("Index put requires the source and destination dtypes match, got ") + scalarTypeName(self.dtype()) +
                                    " for the destination and " + scalarTypeName(values.dtype()) + " for the source.");
  IndexPlan p = planIndex(self, indices);
  if (p.idx.empty()) {
    self.copy_(values);
    return;
  }
  Tensor v;
  try {
    v = values.to(self.dtype()).expand(p.result_shape);
  } catch (const lang::Error&) {
    lang::raise("RuntimeError", "shape mismatch: value tensor of shape " + shapeStr(values.sizes()) + " cannot be broadcast to indexing result of shape " + shapeStr(p.result_shape));
  }
  Tensor flat = v.reshape(flatShape(p));
  int64_t nb = numelOf(p.bshape);
  for (int64_t b = 0; b < nb; ++b) {
    Tensor target = pickSlice(p, b);
    Tensor piece = flat.select(p.pos, b);
    if (accumulate) target.copy_(add(target.toIValue(), piece.toIValue()));
    else target.copy_(piece);
  }
}
void indexPutInplaceKernel(Stack& s) {  // index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False)
  Tensor self = tensorAt(s, 4, 0);
  indexPut(self, toOptTensorList(argAt(s, 4, 1)), tensorAt(s, 4, 2), argAt(s, 4, 3).toBool());
  s.resize(s.size() - 3);
}
void indexPutKernel(Stack& s) {
  Tensor self = tensorAt(s, 4, 0).clone();
  indexPut(self, toOptTensorList(argAt(s, 4, 1)), tensorAt(s, 4, 2), argAt(s, 4, 3).toBool());
  pushResult(s, 4, self);
}

// ---- masks and where ----

void checkBoolMask(const Tensor& mask, const char* op) {
  if (mask.dtype() != ScalarType::Bool)
    lang::raise("RuntimeError", std::string(op) + " only supports boolean masks, but got mask with dtype " + (mask.dtype() == ScalarType::Byte ? "unsigned char" : dtypeName(mask.dtype())));
}

Tensor where(const Tensor& cond, const IValue& a, const IValue& b) {
  checkBoolMask(cond, "where");
  ResultType rt;
  Tensor ta, tb;
  if (a.isTensor()) rt.add(ta = Tensor::fromIValue(a)); else rt.add(a);
  if (b.isTensor()) rt.add(tb = Tensor::fromIValue(b)); else rt.add(b);
  ScalarType dt = rt.finish();
  if (!ta.defined()) ta = Tensor::scalarTensor(a, dt);
  if (!tb.defined()) tb = Tensor::scalarTensor(b, dt);
  IntArray shape = broadcastShapes(cond.sizes(), broadcastShapes(ta.sizes(), tb.sizes()));
  Tensor out = Tensor::empty(shape, dt);
  Tensor ca = ta.to(dt).expand(shape), cb = tb.to(dt).expand(shape), cc = cond.expand(shape);
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data<T>();
    const T* pa = ca.data<T>();
    const T* pb = cb.data<T>();
    const bool* pc = cc.data<bool>();
    forEachOffset<4>(shape, {&out.strides(), &cc.strides(), &ca.strides(), &cb.strides()},
                     [&](const std::array<int64_t, 4>& x) { o[x[0]] = pc[x[1]] ? pa[x[2]] : pb[x[3]]; });
  });
  return out;
}
void whereKernel(Stack& s) { pushResult(s, 3, where(tensorAt(s, 3, 0), argAt(s, 3, 1), argAt(s, 3, 2))); }
void whereCondKernel(Stack& s) {
  Tensor nz = nonzero(Tensor::fromIValue(s.back()));
  std::vector<Tensor> cols;
  for (int64_t j = 0; j < nz.sizes()[1]; ++j) cols.push_back(nz.select(1, j).contiguous());
  s.back() = fromTensorList(cols);
}

Tensor maskedFill(const Tensor& self, const Tensor& mask, const IValue& value, bool inplace) {
  checkBoolMask(mask, "masked_fill_");
  IValue v = value;
  if (value.isTensor()) {
    Tensor vt = Tensor::fromIValue(value);
    if (vt.dim() != 0) lang::raise("RuntimeError", "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with " + std::to_string(vt.dim()) + " dimension(s).");
    v = vt.item();
  }
  if (!value.isTensor()) checkFillValue(v, self.dtype());
  if (inplace && broadcastShapes(self.sizes(), mask.sizes()) != self.sizes())
    lang::raise("RuntimeError", "The expanded size of the tensor (" + std::to_string(self.sizes().empty() ? 0 : self.sizes().back()) + ") must match the existing size (" + std::to_string(mask.sizes().empty() ? 0 : mask.sizes().back()) + ") at non-singleton dimension " + std::to_string(self.dim() - 1) + ".  Target sizes: " + shapeStr(self.sizes()) + ".  Tensor sizes: " + shapeStr(mask.sizes()));
  Tensor filled = where(mask, Tensor::scalarTensor(v, self.dtype()).toIValue(), self.toIValue());
  if (!inplace) return filled;
  Tensor target = self;
  target.copy_(filled);
  return self;
}
void maskedFillKernel(Stack& s) { pushResult(s, 3, maskedFill(tensorAt(s, 3, 0), tensorAt(s, 3, 1), argAt(s, 3, 2), false)); }
void maskedFillInplaceKernel(Stack& s) { pushResult(s, 3, maskedFill(tensorAt(s, 3, 0), tensorAt(s, 3, 1), argAt(s, 3, 2), true)); }

void maskedSelectKernel(Stack& s) {
  Tensor self = tensorAt(s, 2, 0), mask = tensorAt(s, 2, 1);
  checkBoolMask(mask, "masked_select");
  IntArray shape = broadcastShapes(self.sizes(), mask.sizes());
  pushResult(s, 2, index(self.expand(shape), {mask.expand(shape).contiguous()}));
}

void nonzeroKernel(Stack& s) { s.back() = nonzero(Tensor::fromIValue(s.back())).toIValue(); }

// ---- clamp ----

Tensor clamp(const Tensor& self, const IValue& lo, const IValue& hi) {
  if (lo.isNone() && hi.isNone()) lang::raise("RuntimeError", "torch.clamp: At least one of 'min' or 'max' must not be None");
  ResultType rt;
  rt.add(self);
  for (const IValue* v : {&lo, &hi})
    if (!v->isNone()) v->isTensor() ? rt.add(Tensor::fromIValue(*v)) : rt.add(*v);
  ScalarType dt = rt.finish();
  Tensor cur = self.to(dt);
  auto bound = [&](const IValue& v) { return v.isTensor() ? Tensor::fromIValue(v) : Tensor::scalarTensor(v, dt); };
  // clamp(x, lo, hi) = min(max(x, lo), hi); NaN in x propagates.
  auto step = [&](const Tensor& x, const Tensor& b, bool is_max) {
    return binaryOp(x, b, dt, dt, [is_max](auto a, auto c) {
      if (a != a) return a;
      if (c != c) return c;
      return is_max ? (a > c ? a : c) : (a < c ? a : c);
    });
  };
  if (!lo.isNone()) cur = step(cur, bound(lo), true);
  if (!hi.isNone()) cur = step(cur, bound(hi), false);
  return cur;
}
void clampKernel(Stack& s) { pushResult(s, 3, clamp(tensorAt(s, 3, 0), argAt(s, 3, 1), argAt(s, 3, 2))); }
void clampInplaceKernel(Stack& s) {
  Tensor self = tensorAt(s, 3, 0);
  assignInPlace(self, clamp(self, argAt(s, 3, 1), argAt(s, 3, 2)));
  s.resize(s.size() - 2);
}
void clampMinKernel(Stack& s) { pushResult(s, 2, clamp(tensorAt(s, 2, 0), argAt(s, 2, 1), IValue())); }
void clampMaxKernel(Stack& s) { pushResult(s, 2, clamp(tensorAt(s, 2, 0), IValue(), argAt(s, 2, 1))); }

// ---- gather / scatter / index_select ----

void checkIndexDtype(const Tensor& index, const char* op) {
  if (index.dtype() != ScalarType::Long) lang::raise("RuntimeError", std::string(op) + "(): Expected dtype int64 for index");
}

// The shapes gather and scatter accept, as aten checks them (gather_shape_check,
// scatter_shape_check): index has self's number of dims (a 0-dim tensor counts
// as 1-dim), and no larger a size than self's apart from dim, nor than src's.
// Past them an index position would address memory outside self or src.
void checkIndexedShapes(const Tensor& self, int64_t dim, const Tensor& index, const Tensor* src, bool gather) {
  auto dims = [](const Tensor& t) { return std::max<int64_t>(t.dim(), 1); };
  auto size = [](const Tensor& t, int64_t d) { return t.dim() == 0 ? int64_t(1) : t.sizes()[d]; };
  if (!gather && index.numel() == 0) return;
  if (dims(self) != dims(index))
    lang::raise("RuntimeError", std::string("Index tensor must have the same number of dimensions as ") + (gather ? "input" : "self") + " tensor");
  for (int64_t d = 0; d < dims(self); ++d)
    if (d != dim && size(index, d) > size(self, d))
      lang::raise("RuntimeError", std::string(gather ? "Size does not match at dimension " + std::to_string(d) + " expected" : "Expected") +
                                      " index " + shapeStr(index.sizes()) + " to be smaller than self " + shapeStr(self.sizes()) +
                                      " apart from dimension " + std::to_string(dim) +
                                      (src ? " and to be smaller size than src " + shapeStr(src->sizes()) : std::string()));
  if (!src) return;
  if (dims(*src) != dims(index)) lang::raise("RuntimeError", "Index tensor must have the same number of dimensions as src tensor");
  for (int64_t d = 0; d < dims(index); ++d)
    if (size(index, d) > size(*src, d))
      lang::raise("RuntimeError", "Expected index " + shapeStr(index.sizes()) + " to be smaller than self " + shapeStr(self.sizes()) +
                                      " apart from dimension " + std::to_string(dim) + " and to be smaller size than src " +
                                      shapeStr(src->sizes()));
}

// Calls f(self_offset, index_value_pos, other_offset) over index's shape along dim.
template <class F>
void forEachIndexed(const Tensor& self, int64_t dim, const Tensor& index, const char* op, F f) {
  Tensor ix = index.contiguous();
  const int64_t* q = ix.data<int64_t>();
  IntArray cs = contiguousStrides(ix.sizes());
  int64_t n = self.dim() ? self.sizes()[dim] : 1;
  for (int64_t i = 0; i < ix.numel(); ++i) {
    int64_t rem = i, self_off = 0, v = q[i];
    if (v < -n || v >= n) lang::raise("RuntimeError", std::string("index ") + std::to_string(v) + " is out of bounds for dimension " + std::to_string(dim) + " with size " + std::to_string(n));
    if (v < 0) v += n;
    IntArray pos(ix.dim());
    for (int64_t d = 0; d < ix.dim(); ++d) {
      pos[d] = rem / cs[d];
      rem %= cs[d];
      self_off += (d == dim ? v : pos[d]) * (self.dim() ? self.strides()[d] : 0);
    }
    f(self_off, pos);
  }
}

Tensor gather(const Tensor& self, int64_t dim, const Tensor& index) {
  checkIndexDtype(index, "gather");
  dim = wrapDim(dim, self.dim());
  checkIndexedShapes(self, dim, index, nullptr, true);
  Tensor out = Tensor::empty(index.sizes(), self.dtype());
  dispatchType(self.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = self.data<T>();
    T* o = out.data<T>();
    int64_t k = 0;
    forEachIndexed(self, dim, index, "gather", [&](int64_t off, const IntArray&) { o[k++] = p[off]; });
  });
  return out;
}
void gatherKernel(Stack& s) { pushResult(s, 4, gather(tensorAt(s, 4, 0), argAt(s, 4, 1).toInt(), tensorAt(s, 4, 2))); }

// scatter src (a tensor, or a scalar when src is undefined) into out in place.
void scatterInto(Tensor& out, int64_t dim, const Tensor& index, const Tensor& src, const IValue& value, bool add) {
  checkIndexDtype(index, "scatter");
  dim = wrapDim(dim, out.dim());
  checkIndexedShapes(out, dim, index, src.defined() ? &src : nullptr, false);
  Tensor sc = src.defined() ? src.to(out.dtype()) : Tensor();
  dispatchType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data<T>();
    T scalar = src.defined() ? T() : (value.isFloat() ? convertElement<T>(value.toDouble()) : convertElement<T>(value.toInt()));
    forEachIndexed(out, dim, index, "scatter", [&](int64_t off, const IntArray& pos) {
      T v = scalar;
      if (sc.defined()) {
        int64_t so = 0;
        for (size_t d = 0; d < pos.size() && d < sc.strides().size(); ++d) so += pos[d] * sc.strides()[d];
        v = sc.data<T>()[so];
      }
      o[off] = add ? convertElement<T>(static_cast<opmath_t<T>>(o[off]) + static_cast<opmath_t<T>>(v)) : v;
    });
  });
}
template <bool kInplace, bool kAdd>
void scatterKernel(Stack& s) {  // scatter.src(Tensor self, int dim, Tensor index, Tensor src)
  Tensor self = tensorAt(s, 4, 0);
  Tensor out = kInplace ? self : self.clone();
  const IValue& src = argAt(s, 4, 3);
  scatterInto(out, argAt(s, 4, 1).toInt(), tensorAt(s, 4, 2), src.isTensor() ? Tensor::fromIValue(src) : Tensor(), src, kAdd);
  pushResult(s, 4, out);
}

Tensor indexSelect(const Tensor& self, int64_t dim, const Tensor& idx_tensor) {
  if (idx_tensor.dim() > 1) lang::raise("IndexError", "index_select(): Index is supposed to be a vector");
  dim = wrapDim(dim, self.dim());
  std::vector<std::optional<Tensor>> idx(dim, std::nullopt);
  idx.push_back(idx_tensor.reshape({-1}));
  Tensor r = index(self, idx);
  return r;
}
void indexSelectKernel(Stack& s) { pushResult(s, 3, indexSelect(tensorAt(s, 3, 0), argAt(s, 3, 1).toInt(), tensorAt(s, 3, 2))); }

void indexAddKernel(Stack& s) {  // index_add(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1)
  Tensor out = tensorAt(s, 5, 0).clone();
  int64_t dim = wrapDim(argAt(s, 5, 1).toInt(), out.dim());
  Tensor index = tensorAt(s, 5, 2).reshape({-1}), src = tensorAt(s, 5, 3);
  Tensor scaled = mul(src.toIValue(), argAt(s, 5, 4));
  for (int64_t i = 0; i < index.numel(); ++i) {
    Tensor target = out.select(dim, index.select(0, i).item().toInt());
    target.copy_(add(target.toIValue(), scaled.select(dim, i).toIValue()));
  }
  pushResult(s, 5, out);
}

void indexFillKernel(Stack& s) {  // index_fill_.int_Scalar(Tensor(a!) self, int dim, Tensor index, Scalar value)
  Tensor self = tensorAt(s, 4, 0);
  int64_t dim = wrapDim(argAt(s, 4, 1).toInt(), self.dim());
  Tensor index = tensorAt(s, 4, 2).reshape({-1});
  checkFillValue(argAt(s, 4, 3), self.dtype());
  for (int64_t i = 0; i < index.numel(); ++i) self.select(dim, index.select(0, i).item().toInt()).fill_(argAt(s, 4, 3));
  s.resize(s.size() - 3);
}

// ---- per-element composites ----

void lerpKernel(Stack& s) {  // lerp.Scalar(Tensor self, Tensor end, Scalar weight) / lerp.Tensor
  Tensor a = tensorAt(s, 3, 0), b = tensorAt(s, 3, 1);
  pushResult(s, 3, add(a.toIValue(), mul(argAt(s, 3, 2), sub(b.toIValue(), a.toIValue()).toIValue()).toIValue()));
}
template <bool kDiv>
void addcKernel(Stack& s) {  // addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1)
  Tensor t1 = tensorAt(s, 4, 1), t2 = tensorAt(s, 4, 2);
  Tensor prod = kDiv ? div(t1.toIValue(), t2.toIValue()) : mul(t1.toIValue(), t2.toIValue());
  pushResult(s, 4, add(argAt(s, 4, 0), mul(argAt(s, 4, 3), prod.toIValue()).toIValue()));
}

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  ScalarType dt = promoteTypes(a.dtype(), b.dtype());
  return binaryOp(a, b, dt, ScalarType::Bool, [=](auto x, auto y) {
    double dx = static_cast<double>(x), dy = static_cast<double>(y);
    if (dx == dy) return true;
    if (std::isnan(dx) || std::isnan(dy)) return equal_nan && std::isnan(dx) && std::isnan(dy);
    if (std::isinf(dx) || std::isinf(dy)) return false;
    return std::fabs(dx - dy) <= atol + rtol * std::fabs(dy);
  });
}
void iscloseKernel(Stack& s) {
  pushResult(s, 5, isclose(tensorAt(s, 5, 0), tensorAt(s, 5, 1), argAt(s, 5, 2).toDouble(), argAt(s, 5, 3).toDouble(), argAt(s, 5, 4).toBool()));
}
bool allTrue(const Tensor& t) {
  Tensor c = t.contiguous();
  for (int64_t i = 0; i < c.numel(); ++i)
    if (!c.data<bool>()[i]) return false;
  return true;
}
void allcloseKernel(Stack& s) {
  Tensor a = tensorAt(s, 5, 0), b = tensorAt(s, 5, 1);
  pushResult(s, 5, IValue(allTrue(isclose(a, b, argAt(s, 5, 2).toDouble(), argAt(s, 5, 3).toDouble(), argAt(s, 5, 4).toBool()))));
}
void equalKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  bool eq = a.sizes() == b.sizes();
  if (eq) {
    ScalarType dt = promoteTypes(a.dtype(), b.dtype());
    eq = allTrue(binaryOp(a, b, dt, ScalarType::Bool, [](auto x, auto y) { return x == y; }));
  }
  pushResult(s, 2, IValue(eq));
}

static lang::RegisterOps reg({
    {"aten::index.Tensor(Tensor self, Tensor?[] indices) -> Tensor", indexKernel},
    {"aten::index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor(a!)", indexPutInplaceKernel, lang::OpClass::Other, false},
    {"aten::index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor", indexPutKernel},
    {"aten::where.self(Tensor condition, Tensor self, Tensor other) -> Tensor", whereKernel},
    {"aten::where.ScalarSelf(Tensor condition, Scalar self, Tensor other) -> Tensor", whereKernel},
    {"aten::where.ScalarOther(Tensor condition, Tensor self, Scalar other) -> Tensor", whereKernel},
    {"aten::where.Scalar(Tensor condition, Scalar self, Scalar other) -> Tensor", whereKernel},
    {"aten::where(Tensor condition) -> Tensor[]", whereCondKernel},
    {"aten::masked_fill.Scalar(Tensor self, Tensor mask, Scalar value) -> Tensor", maskedFillKernel},
    {"aten::masked_fill.Tensor(Tensor self, Tensor mask, Tensor value) -> Tensor", maskedFillKernel},
    {"aten::masked_fill_.Scalar(Tensor(a!) self, Tensor mask, Scalar value) -> Tensor(a!)", maskedFillInplaceKernel, lang::OpClass::Other, false},
    {"aten::masked_fill_.Tensor(Tensor(a!) self, Tensor mask, Tensor value) -> Tensor(a!)", maskedFillInplaceKernel, lang::OpClass::Other, false},
    {"aten::masked_select(Tensor self, Tensor mask) -> Tensor", maskedSelectKernel},
    {"aten::nonzero(Tensor self) -> Tensor", nonzeroKernel},
    {"aten::argwhere(Tensor self) -> Tensor", nonzeroKernel},
    {"aten::clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor", clampKernel, lang::OpClass::Elementwise},
    {"aten::clamp.Tensor(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor", clampKernel, lang::OpClass::Elementwise},
    {"aten::clip(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor", clampKernel, lang::OpClass::Elementwise},
    {"aten::clamp_(Tensor(a!) self, Scalar? min=None, Scalar? max=None) -> Tensor(a!)", clampInplaceKernel, lang::OpClass::Elementwise, false},
    {"aten::clamp_.Tensor(Tensor(a!) self, Tensor? min=None, Tensor? max=None) -> Tensor(a!)", clampInplaceKernel, lang::OpClass::Elementwise, false},
    {"aten::clamp_min(Tensor self, Scalar min) -> Tensor", clampMinKernel, lang::OpClass::Elementwise},
    {"aten::clamp_max(Tensor self, Scalar max) -> Tensor", clampMaxKernel, lang::OpClass::Elementwise},
    {"aten::gather(Tensor self, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor", gatherKernel},
    {"aten::scatter.src(Tensor self, int dim, Tensor index, Tensor src) -> Tensor", scatterKernel<false, false>},
    {"aten::scatter.value(Tensor self, int dim, Tensor index, Scalar value) -> Tensor", scatterKernel<false, false>},
    {"aten::scatter_.src(Tensor(a!) self, int dim, Tensor index, Tensor src) -> Tensor(a!)", scatterKernel<true, false>, lang::OpClass::Other, false},
    {"aten::scatter_.value(Tensor(a!) self, int dim, Tensor index, Scalar value) -> Tensor(a!)", scatterKernel<true, false>, lang::OpClass::Other, false},
    {"aten::scatter_add(Tensor self, int dim, Tensor index, Tensor src) -> Tensor", scatterKernel<false, true>},
    {"aten::scatter_add_(Tensor(a!) self, int dim, Tensor index, Tensor src) -> Tensor(a!)", scatterKernel<true, true>, lang::OpClass::Other, false},
    {"aten::index_select(Tensor self, int dim, Tensor index) -> Tensor", indexSelectKernel},
    {"aten::index_add(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor", indexAddKernel},
    {"aten::index_fill_.int_Scalar(Tensor(a!) self, int dim, Tensor index, Scalar value) -> Tensor(a!)", indexFillKernel, lang::OpClass::Other, false},
    {"aten::lerp.Scalar(Tensor self, Tensor end, Scalar weight) -> Tensor", lerpKernel, lang::OpClass::Elementwise},
    {"aten::lerp.Tensor(Tensor self, Tensor end, Tensor weight) -> Tensor", lerpKernel, lang::OpClass::Elementwise},
    {"aten::addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", addcKernel<false>, lang::OpClass::Elementwise},
    {"aten::addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", addcKernel<true>, lang::OpClass::Elementwise},
    {"aten::isclose(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor", iscloseKernel},
    {"aten::allclose(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> bool", allcloseKernel},
    {"aten::equal(Tensor self, Tensor other) -> bool", equalKernel},
});

}  // namespace
}  // namespace wick::ops
