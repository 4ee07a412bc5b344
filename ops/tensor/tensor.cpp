#include "ops/tensor/tensor.h"

#include <cmath>
#include <complex>
#include <cstdlib>
#include <cstring>

#include "lang/error.h"
#include "ops/tensor/buffers.h"
#include "ops/tensor/strided_loop.h"

namespace wick::ops {

using lang::IValue;
using lang::Ref;

lang::Ref<Storage> Storage::allocate(size_t nbytes) {
  return Ref<Storage>(new Storage(allocateBuffer(nbytes), nbytes, nullptr));
}

lang::Ref<Storage> Storage::borrow(void* data, size_t nbytes, std::function<void(void*)> deleter) {
  if (!deleter) deleter = [](void*) {};
  return Ref<Storage>(new Storage(data, nbytes, std::move(deleter)));
}

Storage::~Storage() {
  if (deleter_) deleter_(data_);
  else freeBuffer(data_, nbytes_);
}

IntArray contiguousStrides(const IntArray& sizes) {
  IntArray strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(sizes[i], 1);
  }
  return strides;
}

int64_t numelOf(const IntArray& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

std::string shapeStr(const IntArray& sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

int64_t wrapDim(int64_t dim, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);  // a 0-dim tensor accepts dim 0 and -1
  if (dim < -n || dim >= n)
    lang::raise("IndexError", "Dimension out of range (expected to be in range of [" + std::to_string(-n) + ", " +
                                  std::to_string(n - 1) + "], but got " + std::to_string(dim) + ")");
  return dim < 0 ? dim + n : dim;
}

IntArray broadcastShapes(const IntArray& a, const IntArray& b) {
  size_t n = std::max(a.size(), b.size());
  IntArray out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      lang::raise("RuntimeError", "The size of tensor a (" + std::to_string(da) + ") must match the size of tensor b (" +
                                      std::to_string(db) + ") at non-singleton dimension " + std::to_string(i));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// ---- factories ----

Tensor Tensor::empty(const IntArray& sizes, ScalarType dtype) {
  for (int64_t s : sizes)
    if (s < 0) lang::raise("RuntimeError", "Trying to create tensor with negative dimension " + std::to_string(s) + ": " + shapeStr(sizes));
  // Complex tensors exist for the spectral ops (ops/cpu/spectral.cpp): they copy and
  // view like any other; an op without a complex kernel raises (dispatchType).
  if (ops::elementSize(dtype) == 0 || dtype == ScalarType::ComplexHalf) raiseUnsupportedDtype(dtype);
  auto storage = Storage::allocate(numelOf(sizes) * ops::elementSize(dtype));
  return Tensor(Ref<TensorImpl>::make(std::move(storage), 0, sizes, contiguousStrides(sizes), dtype));
}

Tensor Tensor::zeros(const IntArray& sizes, ScalarType dtype) {
  Tensor t = empty(sizes, dtype);
  std::memset(t.data_ptr(), 0, t.numel() * t.elementSize());
  return t;
}

Tensor Tensor::full(const IntArray& sizes, double value, ScalarType dtype) {
  Tensor t = empty(sizes, dtype);
  t.fill_(IValue(value));
  return t;
}

Tensor Tensor::scalarTensor(const IValue& value, ScalarType dtype) {
  Tensor t = empty({}, dtype);
  t.fill_(value);
  return t;
}

Tensor Tensor::fromBlob(void* data, const IntArray& sizes, ScalarType dtype, std::function<void(void*)> deleter) {
  return fromBlob(data, sizes, contiguousStrides(sizes), dtype, std::move(deleter));
}

Tensor Tensor::fromBlob(void* data, const IntArray& sizes, const IntArray& strides, ScalarType dtype,
                        std::function<void(void*)> deleter) {
  int64_t extent = 0;
  for (size_t i = 0; i < sizes.size(); ++i) extent += (sizes[i] - 1) * strides[i];
  size_t nbytes = numelOf(sizes) == 0 ? 0 : (extent + 1) * ops::elementSize(dtype);
  return Tensor(Ref<TensorImpl>::make(Storage::borrow(data, nbytes, std::move(deleter)), 0, sizes, strides, dtype));
}

Tensor Tensor::fromStorage(Ref<Storage> storage, int64_t storage_offset, const IntArray& sizes, const IntArray& strides,
                           ScalarType dtype) {
  return Tensor(Ref<TensorImpl>::make(std::move(storage), storage_offset, sizes, strides, dtype));
}

Tensor Tensor::fromIValue(const IValue& v) {
  WICK_ASSERT(v.isTensor(), "Tensor::fromIValue on a non-tensor");
  return Tensor(Ref<TensorImpl>(v.toTensorImpl()));
}

// ---- queries ----

// A 0-dim tensor has no size or stride to read (wrapDim accepts its dim 0 and -1).
void checkHasDims(int64_t dim, int64_t ndim) {
  if (ndim == 0) lang::raise("IndexError", "Dimension specified as " + std::to_string(dim) + " but tensor has no dimensions");
}
int64_t Tensor::size(int64_t dim) const {
  checkHasDims(dim, this->dim());
  return sizes()[wrapDim(dim, this->dim())];
}
int64_t Tensor::stride(int64_t dim) const {
  checkHasDims(dim, this->dim());
  return strides()[wrapDim(dim, this->dim())];
}

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = sizes().size(); i-- > 0;) {
    if (sizes()[i] == 0) return true;
    if (sizes()[i] != 1 && strides()[i] != expected) return false;
    expected *= sizes()[i];
  }
  return true;
}

