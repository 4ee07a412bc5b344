// Tensor methods that return views: new sizes/strides/offset over the same storage.
#include <optional>

#include "lang/error.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

using lang::Ref;

namespace {

// Resolves one -1 in a requested shape (as at::infer_size).
IntArray inferSize(const IntArray& shape, int64_t numel) {
  IntArray out = shape;
  int64_t known = 1;
  std::optional<size_t> infer;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer) lang::raise("RuntimeError", "only one dimension can be inferred");
      infer = i;
    } else if (shape[i] < 0) {
      lang::raise("RuntimeError", "invalid shape dimension " + std::to_string(shape[i]));
    } else {
      known *= shape[i];
    }
  }
  if (infer && known != 0 && numel % known == 0) out[*infer] = numel / known;
  else if (infer && known == 0 && numel == 0) lang::raise("RuntimeError", "cannot reshape tensor of 0 elements into shape " + shapeStr(shape) + " because the unspecified dimension size -1 can be any value and is ambiguous");
  if (numelOf(out) != numel || (infer && known == 0))
    lang::raise("RuntimeError", "shape '" + shapeStr(shape) + "' is invalid for input of size " + std::to_string(numel));
  return out;
}

// Strides that view old memory as new_sizes, if the strides allow it (at::detail::computeStride).
std::optional<IntArray> computeStride(const IntArray& old_sizes, const IntArray& old_strides, const IntArray& new_sizes) {
  if (old_sizes.empty()) return IntArray(new_sizes.size(), 1);
  int64_t numel = numelOf(old_sizes);
  if (numel == 0 && old_sizes == new_sizes) return old_strides;
  IntArray new_strides(new_sizes.size());
  if (numel == 0) return contiguousStrides(new_sizes);
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = static_cast<int64_t>(old_sizes.size()) - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 ||
        (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
        new_strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_strides;
}

}  // namespace

Tensor Tensor::asStrided(const IntArray& sizes, const IntArray& strides, int64_t storage_offset) const {
  return Tensor(Ref<TensorImpl>::make(storage(), storage_offset, sizes, strides, dtype(), device()));
}

Tensor Tensor::view(const IntArray& shape) const {
  IntArray sz = inferSize(shape, numel());
  auto st = computeStride(sizes(), strides(), sz);
  if (!st)
    lang::raise("RuntimeError",
                "view size is not compatible with input tensor's size and stride (at least one dimension spans across two "
                "contiguous subspaces). Use .reshape(...) instead.");
  return asStrided(sz, *st, storageOffset());
}

Tensor Tensor::reshape(const IntArray& shape) const {
  IntArray sz = inferSize(shape, numel());
  if (auto st = computeStride(sizes(), strides(), sz)) return asStrided(sz, *st, storageOffset());
  return clone().view(sz);
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  if (dim() == 0) lang::raise("IndexError", "select() cannot be applied to a 0-dim tensor.");
  d = wrapDim(d, dim());
  int64_t n = sizes()[d];
  if (index < -n || index >= n)
    lang::raise("IndexError", "index " + std::to_string(index) + " is out of bounds for dimension " + std::to_string(d) +
                                  " with size " + std::to_string(n));
  if (index < 0) index += n;
  IntArray sz = sizes(), st = strides();
  sz.erase(sz.begin() + d);
  st.erase(st.begin() + d);
  return asStrided(sz, st, storageOffset() + index * strides()[d]);
}

Tensor Tensor::slice(int64_t d, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) const {
  if (dim() == 0) lang::raise("IndexError", "slice() cannot be applied to a 0-dim tensor.");
  d = wrapDim(d, dim());
  if (step <= 0) lang::raise("ValueError", "step must be greater than zero");
  int64_t n = sizes()[d];
  int64_t s = start.value_or(0), e = end.value_or(n);
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, s, n);
  IntArray sz = sizes(), st = strides();
  sz[d] = (e - s + step - 1) / step;
  st[d] *= step;
  return asStrided(sz, st, storageOffset() + s * strides()[d]);
}

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  if (dim() == 0) lang::raise("RuntimeError", "narrow() cannot be applied to a 0-dim tensor.");
  d = wrapDim(d, dim());
  int64_t n = sizes()[d];
  if (start < -n || start > n) lang::raise("IndexError", "start out of range (expected to be in range of [" + std::to_string(-n) + ", " + std::to_string(n) + "], but got " + std::to_string(start) + ")");
  if (start < 0) start += n;
  if (length < 0 || start + length > n)
    lang::raise("RuntimeError", "start (" + std::to_string(start) + ") + length (" + std::to_string(length) +
                                    ") exceeds dimension size (" + std::to_string(n) + ").");
  return slice(d, start, start + length, 1);
}

