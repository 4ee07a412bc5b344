#pragma once
// 2-d convolution as one GEMM per (batch, group): weight[co/g, cg*kh*kw] @
// col[cg*kh*kw, oh*ow], where col is the im2col unfolding of the input
// (Note [im2col layout] in conv2d_gemm.cpp). conv1d runs as conv2d over a
// height of 1 (conv.cpp).
//
//   ConvWindow win{3, 3, 1, 1, 1, 1, 1, 1, 1, 1};   // 3x3, stride 1, pad 1
//   Tensor y = conv2dGemm(x, w, bias, win, 1);      // x (N, C, H, W) or (C, H, W)
#include "lang/ivalue.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

// Kernel size, stride, padding before/after (they differ for padding='same'
// with an even kernel) and dilation, per spatial dim.
struct ConvWindow {
  int64_t kh, kw, sh, sw, ph0, ph1, pw0, pw1, dh, dw;
  int64_t outH(int64_t h) const { return (h + ph0 + ph1 - dh * (kh - 1) - 1) / sh + 1; }
  int64_t outW(int64_t w) const { return (w + pw0 + pw1 - dw * (kw - 1) - 1) / sw + 1; }
};

// aten::conv2d on a 3-d (unbatched) or 4-d input; bias is a Tensor or None.
Tensor conv2dGemm(const Tensor& input, const Tensor& weight, const lang::IValue& bias, const ConvWindow& win, int64_t groups);

}  // namespace wick::ops
