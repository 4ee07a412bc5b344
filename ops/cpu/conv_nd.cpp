// The convolutions conv2d_gemm.cpp does not cover: conv3d and the transposed
// convolutions conv_transpose{1,2,3}d, as GEMMs over a 3-d im2col
// (Note [vol2col]). Every input is seen with 3 spatial dims (missing leading
// ones of size 1); float and double compute in their own dtype through BLAS,
// other dtypes in double.
#include <cblas.h>

#include "ops/cpu/elementwise.h"
#include "ops/cpu/window_args.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

using Dims3 = std::array<int64_t, 3>;

struct Conv {
  Tensor x, w;      // x (N, C, D, H, W), w (O, C/groups, kD, kH, kW) [transposed: (C, O/groups, ...)], contiguous, float or double
  int64_t n, c, groups;
  Dims3 in, k, stride, pad, dil, out_pad{0, 0, 0};
  Dims3 pad_after{0, 0, 0};  // padding after the input beyond `pad` (padding='same' with an odd total)
  bool batched;
};

Dims3 triple(const IValue& v, int dims, int64_t fill) {
  IntArray a = toIntArray(v);
  Dims3 r{fill, fill, fill};
  for (int i = 0; i < dims; ++i) r[3 - dims + i] = a.size() == 1 ? a[0] : a.at(i);
  return r;
}

Conv setup(const Tensor& input, const Tensor& weight, int dims, int64_t groups, const char* fn) {
  Conv cv;
  cv.batched = input.dim() == dims + 2;
  if (input.dim() != dims + 1 && input.dim() != dims + 2)
    lang::raise("RuntimeError", "Expected " + std::to_string(dims + 1) + "D (unbatched) or " + std::to_string(dims + 2) + "D (batched) input to " + fn +
                                    ", but got input of size: " + shapeStr(input.sizes()));
  if (input.dtype() != weight.dtype())
    lang::raise("RuntimeError", std::string("expected scalar type ") + scalarTypeName(input.dtype()) + " but found " + scalarTypeName(weight.dtype()));
  if (weight.dim() != dims + 2)
    lang::raise("RuntimeError", "Expected " + std::to_string(dims + 2) + "-dimensional weight for " + fn + ", but got weight of size " + shapeStr(weight.sizes()));
  Tensor x = cv.batched ? input : input.unsqueeze(0);
  IntArray xs = {x.sizes()[0], x.sizes()[1], 1, 1, 1}, ws = {weight.sizes()[0], weight.sizes()[1], 1, 1, 1};
  for (int i = 0; i < dims; ++i) xs[5 - dims + i] = x.sizes()[2 + i], ws[5 - dims + i] = weight.sizes()[2 + i];
  if (groups <= 0) lang::raise("RuntimeError", "non-positive groups is not supported");
  ScalarType compute = input.dtype() == ScalarType::Float ? ScalarType::Float : ScalarType::Double;
  cv.x = x.to(compute).contiguous().reshape(xs);
  cv.w = weight.to(compute).contiguous().reshape(ws);
  cv.n = xs[0];
  cv.c = xs[1];
  cv.groups = groups;
  for (int i = 0; i < 3; ++i) cv.in[i] = xs[2 + i], cv.k[i] = ws[2 + i];
  return cv;
}

Tensor finish(const Conv& cv, Tensor out, const IValue& bias, const Tensor& input, int dims) {
  if (!bias.isNone()) {
    IntArray bshape(5, 1);
    bshape[1] = out.sizes()[1];
    out = add(out.toIValue(), Tensor::fromIValue(bias).to(out.dtype()).reshape(bshape).toIValue());
  }
  IntArray shape = {out.sizes()[0], out.sizes()[1]};
  for (int i = 0; i < dims; ++i) shape.push_back(out.sizes()[5 - dims + i]);
  out = out.reshape(shape).to(input.dtype());
  return cv.batched ? out : out.squeeze(0);
}

