// Convolution (conv1d/conv2d via im2col + gemm), pooling and padding.
// 1-d ops run as 2-d ops over a height of 1. Interpolation: interpolate.cpp.
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {

Tensor mmRaw(const Tensor& a, const Tensor& b);  // linalg.cpp

namespace {

IValue iv(const Tensor& t) { return t.toIValue(); }

struct Window {
  int64_t kh, kw, sh, sw, ph0, ph1, pw0, pw1, dh, dw;
  int64_t outH(int64_t h) const { return (h + ph0 + ph1 - dh * (kh - 1) - 1) / sh + 1; }
  int64_t outW(int64_t w) const { return (w + pw0 + pw1 - dw * (kw - 1) - 1) / sw + 1; }
};

// Expands a 1- or 2-element int list to (h, w); 1-d ops pass h = 1 values.
std::pair<int64_t, int64_t> pair2(const IntArray& v, bool is1d, int64_t fill_h) {
  if (is1d) return {fill_h, v.at(0)};
  return v.size() == 1 ? std::pair{v[0], v[0]} : std::pair{v.at(0), v.at(1)};
}

// col[(c*kh + i)*kw + j, oy*ow + ox] = x[c, oy*sh - ph0 + i*dh, ox*sw - pw0 + j*dw] (0 outside).
template <class T>
void im2col(const T* x, int64_t c, int64_t h, int64_t w, const Window& win, int64_t oh, int64_t ow, T* col) {
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < win.kh; ++i)
      for (int64_t j = 0; j < win.kw; ++j) {
        T* row = col + ((ch * win.kh + i) * win.kw + j) * oh * ow;
        for (int64_t oy = 0; oy < oh; ++oy) {
          int64_t y = oy * win.sh - win.ph0 + i * win.dh;
          for (int64_t ox = 0; ox < ow; ++ox) {
            int64_t xx = ox * win.sw - win.pw0 + j * win.dw;
            row[oy * ow + ox] = (y >= 0 && y < h && xx >= 0 && xx < w) ? x[(ch * h + y) * w + xx] : T(0);
          }
        }
      }
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const IValue& bias, const Window& win, int64_t groups) {
  bool batched = input.dim() == 4;
  Tensor x = (batched ? input : input.unsqueeze(0)).contiguous();
  if (x.dim() != 4) lang::raise("RuntimeError", "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: " + shapeStr(input.sizes()));
  if (x.dtype() != weight.dtype()) lang::raise("RuntimeError", "expected scalar type " + std::string(dtypeName(x.dtype())) + " but found " + dtypeName(weight.dtype()));
  int64_t n = x.sizes()[0], c = x.sizes()[1], h = x.sizes()[2], w = x.sizes()[3];
  int64_t co = weight.sizes()[0], cg = weight.sizes()[1];
  if (groups <= 0 || c != cg * groups || co % groups != 0)
    lang::raise("RuntimeError", "Given groups=" + std::to_string(groups) + ", weight of size " + shapeStr(weight.sizes()) + ", expected input" + shapeStr(input.sizes()) + " to have " + std::to_string(cg * groups) + " channels, but got " + std::to_string(c) + " channels instead");
  int64_t oh = win.outH(h), ow = win.outW(w);
  if (oh <= 0 || ow <= 0) lang::raise("RuntimeError", "Calculated output size: (" + std::to_string(co) + "x" + std::to_string(oh) + "x" + std::to_string(ow) + "). Output size is too small");
  Tensor out = Tensor::empty({n, co, oh, ow}, x.dtype());
  Tensor wmat = weight.contiguous().reshape({groups, co / groups, cg * win.kh * win.kw});
  Tensor col = Tensor::empty({cg * win.kh * win.kw, oh * ow}, x.dtype());
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t g = 0; g < groups; ++g) {
        const T* src = x.data<T>() + ((b * c) + g * cg) * h * w;
        im2col<T>(src, cg, h, w, win, oh, ow, col.data<T>());
        Tensor r = mmRaw(wmat.select(0, g), col);
        out.select(0, b).narrow(0, g * (co / groups), co / groups).copy_(r.view({co / groups, oh, ow}));
      }
  });
  if (!bias.isNone()) out = add(iv(out), iv(Tensor::fromIValue(bias).reshape({1, co, 1, 1})));
  return batched ? out : out.squeeze(0);
}