Tensor Tensor::transpose(int64_t d0, int64_t d1) const {
  d0 = wrapDim(d0, dim());
  d1 = wrapDim(d1, dim());
  if (dim() == 0) return *this;
  IntArray sz = sizes(), st = strides();
  std::swap(sz[d0], sz[d1]);
  std::swap(st[d0], st[d1]);
  return asStrided(sz, st, storageOffset());
}

Tensor Tensor::permute(const IntArray& dims) const {
  if (static_cast<int64_t>(dims.size()) != dim())
    lang::raise("RuntimeError", "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = " + std::to_string(dim()) + " is not equal to len(dims) = " + std::to_string(dims.size()));
  IntArray sz(dims.size()), st(dims.size());
  std::vector<bool> seen(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrapDim(dims[i], dim());
    if (seen[d]) lang::raise("RuntimeError", "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sz[i] = sizes()[d];
    st[i] = strides()[d];
  }
  return asStrided(sz, st, storageOffset());
}

Tensor Tensor::unsqueeze(int64_t d) const {
  d = wrapDim(d, dim() + 1);
  IntArray sz = sizes(), st = strides();
  int64_t new_stride = d >= dim() ? 1 : sizes()[d] * strides()[d];
  sz.insert(sz.begin() + d, 1);
  st.insert(st.begin() + d, new_stride);
  return asStrided(sz, st, storageOffset());
}

Tensor Tensor::squeeze(std::optional<int64_t> d) const {
  IntArray sz, st;
  std::optional<int64_t> only = d ? std::optional<int64_t>(wrapDim(*d, dim())) : std::nullopt;
  for (int64_t i = 0; i < dim(); ++i) {
    bool drop = sizes()[i] == 1 && (!only || *only == i);
    if (!drop) {
      sz.push_back(sizes()[i]);
      st.push_back(strides()[i]);
    }
  }
  return asStrided(sz, st, storageOffset());
}

Tensor Tensor::expand(const IntArray& shape) const {
  if (shape == sizes()) return *this;
  int64_t nd = static_cast<int64_t>(shape.size());
  if (nd < dim())
    lang::raise("RuntimeError", "expand(torch.FloatTensor{" + shapeStr(sizes()) + "}, size=" + shapeStr(shape) +
                                    "): the number of sizes provided (" + std::to_string(nd) +
                                    ") must be greater or equal to the number of dimensions in the tensor (" +
                                    std::to_string(dim()) + ")");
  IntArray sz(nd), st(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t j = i - (nd - dim());
    int64_t have = j >= 0 ? sizes()[j] : 1;
    int64_t want = shape[i];
    if (j >= 0 && want == -1) want = have;
    if (j < 0 && want < 0) lang::raise("RuntimeError", "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension " + std::to_string(i));
    if (have == want) {
      sz[i] = have;
      st[i] = j >= 0 ? strides()[j] : 0;
    } else if (have == 1) {
      sz[i] = want;
      st[i] = 0;
    } else {
      lang::raise("RuntimeError", "The expanded size of the tensor (" + std::to_string(want) +
                                      ") must match the existing size (" + std::to_string(have) +
                                      ") at non-singleton dimension " + std::to_string(i) + ".  Target sizes: " +
                                      shapeStr(shape) + ".  Tensor sizes: " + shapeStr(sizes()));
    }
  }
  return asStrided(sz, st, storageOffset());
}

}  // namespace wick::ops
