// Shape ops: views (view/reshape/select/slice/transpose/permute/expand/...,
// sharing storage) and copies that rearrange elements (cat/stack/flip/roll/
// repeat/tril/triu/diag).
#include <numeric>

#include "lang/types.h"
#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

Tensor self0(Stack& s, size_t n) { return tensorAt(s, n, 0); }

void viewKernel(Stack& s) { pushResult(s, 2, self0(s, 2).view(toIntArray(argAt(s, 2, 1)))); }
void reshapeKernel(Stack& s) { pushResult(s, 2, self0(s, 2).reshape(toIntArray(argAt(s, 2, 1)))); }
void viewAsKernel(Stack& s) { pushResult(s, 2, self0(s, 2).view(tensorAt(s, 2, 1).sizes())); }
void reshapeAsKernel(Stack& s) { pushResult(s, 2, self0(s, 2).reshape(tensorAt(s, 2, 1).sizes())); }

Tensor flatten(const Tensor& t, int64_t start, int64_t end) {
  if (t.dim() == 0) return t.reshape({1});
  start = wrapDim(start, t.dim());
  end = wrapDim(end, t.dim());
  if (start > end) lang::raise("RuntimeError", "flatten() has invalid args: start_dim cannot come after end_dim");
  IntArray shape;
  for (int64_t i = 0; i < start; ++i) shape.push_back(t.sizes()[i]);
  int64_t prod = 1;
  for (int64_t i = start; i <= end; ++i) prod *= t.sizes()[i];
  shape.push_back(prod);
  for (int64_t i = end + 1; i < t.dim(); ++i) shape.push_back(t.sizes()[i]);
  return t.reshape(shape);
}
void flattenKernel(Stack& s) { pushResult(s, 3, flatten(self0(s, 3), argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toInt())); }

void unflattenKernel(Stack& s) {  // unflatten.int(Tensor(a) self, int dim, int[] sizes)
  Tensor t = self0(s, 3);
  checkHasDims(argAt(s, 3, 1).toInt(), t.dim());
  int64_t d = wrapDim(argAt(s, 3, 1).toInt(), t.dim());
  IntArray sizes = toIntArray(argAt(s, 3, 2));
  IntArray shape(t.sizes().begin(), t.sizes().begin() + d);
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) infer = static_cast<int64_t>(shape.size() + i);
    else known *= sizes[i];
  }
  shape.insert(shape.end(), sizes.begin(), sizes.end());
  if (infer >= 0 && known != 0) shape[infer] = t.sizes()[d] / known;
  if (numelOf(IntArray(shape.begin() + d, shape.end())) != t.sizes()[d])
    lang::raise("RuntimeError", "unflatten: Provided sizes " + shapeStr(sizes) + " don't multiply up to the size of dim " + std::to_string(d) + " (" + std::to_string(t.sizes()[d]) + ") in the input tensor");
  shape.insert(shape.end(), t.sizes().begin() + d + 1, t.sizes().end());
  pushResult(s, 3, t.view(shape));
}