// conv{1,2}d(Tensor input, Tensor weight, Tensor? bias=None, int[] stride=1, <padding>, int[] dilation=1, int groups=1)
template <bool k1d>
void convKernel(Stack& s) {
  constexpr size_t n = 7;
  Tensor x = tensorAt(s, n, 0), wt = tensorAt(s, n, 1);
  if (k1d) {
    x = x.unsqueeze(-2);
    wt = wt.unsqueeze(-2);
  }
  auto [sh, sw] = pair2(toIntArray(argAt(s, n, 3)), k1d, 1);
  auto [dh, dw] = pair2(toIntArray(argAt(s, n, 5)), k1d, 1);
  int64_t kh = wt.sizes()[2], kw = wt.sizes()[3];
  Window win{kh, kw, sh, sw, 0, 0, 0, 0, dh, dw};
  const IValue& pad = argAt(s, n, 4);
  if (pad.isStr()) {
    if (pad.toStr() == "same") {
      if (sh != 1 || sw != 1) lang::raise("RuntimeError", "padding='same' is not supported for strided convolutions");
      int64_t th = dh * (kh - 1), tw = dw * (kw - 1);
      win.ph0 = th / 2; win.ph1 = th - th / 2; win.pw0 = tw / 2; win.pw1 = tw - tw / 2;
    } else if (pad.toStr() != "valid") {
      lang::raise("RuntimeError", "Invalid padding string: '" + pad.toStr() + "'");
    }
  } else {
    auto [ph, pw] = pair2(toIntArray(pad), k1d, 0);
    win.ph0 = win.ph1 = ph;
    win.pw0 = win.pw1 = pw;
  }
  Tensor out = conv2d(x, wt, argAt(s, n, 2), win, argAt(s, n, 6).toInt());
  pushResult(s, n, k1d ? out.squeeze(-2) : out);
}

// ---- pooling ----

// Note [Max pool indices]
// max_pool2d_with_indices gives, per output, the index into the input's
// flattened H*W plane of the element taken: as aten's CPU kernel, the first
// maximum in window order, or the last NaN, and the first in-bounds element
// when every value is -inf. max_pool2d's value is the one found that way.
template <bool kMax, bool k1d, bool kIndices = false>
void poolKernel(Stack& s) {
  // max_pool2d(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
  // max_pool2d_with_indices(the same) -> (Tensor, Tensor)
  // avg_pool2d(self, kernel_size, stride=[], padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)
  constexpr size_t n = kMax ? 6 : (k1d ? 6 : 7);
  Tensor x = tensorAt(s, n, 0);
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
  if (ph * 2 > kh || pw * 2 > kw) lang::raise("RuntimeError", "pad should be at most half of effective kernel size, but got pad=" + std::to_string(pw) + ", kernel_size=" + std::to_string(kw) + " and dilation=" + std::to_string(dw));
  int64_t N = x.sizes()[0], C = x.sizes()[1], H = x.sizes()[2], W = x.sizes()[3];
  auto outSize = [&](int64_t in, int64_t k, int64_t st2, int64_t p, int64_t d) {
    int64_t num = in + 2 * p - d * (k - 1) - 1;
    int64_t o = (ceil_mode ? (num + st2 - 1) / st2 : num / st2) + 1;
    if (ceil_mode && (o - 1) * st2 >= in + p) --o;
    return o;
  };
  int64_t oh = outSize(H, kh, sh, ph, dh), ow = outSize(W, kw, sw, pw, dw);
  if (oh <= 0 || ow <= 0) lang::raise("RuntimeError", "Given input size: (" + std::to_string(C) + "x" + std::to_string(H) + "x" + std::to_string(W) + "). Calculated output size: (" + std::to_string(C) + "x" + std::to_string(oh) + "x" + std::to_string(ow) + "). Output size is too small");
  Tensor out = Tensor::empty({N, C, oh, ow}, x.dtype());
  Tensor indices = kIndices ? Tensor::empty({N, C, oh, ow}, ScalarType::Long) : Tensor();
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const T* p = x.data<T>();
    T* o = out.data<T>();
    for (int64_t plane = 0; plane < N * C; ++plane)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t y0 = oy * sh - ph, x0 = ox * sw - pw;
          double acc = kMax ? -INFINITY : 0;
          int64_t arg = -1;  // Note [Max pool indices]
          int64_t count = 0;
          int64_t ye = std::min(y0 + (kh - 1) * dh + 1, H + ph), xe = std::min(x0 + (kw - 1) * dw + 1, W + pw);
          int64_t pad_count = (ye - y0) * (xe - x0);
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              int64_t y = y0 + i * dh, xx = x0 + j * dw;
              if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
              double v = static_cast<double>(static_cast<M>(p[(plane * H + y) * W + xx]));
              if (kMax) {
                if (arg < 0) arg = y * W + xx;
                if (v > acc || std::isnan(v)) acc = v, arg = y * W + xx;
              } else {
                acc += v;
              }
              ++count;
            }
          double r = kMax ? acc : acc / (divisor ? *divisor : include_pad ? pad_count : count);
          o[(plane * oh + oy) * ow + ox] = convertElement<T>(r);
          if constexpr (kIndices) indices.data<int64_t>()[(plane * oh + oy) * ow + ox] = arg;
        }
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

// ---- pad ----

