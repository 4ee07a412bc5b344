// conv1d/conv2d argument handling (the GEMM itself: conv2d_gemm.cpp) and
// pad. 1-d convolutions run as 2-d ones over a height of 1. Pooling:
// pool2d.cpp, pool_nd.cpp; interpolation: interpolate.cpp.
#include <cmath>

#include "ops/cpu/conv2d_gemm.h"
#include "ops/cpu/elementwise.h"
#include "ops/cpu/window_args.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {

namespace {

IValue iv(const Tensor& t) { return t.toIValue(); }

// conv{1,2}d(Tensor input, Tensor weight, Tensor? bias=None, int[] stride=1, <padding>, int[] dilation=1, int groups=1)
template <bool k1d>
void convKernel(Stack& s) {
  constexpr size_t n = 7;
  Tensor x = tensorAt(s, n, 0), wt = tensorAt(s, n, 1);
  if (k1d) {
    x = x.unsqueeze(-2);
    wt = wt.unsqueeze(-2);
  }
  checkStrideDilation(argAt(s, n, 3), argAt(s, n, 5));
  auto [sh, sw] = pair2(toIntArray(argAt(s, n, 3)), k1d, 1);
  auto [dh, dw] = pair2(toIntArray(argAt(s, n, 5)), k1d, 1);
  if (wt.dim() != 4)
    lang::raise("RuntimeError", std::string("Expected ") + (k1d ? "3" : "4") + "-dimensional weight for " + (k1d ? "conv1d" : "conv2d") + ", but got weight of size " + shapeStr(tensorAt(s, n, 1).sizes()));
  int64_t kh = wt.sizes()[2], kw = wt.sizes()[3];
  ConvWindow win{kh, kw, sh, sw, 0, 0, 0, 0, dh, dw};
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
  Tensor out = conv2dGemm(x, wt, argAt(s, n, 2), win, argAt(s, n, 6).toInt());
  pushResult(s, n, k1d ? out.squeeze(-2) : out);
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
    if (mode == "circular" && (lo > n || hi > n)) lang::raise("RuntimeError", "Padding value causes wrapping around more than once.");
    if (mode == "replicate" && n == 0 && (lo > 0 || hi > 0))
      lang::raise("RuntimeError", "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: " + shapeStr(x.sizes()));
    if (mode == "reflect" && (lo >= n || hi >= n))
      lang::raise("RuntimeError", "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (" + std::to_string(lo) + ", " + std::to_string(hi) + ") at dimension " + std::to_string(d) + " of input " + shapeStr(x.sizes()));
    Tensor idx = Tensor::empty({n + lo + hi}, ScalarType::Long);
    for (int64_t o = 0; o < n + lo + hi; ++o) idx.data<int64_t>()[o] = padSource(o, lo, n, mode);
    cur = callTensorOp(findOp("aten::index_select"), {iv(cur), IValue(d), iv(idx)});
  }
  pushResult(s, 4, cur);
}

// convolution / _convolution: what torch.jit.trace records for every conv
// layer (transposed or not, any dimensionality), sent on to the conv op of
// the weight's dimensionality. benchmark, deterministic, cudnn_enabled and
// allow_tf32 only steer CUDA backends.
void convolutionKernel(Stack& s, size_t n) {
  const IValue &input = argAt(s, n, 0), &weight = argAt(s, n, 1), &bias = argAt(s, n, 2);
  const IValue &stride = argAt(s, n, 3), &padding = argAt(s, n, 4), &dilation = argAt(s, n, 5);
  const IValue &output_padding = argAt(s, n, 7), &groups = argAt(s, n, 8);
  int64_t dims = Tensor::fromIValue(weight).dim() - 2;
  if (dims < 1 || dims > 3)
    lang::raise("RuntimeError", "Expected a weight of 3, 4 or 5 dimensions for convolution, but got weight of size " +
                                    shapeStr(Tensor::fromIValue(weight).sizes()));
  static const lang::Operator* const plain[] = {findOp("aten::conv1d"), findOp("aten::conv2d"), findOp("aten::conv3d")};
  static const lang::Operator* const transposed[] = {findOp("aten::conv_transpose1d.input"),
                                                     findOp("aten::conv_transpose2d.input"),
                                                     findOp("aten::conv_transpose3d.input")};
  Tensor out = argAt(s, n, 6).toBool()
                   ? callTensorOp(transposed[dims - 1], {input, weight, bias, stride, padding, output_padding, groups, dilation})
                   : callTensorOp(plain[dims - 1], {input, weight, bias, stride, padding, dilation, groups});
  pushResult(s, n, out);
}

static lang::RegisterOps reg({
    {"aten::_convolution(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, bool transposed, int[] output_padding, int groups, bool benchmark, bool deterministic, bool cudnn_enabled, bool allow_tf32) -> Tensor",
     [](Stack& s) { convolutionKernel(s, 13); }},
    {"aten::_convolution.deprecated(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, bool transposed, int[] output_padding, int groups, bool benchmark, bool deterministic, bool cudnn_enabled) -> Tensor",
     [](Stack& s) { convolutionKernel(s, 12); }},
    {"aten::convolution(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, bool transposed, int[] output_padding, int groups) -> Tensor",
     [](Stack& s) { convolutionKernel(s, 9); }},
    {"aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor", convKernel<false>},
    {"aten::conv2d.padding(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, str padding=\"valid\", int[2] dilation=1, int groups=1) -> Tensor", convKernel<false>},
    {"aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0, int[1] dilation=1, int groups=1) -> Tensor", convKernel<true>},
    {"aten::conv1d.padding(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, str padding=\"valid\", int[1] dilation=1, int groups=1) -> Tensor", convKernel<true>},
    {"aten::pad(Tensor self, int[] pad, str mode=\"constant\", float? value=None) -> Tensor", padKernel},
});

}  // namespace
}  // namespace wick::ops
