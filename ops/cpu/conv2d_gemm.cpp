#include "ops/cpu/conv2d_gemm.h"

#include <cblas.h>

#include <cstring>
#include <memory>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/buffers.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// Note [im2col layout]
// col[(c*kh + i)*kw + j, oy*ow + ox] = x[c, oy*sh - ph0 + i*dh, ox*sw - pw0 + j*dw], 0 outside
// the input. Row-major [K, oh*ow]: the GEMM's B operand, so that C comes out
// as the (co/g, oh, ow) block of the output itself, with no copy afterwards.
// For one (row, oy) the in-bounds ox form a single range [lo, hi) that
// depends only on j, so each output row is zero fill, a copy, zero fill.
//
// At stride 1 with ow == w (3x3 pad 1, padding='same') the source of output
// row oy + 1 starts exactly w past that of row oy, as the destination does
// ow past: all in-bounds rows copy as one block (a few long copies instead of
// one short one per output row), and the columns outside [lo, hi), which
// picked up neighbouring input rows, are zeroed after.
template <class T>
void im2colBlock(const T* plane, int64_t h, int64_t i, int64_t lo, int64_t hi, int64_t off, const ConvWindow& win, int64_t oh, int64_t ow, T* dst) {
  int64_t shift = i * win.dh - win.ph0;  // y = oy + shift
  int64_t oy0 = std::clamp<int64_t>(-shift, 0, oh), oy1 = std::clamp<int64_t>(h - shift, oy0, oh);
  std::fill(dst, dst + oy0 * ow, T(0));
  std::fill(dst + oy1 * ow, dst + oh * ow, T(0));
  if (oy1 == oy0) return;
  const T* src = plane + (oy0 + shift) * ow + lo + off;  // input rows are w == ow long
  if (hi > lo) std::memcpy(dst + oy0 * ow + lo, src, ((oy1 - 1 - oy0) * ow + hi - lo) * sizeof(T));
  for (int64_t oy = oy0; oy < oy1; ++oy) {
    std::fill(dst + oy * ow, dst + oy * ow + lo, T(0));
    std::fill(dst + oy * ow + hi, dst + (oy + 1) * ow, T(0));
  }
}

template <class T>
void im2col(const T* x, int64_t c, int64_t h, int64_t w, const ConvWindow& win, int64_t oh, int64_t ow, T* col) {
  std::vector<int64_t> lo(win.kw), hi(win.kw);
  for (int64_t j = 0; j < win.kw; ++j) {
    int64_t off = j * win.dw - win.pw0;  // input column of ox = 0
    lo[j] = std::min(ow, off >= 0 ? 0 : (-off + win.sw - 1) / win.sw);
    hi[j] = std::clamp<int64_t>(w - off <= 0 ? 0 : (w - off + win.sw - 1) / win.sw, lo[j], ow);
  }
  bool block = win.sh == 1 && win.sw == 1 && ow == w;
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < win.kh; ++i)
      for (int64_t j = 0; j < win.kw; ++j) {
        T* row = col + ((ch * win.kh + i) * win.kw + j) * oh * ow;
        int64_t off = j * win.dw - win.pw0;
        if (block) {
          im2colBlock(x + ch * h * w, h, i, lo[j], hi[j], off, win, oh, ow, row);
          continue;
        }
        for (int64_t oy = 0; oy < oh; ++oy) {
          T* dst = row + oy * ow;
          int64_t y = oy * win.sh - win.ph0 + i * win.dh;
          if (y < 0 || y >= h) {
            std::fill(dst, dst + ow, T(0));
            continue;
          }
          const T* src = x + (ch * h + y) * w;
          std::fill(dst, dst + lo[j], T(0));
          if (win.sw == 1) std::memcpy(dst + lo[j], src + lo[j] + off, (hi[j] - lo[j]) * sizeof(T));
          else
            for (int64_t ox = lo[j]; ox < hi[j]; ++ox) dst[ox] = src[ox * win.sw + off];
          std::fill(dst + hi[j], dst + ow, T(0));
        }
      }
}

// Scratch space for col. A network's convolutions need several MB of it per
// layer per call: large buffers are reused between calls, not faulted in
// afresh each time (Note [Large buffers]).
template <class T>
class ColBuffer {
 public:
  explicit ColBuffer(size_t n) : bytes_(n * sizeof(T)), data_(static_cast<T*>(allocateBuffer(bytes_))) {}
  ~ColBuffer() { freeBuffer(data_, bytes_); }
  ColBuffer(const ColBuffer&) = delete;
  ColBuffer& operator=(const ColBuffer&) = delete;
  T* data() const { return data_; }

 private:
  size_t bytes_;
  T* data_;
};

template <class T>
constexpr bool kBlas = std::is_same_v<T, float> || std::is_same_v<T, double>;