void selectKernel(Stack& s) { pushResult(s, 3, self0(s, 3).select(argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toInt())); }
void sliceKernel(Stack& s) {  // slice.Tensor(Tensor(a) self, int dim=0, int? start=None, int? end=None, int step=1)
  pushResult(s, 5, self0(s, 5).slice(argAt(s, 5, 1).toInt(), toOptInt(argAt(s, 5, 2)), toOptInt(argAt(s, 5, 3)), argAt(s, 5, 4).toInt()));
}
void narrowKernel(Stack& s) { pushResult(s, 4, self0(s, 4).narrow(argAt(s, 4, 1).toInt(), argAt(s, 4, 2).toInt(), argAt(s, 4, 3).toInt())); }
void narrowTensorKernel(Stack& s) {
  pushResult(s, 4, self0(s, 4).narrow(argAt(s, 4, 1).toInt(), tensorAt(s, 4, 2).item().toInt(), argAt(s, 4, 3).toInt()));
}
void transposeKernel(Stack& s) { pushResult(s, 3, self0(s, 3).transpose(argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toInt())); }
void tKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (t.dim() > 2) lang::raise("RuntimeError", "t() expects a tensor with <= 2 dimensions, but self is " + std::to_string(t.dim()) + "D");
  s.back() = (t.dim() < 2 ? t : t.transpose(0, 1)).toIValue();
}
void numpyTKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  IntArray dims(t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) dims[i] = t.dim() - 1 - i;
  s.back() = t.permute(dims).toIValue();
}
// t.mT / t.mH (real tensors: the same) / t.H / t.adjoint(): the last two dims swapped.
template <bool kExact>
void matrixTransposeKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (kExact ? t.dim() != 2 : t.dim() < 2)
    lang::raise("RuntimeError", std::string(kExact ? "tensor.H is only supported on matrices (2-D tensors). Got " : "tensor.mT is only supported on matrices or batches of matrices. Got ") +
                                    std::to_string(t.dim()) + "-D tensor.");
  s.back() = t.transpose(-2, -1).toIValue();
}
void expandKernelNoImplicit(Stack& s) { pushResult(s, 2, self0(s, 2).expand(toIntArray(argAt(s, 2, 1)))); }
void broadcastTensorsKernel(Stack& s) {
  std::vector<Tensor> ts = toTensorList(s.back());
  IntArray shape;
  for (const Tensor& t : ts) shape = broadcastShapes(shape, t.sizes());
  for (Tensor& t : ts) t = t.expand(shape);
  s.back() = fromTensorList(ts);
}
void asStridedKernel(Stack& s) {  // as_strided(Tensor(a) self, int[] size, int[] stride, int? storage_offset=None)
  Tensor t = self0(s, 4);
  auto off = toOptInt(argAt(s, 4, 3));
  pushResult(s, 4, t.asStrided(toIntArray(argAt(s, 4, 1)), toIntArray(argAt(s, 4, 2)), off.value_or(t.storageOffset())));
}
// In-place metadata ops (unsqueeze_, t_, ...): the view's sizes and strides
// become self's own, so every handle on self sees the new shape.
void adoptView(Stack& s, size_t n, const Tensor& view) {
  Tensor self = tensorAt(s, n, 0);
  self.impl()->sizes_ = view.sizes();
  self.impl()->strides_ = view.strides();
  self.impl()->storage_offset_ = view.storageOffset();
  pushResult(s, n, self);
}
void unsqueezeInplaceKernel(Stack& s) { adoptView(s, 2, self0(s, 2).unsqueeze(argAt(s, 2, 1).toInt())); }
void squeezeInplaceKernel(Stack& s) { adoptView(s, 1, self0(s, 1).squeeze()); }
void squeezeDimInplaceKernel(Stack& s) { adoptView(s, 2, self0(s, 2).squeeze(argAt(s, 2, 1).toInt())); }
void transposeInplaceKernel(Stack& s) { adoptView(s, 3, self0(s, 3).transpose(argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toInt())); }
void tInplaceKernel(Stack& s) {
  Tensor t = self0(s, 1);
  if (t.dim() > 2) lang::raise("RuntimeError", "t_() expects a tensor with <= 2 dimensions, but self is " + std::to_string(t.dim()) + "D");
  adoptView(s, 1, t.dim() < 2 ? t : t.transpose(0, 1));
}
void permuteKernel(Stack& s) { pushResult(s, 2, self0(s, 2).permute(toIntArray(argAt(s, 2, 1)))); }

Tensor movedim(const Tensor& t, IntArray src, IntArray dst) {
  if (src.size() != dst.size()) lang::raise("RuntimeError", "movedim: Invalid source or destination dims: source (" + shapeStr(src) + " dims) should contain the same number of dims as destination (" + shapeStr(dst) + " dims)");
  int64_t nd = t.dim();
  if (nd == 0) {  // as torch: dims 0 and -1 name the one "dim" of a 0-dim tensor
    for (size_t i = 0; i < src.size(); ++i) wrapDim(src[i], 0), wrapDim(dst[i], 0);
    return t;
  }
  IntArray order(nd, -1);
  std::vector<bool> used(nd);
  for (size_t i = 0; i < src.size(); ++i) {
    int64_t a = wrapDim(src[i], nd), b = wrapDim(dst[i], nd);
    order[b] = a;
    used[a] = true;
  }
  int64_t next = 0;
  for (int64_t i = 0; i < nd; ++i) {
    if (order[i] != -1) continue;
    while (used[next]) ++next;
    order[i] = next++;
  }
  return t.permute(order);
}
void movedimKernel(Stack& s) { pushResult(s, 3, movedim(self0(s, 3), toIntArray(argAt(s, 3, 1)), toIntArray(argAt(s, 3, 2)))); }

