// 1-d and 2-d max and average pooling without indices, max_pool2d_with_indices
// and adaptive_avg_pool{1,2}d; the 3-d and adaptive max pools are pool_nd.cpp's.
// 1-d ops run as 2-d ops over a height of 1.
#include <cmath>
#include <limits>
#include <optional>

#include "ops/cpu/elementwise.h"
#include "ops/cpu/window_args.h"

namespace wick::ops {
namespace {

IValue iv(const Tensor& t) { return t.toIValue(); }

// Output geometry of one 2-d pooling call; planes = N * C.
struct PoolGeom {
  int64_t planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw;
};

// The in-bounds output columns for window column j: ox in [lo[j], hi[j])
// reads input column ox*sw + j*dw - pw, which lies in [0, w).
void columnRanges(const PoolGeom& g, std::vector<int64_t>& lo, std::vector<int64_t>& hi) {
  lo.resize(g.kw);
  hi.resize(g.kw);
  for (int64_t j = 0; j < g.kw; ++j) {
    int64_t off = j * g.dw - g.pw;
    lo[j] = std::min(g.ow, off >= 0 ? 0 : (-off + g.sw - 1) / g.sw);
    hi[j] = std::clamp<int64_t>(g.w - off <= 0 ? 0 : (g.w - off + g.sw - 1) / g.sw, lo[j], g.ow);
  }
}

// Note [Max pool indices]
// max_pool2d_with_indices gives, per output, the index into the input's
// flattened H*W plane of the element taken: as aten's CPU kernel, the first
// maximum in window order, or the last NaN, and the first in-bounds element
// when every value is -inf. max_pool2d's value is the one found that way.
//
// The walk below has the window offsets (i, j) as outer loops and one output
// row as the inner loop: each output still meets its window's elements in
// window order, so the result is the one above, but the inner loop has no
// bounds tests (the in-bounds ox for an offset form one range) and the
// compiler vectorizes it. Floats compare as floats, other dtypes as doubles.
template <class T, bool kIndices>
void maxPoolPlanes(const T* in, T* out, int64_t* indices, const PoolGeom& g) {
  using C = std::conditional_t<std::is_same_v<T, float> || std::is_same_v<T, double>, T, double>;
  std::vector<int64_t> lo, hi;
  columnRanges(g, lo, hi);
  std::vector<C> acc(g.ow);
  std::vector<int64_t> arg(kIndices ? g.ow : 0);
  for (int64_t plane = 0; plane < g.planes; ++plane)
    for (int64_t oy = 0; oy < g.oh; ++oy) {
      std::fill(acc.begin(), acc.end(), -std::numeric_limits<C>::infinity());
      if constexpr (kIndices) std::fill(arg.begin(), arg.end(), -1);
      for (int64_t i = 0; i < g.kh; ++i) {
        int64_t y = oy * g.sh - g.ph + i * g.dh;
        if (y < 0 || y >= g.h) continue;
        const T* row = in + (plane * g.h + y) * g.w;
        for (int64_t j = 0; j < g.kw; ++j) {
          int64_t off = j * g.dw - g.pw;
          for (int64_t ox = lo[j]; ox < hi[j]; ++ox) {
            C v = static_cast<C>(static_cast<opmath_t<T>>(row[ox * g.sw + off]));
            bool take = v > acc[ox] || v != v;
            if constexpr (kIndices) {
              int64_t pos = y * g.w + ox * g.sw + off;
              if (take || arg[ox] < 0) arg[ox] = pos;
            }
            acc[ox] = take ? v : acc[ox];
          }
        }
      }
      T* o = out + (plane * g.oh + oy) * g.ow;
      for (int64_t ox = 0; ox < g.ow; ++ox) o[ox] = convertElement<T>(acc[ox]);
      if constexpr (kIndices) std::copy(arg.begin(), arg.end(), indices + (plane * g.oh + oy) * g.ow);
    }
}

// Average over the in-bounds part of each window; the divisor is
// divisor_override, else the window clipped to the padded input
// (count_include_pad) or the in-bounds count.
template <class T>
void avgPoolPlanes(const T* p, T* o, const PoolGeom& g, bool include_pad, std::optional<int64_t> divisor) {
  using M = opmath_t<T>;
  for (int64_t plane = 0; plane < g.planes; ++plane)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        int64_t y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
        int64_t ye = std::min(y0 + g.kh, g.h + g.ph), xe = std::min(x0 + g.kw, g.w + g.pw);
        int64_t pad_count = (ye - y0) * (xe - x0);
        double acc = 0;
        int64_t count = 0;
        for (int64_t y = std::max<int64_t>(y0, 0); y < std::min(y0 + g.kh, g.h); ++y)
          for (int64_t xx = std::max<int64_t>(x0, 0); xx < std::min(x0 + g.kw, g.w); ++xx) {
            acc += static_cast<double>(static_cast<M>(p[(plane * g.h + y) * g.w + xx]));
            ++count;
          }
        o[(plane * g.oh + oy) * g.ow + ox] = convertElement<T>(acc / (divisor ? *divisor : include_pad ? pad_count : count));
      }
}

int64_t poolOutSize(int64_t in, int64_t k, int64_t st, int64_t p, int64_t d, bool ceil_mode) {
  int64_t num = in + 2 * p - d * (k - 1) - 1;
  int64_t o = (ceil_mode ? (num + st - 1) / st : num / st) + 1;
  if (ceil_mode && (o - 1) * st >= in + p) --o;
  return o;
}

template <bool kMax, bool k1d, bool kIndices = false>
void poolKernel(Stack& s) {
  // max_pool2d(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
  // max_pool2d_with_indices(the same) -> (Tensor, Tensor)
  // avg_pool2d(self, kernel_size, stride=[], padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)
  constexpr size_t n = kMax ? 6 : (k1d ? 6 : 7);
  Tensor x = tensorAt(s, n, 0);
  if (k1d && x.dim() != 2 && x.dim() != 3)
    lang::raise("RuntimeError", std::string(kMax ? "max_pool1d" : "avg_pool1d") +
                                    ": Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:" +
                                    shapeStr(x.sizes()));
  if (!k1d && x.dim() != 3 && x.dim() != 4) lang::raise("RuntimeError", "non-empty 3D or 4D (batch mode) tensor expected for input");
  if (k1d) x = x.unsqueeze(-2);
  bool batched = x.dim() == 4;
  if (!batched) x = x.unsqueeze(0);
  x = x.contiguous();
  auto [kh, kw] = pair2(toIntArray(argAt(s, n, 1)), k1d, 1);
  IntArray st = toIntArray(argAt(s, n, 2));
  auto [sh, sw] = st.empty() ? std::pair{kh, kw} : pair2(st, k1d, 1);
  auto [ph, pw] = pair2(toIntArray(argAt(s, n, 3)), k1d, 0);
  auto [dh, dw] = kMax ? pair2(toIntArray(argAt(s, n, 4)), k1d, 1) : std::pair<int64_t, int64_t>{1, 1};
  bool ceil_mode = argAt(s, n, kMax ? 5 : 4).toBool();
  bool include_pad = kMax ? true : argAt(s, n, 5).toBool();
  std::optional<int64_t> divisor = !kMax && !k1d ? toOptInt(argAt(s, n, 6)) : std::nullopt;
  if (divisor && *divisor == 0) lang::raise("RuntimeError", "divisor must be not zero");
  // pool2d_shape_check's conditions: each is a division or an empty window below.
  if (kh <= 0 || kw <= 0)
    lang::raise("RuntimeError", "kernel size should be greater than zero, but got kH: " + std::to_string(kh) + " kW: " + std::to_string(kw));
  if (sh == 0 || sw == 0) lang::raise("RuntimeError", "stride should not be zero");
  if (sh < 0 || sw < 0)
    lang::raise("RuntimeError", "stride should be greater than zero, but got dH: " + std::to_string(sh) + " dW: " + std::to_string(sw));
  if (dh <= 0 || dw <= 0)
    lang::raise("RuntimeError", "dilation should be greater than zero, but got dilationH: " + std::to_string(dh) + " dilationW: " + std::to_string(dw));
  if (ph < 0 || pw < 0) lang::raise("RuntimeError", "pad must be non-negative, but got pad: " + std::to_string(ph < 0 ? ph : pw));
  if (ph * 2 > kh || pw * 2 > kw) lang::raise("RuntimeError", "pad should be at most half of effective kernel size, but got pad=" + std::to_string(pw) + ", kernel_size=" + std::to_string(kw) + " and dilation=" + std::to_string(dw));
  int64_t N = x.sizes()[0], C = x.sizes()[1], H = x.sizes()[2], W = x.sizes()[3];
  int64_t oh = poolOutSize(H, kh, sh, ph, dh, ceil_mode), ow = poolOutSize(W, kw, sw, pw, dw, ceil_mode);
  if (oh <= 0 || ow <= 0) lang::raise("RuntimeError", "Given input size: (" + std::to_string(C) + "x" + std::to_string(H) + "x" + std::to_string(W) + "). Calculated output size: (" + std::to_string(C) + "x" + std::to_string(oh) + "x" + std::to_string(ow) + "). Output size is too small");
  PoolGeom g{N * C, H, W, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw};
  Tensor out = Tensor::empty({N, C, oh, ow}, x.dtype());
  Tensor indices = kIndices ? Tensor::empty({N, C, oh, ow}, ScalarType::Long) : Tensor();
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (kMax) maxPoolPlanes<T, kIndices>(x.data<T>(), out.data<T>(), kIndices ? indices.data<int64_t>() : nullptr, g);
    else avgPoolPlanes<T>(x.data<T>(), out.data<T>(), g, include_pad, divisor);
  });
  if (!batched) out = out.squeeze(0);
  if constexpr (kIndices) {
    if (!batched) indices = indices.squeeze(0);
    pushResults(s, n, {iv(out), iv(indices)});
  } else {
    pushResult(s, n, k1d ? out.squeeze(-2) : out);
  }
}