// C[m, n] += A[m, k] @ B[k, n], row-major with leading dimensions (float, double: BLAS).
// One output channel per group (depthwise) or one output position is a
// matrix-vector product: gemv, 2-3x faster there than gemm, which packs both
// operands first. Other dtypes: C = A @ B summed in opmath_t as mmRaw does
// (C's old contents unused).
template <class T>
void gemmAccumulate(int64_t m, int64_t n, int64_t k, const T* a, const T* b, int64_t ldb, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
    if (m == 1) cblas_sgemv(CblasRowMajor, CblasTrans, k, n, 1.0f, b, ldb, a, 1, 1.0f, c, 1);
    else if (n == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, m, k, 1.0f, a, k, b, ldb, 1.0f, c, ldc);
    else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, ldb, 1.0f, c, ldc);
  } else if constexpr (std::is_same_v<T, double>) {
    if (m == 1) cblas_dgemv(CblasRowMajor, CblasTrans, k, n, 1.0, b, ldb, a, 1, 1.0, c, 1);
    else if (n == 1) cblas_dgemv(CblasRowMajor, CblasNoTrans, m, k, 1.0, a, k, b, ldb, 1.0, c, ldc);
    else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, ldb, 1.0, c, ldc);
  } else {
    using M = std::conditional_t<std::is_same_v<T, bool>, bool, opmath_t<T>>;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        M acc{};
        for (int64_t p = 0; p < k; ++p) {
          if constexpr (std::is_same_v<M, bool>) acc = acc || (a[i * k + p] && b[p * ldb + j]);
          else acc += static_cast<M>(a[i * k + p]) * static_cast<M>(b[p * ldb + j]);
        }
        c[i * ldc + j] = convertElement<T>(acc);
      }
  }
}

void checkShapes(const Tensor& input, const Tensor& x, const Tensor& weight, int64_t groups) {
  if (x.dim() != 4) lang::raise("RuntimeError", "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: " + shapeStr(input.sizes()));
  if (x.dtype() != weight.dtype()) lang::raise("RuntimeError", "expected scalar type " + std::string(dtypeName(x.dtype())) + " but found " + dtypeName(weight.dtype()));
  int64_t c = x.sizes()[1], co = weight.sizes()[0], cg = weight.sizes()[1];
  if (groups <= 0 || c != cg * groups || co % groups != 0)
    lang::raise("RuntimeError", "Given groups=" + std::to_string(groups) + ", weight of size " + shapeStr(weight.sizes()) + ", expected input" + shapeStr(input.sizes()) + " to have " + std::to_string(cg * groups) + " channels, but got " + std::to_string(c) + " channels instead");
}

}  // namespace

Tensor conv2dGemm(const Tensor& input, const Tensor& weight, const lang::IValue& bias, const ConvWindow& win, int64_t groups) {
  bool batched = input.dim() == 4;
  Tensor x = (batched ? input : input.unsqueeze(0)).contiguous();
  checkShapes(input, x, weight, groups);
  int64_t n = x.sizes()[0], c = x.sizes()[1], h = x.sizes()[2], w = x.sizes()[3];
  int64_t co = weight.sizes()[0], cg = weight.sizes()[1], cog = co / groups;
  int64_t oh = win.outH(h), ow = win.outW(w), ohw = oh * ow, k = cg * win.kh * win.kw;
  if (oh <= 0 || ow <= 0) lang::raise("RuntimeError", "Calculated output size: (" + std::to_string(co) + "x" + std::to_string(oh) + "x" + std::to_string(ow) + "). Output size is too small");
  Tensor out = Tensor::empty({n, co, oh, ow}, x.dtype());
  Tensor wc = weight.contiguous();
  Tensor b = bias.isNone() ? Tensor() : Tensor::fromIValue(bias);
  // The bias is GEMM's starting C (beta = 1) when BLAS runs and it is a plain
  // per-channel vector; otherwise it is added afterwards with add's dtype rules.
  bool fuse_bias = false;
  // A 1x1 window at stride 1 without padding reads the input as it lies: col is x itself.
  bool direct = win.kh == 1 && win.kw == 1 && win.sh == 1 && win.sw == 1 && win.ph0 == 0 && win.ph1 == 0 && win.pw0 == 0 && win.pw1 == 0;
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    fuse_bias = kBlas<T> && b.defined() && b.dtype() == x.dtype() && b.dim() == 1 && b.numel() == co;
    Tensor bc = fuse_bias ? b.contiguous() : Tensor();
    ColBuffer<T> col(direct ? 0 : static_cast<size_t>(k * ohw));
    const T* xp = x.data<T>();
    const T* wp = wc.data<T>();
    T* op = out.data<T>();
    for (int64_t bi = 0; bi < n; ++bi)
      for (int64_t g = 0; g < groups; ++g) {
        const T* src = xp + (bi * c + g * cg) * h * w;
        T* dst = op + (bi * co + g * cog) * ohw;
        for (int64_t r = 0; r < cog; ++r) std::fill(dst + r * ohw, dst + (r + 1) * ohw, fuse_bias ? bc.data<T>()[g * cog + r] : T(0));
        if (k == 0 || cog == 0) continue;
        if (!direct) im2col<T>(src, cg, h, w, win, oh, ow, col.data());
        gemmAccumulate<T>(cog, ohw, k, wp + g * cog * k, direct ? src : col.data(), ohw, dst, ohw);
      }
  });
  if (b.defined() && !fuse_bias) out = add(out.toIValue(), b.reshape({1, co, 1, 1}).toIValue());
  return batched ? out : out.squeeze(0);
}

}  // namespace wick::ops
