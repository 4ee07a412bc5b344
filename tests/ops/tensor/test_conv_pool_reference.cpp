// conv2d/conv1d, 2-d max/avg pooling and inference batch_norm against naive
// loops written here from the definitions (double accumulation, windows in
// row-major order), over the shapes whose code paths differ: 1x1 convs read
// without im2col, strided, dilated, grouped, asymmetric 'same' padding,
// non-BLAS dtypes; pools with padding, dilation, ceil_mode, ties and NaN.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

namespace {

// Deterministic values in [-2, 2) (or small integers, for ties).
Tensor filled(const IntArray& shape, uint32_t seed, ScalarType dt = ScalarType::Float, bool small_ints = false) {
  Tensor d = Tensor::empty(shape, ScalarType::Double);
  uint32_t s = seed * 2654435761u + 1;
  for (int64_t i = 0; i < d.numel(); ++i) {
    s = s * 1664525u + 1013904223u;
    d.data<double>()[i] = small_ints ? double((s >> 16) % 5) - 2 : double(s >> 8) / double(1 << 24) * 4 - 2;
  }
  return d.to(dt);
}

struct ConvCase {
  IntArray x, w;  // (N, C, H, W), (O, C/groups, kH, kW)
  int64_t sh, sw, ph0, ph1, pw0, pw1, dh, dw, groups;
  bool bias;
};

// out[n, o, y, x] = bias[o] + sum over c in o's group, i, j of in[n, c, y*sh - ph0 + i*dh, x*sw - pw0 + j*dw] * w[o, c', i, j]
std::vector<double> convReference(const Tensor& xt, const Tensor& wt, const Tensor& bt, const ConvCase& k) {
  std::vector<double> x = values(xt), w = values(wt), b = k.bias ? values(bt) : std::vector<double>();
  int64_t n = k.x[0], c = k.x[1], h = k.x[2], wd = k.x[3], o = k.w[0], cg = k.w[1], kh = k.w[2], kw = k.w[3];
  int64_t oh = (h + k.ph0 + k.ph1 - k.dh * (kh - 1) - 1) / k.sh + 1, ow = (wd + k.pw0 + k.pw1 - k.dw * (kw - 1) - 1) / k.sw + 1;
  std::vector<double> out;
  for (int64_t bi = 0; bi < n; ++bi)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx) {
          double acc = k.bias ? b[oc] : 0;
          int64_t g = oc / (o / k.groups);
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t iy = y * k.sh - k.ph0 + i * k.dh, ix = xx * k.sw - k.pw0 + j * k.dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                acc += x[((bi * c + g * cg + ci) * h + iy) * wd + ix] * w[((oc * cg + ci) * kh + i) * kw + j];
              }
          out.push_back(acc);
        }
  (void)c;
  return out;
}

Tensor runConv(const Tensor& x, const Tensor& w, const Tensor& b, const ConvCase& k, bool bias) {
  IValue bv = bias ? b.toIValue() : none();
  if (k.ph0 != k.ph1 || k.pw0 != k.pw1)  // only 'same' pads asymmetrically
    return callT("aten::conv2d.padding", {x.toIValue(), w.toIValue(), bv, ints({k.sh, k.sw}), IValue("same"), ints({k.dh, k.dw}), IValue(k.groups)});
  return callT("aten::conv2d", {x.toIValue(), w.toIValue(), bv, ints({k.sh, k.sw}), ints({k.ph0, k.pw0}), ints({k.dh, k.dw}), IValue(k.groups)});
}

void checkClose(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    CHECK(std::fabs(got[i] - want[i]) <= tol * (1 + std::fabs(want[i])));
  }
}

