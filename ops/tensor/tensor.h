#pragma once
// Tensors: a refcounted TensorImpl (storage + offset + sizes + strides +
// dtype + device) behind a cheap Tensor handle. Views share storage.
//
//   Tensor a = Tensor::empty({2, 3}, ScalarType::Float);
//   a.fill_(1.0);
//   Tensor row = a.select(0, 1);        // a view: writes go to a's storage
//   float* p = a.data<float>();         // contiguous, so p[3..5] is row
//   lang::IValue v = a.toIValue();      // what kernels push on the stack
//   Tensor b = Tensor::fromIValue(v);   // shares the same TensorImpl
//
// Borrowed memory (an mmapped archive, a numpy buffer) becomes a tensor
// without copying through fromBlob with a deleter that releases it.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "lang/heap.h"
#include "lang/ivalue.h"
#include "ops/tensor/scalar_type.h"

namespace wick::ops {

using IntArray = std::vector<int64_t>;

// Device codes as lang::IValue::device carries them: CPU is 0, cuda:N is N+1.
using Device = int64_t;
constexpr Device kCPU = 0;

// Bytes a tensor's elements live in. Owns them (malloc'd) unless a deleter
// was given, in which case the deleter releases them (borrowed/mmapped).
class Storage : public lang::HeapObject {
 public:
  // Allocates nbytes (uninitialized, 64-byte aligned).
  static lang::Ref<Storage> allocate(size_t nbytes);
  // Borrows data; deleter(data) runs when the last tensor lets go (may be empty).
  static lang::Ref<Storage> borrow(void* data, size_t nbytes, std::function<void(void*)> deleter);
  ~Storage() override;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

 private:
  Storage(void* data, size_t nbytes, std::function<void(void*)> deleter)
      : data_(data), nbytes_(nbytes), deleter_(std::move(deleter)) {}
  void* data_;
  size_t nbytes_;
  std::function<void(void*)> deleter_;
};

class TensorImpl : public lang::HeapObject {
 public:
  TensorImpl(lang::Ref<Storage> storage, int64_t storage_offset, IntArray sizes, IntArray strides, ScalarType dtype,
             Device device = kCPU)
      : storage_(std::move(storage)), storage_offset_(storage_offset), sizes_(std::move(sizes)),
        strides_(std::move(strides)), dtype_(dtype), device_(device) {}