// Source index along one dim for an output position, by mode.
int64_t padSource(int64_t o, int64_t before, int64_t size, const std::string& mode) {
  int64_t i = o - before;
  if (mode == "replicate") return std::clamp<int64_t>(i, 0, size - 1);
  if (mode == "reflect") {
    if (size == 1) return 0;
    int64_t period = 2 * (size - 1);
    i = ((i % period) + period) % period;
    return i < size ? i : period - i;
  }
  if (mode == "circular") return ((i % size) + size) % size;
  return i;
}

void padKernel(Stack& s) {  // pad(Tensor self, int[] pad, str mode="constant", float? value=None)
  Tensor x = tensorAt(s, 4, 0);
  IntArray pad = toIntArray(argAt(s, 4, 1));
  std::string mode = argAt(s, 4, 2).toStr();
  if (pad.size() % 2 != 0) lang::raise("RuntimeError", "Padding length must be divisible by 2");
  if (static_cast<int64_t>(pad.size() / 2) > x.dim()) lang::raise("RuntimeError", "Padding length too large");
  int64_t k = static_cast<int64_t>(pad.size() / 2);
  if (mode == "constant") {
    IntArray shape = x.sizes();
    Tensor src = x;
    for (int64_t j = 0; j < k; ++j) {
      int64_t d = x.dim() - 1 - j, lo = pad[2 * j], hi = pad[2 * j + 1];
      shape[d] += lo + hi;
      if (shape[d] < 0) lang::raise("RuntimeError", "The input size " + std::to_string(x.sizes()[d]) + ", plus negative padding " + std::to_string(lo) + " and " + std::to_string(hi) + " resulted in a negative output size, which is invalid. Check dimension " + std::to_string(d) + " of your input.");
    }
    const IValue& v = argAt(s, 4, 3);
    Tensor out = Tensor::full(shape, v.isNone() ? 0.0 : v.toDouble(), x.dtype());
    Tensor dst = out;
    for (int64_t j = 0; j < k; ++j) {
      int64_t d = x.dim() - 1 - j, lo = pad[2 * j], hi = pad[2 * j + 1];
      int64_t n = x.sizes()[d];
      int64_t src_start = std::max<int64_t>(0, -lo), src_end = n - std::max<int64_t>(0, -hi);
      src = src.narrow(d, src_start, std::max<int64_t>(0, src_end - src_start));
      dst = dst.narrow(d, std::max<int64_t>(0, lo), src.sizes()[d]);
    }
    dst.copy_(src);
    pushResult(s, 4, out);
    return;
  }
  if (mode != "reflect" && mode != "replicate" && mode != "circular")
    lang::raise("NotImplementedError", "Unrecognised padding mode " + mode);
  Tensor cur = x;
  for (int64_t j = 0; j < k; ++j) {
    int64_t d = x.dim() - 1 - j, lo = pad[2 * j], hi = pad[2 * j + 1], n = cur.sizes()[d];
    if (mode == "reflect" && (lo >= n || hi >= n))
      lang::raise("RuntimeError", "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (" + std::to_string(lo) + ", " + std::to_string(hi) + ") at dimension " + std::to_string(d) + " of input " + shapeStr(x.sizes()));
    Tensor idx = Tensor::empty({n + lo + hi}, ScalarType::Long);
    for (int64_t o = 0; o < n + lo + hi; ++o) idx.data<int64_t>()[o] = padSource(o, lo, n, mode);
    cur = callTensorOp(findOp("aten::index_select"), {iv(cur), IValue(d), iv(idx)});
  }
  pushResult(s, 4, cur);
}

static lang::RegisterOps reg({
    {"aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor", convKernel<false>},
    {"aten::conv2d.padding(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, str padding=\"valid\", int[2] dilation=1, int groups=1) -> Tensor", convKernel<false>},
    {"aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0, int[1] dilation=1, int groups=1) -> Tensor", convKernel<true>},
    {"aten::conv1d.padding(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, str padding=\"valid\", int[1] dilation=1, int groups=1) -> Tensor", convKernel<true>},
    {"aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor", poolKernel<true, false>},
    {"aten::max_pool2d_with_indices(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)", poolKernel<true, false, true>},
    {"aten::max_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=0, int[1] dilation=1, bool ceil_mode=False) -> Tensor", poolKernel<true, true>},
    {"aten::avg_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor", poolKernel<false, false>},
    {"aten::avg_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True) -> Tensor", poolKernel<false, true>},
    {"aten::adaptive_avg_pool2d(Tensor self, int[2] output_size) -> Tensor", adaptiveAvgKernel<false>},
    {"aten::adaptive_avg_pool1d(Tensor self, int[1] output_size) -> Tensor", adaptiveAvgKernel<true>},
    {"aten::pad(Tensor self, int[] pad, str mode=\"constant\", float? value=None) -> Tensor", padKernel},
});

}  // namespace
}  // namespace wick::ops
