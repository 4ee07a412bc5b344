// Direct (loop) convolutions for what conv2d_gemm.cpp's im2col path does not
// cover: conv3d and the transposed convolutions conv_transpose{1,2,3}d.
// Every input is seen with 3 spatial dims (missing leading ones of size 1)
// and accumulated in double; sizes in TorchScript programs are small.
#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

using Dims3 = std::array<int64_t, 3>;

struct Conv {
  Tensor x, w;      // x (N, C, D, H, W), w (O, C/groups, kD, kH, kW) [transposed: (C, O/groups, ...)] in double
  int64_t n, c, groups;
  Dims3 in, k, stride, pad, dil, out_pad{0, 0, 0};
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
  Tensor x = cv.batched ? input : input.unsqueeze(0);
  IntArray xs = {x.sizes()[0], x.sizes()[1], 1, 1, 1}, ws = {weight.sizes()[0], weight.sizes()[1], 1, 1, 1};
  for (int i = 0; i < dims; ++i) xs[5 - dims + i] = x.sizes()[2 + i], ws[5 - dims + i] = weight.sizes()[2 + i];
  cv.x = x.to(ScalarType::Double).contiguous().reshape(xs);
  cv.w = weight.to(ScalarType::Double).contiguous().reshape(ws);
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
    out = add(out.toIValue(), Tensor::fromIValue(bias).to(ScalarType::Double).reshape(bshape).toIValue());
  }
  IntArray shape = {out.sizes()[0], out.sizes()[1]};
  for (int i = 0; i < dims; ++i) shape.push_back(out.sizes()[5 - dims + i]);
  out = out.reshape(shape).to(input.dtype());
  return cv.batched ? out : out.squeeze(0);
}

// out[n, o, z] = sum_{c in o's group, kk} x[n, c, z*stride - pad + kk*dil] * w[o, c, kk]
Tensor convForward(const Conv& cv) {
  int64_t o_ch = cv.w.sizes()[0], cg = cv.w.sizes()[1];
  if (cv.c != cg * cv.groups || o_ch % cv.groups)
    lang::raise("RuntimeError", "Given groups=" + std::to_string(cv.groups) + ", weight of size " + shapeStr(cv.w.sizes()) + ", expected input to have " +
                                    std::to_string(cg * cv.groups) + " channels, but got " + std::to_string(cv.c) + " channels instead");
  Dims3 out;
  for (int i = 0; i < 3; ++i) {
    out[i] = (cv.in[i] + 2 * cv.pad[i] - cv.dil[i] * (cv.k[i] - 1) - 1) / cv.stride[i] + 1;
    if (out[i] <= 0) lang::raise("RuntimeError", "Calculated output size is too small");
  }
  Tensor r = Tensor::zeros({cv.n, o_ch, out[0], out[1], out[2]}, ScalarType::Double);
  const double* x = cv.x.data<double>();
  const double* w = cv.w.data<double>();
  double* o = r.data<double>();
  int64_t per_group = o_ch / cv.groups, kvol = cv.k[0] * cv.k[1] * cv.k[2], ivol = cv.in[0] * cv.in[1] * cv.in[2];
  for (int64_t b = 0; b < cv.n; ++b)
    for (int64_t oc = 0; oc < o_ch; ++oc)
      for (int64_t z = 0; z < out[0]; ++z)
        for (int64_t y = 0; y < out[1]; ++y)
          for (int64_t xx = 0; xx < out[2]; ++xx) {
            double acc = 0;
            for (int64_t ci = 0; ci < cg; ++ci) {
              int64_t c = (oc / per_group) * cg + ci;
              for (int64_t a = 0; a < cv.k[0]; ++a)
                for (int64_t bb = 0; bb < cv.k[1]; ++bb)
                  for (int64_t d = 0; d < cv.k[2]; ++d) {
                    int64_t iz = z * cv.stride[0] - cv.pad[0] + a * cv.dil[0], iy = y * cv.stride[1] - cv.pad[1] + bb * cv.dil[1],
                            ix = xx * cv.stride[2] - cv.pad[2] + d * cv.dil[2];
                    if (iz < 0 || iz >= cv.in[0] || iy < 0 || iy >= cv.in[1] || ix < 0 || ix >= cv.in[2]) continue;
                    acc += x[(b * cv.c + c) * ivol + (iz * cv.in[1] + iy) * cv.in[2] + ix] *
                           w[(oc * cg + ci) * kvol + (a * cv.k[1] + bb) * cv.k[2] + d];
                  }
            }
            o[(((b * o_ch + oc) * out[0] + z) * out[1] + y) * out[2] + xx] = acc;
          }
  return r;
}