const ConvCase kConvCases[] = {
    {{2, 6, 5, 7}, {4, 6, 1, 1}, 1, 1, 0, 0, 0, 0, 1, 1, 1, true},    // 1x1 stride 1: no im2col
    {{2, 6, 5, 7}, {4, 3, 1, 1}, 1, 1, 0, 0, 0, 0, 1, 1, 2, false},   // 1x1 grouped
    {{1, 4, 9, 8}, {6, 4, 1, 1}, 2, 2, 0, 0, 0, 0, 1, 1, 1, true},    // 1x1 stride 2 (resnet's downsample)
    {{1, 4, 9, 8}, {6, 4, 1, 1}, 1, 1, 1, 1, 1, 1, 1, 1, 1, true},    // 1x1 padded
    {{2, 3, 8, 8}, {5, 3, 3, 3}, 1, 1, 1, 1, 1, 1, 1, 1, 1, true},    // 3x3 pad 1
    {{1, 3, 11, 10}, {4, 3, 3, 3}, 2, 2, 1, 1, 1, 1, 1, 1, 1, true},  // strided
    {{1, 3, 15, 13}, {4, 3, 7, 7}, 2, 2, 3, 3, 3, 3, 1, 1, 1, false}, // resnet's stem shape
    {{1, 2, 9, 10}, {3, 2, 3, 3}, 1, 1, 2, 2, 2, 2, 2, 2, 1, true},   // dilated
    {{1, 2, 9, 10}, {3, 2, 3, 2}, 2, 3, 1, 1, 2, 2, 3, 2, 1, true},   // dilated and strided, non-square
    {{2, 4, 6, 6}, {8, 1, 3, 3}, 1, 1, 1, 1, 1, 1, 1, 1, 4, true},    // grouped, 2 outputs per group
    {{2, 4, 6, 6}, {4, 1, 3, 3}, 1, 1, 1, 1, 1, 1, 1, 1, 4, true},    // depthwise: one output channel per group (gemv)
    {{2, 3, 3, 3}, {5, 3, 3, 3}, 1, 1, 0, 0, 0, 0, 1, 1, 1, true},    // one output position (gemv)
    {{1, 1, 4, 5}, {1, 1, 2, 2}, 1, 1, 0, 0, 0, 0, 1, 1, 1, false},   // one channel in and out
    {{1, 6, 7, 5}, {6, 2, 2, 3}, 2, 1, 0, 0, 2, 2, 1, 1, 3, false},   // grouped, rectangular
    {{1, 2, 6, 7}, {3, 2, 4, 2}, 1, 1, 1, 2, 0, 1, 1, 1, 1, true},    // 'same' with even kernels: more padding after
    {{1, 2, 6, 7}, {3, 2, 2, 2}, 1, 1, 1, 1, 1, 1, 2, 2, 1, false},   // even kernel, dilated
    {{1, 2, 5, 5}, {2, 2, 2, 2}, 3, 3, 2, 2, 2, 2, 1, 1, 1, true},    // a window wholly in the padding
    {{1, 2, 2, 5}, {3, 2, 5, 3}, 1, 1, 2, 2, 1, 1, 1, 1, 1, true},    // stride 1, ow == w: kernel rows that see only padding
    {{2, 3, 4, 6}, {2, 3, 3, 5}, 1, 1, 1, 1, 2, 2, 1, 1, 1, false},   // stride 1, ow == w, wide kernel
};

}  // namespace

TEST_CASE("conv2d matches a direct loop over every code path") {
  int idx = 0;
  for (const ConvCase& k : kConvCases) {
    CAPTURE(idx);
    Tensor x = filled(k.x, 3 * idx + 1), w = filled(k.w, 3 * idx + 2), b = filled({k.w[0]}, 3 * idx + 3);
    std::vector<double> want = convReference(x, w, b, k);
    checkClose(values(runConv(x, w, b, k, k.bias)), want, 1e-5);
    Tensor xd = x.to(ScalarType::Double), wd = w.to(ScalarType::Double), bd = b.to(ScalarType::Double);
    checkClose(values(runConv(xd, wd, bd, k, k.bias)), want, 1e-12);
    Tensor xt = x.transpose(2, 3).contiguous().transpose(2, 3);
    REQUIRE(!xt.is_contiguous());
    checkClose(values(runConv(xt, w, b, k, k.bias)), want, 1e-5);
    ++idx;
  }
}