// Note [vol2col]
// col[c*kvol + kk, pos], kk = (a*k1 + b)*k2 + d over the kernel and pos =
// (z*g1 + y)*g2 + x over a position grid g, pairs grid position p with
// volume position q = p*stride - pad + kk*dil per dim (0 where q is outside
// the volume). conv3d: the grid is the output, col is read from the input
// (the 3-d im2col of conv2d_gemm.cpp), and out = w_g @ col per (batch,
// group). Transposed: the grid is the input, col = w_g^T @ x, and col is
// added back (col2vol) into the output volume.

// For grid positions p in [0, count): those in [lo, hi) have p*stride + off in [0, size).
std::pair<int64_t, int64_t> validRange(int64_t off, int64_t stride, int64_t size, int64_t count) {
  int64_t lo = std::min(count, off >= 0 ? 0 : (-off + stride - 1) / stride);
  int64_t hi = std::clamp<int64_t>(size - off <= 0 ? 0 : (size - off + stride - 1) / stride, lo, count);
  return {lo, hi};
}

// Calls f(col_offset, vol_offset, lo, hi, off) for every col row and grid
// line (z, y): col[col_offset + p] pairs with vol[vol_offset + p*stride2 + off]
// for p in [lo, hi); vol_offset is -1 where the line's (z, y) map outside.
template <class F>
void walkCol(int64_t channels, const Conv& cv, const Dims3& grid, const Dims3& vol, F f) {
  int64_t kvol = cv.k[0] * cv.k[1] * cv.k[2], gvol = grid[0] * grid[1] * grid[2];
  for (int64_t ch = 0; ch < channels; ++ch)
    for (int64_t a = 0; a < cv.k[0]; ++a)
      for (int64_t b = 0; b < cv.k[1]; ++b)
        for (int64_t d = 0; d < cv.k[2]; ++d) {
          int64_t row = ch * kvol + (a * cv.k[1] + b) * cv.k[2] + d, off = d * cv.dil[2] - cv.pad[2];
          auto [lo, hi] = validRange(off, cv.stride[2], vol[2], grid[2]);
          for (int64_t z = 0; z < grid[0]; ++z) {
            int64_t qz = z * cv.stride[0] - cv.pad[0] + a * cv.dil[0];
            for (int64_t y = 0; y < grid[1]; ++y) {
              int64_t qy = y * cv.stride[1] - cv.pad[1] + b * cv.dil[1];
              bool inside = qz >= 0 && qz < vol[0] && qy >= 0 && qy < vol[1];
              f(row * gvol + (z * grid[1] + y) * grid[2], inside ? ((ch * vol[0] + qz) * vol[1] + qy) * vol[2] : -1, lo, hi, off);
            }
          }
        }
}

// C[m, n] = op(A) @ B, row-major, B and C n wide; op(A) is [m, k] (A stored [k, m] when transposed).
template <class T>
void gemm(bool trans_a, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c) {
  if (m == 0 || n == 0 || k == 0) return;  // C is zero already
  auto ta = trans_a ? CblasTrans : CblasNoTrans;
  int64_t lda = trans_a ? m : k;
  if constexpr (std::is_same_v<T, float>) cblas_sgemm(CblasRowMajor, ta, CblasNoTrans, m, n, k, 1.0f, a, lda, b, n, 0.0f, c, n);
  else cblas_dgemm(CblasRowMajor, ta, CblasNoTrans, m, n, k, 1.0, a, lda, b, n, 0.0, c, n);
}

Dims3 forwardSizes(const Conv& cv) {
  int64_t o_ch = cv.w.sizes()[0], cg = cv.w.sizes()[1];
  if (cv.c != cg * cv.groups || o_ch % cv.groups)
    lang::raise("RuntimeError", "Given groups=" + std::to_string(cv.groups) + ", weight of size " + shapeStr(cv.w.sizes()) + ", expected input to have " +
                                    std::to_string(cg * cv.groups) + " channels, but got " + std::to_string(cv.c) + " channels instead");
  Dims3 out;
  for (int i = 0; i < 3; ++i) {
    out[i] = (cv.in[i] + 2 * cv.pad[i] + cv.pad_after[i] - cv.dil[i] * (cv.k[i] - 1) - 1) / cv.stride[i] + 1;
    if (out[i] <= 0) lang::raise("RuntimeError", "Calculated output size is too small");
  }
  return out;
}