void squeezeKernel(Stack& s) { s.back() = Tensor::fromIValue(s.back()).squeeze().toIValue(); }
void squeezeDimKernel(Stack& s) { pushResult(s, 2, self0(s, 2).squeeze(argAt(s, 2, 1).toInt())); }
void unsqueezeKernel(Stack& s) { pushResult(s, 2, self0(s, 2).unsqueeze(argAt(s, 2, 1).toInt())); }
void expandKernel(Stack& s) { pushResult(s, 3, self0(s, 3).expand(toIntArray(argAt(s, 3, 1)))); }
void expandAsKernel(Stack& s) { pushResult(s, 2, self0(s, 2).expand(tensorAt(s, 2, 1).sizes())); }

// ---- splitting into views ----

std::vector<Tensor> splitBySize(const Tensor& t, int64_t size, int64_t dim) {
  if (t.dim() == 0) lang::raise("RuntimeError", "split expects at least a 1-dimensional tensor");
  dim = wrapDim(dim, t.dim());
  int64_t n = t.sizes()[dim];
  if (size <= 0 && !(size == 0 && n == 0)) lang::raise("RuntimeError", "split_size can only be 0 if dimension size is 0, but got dimension size of " + std::to_string(n));
  std::vector<Tensor> out;
  if (n == 0) return {t};
  for (int64_t start = 0; start < n; start += size) out.push_back(t.narrow(dim, start, std::min(size, n - start)));
  return out;
}

void chunkKernel(Stack& s) {
  Tensor t = self0(s, 3);
  int64_t chunks = argAt(s, 3, 1).toInt(), dim = argAt(s, 3, 2).toInt();
  if (chunks <= 0) lang::raise("RuntimeError", "chunk expects `chunks` to be greater than 0, got: " + std::to_string(chunks));
  if (t.dim() == 0) lang::raise("RuntimeError", "chunk expects at least a 1-dimensional tensor");
  int64_t n = t.size(dim);
  if (n == 0) {  // as aten: `chunks` empty pieces
    pushResult(s, 3, fromTensorList(std::vector<Tensor>(chunks, t.narrow(dim, 0, 0))));
    return;
  }
  pushResult(s, 3, fromTensorList(splitBySize(t, (n + chunks - 1) / chunks, dim)));
}
void splitKernel(Stack& s) { pushResult(s, 3, fromTensorList(splitBySize(self0(s, 3), argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toInt()))); }
void splitSizesKernel(Stack& s) {
  Tensor t = self0(s, 3);
  if (t.dim() == 0) lang::raise("RuntimeError", "split expects at least a 1-dimensional tensor");
  IntArray sizes = toIntArray(argAt(s, 3, 1));
  int64_t dim = wrapDim(argAt(s, 3, 2).toInt(), t.dim());
  int64_t total = std::accumulate(sizes.begin(), sizes.end(), int64_t(0));
  if (total != t.sizes()[dim])
    lang::raise("RuntimeError", "split_with_sizes expects split_sizes to sum exactly to " + std::to_string(t.sizes()[dim]) + " (input tensor's size at dimension " + std::to_string(dim) + "), but got split_sizes=" + shapeStr(sizes));
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t sz : sizes) {
    out.push_back(t.narrow(dim, start, sz));
    start += sz;
  }
  pushResult(s, 3, fromTensorList(out));
}
void unbindKernel(Stack& s) {
  Tensor t = self0(s, 2);
  checkHasDims(argAt(s, 2, 1).toInt(), t.dim());
  int64_t dim = wrapDim(argAt(s, 2, 1).toInt(), t.dim());
  std::vector<Tensor> out;
  for (int64_t i = 0; i < t.sizes()[dim]; ++i) out.push_back(t.select(dim, i));
  pushResult(s, 2, fromTensorList(out));
}

void unfoldKernel(Stack& s) {  // unfold(Tensor(a) self, int dimension, int size, int step)
  Tensor t = self0(s, 4);
  int64_t d = wrapDim(argAt(s, 4, 1).toInt(), t.dim()), size = argAt(s, 4, 2).toInt(), step = argAt(s, 4, 3).toInt();
  int64_t n = t.dim() == 0 ? 1 : t.sizes()[d];
  if (size > n) lang::raise("RuntimeError", "maximum size for tensor at dimension " + std::to_string(d) + " is " + std::to_string(n) + " but size is " + std::to_string(size));
  if (step <= 0) lang::raise("RuntimeError", "step is " + std::to_string(step) + " but must be > 0");
  if (t.dim() == 0) {  // as torch: the one element, as a window of `size` (0 or 1)
    pushResult(s, 4, t.asStrided({size}, {1}, t.storageOffset()));
    return;
  }
  IntArray sz = t.sizes(), st = t.strides();
  sz[d] = (n - size) / step + 1;
  int64_t inner = st[d];
  st[d] *= step;
  sz.push_back(size);
  st.push_back(inner);
  pushResult(s, 4, t.asStrided(sz, st, t.storageOffset()));
}