TEST_CASE("conv2d on integers (no BLAS) sums exactly") {
  ConvCase k{{1, 4, 5, 6}, {4, 2, 3, 3}, 2, 1, 1, 1, 1, 1, 1, 2, 2, true};
  Tensor x = filled(k.x, 7, ScalarType::Long, true), w = filled(k.w, 8, ScalarType::Long, true), b = filled({4}, 9, ScalarType::Long, true);
  Tensor y = runConv(x, w, b, k, true);
  CHECK(y.dtype() == ScalarType::Long);
  CHECK(values(y) == convReference(x, w, b, k));
}

TEST_CASE("conv2d: unbatched input and conv1d") {
  ConvCase k{{1, 3, 6, 6}, {2, 3, 3, 3}, 1, 1, 1, 1, 1, 1, 1, 1, 1, true};
  Tensor x = filled(k.x, 11), w = filled(k.w, 12), b = filled({2}, 13);
  Tensor y = callT("aten::conv2d", {x.squeeze(0).toIValue(), w.toIValue(), b.toIValue(), ints({1}), ints({1}), ints({1}), IValue(int64_t(1))});
  CHECK(y.sizes() == IntArray{2, 6, 6});
  checkClose(values(y), convReference(x, w, b, k), 1e-5);

  ConvCase k1{{2, 3, 1, 9}, {4, 3, 1, 3}, 1, 2, 0, 0, 2, 2, 1, 2, 1, true};  // conv1d: stride 2, pad 2, dilation 2
  Tensor x1 = filled(k1.x, 14), w1 = filled(k1.w, 15), b1 = filled({4}, 16);
  Tensor y1 = callT("aten::conv1d", {x1.squeeze(2).toIValue(), w1.squeeze(2).toIValue(), b1.toIValue(), ints({2}), ints({2}), ints({2}), IValue(int64_t(1))});
  CHECK(y1.sizes() == IntArray{2, 4, 5});
  checkClose(values(y1), convReference(x1, w1, b1, k1), 1e-5);
  CHECK_THROWS_AS(call("aten::conv2d", {x.toIValue(), w.select(0, 0).toIValue(), none(), ints({1}), ints({1}), ints({1}), IValue(int64_t(1))}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::conv1d", {x1.squeeze(2).toIValue(), w1.toIValue(), none(), ints({1}), ints({0}), ints({1}), IValue(int64_t(1))}), wick::lang::Error);
}

namespace {

struct PoolCase {
  IntArray x;
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  bool ceil;
};

int64_t poolOut(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil) {
  int64_t num = in + 2 * p - d * (k - 1) - 1;
  int64_t o = (ceil ? (num + s - 1) / s : num / s) + 1;
  if (ceil && (o - 1) * s >= in + p) --o;
  return o;
}

// Per output, the window in row-major order: the first maximum, the last NaN,
// or the first in-bounds element (Note [Max pool indices] in pool2d.cpp).
std::pair<std::vector<double>, std::vector<double>> maxPoolReference(const Tensor& xt, const PoolCase& k) {
  std::vector<double> x = values(xt), vals, idx;
  int64_t planes = k.x[0] * k.x[1], h = k.x[2], w = k.x[3];
  int64_t oh = poolOut(h, k.kh, k.sh, k.ph, k.dh, k.ceil), ow = poolOut(w, k.kw, k.sw, k.pw, k.dw, k.ceil);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        double best = -INFINITY;
        int64_t arg = -1;
        for (int64_t i = 0; i < k.kh; ++i)
          for (int64_t j = 0; j < k.kw; ++j) {
            int64_t y = oy * k.sh - k.ph + i * k.dh, xx = ox * k.sw - k.pw + j * k.dw;
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            double v = x[(p * h + y) * w + xx];
            if (arg < 0 || v > best || std::isnan(v)) arg = y * w + xx;
            if (v > best || std::isnan(v)) best = v;
          }
        vals.push_back(best);
        idx.push_back(double(arg));
      }
  return {vals, idx};
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

const PoolCase kPoolCases[] = {
    {{2, 3, 8, 8}, 2, 2, 2, 2, 0, 0, 1, 1, false},    // the small CNN's pool
    {{1, 4, 9, 9}, 3, 3, 2, 2, 1, 1, 1, 1, false},    // resnet's pool
    {{1, 2, 9, 10}, 3, 3, 2, 2, 1, 1, 1, 1, true},    // ceil_mode keeps a last partial window
    {{1, 2, 7, 9}, 3, 2, 1, 1, 1, 1, 1, 1, false},    // stride 1, overlapping
    {{1, 2, 11, 10}, 3, 3, 2, 3, 1, 1, 2, 3, true},   // dilated
    {{1, 1, 5, 6}, 4, 4, 3, 3, 2, 2, 1, 1, true},     // windows reaching past both edges
    {{1, 1, 1, 12}, 1, 3, 1, 2, 0, 1, 1, 1, false},   // max_pool1d shape
};

}  // namespace

TEST_CASE("max_pool2d matches a window-order loop: ties, NaN, -inf, padding, dilation, ceil_mode") {
  int idx = 0;
  for (const PoolCase& k : kPoolCases) {
    CAPTURE(idx);
    Tensor x = filled(k.x, 40 + idx, ScalarType::Float, true);  // small integers: many ties
    float* p = x.data<float>();
    for (int64_t i = 0; i < x.numel(); i += 7) p[i] = -INFINITY;
    if (x.numel() > 20) p[13] = NAN, p[17] = NAN;
    auto [want_v, want_i] = maxPoolReference(x, k);
    std::vector<Tensor> r = callAll("aten::max_pool2d_with_indices",
                                    {x.toIValue(), ints({k.kh, k.kw}), ints({k.sh, k.sw}), ints({k.ph, k.pw}), ints({k.dh, k.dw}), IValue(k.ceil)});
    REQUIRE(r.size() == 2);
    CHECK(sameValues(values(r[0]), want_v));
    CHECK(values(r[1]) == want_i);
    Tensor v = callT("aten::max_pool2d", {x.toIValue(), ints({k.kh, k.kw}), ints({k.sh, k.sw}), ints({k.ph, k.pw}), ints({k.dh, k.dw}), IValue(k.ceil)});
    CHECK(sameValues(values(v), want_v));
    Tensor vd = callT("aten::max_pool2d", {x.to(ScalarType::Double).toIValue(), ints({k.kh, k.kw}), ints({k.sh, k.sw}), ints({k.ph, k.pw}), ints({k.dh, k.dw}), IValue(k.ceil)});
    CHECK(sameValues(values(vd), want_v));
    ++idx;
  }
}

TEST_CASE("avg_pool2d matches a direct loop") {
  Tensor x = filled({1, 2, 7, 8}, 50);
  std::vector<double> xs = values(x);
  for (bool include_pad : {true, false})
    for (bool ceil : {false, true}) {
      CAPTURE(include_pad);
      CAPTURE(ceil);
      int64_t k = 3, s = 2, p = 1, h = 7, w = 8;
      int64_t oh = poolOut(h, k, s, p, 1, ceil), ow = poolOut(w, k, s, p, 1, ceil);
      std::vector<double> want;
      for (int64_t pl = 0; pl < 2; ++pl)
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox) {
            double acc = 0;
            int64_t count = 0, y0 = oy * s - p, x0 = ox * s - p;
            int64_t pad_count = (std::min(y0 + k, h + p) - y0) * (std::min(x0 + k, w + p) - x0);
            for (int64_t y = y0; y < y0 + k; ++y)
              for (int64_t xx = x0; xx < x0 + k; ++xx)
                if (y >= 0 && y < h && xx >= 0 && xx < w) acc += xs[(pl * h + y) * w + xx], ++count;
            want.push_back(acc / (include_pad ? pad_count : count));
          }
      Tensor y = callT("aten::avg_pool2d", {x.toIValue(), ints({k}), ints({s}), ints({p}), IValue(ceil), IValue(include_pad), none()});
      checkClose(values(y), want, 1e-6);
    }
}

TEST_CASE("batch_norm in inference: (x - mean) / sqrt(var + eps) * weight + bias per channel") {
  for (IntArray shape : {IntArray{3, 4, 5, 6}, IntArray{5, 4}, IntArray{2, 4, 7}}) {
    CAPTURE(shape.size());
    Tensor x = filled(shape, 60), mean = filled({4}, 61), weight = filled({4}, 63), bias = filled({4}, 64);
    Tensor var = callT("aten::abs", {filled({4}, 62).toIValue()});
    for (bool affine : {true, false}) {
      CAPTURE(affine);
      std::vector<double> xs = values(x), m = values(mean), v = values(var), wv = values(weight), bv = values(bias), want;
      int64_t inner = x.numel() / (shape[0] * 4);
      for (int64_t i = 0; i < x.numel(); ++i) {
        int64_t c = (i / inner) % 4;
        double y = (xs[i] - m[c]) / std::sqrt(v[c] + 1e-5);
        want.push_back(affine ? y * wv[c] + bv[c] : y);
      }
      IValue wi = affine ? weight.toIValue() : none(), bi = affine ? bias.toIValue() : none();
      Tensor y = callT("aten::batch_norm", {x.toIValue(), wi, bi, mean.toIValue(), var.toIValue(), IValue(false), IValue(0.1), IValue(1e-5), IValue(false)});
      checkClose(values(y), want, 1e-5);
      Tensor xt = x.transpose(0, 1).contiguous().transpose(0, 1);  // not contiguous: the composed path
      checkClose(values(callT("aten::batch_norm", {xt.toIValue(), wi, bi, mean.toIValue(), var.toIValue(), IValue(false), IValue(0.1), IValue(1e-5), IValue(false)})), want, 1e-5);
    }
  }
}

namespace {

// conv3d and conv_transpose{1,2,3}d: shapes padded to 3 spatial dims with leading 1s.
struct NdCase {
  IntArray x, w;  // x (N, C, D, H, W); w (O, C/g, k...) or, transposed, (C, O/g, k...)
  std::array<int64_t, 3> stride, pad, dil, out_pad;
  int64_t groups;
  int dims;  // spatial dims the op sees
};

IntArray dropLeading(const IntArray& shape, int dims) {
  IntArray r{shape[0], shape[1]};
  for (int i = 0; i < dims; ++i) r.push_back(shape[5 - dims + i]);
  return r;
}
IntArray lastOf(const std::array<int64_t, 3>& v, int dims) { return IntArray(v.end() - dims, v.end()); }

// Every input element spreads x * w to out[z*stride - pad + kk*dil] (PyTorch's definition).
std::vector<double> transposedReference(const Tensor& xt, const Tensor& wt, const Tensor& bt, const NdCase& k, IntArray& shape) {
  std::vector<double> x = values(xt), w = values(wt), b = values(bt);
  int64_t n = k.x[0], c = k.x[1], og = k.w[1], o = og * k.groups, cpg = c / k.groups;
  std::array<int64_t, 3> in{k.x[2], k.x[3], k.x[4]}, kk{k.w[2], k.w[3], k.w[4]}, out;
  for (int i = 0; i < 3; ++i) out[i] = (in[i] - 1) * k.stride[i] - 2 * k.pad[i] + k.dil[i] * (kk[i] - 1) + k.out_pad[i] + 1;
  shape = {n, o, out[0], out[1], out[2]};
  std::vector<double> r(n * o * out[0] * out[1] * out[2]);
  for (int64_t bi = 0; bi < n; ++bi)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t p = 0; p < out[0] * out[1] * out[2]; ++p) r[(bi * o + oc) * out[0] * out[1] * out[2] + p] = b[oc];
  for (int64_t bi = 0; bi < n; ++bi)
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t z = 0; z < in[0]; ++z)
        for (int64_t y = 0; y < in[1]; ++y)
          for (int64_t xx = 0; xx < in[2]; ++xx)
            for (int64_t oi = 0; oi < og; ++oi)
              for (int64_t a = 0; a < kk[0]; ++a)
                for (int64_t bb = 0; bb < kk[1]; ++bb)
                  for (int64_t d = 0; d < kk[2]; ++d) {
                    int64_t oz = z * k.stride[0] - k.pad[0] + a * k.dil[0], oy = y * k.stride[1] - k.pad[1] + bb * k.dil[1], ox = xx * k.stride[2] - k.pad[2] + d * k.dil[2];
                    if (oz < 0 || oz >= out[0] || oy < 0 || oy >= out[1] || ox < 0 || ox >= out[2]) continue;
                    int64_t oc = (ci / cpg) * og + oi;
                    r[(((bi * o + oc) * out[0] + oz) * out[1] + oy) * out[2] + ox] +=
                        x[(((bi * c + ci) * in[0] + z) * in[1] + y) * in[2] + xx] * w[(((ci * og + oi) * kk[0] + a) * kk[1] + bb) * kk[2] + d];
                  }
  return r;
}

