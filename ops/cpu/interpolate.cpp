// F.interpolate: resizing the spatial dims of (N, C, d1, ...) one dim at a
// time (every mode here is separable). Source positions follow aten's
// UpSample.h: nearest floor(o * scale) in float, nearest-exact
// floor((o + 0.5) * scale), linear/cubic from area_pixel_compute_source_index;
// bicubic uses Keys' kernel with A = -0.75 and clamped taps; area is
// adaptive average pooling.
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

Tensor indexSelect(const Tensor& x, int64_t d, const Tensor& idx) {
  static const lang::Operator* op = findOp("aten::index_select");
  return callTensorOp(op, {x.toIValue(), IValue(d), idx.toIValue()});
}

// A weighted sum of taps: sum_k w[k][o] * x[idx[k][o]] along dim d.
Tensor taps(const Tensor& x, int64_t d, const std::vector<Tensor>& idx, const std::vector<Tensor>& w) {
  IntArray wshape(x.dim(), 1);
  wshape[d] = idx[0].numel();
  Tensor acc;
  for (size_t k = 0; k < idx.size(); ++k) {
    Tensor term = mul(indexSelect(x, d, idx[k]).toIValue(), w[k].to(x.dtype()).reshape(wshape).toIValue());
    acc = acc.defined() ? add(acc.toIValue(), term.toIValue()) : term;
  }
  return acc;
}

// aten's area_pixel_compute_source_index.
double sourceIndex(double scale, int64_t o, bool align, bool cubic) {
  if (align) return scale * o;
  double src = scale * (o + 0.5) - 0.5;
  return !cubic && src < 0 ? 0.0 : src;
}

double cubic1(double x, double a) { return ((a + 2) * x - (a + 3)) * x * x + 1; }
double cubic2(double x, double a) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; }

// scale: in/out, or 1/scale_factor when one was given (aten's compute_scales_value).
Tensor resizeDim(const Tensor& x, int64_t d, int64_t out, double scale, const std::string& mode, bool align) {
  int64_t in = x.sizes()[d];
  auto longs = [out] { return Tensor::empty({out}, ScalarType::Long); };
  if (mode == "nearest" || mode == "nearest-exact") {
    Tensor i0 = longs();
    float fs = static_cast<float>(scale);
    for (int64_t o = 0; o < out; ++o) {
      float src = mode == "nearest" ? std::floor(static_cast<float>(o) * fs) : std::floor((static_cast<float>(o) + 0.5f) * fs);
      i0.data<int64_t>()[o] = std::min<int64_t>(static_cast<int64_t>(src), in - 1);
    }
    return indexSelect(x, d, i0);
  }
  double s = align ? (out > 1 ? double(in - 1) / (out - 1) : 0.0) : scale;
  bool cubic = mode == "bicubic";
  int64_t ntaps = cubic ? 4 : 2;
  std::vector<Tensor> idx, w;
  for (int64_t k = 0; k < ntaps; ++k) {
    idx.push_back(longs());
    w.push_back(Tensor::empty({out}, ScalarType::Double));
  }
  for (int64_t o = 0; o < out; ++o) {
    double src = sourceIndex(s, o, align, cubic);
    int64_t base = static_cast<int64_t>(std::floor(src));
    double t = src - base;
    if (!cubic) {
      base = std::min<int64_t>(base, in - 1);
      idx[0].data<int64_t>()[o] = base;
      idx[1].data<int64_t>()[o] = std::min<int64_t>(base + 1, in - 1);
      w[0].data<double>()[o] = 1 - (src - base);
      w[1].data<double>()[o] = src - base;
      continue;
    }
    const double a = -0.75, c[4] = {cubic2(t + 1, a), cubic1(t, a), cubic1(1 - t, a), cubic2(2 - t, a)};
    for (int64_t k = 0; k < 4; ++k) {
      idx[k].data<int64_t>()[o] = std::clamp<int64_t>(base - 1 + k, 0, in - 1);
      w[k].data<double>()[o] = c[k];
    }
  }
  return taps(x, d, idx, w);
}

int64_t requiredDims(const std::string& mode) {
  if (mode == "linear") return 3;
  if (mode == "bilinear" || mode == "bicubic") return 4;
  if (mode == "trilinear") return 5;
  return 0;
}

// Each spatial dim k resized to outs[k], source positions stepping by scales[k] (in / out, or
// 1 / the scale factor asked for).
Tensor resample(const Tensor& x, const IntArray& outs, const std::vector<double>& scales, const std::string& mode, bool align) {
  int64_t spatial = static_cast<int64_t>(outs.size());
  if (mode == "area") {
    const char* op = spatial == 1 ? "aten::adaptive_avg_pool1d" : "aten::adaptive_avg_pool2d";
    if (spatial > 2) lang::raise("NotImplementedError", "area mode supports 1-d and 2-d inputs in wick");
    return callTensorOp(findOp(op), {x.toIValue(), fromIntArray(outs)});
  }
  Tensor cur = x;
  for (int64_t k = 0; k < spatial; ++k) cur = resizeDim(cur, 2 + k, outs[k], scales[k], mode, align);
  return cur.contiguous();
}