// Transposed: every input element spreads x * w over out[z*stride - pad + kk*dil].
Tensor convTransposed(const Conv& cv) {
  int64_t per_group_in = cv.c / cv.groups, og = cv.w.sizes()[1], o_ch = og * cv.groups;
  if (cv.w.sizes()[0] != cv.c || cv.c % cv.groups)
    lang::raise("RuntimeError", "Given transposed=1, weight of size " + shapeStr(cv.w.sizes()) + ", expected input to have " +
                                    std::to_string(cv.w.sizes()[0]) + " channels, but got " + std::to_string(cv.c) + " channels instead");
  Dims3 out;
  for (int i = 0; i < 3; ++i)
    out[i] = (cv.in[i] - 1) * cv.stride[i] - 2 * cv.pad[i] + cv.dil[i] * (cv.k[i] - 1) + cv.out_pad[i] + 1;
  Tensor r = Tensor::zeros({cv.n, o_ch, out[0], out[1], out[2]}, ScalarType::Double);
  const double* x = cv.x.data<double>();
  const double* w = cv.w.data<double>();
  double* o = r.data<double>();
  int64_t kvol = cv.k[0] * cv.k[1] * cv.k[2], ovol = out[0] * out[1] * out[2];
  for (int64_t b = 0; b < cv.n; ++b)
    for (int64_t c = 0; c < cv.c; ++c)
      for (int64_t z = 0; z < cv.in[0]; ++z)
        for (int64_t y = 0; y < cv.in[1]; ++y)
          for (int64_t xx = 0; xx < cv.in[2]; ++xx) {
            double v = x[(((b * cv.c + c) * cv.in[0] + z) * cv.in[1] + y) * cv.in[2] + xx];
            for (int64_t oi = 0; oi < og; ++oi) {
              int64_t oc = (c / per_group_in) * og + oi;
              for (int64_t a = 0; a < cv.k[0]; ++a)
                for (int64_t bb = 0; bb < cv.k[1]; ++bb)
                  for (int64_t d = 0; d < cv.k[2]; ++d) {
                    int64_t oz = z * cv.stride[0] - cv.pad[0] + a * cv.dil[0], oy = y * cv.stride[1] - cv.pad[1] + bb * cv.dil[1],
                            ox = xx * cv.stride[2] - cv.pad[2] + d * cv.dil[2];
                    if (oz < 0 || oz >= out[0] || oy < 0 || oy >= out[1] || ox < 0 || ox >= out[2]) continue;
                    o[(b * o_ch + oc) * ovol + (oz * out[1] + oy) * out[2] + ox] += v * w[(c * og + oi) * kvol + (a * cv.k[1] + bb) * cv.k[2] + d];
                  }
            }
          }
  return r;
}

// conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3] padding=0, int[3] dilation=1, int groups=1)
void conv3dKernel(Stack& s) {
  Tensor input = tensorAt(s, 7, 0);
  Conv cv = setup(input, tensorAt(s, 7, 1), 3, argAt(s, 7, 6).toInt(), "conv3d");
  cv.stride = triple(argAt(s, 7, 3), 3, 1);
  cv.dil = triple(argAt(s, 7, 5), 3, 1);
  const IValue& pad = argAt(s, 7, 4);
  if (pad.isStr()) {
    if (pad.toStr() == "same")
      for (int i = 0; i < 3; ++i) cv.pad[i] = cv.dil[i] * (cv.k[i] - 1) / 2;
    else cv.pad = {0, 0, 0};
  } else {
    cv.pad = triple(pad, 3, 0);
  }
  pushResult(s, 7, finish(cv, convForward(cv), argAt(s, 7, 2), input, 3));
}

// conv_transpose{D}d(Tensor input, Tensor weight, Tensor? bias=None, int[] stride=1, int[] padding=0,
//                    int[] output_padding=0, int groups=1, int[] dilation=1)
template <int kDims>
void convTransposeKernel(Stack& s) {
  Tensor input = tensorAt(s, 8, 0);
  Conv cv = setup(input, tensorAt(s, 8, 1), kDims, argAt(s, 8, 6).toInt(), "conv_transpose");
  cv.stride = triple(argAt(s, 8, 3), kDims, 1);
  cv.pad = triple(argAt(s, 8, 4), kDims, 0);
  cv.out_pad = triple(argAt(s, 8, 5), kDims, 0);
  cv.dil = triple(argAt(s, 8, 7), kDims, 1);
  pushResult(s, 8, finish(cv, convTransposed(cv), argAt(s, 8, 2), input, kDims));
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