// out[n, o, z] = sum_{c in o's group, kk} x[n, c, z*stride - pad + kk*dil] * w[o, c, kk]
template <class T>
Tensor convForward(const Conv& cv) {
  Dims3 out = forwardSizes(cv);
  int64_t o_ch = cv.w.sizes()[0], cg = cv.w.sizes()[1], og = o_ch / cv.groups;
  int64_t kvol = cv.k[0] * cv.k[1] * cv.k[2], ivol = cv.in[0] * cv.in[1] * cv.in[2], ovol = out[0] * out[1] * out[2];
  Tensor r = Tensor::zeros({cv.n, o_ch, out[0], out[1], out[2]}, cv.x.dtype());
  Tensor col = Tensor::empty({cg * kvol, ovol}, cv.x.dtype());
  T* cp = col.data<T>();
  for (int64_t b = 0; b < cv.n; ++b)
    for (int64_t g = 0; g < cv.groups; ++g) {
      const T* x = cv.x.data<T>() + (b * cv.c + g * cg) * ivol;
      walkCol(cg, cv, out, cv.in, [&](int64_t co, int64_t vo, int64_t lo, int64_t hi, int64_t off) {
        T* dst = cp + co;
        if (vo < 0) lo = hi = 0;
        std::fill(dst, dst + lo, T(0));
        for (int64_t p = lo; p < hi; ++p) dst[p] = x[vo + p * cv.stride[2] + off];
        std::fill(dst + hi, dst + out[2], T(0));
      });
      gemm<T>(false, og, ovol, cg * kvol, cv.w.data<T>() + g * og * cg * kvol, cp, r.data<T>() + (b * o_ch + g * og) * ovol);
    }
  return r;
}

// Transposed: every input element spreads x * w over out[z*stride - pad + kk*dil].
template <class T>
Tensor convTransposed(const Conv& cv) {
  int64_t per_group_in = cv.c / cv.groups, og = cv.w.sizes()[1], o_ch = og * cv.groups;
  if (cv.w.sizes()[0] != cv.c || cv.c % cv.groups)
    lang::raise("RuntimeError", "Given transposed=1, weight of size " + shapeStr(cv.w.sizes()) + ", expected input to have " +
                                    std::to_string(cv.w.sizes()[0]) + " channels, but got " + std::to_string(cv.c) + " channels instead");
  Dims3 out;
  for (int i = 0; i < 3; ++i)
    out[i] = (cv.in[i] - 1) * cv.stride[i] - 2 * cv.pad[i] + cv.dil[i] * (cv.k[i] - 1) + cv.out_pad[i] + 1;
  int64_t kvol = cv.k[0] * cv.k[1] * cv.k[2], ivol = cv.in[0] * cv.in[1] * cv.in[2], ovol = out[0] * out[1] * out[2];
  Tensor r = Tensor::zeros({cv.n, o_ch, out[0], out[1], out[2]}, cv.x.dtype());
  Tensor col = Tensor::zeros({og * kvol, ivol}, cv.x.dtype());
  const T* cp = col.data<T>();
  for (int64_t b = 0; b < cv.n; ++b)
    for (int64_t g = 0; g < cv.groups; ++g) {
      const T* x = cv.x.data<T>() + (b * cv.c + g * per_group_in) * ivol;
      gemm<T>(true, og * kvol, ivol, per_group_in, cv.w.data<T>() + g * per_group_in * og * kvol, x, col.data<T>());
      T* o = r.data<T>() + (b * o_ch + g * og) * ovol;
      walkCol(og, cv, cv.in, out, [&](int64_t co, int64_t vo, int64_t lo, int64_t hi, int64_t off) {
        if (vo < 0) return;
        for (int64_t p = lo; p < hi; ++p) o[vo + p * cv.stride[2] + off] += cp[co + p];
      });
    }
  return r;
}