const NdCase kTransposedCases[] = {
    {{2, 4, 1, 5, 6}, {4, 3, 1, 3, 3}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, {0, 0, 0}, 1, 2},  // plain
    {{1, 4, 1, 4, 5}, {4, 3, 1, 3, 4}, {1, 2, 2}, {0, 1, 1}, {1, 1, 1}, {0, 1, 0}, 1, 2},  // strided, padded, output_padding
    {{1, 4, 1, 4, 4}, {4, 2, 1, 3, 3}, {1, 2, 1}, {0, 1, 2}, {1, 2, 2}, {0, 0, 0}, 2, 2},  // grouped, dilated
    {{2, 3, 1, 1, 7}, {3, 2, 1, 1, 4}, {1, 1, 3}, {0, 0, 1}, {1, 1, 1}, {0, 0, 2}, 1, 1},  // conv_transpose1d
    {{1, 2, 3, 4, 3}, {2, 2, 2, 3, 2}, {2, 1, 2}, {1, 1, 0}, {1, 1, 2}, {1, 0, 1}, 1, 3},  // conv_transpose3d
};

}  // namespace

TEST_CASE("conv_transpose{1,2,3}d match PyTorch's scatter definition") {
  int idx = 0;
  for (const NdCase& k : kTransposedCases) {
    CAPTURE(idx);
    Tensor x = filled(k.x, 70 + idx), w = filled(k.w, 80 + idx), b = filled({k.w[1] * k.groups}, 90 + idx);
    IntArray shape;
    std::vector<double> want = transposedReference(x, w, b, k, shape);
    std::string op = "aten::conv_transpose" + std::to_string(k.dims) + "d.input";
    for (ScalarType dt : {ScalarType::Float, ScalarType::Double}) {
      Tensor y = callT(op.c_str(), {x.reshape(dropLeading(k.x, k.dims)).to(dt).toIValue(), w.reshape(dropLeading(k.w, k.dims)).to(dt).toIValue(), b.to(dt).toIValue(),
                                    ints(lastOf(k.stride, k.dims)), ints(lastOf(k.pad, k.dims)), ints(lastOf(k.out_pad, k.dims)), IValue(k.groups), ints(lastOf(k.dil, k.dims))});
      CHECK(y.sizes() == dropLeading(shape, k.dims));
      CHECK(y.dtype() == dt);
      checkClose(values(y), want, dt == ScalarType::Float ? 1e-5 : 1e-12);
    }
    ++idx;
  }
}

