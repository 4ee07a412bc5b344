// Pooling over 1, 2 or 3 spatial dims with one walker: max pooling with
// indices (max_pool{1,3}d_with_indices, max_pool3d), avg_pool3d, and
// adaptive max/avg pooling (adaptive_max_pool{1,2,3}d, adaptive_avg_pool3d).
// The 1-d and 2-d max/avg pools and max_pool2d_with_indices are pool2d.cpp's
// (one registration per schema: findOp and overload lookup would disagree
// on which of two kernels runs).
//
// Inputs are (N, C, *spatial) or (C, *spatial); the walker sees every input
// as 3 spatial dims, the missing leading ones of size 1. Indices are flat
// positions within one (N, C) plane, as PyTorch returns them.
#include <cmath>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

struct Spatial {
  Tensor x;                  // (planes, D, H, W) contiguous
  IntArray lead;             // the (N, C) or (C) dims
  int64_t planes = 1;
  std::array<int64_t, 3> in{1, 1, 1};
};

Spatial toSpatial(const Tensor& t, int dims, const char* fn) {
  if (t.dim() != dims + 1 && t.dim() != dims + 2)
    lang::raise("RuntimeError", std::string(fn) + ": Expected " + std::to_string(dims + 1) + "D or " + std::to_string(dims + 2) +
                                    "D input tensor, but got " + shapeStr(t.sizes()));
  Spatial s;
  s.lead.assign(t.sizes().begin(), t.sizes().end() - dims);
  s.planes = numelOf(s.lead);
  for (int i = 0; i < dims; ++i) s.in[3 - dims + i] = t.sizes()[t.dim() - dims + i];
  s.x = t.contiguous().reshape({s.planes, s.in[0], s.in[1], s.in[2]});
  return s;
}

// A per-dim list argument (one value broadcasts), padded to 3 dims with `fill`.
std::array<int64_t, 3> triple(const IValue& v, int dims, int64_t fill, const std::array<int64_t, 3>* dflt = nullptr) {
  IntArray a = toIntArray(v);
  std::array<int64_t, 3> r{fill, fill, fill};
  if (a.empty() && dflt) return *dflt;
  for (int i = 0; i < dims; ++i) r[3 - dims + i] = a.size() == 1 ? a[0] : a.at(i);
  return r;
}

int64_t poolOut(int64_t in, int64_t k, int64_t st, int64_t p, int64_t d, bool ceil_mode) {
  int64_t num = in + 2 * p - d * (k - 1) - 1;
  int64_t o = (ceil_mode ? (num + st - 1) / st : num / st) + 1;
  if (ceil_mode && (o - 1) * st >= in + p) --o;
  return o;
}

IntArray outShape(const Spatial& s, const std::array<int64_t, 3>& out, int dims) {
  IntArray shape = s.lead;
  for (int i = 0; i < dims; ++i) shape.push_back(out[3 - dims + i]);
  return shape;
}

// Max (kMax) or average over the window of every output position.
// windowOf(o) -> for dim i the [begin, end) range and step.
template <bool kMax, class WindowOf>
std::pair<Tensor, Tensor> walk(const Spatial& s, const std::array<int64_t, 3>& out, int dims, WindowOf windowOf) {
  Tensor vals = Tensor::empty(outShape(s, out, dims), s.x.dtype());
  Tensor idx = Tensor::empty(outShape(s, out, dims), ScalarType::Long);
  int64_t D = s.in[0], H = s.in[1], W = s.in[2], per = out[0] * out[1] * out[2];
  dispatchType(s.x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = s.x.data<T>();
    for (int64_t plane = 0; plane < s.planes; ++plane)
      for (int64_t od = 0; od < out[0]; ++od)
        for (int64_t oh = 0; oh < out[1]; ++oh)
          for (int64_t ow = 0; ow < out[2]; ++ow) {
            auto [b, e, st, divisor] = windowOf(std::array<int64_t, 3>{od, oh, ow});
            double acc = kMax ? -INFINITY : 0;
            int64_t best = -1;
            for (int64_t z = b[0]; z < e[0]; z += st[0])
              for (int64_t y = b[1]; y < e[1]; y += st[1])
                for (int64_t x = b[2]; x < e[2]; x += st[2]) {
                  if (z < 0 || z >= D || y < 0 || y >= H || x < 0 || x >= W) continue;
                  int64_t flat = (z * H + y) * W + x;
                  double v = static_cast<double>(static_cast<opmath_t<T>>(p[plane * D * H * W + flat]));
                  if (!kMax) acc += v;
                  else if (best < 0 || std::isnan(v) || (!std::isnan(acc) && v > acc)) acc = v, best = flat;
                }
            int64_t o = plane * per + (od * out[1] + oh) * out[2] + ow;
            vals.data<T>()[o] = convertElement<T>(kMax ? acc : acc / divisor);
            idx.data<int64_t>()[o] = best;
          }
  });
  return {vals, idx};
}