// ---- concatenation ----

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  if (ts.empty()) lang::raise("RuntimeError", "torch.cat(): expected a non-empty list of Tensors");
  // Legacy rule: 1-D empty tensors are skipped.
  std::vector<Tensor> parts;
  for (const Tensor& t : ts)
    if (!(t.dim() == 1 && t.numel() == 0)) parts.push_back(t);
  ScalarType dt = ScalarType::Undefined;
  for (const Tensor& t : ts) dt = promoteTypes(dt, t.dtype());
  if (parts.empty()) return Tensor::empty({0}, dt);
  const Tensor& ref = parts[0];
  if (ref.dim() == 0) lang::raise("RuntimeError", "zero-dimensional tensor (at position 0) cannot be concatenated");
  dim = wrapDim(dim, ref.dim());
  IntArray shape = ref.sizes();
  shape[dim] = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    const Tensor& t = parts[k];
    if (t.dim() != ref.dim())
      lang::raise("RuntimeError", "Tensors must have same number of dimensions: got " + std::to_string(ref.dim()) + " and " + std::to_string(t.dim()));
    for (int64_t i = 0; i < ref.dim(); ++i)
      if (i != dim && t.sizes()[i] != ref.sizes()[i])
        lang::raise("RuntimeError", "Sizes of tensors must match except in dimension " + std::to_string(dim) + ". Expected size " + std::to_string(ref.sizes()[i]) + " but got size " + std::to_string(t.sizes()[i]) + " for tensor number " + std::to_string(k) + " in the list.");
    shape[dim] += t.sizes()[dim];
  }
  Tensor out = Tensor::empty(shape, dt);
  int64_t offset = 0;
  for (const Tensor& t : parts) {
    out.narrow(dim, offset, t.sizes()[dim]).copy_(t);
    offset += t.sizes()[dim];
  }
  return out;
}
void catKernel(Stack& s) { pushResult(s, 2, cat(toTensorList(argAt(s, 2, 0)), argAt(s, 2, 1).toInt())); }

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  if (ts.empty()) lang::raise("RuntimeError", "stack expects a non-empty TensorList");
  dim = wrapDim(dim, ts[0].dim() + 1);
  std::vector<Tensor> parts;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].sizes() != ts[0].sizes())
      lang::raise("RuntimeError", "stack expects each tensor to be equal size, but got " + shapeStr(ts[0].sizes()) + " at entry 0 and " + shapeStr(ts[i].sizes()) + " at entry " + std::to_string(i));
    parts.push_back(ts[i].unsqueeze(dim));
  }
  return cat(parts, dim);
}
void stackKernel(Stack& s) { pushResult(s, 2, stack(toTensorList(argAt(s, 2, 0)), argAt(s, 2, 1).toInt())); }
Tensor atleast(const Tensor& t, int n) {
  if (t.dim() >= n) return t;
  if (t.dim() == 0) return t.reshape(IntArray(n, 1));
  if (n == 2) return t.unsqueeze(0);
  if (t.dim() == 1) return t.unsqueeze(0).unsqueeze(2);
  return t.unsqueeze(2);
}
void hstackKernel(Stack& s) {
  auto ts = toTensorList(s.back());
  for (Tensor& t : ts) t = atleast(t, 1);
  s.back() = cat(ts, ts.empty() || ts[0].dim() == 1 ? 0 : 1).toIValue();
}
void columnStackKernel(Stack& s) {  // 0-D and 1-D inputs become columns, then hstack
  auto ts = toTensorList(s.back());
  for (Tensor& t : ts)
    if (t.dim() <= 1) t = t.reshape({t.numel(), 1});
  s.back() = cat(ts, 1).toIValue();
}
// vstack / row_stack: at least 2-D, along dim 0; dstack: at least 3-D, along dim 2.
template <int kDims, int kDim>
void stackAlongKernel(Stack& s) {
  auto ts = toTensorList(s.back());
  for (Tensor& t : ts) t = atleast(t, kDims);
  s.back() = cat(ts, kDim).toIValue();
}
template <int kN>
void atleastKernel(Stack& s) { s.back() = atleast(Tensor::fromIValue(s.back()), kN).toIValue(); }

// ---- copies that rearrange ----