TEST_CASE("conv3d matches a direct loop; integers compute in double") {
  // Each output depth slice is the bias plus a sum of 2-d convolutions, one per kernel depth.
  Tensor x = filled({2, 4, 3, 5, 6}, 100), w = filled({6, 2, 2, 3, 3}, 101), b = filled({6}, 102);
  int64_t sd = 1, pd = 1;  // depth stride and padding; height/width: stride 2, padding 1, dilation (1, 2), groups 2
  Tensor y = callT("aten::conv3d", {x.toIValue(), w.toIValue(), b.toIValue(), ints({sd, 2, 2}), ints({pd, 1, 1}), ints({1, 1, 2}), IValue(int64_t(2))});
  int64_t od = (3 + 2 * pd - 2) / sd + 1;
  REQUIRE(y.sizes() == IntArray{2, 6, od, 3, 2});
  // out[:, :, z] = bias + sum over kernel depth a of conv2d(x[:, :, z*sd - pd + a], w[:, :, a]).
  std::vector<double> got = values(y);
  for (int64_t z = 0; z < od; ++z) {
    std::vector<double> want(2 * 6 * 3 * 2);
    for (int64_t bi = 0; bi < 2; ++bi)
      for (int64_t o = 0; o < 6; ++o)
        for (int64_t p = 0; p < 6; ++p) want[(bi * 6 + o) * 6 + p] = values(b)[o];
    for (int64_t a = 0; a < 2; ++a) {
      int64_t iz = z * sd - pd + a;
      if (iz < 0 || iz >= 3) continue;
      ConvCase k{{2, 4, 5, 6}, {6, 2, 3, 3}, 2, 2, 1, 1, 1, 1, 1, 2, 2, false};
      std::vector<double> part = convReference(x.select(2, iz).contiguous(), w.select(2, a).contiguous(), Tensor(), k);
      for (size_t i = 0; i < want.size(); ++i) want[i] += part[i];
    }
    std::vector<double> slice;
    for (int64_t bi = 0; bi < 2; ++bi)
      for (int64_t o = 0; o < 6; ++o)
        for (int64_t p = 0; p < 6; ++p) slice.push_back(got[((bi * 6 + o) * od + z) * 6 + p]);
    checkClose(slice, want, 1e-5);
  }
  Tensor xl = filled({1, 2, 2, 3, 3}, 103, ScalarType::Long, true), wl = filled({1, 2, 2, 2, 2}, 104, ScalarType::Long, true);
  Tensor yl = callT("aten::conv3d", {xl.toIValue(), wl.toIValue(), none(), ints({1}), ints({0}), ints({1}), IValue(int64_t(1))});
  CHECK(yl.dtype() == ScalarType::Long);
  std::vector<double> xs = values(xl), ws = values(wl), ys = values(yl);
  REQUIRE(ys.size() == 4);
  for (int64_t p = 0; p < 4; ++p) {
    double acc = 0;
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t a = 0; a < 2; ++a)
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j) acc += xs[((c * 2 + a) * 3 + p / 2 + i) * 3 + p % 2 + j] * ws[((c * 2 + a) * 2 + i) * 2 + j];
    CHECK(ys[p] == acc);
  }
}