  // Stride rule: element (i0, i1, ..., ik) lives at
  //   storage.data() + elementSize(dtype) * (storage_offset + i0*strides[0] + ... + ik*strides[k])
  // Strides count elements, not bytes; a stride of 0 repeats (expand). A
  // contiguous tensor has strides[k] = sizes[k+1] * strides[k+1], strides[last] = 1.
  lang::Ref<Storage> storage_;
  int64_t storage_offset_;
  IntArray sizes_;
  IntArray strides_;
  ScalarType dtype_;
  Device device_;
  // wick has no autograd; the flag is kept so code that asks (parameters
  // loaded from archives are True, as in torch) takes torch's branches.
  bool requires_grad_ = false;
};

// Contiguous strides for sizes.
IntArray contiguousStrides(const IntArray& sizes);
int64_t numelOf(const IntArray& sizes);

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(lang::Ref<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Factories (CPU; contents of empty are unspecified).
  static Tensor empty(const IntArray& sizes, ScalarType dtype);
  static Tensor zeros(const IntArray& sizes, ScalarType dtype);
  static Tensor full(const IntArray& sizes, double value, ScalarType dtype);
  // A 0-dim tensor holding one value (int, float or bool IValue) of the given dtype.
  static Tensor scalarTensor(const lang::IValue& value, ScalarType dtype);
  static Tensor fromBlob(void* data, const IntArray& sizes, ScalarType dtype, std::function<void(void*)> deleter);
  static Tensor fromBlob(void* data, const IntArray& sizes, const IntArray& strides, ScalarType dtype,
                         std::function<void(void*)> deleter);
  // A view of existing storage (archives: several tensors share one record).
  static Tensor fromStorage(lang::Ref<Storage> storage, int64_t storage_offset, const IntArray& sizes,
                            const IntArray& strides, ScalarType dtype);

  bool defined() const { return static_cast<bool>(impl_); }
  TensorImpl* impl() const { return impl_.get(); }

  const IntArray& sizes() const { return impl_->sizes_; }
  const IntArray& strides() const { return impl_->strides_; }
  int64_t size(int64_t dim) const;    // dim may be negative; raises IndexError
  int64_t stride(int64_t dim) const;
  int64_t dim() const { return static_cast<int64_t>(impl_->sizes_.size()); }
  int64_t numel() const { return numelOf(impl_->sizes_); }
  ScalarType dtype() const { return impl_->dtype_; }
  Device device() const { return impl_->device_; }
  int64_t storageOffset() const { return impl_->storage_offset_; }
  const lang::Ref<Storage>& storage() const { return impl_->storage_; }
  size_t elementSize() const { return ops::elementSize(dtype()); }
  bool is_contiguous() const;

  // Pointer to element 0 (storage data + offset).
  void* data_ptr() const {
    return static_cast<char*>(impl_->storage_->data()) + impl_->storage_offset_ * static_cast<int64_t>(elementSize());
  }
  template <class T>
  T* data() const { return static_cast<T*>(data_ptr()); }

  // This tensor when already contiguous, else a contiguous copy.
  Tensor contiguous() const;
  Tensor clone() const;
  // Same dtype: this tensor; else a converted copy (always a copy when copy=true).
  Tensor to(ScalarType dtype, bool copy = false) const;
  // Copies src into this tensor (broadcasting src, converting dtype); writes through views.
  Tensor& copy_(const Tensor& src);
  Tensor& fill_(const lang::IValue& value);
  Tensor& zero_();

  // Views (share storage).
  Tensor view(const IntArray& sizes) const;      // raises when strides cannot express it
  Tensor reshape(const IntArray& sizes) const;   // a view when possible, else a copy
  Tensor select(int64_t dim, int64_t index) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step = 1) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor permute(const IntArray& dims) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor squeeze(std::optional<int64_t> dim = std::nullopt) const;
  Tensor expand(const IntArray& sizes) const;
  Tensor asStrided(const IntArray& sizes, const IntArray& strides, int64_t storage_offset) const;

  // The single element as an int, float or bool IValue (raises unless numel == 1).
  lang::IValue item() const;

  lang::IValue toIValue() const { return lang::IValue::fromTensorImpl(impl_.get()); }
  // Shares the impl; the value must be a tensor (WICK_ASSERT).
  static Tensor fromIValue(const lang::IValue& v);

 private:
  lang::Ref<TensorImpl> impl_;
};

// c10::checked_convert: a Python number written into a tensor by fill_,
// full, masked_fill, ... must fit the element type (inf and NaN fit floating
// types); raises "value cannot be converted to type uint8_t without overflow".
// Arithmetic with a number (x + 300) wraps instead, and does not check.
void checkFillValue(const lang::IValue& value, ScalarType dtype);

// Wraps a dim into [0, ndim) as PyTorch does; raises IndexError with its message.
int64_t wrapDim(int64_t dim, int64_t ndim);
// IndexError ("... but tensor has no dimensions") when ndim is 0: for ops that
// index a dim's size or stride, where wrapDim lets a 0-dim tensor's dim 0 through.
void checkHasDims(int64_t dim, int64_t ndim);
// Broadcast shape of two shapes; raises RuntimeError on mismatch.
IntArray broadcastShapes(const IntArray& a, const IntArray& b);
// "[2, 3]" for messages.
std::string shapeStr(const IntArray& sizes);

// The text print(t) shows: "tensor([1., 2.])", with PyTorch's layout rules.
std::string tensorToString(const Tensor& t);

}  // namespace wick::ops