template <bool k1d>
void adaptiveAvgKernel(Stack& s) {  // adaptive_avg_pool2d(Tensor self, int[2] output_size)
  Tensor x = tensorAt(s, 2, 0);
  if (k1d) x = x.unsqueeze(-2);
  bool batched = x.dim() == 4;
  if (!batched) x = x.unsqueeze(0);
  x = x.contiguous();
  auto [oh, ow] = pair2(toIntArray(argAt(s, 2, 1)), k1d, 1);
  int64_t N = x.sizes()[0], C = x.sizes()[1], H = x.sizes()[2], W = x.sizes()[3];
  Tensor out = Tensor::empty({N, C, oh, ow}, x.dtype());
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    T* o = out.data<T>();
    for (int64_t plane = 0; plane < N * C; ++plane)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t y0 = oy * H / oh, y1 = ((oy + 1) * H + oh - 1) / oh;
          int64_t x0 = ox * W / ow, x1 = ((ox + 1) * W + ow - 1) / ow;
          double acc = 0;
          for (int64_t y = y0; y < y1; ++y)
            for (int64_t xx = x0; xx < x1; ++xx) acc += static_cast<double>(static_cast<opmath_t<T>>(p[(plane * H + y) * W + xx]));
          o[(plane * oh + oy) * ow + ox] = convertElement<T>(acc / ((y1 - y0) * (x1 - x0)));
        }
  });
  if (!batched) out = out.squeeze(0);
  pushResult(s, 2, k1d ? out.squeeze(-2) : out);
}

static lang::RegisterOps reg({
    {"aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor", poolKernel<true, false>},
    {"aten::max_pool2d_with_indices(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)", poolKernel<true, false, true>},
    {"aten::max_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=0, int[1] dilation=1, bool ceil_mode=False) -> Tensor", poolKernel<true, true>},
    {"aten::avg_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor", poolKernel<false, false>},
    {"aten::avg_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True) -> Tensor", poolKernel<false, true>},
    {"aten::adaptive_avg_pool2d(Tensor self, int[2] output_size) -> Tensor", adaptiveAvgKernel<false>},
    {"aten::adaptive_avg_pool1d(Tensor self, int[1] output_size) -> Tensor", adaptiveAvgKernel<true>},
});

}  // namespace
}  // namespace wick::ops