TEST_CASE("conv3d padding='same' with even kernels pads the odd one after, as PyTorch") {
  // Kernel depth 1: each depth slice is a 2-d convolution with padding (0, 1) rows and (1, 2) columns.
  Tensor x = filled({1, 2, 3, 4, 5}, 110), w = filled({3, 2, 1, 2, 4}, 111), b = filled({3}, 112);
  Tensor y = callT("aten::conv3d.padding", {x.toIValue(), w.toIValue(), b.toIValue(), ints({1}), IValue("same"), ints({1}), IValue(int64_t(1))});
  REQUIRE(y.sizes() == IntArray{1, 3, 3, 4, 5});
  ConvCase k{{1, 2, 4, 5}, {3, 2, 2, 4}, 1, 1, 0, 1, 1, 2, 1, 1, 1, true};
  for (int64_t z = 0; z < 3; ++z) {
    CAPTURE(z);
    checkClose(values(y.select(2, z)), convReference(x.select(2, z).contiguous(), w.select(2, 0).contiguous(), b, k), 1e-5);
  }
  CHECK_THROWS_AS(call("aten::conv3d.padding", {x.toIValue(), w.toIValue(), none(), ints({2}), IValue("same"), ints({1}), IValue(int64_t(1))}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::conv3d.padding", {x.toIValue(), w.toIValue(), none(), ints({1}), IValue("full"), ints({1}), IValue(int64_t(1))}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::conv3d", {x.toIValue(), w.toIValue(), none(), ints({1}), ints({0}), ints({1}), IValue(int64_t(0))}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::conv3d", {x.toIValue(), w.select(2, 0).toIValue(), none(), ints({1}), ints({0}), ints({1}), IValue(int64_t(1))}), wick::lang::Error);
}