struct Range {
  std::array<int64_t, 3> begin, end, step;
  double divisor;
};

// max_pool{D}d_with_indices(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
template <int kDims>
std::pair<Tensor, Tensor> maxPool(Stack& s) {
  const char* fn = kDims == 1 ? "max_pool1d" : kDims == 2 ? "max_pool2d" : "max_pool3d";
  Spatial sp = toSpatial(tensorAt(s, 6, 0), kDims, fn);
  auto k = triple(argAt(s, 6, 1), kDims, 1);
  auto st = triple(argAt(s, 6, 2), kDims, 1, &k);
  auto pad = triple(argAt(s, 6, 3), kDims, 0), dil = triple(argAt(s, 6, 4), kDims, 1);
  bool ceil_mode = argAt(s, 6, 5).toBool();
  std::array<int64_t, 3> out;
  for (int i = 0; i < 3; ++i) {
    if (pad[i] * 2 > k[i]) lang::raise("RuntimeError", "pad should be at most half of effective kernel size, but got pad=" + std::to_string(pad[i]) + ", kernel_size=" + std::to_string(k[i]) + " and dilation=" + std::to_string(dil[i]));
    out[i] = poolOut(sp.in[i], k[i], st[i], pad[i], dil[i], ceil_mode);
    if (out[i] <= 0) lang::raise("RuntimeError", std::string(fn) + ": Output size is too small");
  }
  return walk<true>(sp, out, kDims, [&](const std::array<int64_t, 3>& o) {
    Range r;
    for (int i = 0; i < 3; ++i) {
      r.begin[i] = o[i] * st[i] - pad[i];
      r.end[i] = r.begin[i] + (k[i] - 1) * dil[i] + 1;
      r.step[i] = dil[i];
    }
    r.divisor = 1;
    return r;
  });
}
template <int kDims>
void maxPoolIndicesKernel(Stack& s) {
  auto [v, i] = maxPool<kDims>(s);
  pushResults(s, 6, {v.toIValue(), i.toIValue()});
}
void maxPool3dKernel(Stack& s) { pushResult(s, 6, maxPool<3>(s).first); }

// avg_pool3d(self, kernel_size, stride=[], padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)
void avgPool3dKernel(Stack& s) {
  Spatial sp = toSpatial(tensorAt(s, 7, 0), 3, "avg_pool3d");
  auto k = triple(argAt(s, 7, 1), 3, 1);
  auto st = triple(argAt(s, 7, 2), 3, 1, &k);
  auto pad = triple(argAt(s, 7, 3), 3, 0);
  bool ceil_mode = argAt(s, 7, 4).toBool(), include_pad = argAt(s, 7, 5).toBool();
  std::optional<int64_t> divisor = toOptInt(argAt(s, 7, 6));
  std::array<int64_t, 3> out;
  for (int i = 0; i < 3; ++i) out[i] = poolOut(sp.in[i], k[i], st[i], pad[i], 1, ceil_mode);
  auto r = walk<false>(sp, out, 3, [&](const std::array<int64_t, 3>& o) {
    Range w;
    double with_pad = 1, inside = 1;
    for (int i = 0; i < 3; ++i) {
      w.begin[i] = o[i] * st[i] - pad[i];
      w.end[i] = std::min(w.begin[i] + k[i], sp.in[i] + pad[i]);
      w.step[i] = 1;
      with_pad *= w.end[i] - w.begin[i];
      inside *= std::min(w.end[i], sp.in[i]) - std::max<int64_t>(w.begin[i], 0);
    }
    w.divisor = divisor ? double(*divisor) : include_pad ? with_pad : inside;
    return w;
  });
  pushResult(s, 7, r.first);
}

// adaptive pooling: output position o covers [floor(o*in/out), ceil((o+1)*in/out)).
template <bool kMax, int kDims>
std::pair<Tensor, Tensor> adaptive(Stack& s) {
  const char* fn = kMax ? "adaptive_max_pool" : "adaptive_avg_pool";
  Spatial sp = toSpatial(tensorAt(s, 2, 0), kDims, fn);
  auto out = triple(argAt(s, 2, 1), kDims, 1);
  return walk<kMax>(sp, out, kDims, [&](const std::array<int64_t, 3>& o) {
    Range w;
    w.divisor = 1;
    for (int i = 0; i < 3; ++i) {
      w.begin[i] = o[i] * sp.in[i] / out[i];
      w.end[i] = ((o[i] + 1) * sp.in[i] + out[i] - 1) / out[i];
      w.step[i] = 1;
      w.divisor *= static_cast<double>(w.end[i] - w.begin[i]);
    }
    return w;
  });
}
template <int kDims>
void adaptiveMaxKernel(Stack& s) {  // adaptive_max_pool2d(Tensor self, int[2] output_size) -> (Tensor, Tensor)
  auto [v, i] = adaptive<true, kDims>(s);
  pushResults(s, 2, {v.toIValue(), i.toIValue()});
}
void adaptiveAvg3dKernel(Stack& s) { pushResult(s, 2, adaptive<false, 3>(s).first); }