template <class T>
Tensor convAny(const Conv& cv, bool transposed) { return transposed ? convTransposed<T>(cv) : convForward<T>(cv); }
Tensor convDispatch(const Conv& cv, bool transposed) {
  return cv.x.dtype() == ScalarType::Float ? convAny<float>(cv, transposed) : convAny<double>(cv, transposed);
}

// conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3] padding=0, int[3] dilation=1, int groups=1)
void conv3dKernel(Stack& s) {
  Tensor input = tensorAt(s, 7, 0);
  Conv cv = setup(input, tensorAt(s, 7, 1), 3, argAt(s, 7, 6).toInt(), "conv3d");
  checkStrideDilation(argAt(s, 7, 3), argAt(s, 7, 5));
  cv.stride = triple(argAt(s, 7, 3), 3, 1);
  cv.dil = triple(argAt(s, 7, 5), 3, 1);
  const IValue& pad = argAt(s, 7, 4);
  if (pad.isStr()) {
    cv.pad = {0, 0, 0};
    if (pad.toStr() == "same") {
      if (cv.stride != Dims3{1, 1, 1}) lang::raise("RuntimeError", "padding='same' is not supported for strided convolutions");
      for (int i = 0; i < 3; ++i) {  // as aten: the odd one of an odd total goes after
        int64_t total = cv.dil[i] * (cv.k[i] - 1);
        cv.pad[i] = total / 2;
        cv.pad_after[i] = total - 2 * (total / 2);
      }
    } else if (pad.toStr() != "valid") {
      lang::raise("RuntimeError", "Invalid padding string: '" + pad.toStr() + "'");
    }
  } else {
    cv.pad = triple(pad, 3, 0);
  }
  pushResult(s, 7, finish(cv, convDispatch(cv, false), argAt(s, 7, 2), input, 3));
}

// conv_transpose{D}d(Tensor input, Tensor weight, Tensor? bias=None, int[] stride=1, int[] padding=0,
//                    int[] output_padding=0, int groups=1, int[] dilation=1)
template <int kDims>
void convTransposeKernel(Stack& s) {
  Tensor input = tensorAt(s, 8, 0);
  Conv cv = setup(input, tensorAt(s, 8, 1), kDims, argAt(s, 8, 6).toInt(), "conv_transpose");
  checkStrideDilation(argAt(s, 8, 3), argAt(s, 8, 7));
  cv.stride = triple(argAt(s, 8, 3), kDims, 1);
  cv.pad = triple(argAt(s, 8, 4), kDims, 0);
  cv.out_pad = triple(argAt(s, 8, 5), kDims, 0);
  cv.dil = triple(argAt(s, 8, 7), kDims, 1);
  pushResult(s, 8, finish(cv, convDispatch(cv, true), argAt(s, 8, 2), input, kDims));
}

#define WICK_CONVT(d)                                                                                                   \
  {"aten::conv_transpose" #d "d.input(Tensor input, Tensor weight, Tensor? bias=None, int[" #d "] stride=1, int[" #d  \
   "] padding=0, int[" #d "] output_padding=0, int groups=1, int[" #d "] dilation=1) -> Tensor", convTransposeKernel<d>}

static lang::RegisterOps reg({
    {"aten::conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3] padding=0, int[3] dilation=1, int groups=1) -> Tensor", conv3dKernel},
    {"aten::conv3d.padding(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, str padding=\"valid\", int[3] dilation=1, int groups=1) -> Tensor", conv3dKernel},
    WICK_CONVT(1), WICK_CONVT(2), WICK_CONVT(3),
});

}  // namespace
}  // namespace wick::ops