Tensor flip(const Tensor& t, const IntArray& dims) {
  if (t.dim() == 0) {  // as torch: a 0-dim tensor flips to itself
    for (int64_t d : dims) wrapDim(d, 0);
    return t.clone();
  }
  Tensor v = t;
  IntArray st = t.strides();
  int64_t off = t.storageOffset();
  std::vector<bool> seen(t.dim());
  for (int64_t d0 : dims) {
    int64_t d = wrapDim(d0, t.dim());
    if (seen[d]) lang::raise("RuntimeError", "dims has duplicates, original flip dims size=" + std::to_string(dims.size()));
    seen[d] = true;
    if (t.sizes()[d] > 0) off += (t.sizes()[d] - 1) * st[d];
    st[d] = -st[d];
  }
  return t.asStrided(t.sizes(), st, off).clone();
}
void flipKernel(Stack& s) { pushResult(s, 2, flip(self0(s, 2), toIntArray(argAt(s, 2, 1)))); }
// rot90 as aten composes it: flip one of the two dims, then swap them.
void rot90Kernel(Stack& s) {  // rot90(Tensor self, int k=1, int[] dims=[0,1])
  Tensor t = self0(s, 3);
  int64_t k = argAt(s, 3, 1).toInt();
  IntArray dims = toIntArray(argAt(s, 3, 2));
  if (dims.size() != 2) lang::raise("RuntimeError", "expected total rotation dims == 2, but got dims = " + std::to_string(dims.size()));
  if (t.dim() < 2) lang::raise("RuntimeError", "expected total dims >= 2, but got total dims = " + std::to_string(t.dim()));
  int64_t d0 = wrapDim(dims[0], t.dim()), d1 = wrapDim(dims[1], t.dim());
  if (d0 == d1) lang::raise("RuntimeError", "expected rotation dims to be different, but got dim0 = " + std::to_string(dims[0]) + " and dim1 = " + std::to_string(dims[1]));
  k = ((k % 4) + 4) % 4;
  Tensor r = k == 1 ? flip(t, {d1}).transpose(d0, d1) : k == 2 ? flip(t, {d0, d1}) : k == 3 ? flip(t, {d0}).transpose(d0, d1) : t.clone();
  pushResult(s, 3, r);
}
void fliplrKernel(Stack& s) { s.back() = flip(Tensor::fromIValue(s.back()), {1}).toIValue(); }
void flipudKernel(Stack& s) { s.back() = flip(Tensor::fromIValue(s.back()), {0}).toIValue(); }

Tensor roll(const Tensor& t, const IntArray& shifts, const IntArray& dims) {
  if (dims.empty()) {
    if (shifts.size() != 1) lang::raise("RuntimeError", "shifts and dimensions must align. shifts: " + std::to_string(shifts.size()) + ", dims:0");
    return roll(t.reshape({-1}), shifts, {0}).view(t.sizes());
  }
  if (shifts.size() != dims.size()) lang::raise("RuntimeError", "shifts and dimensions must align. shifts: " + std::to_string(shifts.size()) + ", dims:" + std::to_string(dims.size()));
  Tensor cur = t;
  for (size_t i = 0; i < dims.size(); ++i) {
    checkHasDims(dims[i], t.dim());
    int64_t d = wrapDim(dims[i], t.dim());
    int64_t n = cur.sizes()[d];
    if (n == 0) continue;
    int64_t sh = ((shifts[i] % n) + n) % n;
    if (sh == 0) continue;
    cur = cat({cur.narrow(d, n - sh, sh), cur.narrow(d, 0, n - sh)}, d);
  }
  return cur.is_contiguous() && cur.storage().get() != t.storage().get() ? cur : cur.clone();
}
void rollKernel(Stack& s) { pushResult(s, 3, roll(self0(s, 3), toIntArray(argAt(s, 3, 1)), toIntArray(argAt(s, 3, 2)))); }