Tensor interpolate(const Tensor& x, const IValue& size, const IValue& sf, const std::string& mode, const IValue& align_v,
                   const IValue& recompute_v, bool antialias) {
  static const char* kModes[] = {"nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"};
  if (std::find(std::begin(kModes), std::end(kModes), mode) == std::end(kModes))
    lang::raise("NotImplementedError", "Input Error: Only 3D, 4D and 5D input Tensors supported (got " + std::to_string(x.dim()) +
                                           "D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got " + mode + ")");
  bool interpolating = mode == "linear" || mode == "bilinear" || mode == "bicubic" || mode == "trilinear";
  if (!align_v.isNone() && !interpolating)
    lang::raise("ValueError", "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  if (antialias && mode != "bilinear" && mode != "bicubic")
    lang::raise("ValueError", "Anti-alias option is only supported for bilinear and bicubic modes");
  bool align = !align_v.isNone() && align_v.toBool();
  int64_t spatial = x.dim() - 2;
  if (!size.isNone() && !sf.isNone()) lang::raise("ValueError", "only one of size or scale_factor should be defined");
  if (size.isNone() && sf.isNone()) lang::raise("ValueError", "either size or scale_factor should be defined");
  auto count = [](const IValue& v) { return v.isList() ? static_cast<int64_t>(v.toList()->items.size()) : -1; };
  if (count(size) >= 0 && count(size) != spatial)
    lang::raise("ValueError", "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of " +
                                  shapeStr(IntArray(x.sizes().begin() + std::min<int64_t>(2, x.dim()), x.sizes().end())) + " and output size of " +
                                  shapeStr(toIntArray(size)) + ". Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
  if (count(sf) >= 0 && count(sf) != spatial)
    lang::raise("ValueError", "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of " +
                                  shapeStr(IntArray(x.sizes().begin() + std::min<int64_t>(2, x.dim()), x.sizes().end())) +
                                  " and scale_factor of shape " + std::to_string(count(sf)) + ".");
  if (spatial < 1 || spatial > 3 || (requiredDims(mode) && requiredDims(mode) != x.dim()))
    lang::raise("NotImplementedError", "Got " + std::to_string(x.dim()) + "D input, but " + mode + " mode needs " +
                                           std::to_string(requiredDims(mode) ? requiredDims(mode) : 4) + "D input");
  bool recompute = !recompute_v.isNone() && recompute_v.toBool();
  IntArray outs;
  std::vector<double> scales;
  for (int64_t k = 0; k < spatial; ++k) {
    int64_t in = x.sizes()[2 + k];
    if (!size.isNone()) {
      int64_t o = size.isInt() ? size.toInt() : size.toList()->items.at(k).toInt();
      outs.push_back(o);
      scales.push_back(double(in) / o);
    } else {
      double f = sf.isList() ? sf.toList()->items.at(k).toScalarDouble() : sf.toScalarDouble();
      int64_t o = static_cast<int64_t>(std::floor(in * f));
      outs.push_back(o);
      scales.push_back(recompute || f <= 0 ? double(in) / o : 1.0 / f);
    }
  }
  return resample(x, outs, scales, mode, align);
}

// interpolate(Tensor input, size, scale_factor, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)
void interpolateKernel(Stack& s) {
  constexpr size_t n = 7;
  pushResult(s, n, interpolate(tensorAt(s, n, 0), argAt(s, n, 1), argAt(s, n, 2), argAt(s, n, 3).toStr(), argAt(s, n, 4), argAt(s, n, 5),
                               argAt(s, n, 6).toBool()));
}

// upsample_<mode>.vec(Tensor input, int[]? output_size, [bool align_corners,] float[]? scale_factors):
// what F.interpolate calls in the code torch saves, and what the tracer records.
void upsampleVec(Stack& s, const char* mode, bool has_align, bool antialias) {
  size_t n = has_align ? 4 : 3;
  IValue align = has_align ? argAt(s, n, 2) : IValue();
  pushResult(s, n, interpolate(tensorAt(s, n, 0), argAt(s, n, 1), argAt(s, n, n - 1), mode, align, IValue(), antialias));
}

// upsample_<mode>(Tensor self, int[k] output_size, [bool align_corners,] float? scales...): the
// overloads older archives call. A scale given for a dimension sets its sampling step (1 /
// scale) as aten's kernels take it, whatever the output size; else the step is in / out.
void upsampleSized(Stack& s, const char* mode, bool has_align, int dims) {
  size_t n = (has_align ? 3 : 2) + dims;
  Tensor x = tensorAt(s, n, 0);
  IntArray out = toIntArray(argAt(s, n, 1));
  if (static_cast<int>(out.size()) != dims || x.dim() != dims + 2)
    lang::raise("RuntimeError", std::string("upsample (") + mode + "): expected a " + std::to_string(dims + 2) + "-d input and " +
                                    std::to_string(dims) + " output sizes, got input " + shapeStr(x.sizes()) + " and output size " + shapeStr(out));
  std::vector<double> steps;
  for (int k = 0; k < dims; ++k) {
    const IValue& sc = argAt(s, n, n - dims + k);
    if (out[k] <= 0) lang::raise("RuntimeError", "upsample: output sizes must be positive, got " + shapeStr(out));
    steps.push_back(!sc.isNone() && sc.toDouble() > 0 ? 1.0 / sc.toDouble() : static_cast<double>(x.size(2 + k)) / out[k]);
  }
  pushResult(s, n, resample(x, out, steps, mode, has_align && argAt(s, n, 2).toBool()).to(x.dtype()));
}

#define WICK_UPSAMPLE_SIZED(name, mode, align, dims, scales)                                                   \
  {"aten::" name "(Tensor self, int[" #dims "] output_size, " align scales ") -> Tensor",                      \
   [](Stack& s) { upsampleSized(s, mode, sizeof(align) > 1, dims); }}
#define WICK_SCALES1 "float? scales=None"
#define WICK_SCALES2 "float? scales_h=None, float? scales_w=None"
#define WICK_SCALES3 "float? scales_d=None, float? scales_h=None, float? scales_w=None"

#define WICK_UPSAMPLE_NEAREST(name, mode)                                                                      \
  {"aten::" name ".vec(Tensor input, int[]? output_size, float[]? scale_factors) -> Tensor",                 \
   [](Stack& s) { upsampleVec(s, mode, false, false); }}
#define WICK_UPSAMPLE_LINEAR(name, mode, antialias)                                                            \
  {"aten::" name ".vec(Tensor input, int[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", \
   [](Stack& s) { upsampleVec(s, mode, true, antialias); }}

#define WICK_INTERPOLATE(overload, size_t, scale_t)                                                                  \
  {"functional::interpolate." overload "(Tensor input, " size_t " size=None, " scale_t " scale_factor=None, str mode='nearest', " \
   "bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False) -> Tensor", interpolateKernel}

static lang::RegisterOps reg({
    {"aten::interpolate(Tensor input, Any size=None, Any scale_factor=None, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False) -> Tensor", interpolateKernel},
    // F.interpolate's TorchScript overloads: size int or int list, scale_factor float or float list.
    WICK_INTERPOLATE("int_float", "int?", "float?"), WICK_INTERPOLATE("list_list", "int[]?", "float[]?"),
    WICK_INTERPOLATE("int_list", "int?", "float[]?"), WICK_INTERPOLATE("list_float", "int[]?", "float?"),
    WICK_UPSAMPLE_NEAREST("upsample_nearest1d", "nearest"), WICK_UPSAMPLE_NEAREST("upsample_nearest2d", "nearest"),
    WICK_UPSAMPLE_NEAREST("upsample_nearest3d", "nearest"), WICK_UPSAMPLE_NEAREST("_upsample_nearest_exact1d", "nearest-exact"),
    WICK_UPSAMPLE_NEAREST("_upsample_nearest_exact2d", "nearest-exact"),
    WICK_UPSAMPLE_NEAREST("_upsample_nearest_exact3d", "nearest-exact"),
    WICK_UPSAMPLE_LINEAR("upsample_linear1d", "linear", false), WICK_UPSAMPLE_LINEAR("upsample_bilinear2d", "bilinear", false),
    WICK_UPSAMPLE_LINEAR("upsample_trilinear3d", "trilinear", false), WICK_UPSAMPLE_LINEAR("upsample_bicubic2d", "bicubic", false),
    WICK_UPSAMPLE_LINEAR("_upsample_bilinear2d_aa", "bilinear", true), WICK_UPSAMPLE_LINEAR("_upsample_bicubic2d_aa", "bicubic", true),
    WICK_UPSAMPLE_SIZED("upsample_nearest1d", "nearest", "", 1, WICK_SCALES1),
    WICK_UPSAMPLE_SIZED("upsample_nearest2d", "nearest", "", 2, WICK_SCALES2),
    WICK_UPSAMPLE_SIZED("upsample_nearest3d", "nearest", "", 3, WICK_SCALES3),
    WICK_UPSAMPLE_SIZED("_upsample_nearest_exact1d", "nearest-exact", "", 1, WICK_SCALES1),
    WICK_UPSAMPLE_SIZED("_upsample_nearest_exact2d", "nearest-exact", "", 2, WICK_SCALES2),
    WICK_UPSAMPLE_SIZED("_upsample_nearest_exact3d", "nearest-exact", "", 3, WICK_SCALES3),
    WICK_UPSAMPLE_SIZED("upsample_linear1d", "linear", "bool align_corners, ", 1, WICK_SCALES1),
    WICK_UPSAMPLE_SIZED("upsample_bilinear2d", "bilinear", "bool align_corners, ", 2, WICK_SCALES2),
    WICK_UPSAMPLE_SIZED("upsample_bicubic2d", "bicubic", "bool align_corners, ", 2, WICK_SCALES2),
    WICK_UPSAMPLE_SIZED("upsample_trilinear3d", "trilinear", "bool align_corners, ", 3, WICK_SCALES3),
});

}  // namespace
}  // namespace wick::ops