IValue Tensor::item() const {
  if (numel() != 1)
    lang::raise("RuntimeError", "a Tensor with " + std::to_string(numel()) + " elements cannot be converted to Scalar");
  return dispatchType(dtype(), [&](auto tag) -> IValue {
    using T = decltype(tag);
    T v = *data<T>();
    if constexpr (std::is_same_v<T, bool>) return IValue(v);
    else if constexpr (std::is_integral_v<T>) return IValue(static_cast<int64_t>(v));
    else return IValue(static_cast<double>(static_cast<opmath_t<T>>(v)));
  });
}

// ---- copies ----

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

Tensor Tensor::clone() const {
  Tensor out = empty(sizes(), dtype());
  out.copy_(*this);
  return out;
}

Tensor Tensor::to(ScalarType dt, bool copy) const {
  if (dt == dtype() && !copy) return *this;
  Tensor out = empty(sizes(), dt);
  out.copy_(*this);
  return out;
}

namespace {
template <class D, class S>
void copyTyped(const Tensor& dst, const Tensor& src) {
  D* d = dst.data<D>();
  const S* s = src.data<S>();
  if (dst.is_contiguous() && src.is_contiguous() && src.sizes() == dst.sizes()) {
    int64_t n = dst.numel();
    if constexpr (std::is_same_v<D, S>) std::memmove(d, s, n * sizeof(D));
    else for (int64_t i = 0; i < n; ++i) d[i] = convertElement<D>(s[i]);
    return;
  }
  forEachOffset<2>(dst.sizes(), {&dst.strides(), &src.strides()},
                   [&](const std::array<int64_t, 2>& o) { d[o[0]] = convertElement<D>(s[o[1]]); });
}

// Copies with a complex side: complex from complex or real (imaginary part
// 0), real from complex (its real part, as torch's cast does).
template <class D>
void copyFromComplexOrReal(const Tensor& dst, const Tensor& src) {
  auto each = [&](auto stag) {
    using S = decltype(stag);
    D* d = dst.data<D>();
    const S* s = src.data<S>();
    forEachOffset<2>(dst.sizes(), {&dst.strides(), &src.strides()}, [&](const std::array<int64_t, 2>& o) {
      if constexpr (isComplex<D> && isComplex<S>) d[o[0]] = D(s[o[1]]);
      else if constexpr (isComplex<D>) d[o[0]] = D(static_cast<typename D::value_type>(convertElement<double>(s[o[1]])));
      else if constexpr (isComplex<S>) d[o[0]] = convertElement<D>(static_cast<double>(s[o[1]].real()));
    });
  };
  switch (src.dtype()) {
    case ScalarType::ComplexFloat: each(std::complex<float>{}); break;
    case ScalarType::ComplexDouble: each(std::complex<double>{}); break;
    default: dispatchType(src.dtype(), each);
  }
}

void copyComplex(const Tensor& dst, const Tensor& src) {
  switch (dst.dtype()) {
    case ScalarType::ComplexFloat: copyFromComplexOrReal<std::complex<float>>(dst, src); break;
    case ScalarType::ComplexDouble: copyFromComplexOrReal<std::complex<double>>(dst, src); break;
    default: dispatchType(dst.dtype(), [&](auto tag) { copyFromComplexOrReal<decltype(tag)>(dst, src); });
  }
}

// Overlapping source and destination storage (x.copy_(x.t())) copy through a temporary.
bool sharesStorage(const Tensor& a, const Tensor& b) { return a.storage().get() == b.storage().get(); }
}  // namespace