Tensor repeat(const Tensor& t, const IntArray& reps) {
  if (static_cast<int64_t>(reps.size()) < t.dim())
    lang::raise("RuntimeError", "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  size_t pad = reps.size() - t.dim();
  IntArray src_shape(pad, 1);
  src_shape.insert(src_shape.end(), t.sizes().begin(), t.sizes().end());
  // View the output as (r0, s0, r1, s1, ...) and broadcast the source into it.
  IntArray out_shape, expanded, unsq;
  for (size_t i = 0; i < reps.size(); ++i) {
    if (reps[i] < 0) lang::raise("RuntimeError", "Trying to create tensor with negative dimension " + std::to_string(reps[i]) + ": " + shapeStr(reps));
    out_shape.push_back(src_shape[i] * reps[i]);
    expanded.push_back(reps[i]);
    expanded.push_back(src_shape[i]);
    unsq.push_back(1);
    unsq.push_back(src_shape[i]);
  }
  Tensor out = Tensor::empty(expanded, t.dtype());
  out.copy_(t.reshape(unsq));
  return out.view(out_shape);
}
void repeatKernel(Stack& s) { pushResult(s, 2, repeat(self0(s, 2), toIntArray(argAt(s, 2, 1)))); }
void tileKernel(Stack& s) {
  Tensor t = self0(s, 2);
  IntArray reps = toIntArray(argAt(s, 2, 1));
  while (static_cast<int64_t>(reps.size()) < t.dim()) reps.insert(reps.begin(), 1);
  pushResult(s, 2, repeat(t, reps));
}

template <bool kLower>
Tensor triangle(const Tensor& t, int64_t k) {
  if (t.dim() < 2) lang::raise("RuntimeError", std::string(kLower ? "tril" : "triu") + ": input tensor must have at least 2 dimensions");
  Tensor out = t.clone();
  int64_t rows = t.sizes()[t.dim() - 2], cols = t.sizes()[t.dim() - 1];
  int64_t batch = rows * cols == 0 ? 0 : out.numel() / (rows * cols);
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = out.data<T>();
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          bool keep = kLower ? j - i <= k : j - i >= k;
          if (!keep) p[(b * rows + i) * cols + j] = T(0);
        }
  });
  return out;
}
template <bool kLower>
void triangleKernel(Stack& s) { pushResult(s, 2, triangle<kLower>(self0(s, 2), argAt(s, 2, 1).toInt())); }

Tensor diagonal(const Tensor& t, int64_t offset, int64_t d1, int64_t d2) {
  d1 = wrapDim(d1, t.dim());
  d2 = wrapDim(d2, t.dim());
  if (d1 == d2) lang::raise("RuntimeError", "diagonal dimensions cannot be identical " + std::to_string(d1) + ", " + std::to_string(d2));
  int64_t len = offset >= 0 ? std::min(t.sizes()[d1], t.sizes()[d2] - offset) : std::min(t.sizes()[d1] + offset, t.sizes()[d2]);
  len = std::max<int64_t>(len, 0);
  int64_t off = t.storageOffset();
  if (len > 0) off += offset >= 0 ? offset * t.strides()[d2] : -offset * t.strides()[d1];
  IntArray sz, st;
  for (int64_t i = 0; i < t.dim(); ++i)
    if (i != d1 && i != d2) {
      sz.push_back(t.sizes()[i]);
      st.push_back(t.strides()[i]);
    }
  sz.push_back(len);
  st.push_back(t.strides()[d1] + t.strides()[d2]);
  return t.asStrided(sz, st, off);
}
void diagonalKernel(Stack& s) {
  pushResult(s, 4, diagonal(self0(s, 4), argAt(s, 4, 1).toInt(), argAt(s, 4, 2).toInt(), argAt(s, 4, 3).toInt()));
}
void diagKernel(Stack& s);
void diagflatKernel(Stack& s) {  // diagflat(Tensor self, int offset=0): diag of the flattened input
  argAt(s, 2, 0) = self0(s, 2).reshape({-1}).toIValue();
  diagKernel(s);
}
void diagKernel(Stack& s) {  // diag(Tensor self, int diagonal=0)
  Tensor t = self0(s, 2);
  int64_t k = argAt(s, 2, 1).toInt();
  if (t.dim() == 2) {
    pushResult(s, 2, diagonal(t, k, 0, 1).clone());
    return;
  }
  if (t.dim() != 1) lang::raise("RuntimeError", "diag(): Supports 1D or 2D tensors. Got " + std::to_string(t.dim()) + "D");
  int64_t n = t.numel() + std::abs(k);
  Tensor out = Tensor::zeros({n, n}, t.dtype());
  diagonal(out, k, 0, 1).copy_(t);
  pushResult(s, 2, out);
}

