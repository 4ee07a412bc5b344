#pragma once
// Elementwise loops shared by the unary, binary and comparison kernels.
//
// Inputs are first converted to the computation dtype (a copy only when the
// dtype differs), then one of three loops runs: all contiguous (a plain loop
// the compiler vectorizes), one operand a single element (a scalar loop),
// or the strided/broadcast walk of strided_loop.h. Large contiguous loops
// are split over the thread pool (parallel.h).
#include <type_traits>

#include "ops/tensor/kernel_args.h"
#include "ops/tensor/parallel.h"
#include "ops/tensor/strided_loop.h"

namespace wick::ops {

// out[i] = f(a[i]) with a in dtype In (arithmetic in opmath_t<In>), out in Out.
template <class Out, class In, class F>
void unaryLoop(const Tensor& a, const Tensor& out, F f) {
  const In* pa = a.data<In>();
  Out* po = out.data<Out>();
  if (a.is_contiguous()) {
    parallelFor(0, out.numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) po[i] = convertElement<Out>(f(static_cast<opmath_t<In>>(pa[i])));
    });
    return;
  }
  forEachOffset<2>(out.sizes(), {&out.strides(), &a.strides()}, [&](const std::array<int64_t, 2>& o) {
    po[o[0]] = convertElement<Out>(f(static_cast<opmath_t<In>>(pa[o[1]])));
  });
}

// out = f(a, b) broadcast; a, b in dtype In; out has the broadcast shape.
template <class Out, class In, class F>
void binaryLoop(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  using M = opmath_t<In>;
  const In* pa = a.data<In>();
  const In* pb = b.data<In>();
  Out* po = out.data<Out>();
  int64_t n = out.numel();
  bool ca = a.is_contiguous() && a.numel() == n, cb = b.is_contiguous() && b.numel() == n;
  if (ca && cb) {
    parallelFor(0, n, [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) po[i] = convertElement<Out>(f(static_cast<M>(pa[i]), static_cast<M>(pb[i])));
    });
  } else if (ca && b.numel() == 1) {
    M vb = static_cast<M>(pb[0]);
    parallelFor(0, n, [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) po[i] = convertElement<Out>(f(static_cast<M>(pa[i]), vb));
    });
  } else if (cb && a.numel() == 1) {
    M va = static_cast<M>(pa[0]);
    parallelFor(0, n, [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) po[i] = convertElement<Out>(f(va, static_cast<M>(pb[i])));
    });
  } else {
    Tensor ea = a.expand(out.sizes()), eb = b.expand(out.sizes());
    forEachOffset<3>(out.sizes(), {&out.strides(), &ea.strides(), &eb.strides()}, [&](const std::array<int64_t, 3>& o) {
      po[o[0]] = convertElement<Out>(f(static_cast<M>(pa[o[1]]), static_cast<M>(pb[o[2]])));
    });
  }
}

// A binary op computed in `compute` dtype with a result of `out_dtype`
// (compute, or Bool for comparisons). F is a generic lambda on opmath values.
template <class F>
Tensor binaryOp(const Tensor& a, const Tensor& b, ScalarType compute, ScalarType out_dtype, F f) {
  Tensor out = Tensor::empty(broadcastShapes(a.sizes(), b.sizes()), out_dtype);
  Tensor ca = a.to(compute), cb = b.to(compute);
  dispatchType(compute, [&](auto tag) {
    using T = decltype(tag);
    if (out_dtype == compute) binaryLoop<T, T>(ca, cb, out, f);
    else if (out_dtype == ScalarType::Bool) binaryLoop<bool, T>(ca, cb, out, f);
    else WICK_ASSERT(false, "binaryOp: unexpected output dtype");
  });
  return out;
}

template <class F>
Tensor unaryOp(const Tensor& a, ScalarType compute, ScalarType out_dtype, F f) {
  Tensor out = Tensor::empty(a.sizes(), out_dtype);
  Tensor ca = a.to(compute);
  dispatchType(compute, [&](auto tag) {
    using T = decltype(tag);
    if (out_dtype == compute) unaryLoop<T, T>(ca, out, f);
    else if (out_dtype == ScalarType::Bool) unaryLoop<bool, T>(ca, out, f);
    else WICK_ASSERT(false, "unaryOp: unexpected output dtype");
  });
  return out;
}

// Writes result into self for an in-place op (self.add_(...)), checking
// that the broadcast shape is self's and the dtype can be cast.
Tensor& assignInPlace(Tensor& self, const Tensor& result);

}  // namespace wick::ops