Tensor& Tensor::copy_(const Tensor& src) {
  Tensor s = src.expand(sizes());
  if (sharesStorage(*this, s) && !(s.data_ptr() == data_ptr() && s.strides() == strides())) s = s.clone();
  if (isComplexType(dtype()) || isComplexType(s.dtype())) {
    copyComplex(*this, s);
    return *this;
  }
  dispatchType(dtype(), [&](auto dtag) {
    dispatchType(s.dtype(), [&](auto stag) { copyTyped<decltype(dtag), decltype(stag)>(*this, s); });
  });
  return *this;
}

void checkFillValue(const IValue& value, ScalarType t) {
  if (t == ScalarType::Bool || value.isBool()) return;
  double v = value.isFloat() ? value.toDouble() : static_cast<double>(value.toInt());
  double lo, hi;
  const char* name;
  switch (t) {
    case ScalarType::Byte: lo = 0, hi = 255, name = "uint8_t"; break;
    case ScalarType::Char: lo = -128, hi = 127, name = "int8_t"; break;
    case ScalarType::Short: lo = -32768, hi = 32767, name = "int16_t"; break;
    case ScalarType::Int: lo = -2147483648.0, hi = 2147483647.0, name = "int"; break;
    case ScalarType::Half: lo = -65504, hi = 65504, name = "c10::Half"; break;
    case ScalarType::BFloat16: lo = -3.3895313892515355e38, hi = 3.3895313892515355e38, name = "c10::BFloat16"; break;
    case ScalarType::Float: lo = -3.4028234663852886e38, hi = 3.4028234663852886e38, name = "float"; break;
    default: return;  // int64 holds every int; double every float
  }
  bool fits = isFloatingType(t) ? !std::isfinite(v) || (v >= lo && v <= hi) : !(v < lo || v > hi);
  if (!fits) lang::raise("RuntimeError", std::string("value cannot be converted to type ") + name + " without overflow");
}

Tensor& Tensor::fill_(const IValue& value) {
  dispatchType(dtype(), [&](auto tag) {
    using T = decltype(tag);
    T v = value.isFloat() ? convertElement<T>(value.toDouble())
          : value.isBool() ? convertElement<T>(value.toBool())
                           : convertElement<T>(value.toInt());
    T* d = data<T>();
    if (is_contiguous()) {
      int64_t n = numel();
      for (int64_t i = 0; i < n; ++i) d[i] = v;
    } else {
      forEachOffset<1>(sizes(), {&strides()}, [&](const std::array<int64_t, 1>& o) { d[o[0]] = v; });
    }
  });
  return *this;
}

Tensor& Tensor::zero_() { return fill_(IValue(int64_t(0))); }

}  // namespace wick::ops