static lang::RegisterOps reg({
    {"aten::view(Tensor(a) self, int[] size) -> Tensor(a)", viewKernel, lang::OpClass::View},
    {"aten::reshape(Tensor(a) self, int[] shape) -> Tensor(a)", reshapeKernel, lang::OpClass::View},
    {"aten::view_as(Tensor(a) self, Tensor other) -> Tensor(a)", viewAsKernel, lang::OpClass::View},
    {"aten::reshape_as(Tensor(a) self, Tensor other) -> Tensor(a)", reshapeAsKernel, lang::OpClass::View},
    {"aten::flatten.using_ints(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)", flattenKernel, lang::OpClass::View},
    {"aten::unflatten.int(Tensor(a) self, int dim, int[] sizes) -> Tensor(a)", unflattenKernel, lang::OpClass::View},
    {"aten::select.int(Tensor(a) self, int dim, int index) -> Tensor(a)", selectKernel, lang::OpClass::View},
    {"aten::slice.Tensor(Tensor(a) self, int dim=0, int? start=None, int? end=None, int step=1) -> Tensor(a)", sliceKernel, lang::OpClass::View},
    {"aten::narrow(Tensor(a) self, int dim, int start, int length) -> Tensor(a)", narrowKernel, lang::OpClass::View},
    {"aten::narrow.Tensor(Tensor(a) self, int dim, Tensor start, int length) -> Tensor(a)", narrowTensorKernel, lang::OpClass::View},
    {"aten::transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)", transposeKernel, lang::OpClass::View},
    {"aten::swapaxes(Tensor(a) self, int axis0, int axis1) -> Tensor(a)", transposeKernel, lang::OpClass::View},
    {"aten::swapdims(Tensor(a) self, int dim0, int dim1) -> Tensor(a)", transposeKernel, lang::OpClass::View},
    {"aten::t(Tensor(a) self) -> Tensor(a)", tKernel, lang::OpClass::View},
    {"aten::numpy_T(Tensor(a) self) -> Tensor(a)", numpyTKernel, lang::OpClass::View},
    {"aten::permute(Tensor(a) self, int[] dims) -> Tensor(a)", permuteKernel, lang::OpClass::View},
    {"aten::mT(Tensor(a) self) -> Tensor(a)", matrixTransposeKernel<false>, lang::OpClass::View},
    {"aten::mH(Tensor(a) self) -> Tensor(a)", matrixTransposeKernel<false>, lang::OpClass::View},
    {"aten::adjoint(Tensor(a) self) -> Tensor(a)", matrixTransposeKernel<false>, lang::OpClass::View},
    {"aten::matrix_H(Tensor(a) self) -> Tensor(a)", matrixTransposeKernel<true>, lang::OpClass::View},
    {"aten::movedim.intlist(Tensor(a) self, int[] source, int[] destination) -> Tensor(a)", movedimKernel, lang::OpClass::View},
    {"aten::movedim.int(Tensor(a) self, int source, int destination) -> Tensor(a)", movedimKernel, lang::OpClass::View},
    {"aten::moveaxis.int(Tensor(a) self, int source, int destination) -> Tensor(a)", movedimKernel, lang::OpClass::View},
    {"aten::moveaxis.intlist(Tensor(a) self, int[] source, int[] destination) -> Tensor(a)", movedimKernel, lang::OpClass::View},
    {"aten::ravel(Tensor(a) self) -> Tensor(a)", [](Stack& s) { s.back() = Tensor::fromIValue(s.back()).reshape({-1}).toIValue(); }, lang::OpClass::View},
    {"aten::broadcast_to(Tensor(a) self, int[] size) -> Tensor(a)", expandKernelNoImplicit, lang::OpClass::View},
    {"aten::broadcast_tensors(Tensor[] tensors) -> Tensor[]", broadcastTensorsKernel, lang::OpClass::View},
    {"aten::as_strided(Tensor(a) self, int[] size, int[] stride, int? storage_offset=None) -> Tensor(a)", asStridedKernel, lang::OpClass::View},
    {"aten::narrow_copy(Tensor self, int dim, int start, int length) -> Tensor", [](Stack& s) {
       pushResult(s, 4, tensorAt(s, 4, 0).narrow(argAt(s, 4, 1).toInt(), argAt(s, 4, 2).toInt(), argAt(s, 4, 3).toInt()).clone());
     }},
    {"aten::squeeze(Tensor(a) self) -> Tensor(a)", squeezeKernel, lang::OpClass::View},
    {"aten::unsqueeze_(Tensor(a!) self, int dim) -> Tensor(a!)", unsqueezeInplaceKernel, lang::OpClass::Other, false},
    {"aten::squeeze_(Tensor(a!) self) -> Tensor(a!)", squeezeInplaceKernel, lang::OpClass::Other, false},
    {"aten::squeeze_.dim(Tensor(a!) self, int dim) -> Tensor(a!)", squeezeDimInplaceKernel, lang::OpClass::Other, false},
    {"aten::transpose_(Tensor(a!) self, int dim0, int dim1) -> Tensor(a!)", transposeInplaceKernel, lang::OpClass::Other, false},
    {"aten::swapdims_(Tensor(a!) self, int dim0, int dim1) -> Tensor(a!)", transposeInplaceKernel, lang::OpClass::Other, false},
    {"aten::swapaxes_(Tensor(a!) self, int axis0, int axis1) -> Tensor(a!)", transposeInplaceKernel, lang::OpClass::Other, false},
    {"aten::t_(Tensor(a!) self) -> Tensor(a!)", tInplaceKernel, lang::OpClass::Other, false},
    {"aten::squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)", squeezeDimKernel, lang::OpClass::View},
    {"aten::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)", unsqueezeKernel, lang::OpClass::View},
    {"aten::expand(Tensor(a) self, int[] size, *, bool implicit=False) -> Tensor(a)", expandKernel, lang::OpClass::View},
    {"aten::expand_as(Tensor(a) self, Tensor other) -> Tensor(a)", expandAsKernel, lang::OpClass::View},
    {"aten::chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]", chunkKernel, lang::OpClass::View},
    {"aten::split.Tensor(Tensor(a -> *) self, int split_size, int dim=0) -> Tensor(a)[]", splitKernel, lang::OpClass::View},
    {"aten::split.sizes(Tensor(a -> *) self, int[] split_size, int dim=0) -> Tensor(a)[]", splitSizesKernel, lang::OpClass::View},
    {"aten::split_with_sizes(Tensor(a -> *) self, int[] split_sizes, int dim=0) -> Tensor(a)[]", splitSizesKernel, lang::OpClass::View},
    // The unsafe_ forms (what traced RNN cells call) differ only in autograd's view tracking.
    {"aten::unsafe_chunk(Tensor self, int chunks, int dim=0) -> Tensor[]", chunkKernel, lang::OpClass::View},
    {"aten::unsafe_split.Tensor(Tensor self, int split_size, int dim=0) -> Tensor[]", splitKernel, lang::OpClass::View},
    {"aten::unsafe_split_with_sizes(Tensor self, int[] split_sizes, int dim=0) -> Tensor[]", splitSizesKernel, lang::OpClass::View},
    {"aten::unbind.int(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]", unbindKernel, lang::OpClass::View},
    {"aten::unfold(Tensor(a) self, int dimension, int size, int step) -> Tensor(a)", unfoldKernel, lang::OpClass::View},
    {"aten::diagonal(Tensor(a) self, int offset=0, int dim1=0, int dim2=1) -> Tensor(a)", diagonalKernel, lang::OpClass::View},
    {"aten::cat(Tensor[] tensors, int dim=0) -> Tensor", catKernel},
    {"aten::concat(Tensor[] tensors, int dim=0) -> Tensor", catKernel},
    {"aten::stack(Tensor[] tensors, int dim=0) -> Tensor", stackKernel},
    {"aten::hstack(Tensor[] tensors) -> Tensor", hstackKernel},
    {"aten::vstack(Tensor[] tensors) -> Tensor", stackAlongKernel<2, 0>},
    {"aten::row_stack(Tensor[] tensors) -> Tensor", stackAlongKernel<2, 0>},
    {"aten::dstack(Tensor[] tensors) -> Tensor", stackAlongKernel<3, 2>},
    {"aten::column_stack(Tensor[] tensors) -> Tensor", columnStackKernel},
    {"aten::atleast_1d(Tensor self) -> Tensor", atleastKernel<1>},
    {"aten::atleast_2d(Tensor self) -> Tensor", atleastKernel<2>},
    {"aten::atleast_3d(Tensor self) -> Tensor", atleastKernel<3>},
    {"aten::flip(Tensor self, int[] dims) -> Tensor", flipKernel},
    {"aten::fliplr(Tensor self) -> Tensor", fliplrKernel},
    {"aten::rot90(Tensor self, int k=1, int[] dims=[0,1]) -> Tensor", rot90Kernel},
    {"aten::flipud(Tensor self) -> Tensor", flipudKernel},
    {"aten::roll(Tensor self, int[1] shifts, int[1] dims=[]) -> Tensor", rollKernel},
    {"aten::repeat(Tensor self, int[] repeats) -> Tensor", repeatKernel},
    {"aten::tile(Tensor self, int[] dims) -> Tensor", tileKernel},
    {"aten::tril(Tensor self, int diagonal=0) -> Tensor", triangleKernel<true>},
    {"aten::triu(Tensor self, int diagonal=0) -> Tensor", triangleKernel<false>},
    {"aten::diag(Tensor self, int diagonal=0) -> Tensor", diagKernel},
    {"aten::diagflat(Tensor self, int offset=0) -> Tensor", diagflatKernel},
});

}  // namespace
}  // namespace wick::ops