// max_unpool{2,3}d: each input value goes back to the position its max pool
// took it from (indices flat within each output plane); the rest are zeros.
template <int kDims>
void maxUnpoolKernel(Stack& s) {  // (self, indices, int[] output_size[, int[3] stride, int[3] padding])
  size_t n = kDims == 2 ? 3 : 5;
  Tensor x = tensorAt(s, n, 0), idx = tensorAt(s, n, 1);
  IntArray out_size = toIntArray(argAt(s, n, 2));
  if (static_cast<int>(out_size.size()) != kDims)
    lang::raise("RuntimeError", "There should be exactly " + std::to_string(kDims) + " elements in output_size, but got " + std::to_string(out_size.size()));
  if (x.sizes() != idx.sizes()) lang::raise("RuntimeError", "Expected shape of indices to be same as that of the input tensor (" + shapeStr(x.sizes()) + ") but got indices tensor with shape: " + shapeStr(idx.sizes()));
  if (x.dim() != kDims + 1 && x.dim() != kDims + 2)
    lang::raise("RuntimeError", "Input to max_unpooling" + std::to_string(kDims) + "d should be a " + std::to_string(kDims + 1) + "d or " + std::to_string(kDims + 2) + "d Tensor, but got a tensor with " + std::to_string(x.dim()) + " dimensions.");
  int64_t planes = 1, in_plane = 1, out_plane = 1;
  for (int64_t d = 0; d < x.dim() - kDims; ++d) planes *= x.size(d);
  for (int64_t d = x.dim() - kDims; d < x.dim(); ++d) in_plane *= x.size(d);
  for (int64_t o : out_size) out_plane *= o;
  IntArray shape(x.sizes().begin(), x.sizes().end() - kDims);
  shape.insert(shape.end(), out_size.begin(), out_size.end());
  Tensor xd = x.to(ScalarType::Double).contiguous(), id = idx.to(ScalarType::Long).contiguous();
  Tensor out = Tensor::zeros({planes * out_plane}, ScalarType::Double);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t i = 0; i < in_plane; ++i) {
      int64_t at = id.data<int64_t>()[p * in_plane + i];
      if (at < 0 || at >= out_plane) lang::raise("RuntimeError", "Found an invalid max index: " + std::to_string(at) + " (output volumes are of size " + std::to_string(out_plane) + ")");
      out.data<double>()[p * out_plane + at] = xd.data<double>()[p * in_plane + i];
    }
  pushResult(s, n, out.reshape(shape).to(x.dtype()));
}

static lang::RegisterOps reg({
    {"aten::max_unpool2d(Tensor self, Tensor indices, int[2] output_size) -> Tensor", maxUnpoolKernel<2>},
    {"aten::max_unpool3d(Tensor self, Tensor indices, int[3] output_size, int[3] stride, int[3] padding) -> Tensor", maxUnpoolKernel<3>},
    {"aten::max_pool1d_with_indices(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=0, int[1] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)", maxPoolIndicesKernel<1>},
    {"aten::max_pool3d_with_indices(Tensor self, int[3] kernel_size, int[3] stride=[], int[3] padding=0, int[3] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)", maxPoolIndicesKernel<3>},
    {"aten::max_pool3d(Tensor self, int[3] kernel_size, int[3] stride=[], int[3] padding=0, int[3] dilation=1, bool ceil_mode=False) -> Tensor", maxPool3dKernel},
    {"aten::avg_pool3d(Tensor self, int[3] kernel_size, int[3] stride=[], int[3] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor", avgPool3dKernel},
    {"aten::adaptive_max_pool1d(Tensor self, int[1] output_size) -> (Tensor, Tensor)", adaptiveMaxKernel<1>},
    {"aten::adaptive_max_pool2d(Tensor self, int[2] output_size) -> (Tensor, Tensor)", adaptiveMaxKernel<2>},
    {"aten::adaptive_max_pool3d(Tensor self, int[3] output_size) -> (Tensor, Tensor)", adaptiveMaxKernel<3>},
    {"aten::adaptive_avg_pool3d(Tensor self, int[3] output_size) -> Tensor", adaptiveAvg3dKernel},
});

}  // namespace
}  // namespace wick::ops
