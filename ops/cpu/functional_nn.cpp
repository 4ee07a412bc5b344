// More of torch.nn.functional: instance_norm, local_response_norm,
// bilinear, prelu, gumbel_softmax, lp_pool1d/2d, pixel_shuffle/unshuffle and
// unfold/fold (im2col/col2im), composed from aten ops as
// torch/nn/functional.py writes them where that is how PyTorch computes them.
#include <algorithm>
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

Tensor op(const char* name, std::vector<IValue> args) { return Tensor::fromIValue(callOp(findOp(name), std::move(args))); }
IValue v(const Tensor& t) { return t.toIValue(); }

// Normalizes each (n, c) plane over its spatial dims (biased variance).
void instanceNorm(Stack& s) {  // (input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-5)
  constexpr size_t n = 8;
  Tensor x = tensorAt(s, n, 0);
  if (x.dim() < 3) lang::raise("ValueError", "Expected 3D or higher input (got " + std::to_string(x.dim()) + "D input)");
  double eps = argAt(s, n, 7).toDouble();
  IntArray cshape(x.dim(), 1);
  cshape[1] = x.sizes()[1];
  Tensor mean, var;
  if (argAt(s, n, 5).toBool()) {
    IntArray dims;
    for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
    mean = op("aten::mean.dim", {v(x), fromIntArray(dims), IValue(true), IValue()});
    var = op("aten::var.correction", {v(x), fromIntArray(dims), IValue(int64_t(0)), IValue(true)});
  } else {
    mean = tensorAt(s, n, 1).reshape(cshape);
    var = tensorAt(s, n, 2).reshape(cshape);
  }
  Tensor y = div(v(sub(v(x), v(mean))), v(op("aten::sqrt", {v(add(v(var), IValue(eps)))})));
  if (!argAt(s, n, 3).isNone()) y = mul(v(y), v(tensorAt(s, n, 3).reshape(cshape)));
  if (!argAt(s, n, 4).isNone()) y = add(v(y), v(tensorAt(s, n, 4).reshape(cshape)));
  pushResult(s, n, y);
}

// aten::instance_norm (what nn.InstanceNorm's saved code calls) takes the
// weights first and a cudnn flag last: the same arguments otherwise.
void atenInstanceNorm(Stack& s) {  // (input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled)
  s.pop_back();
  size_t base = s.size() - 8;
  std::rotate(s.begin() + base + 1, s.begin() + base + 3, s.begin() + base + 5);  // -> input, running_mean, running_var, weight, bias
  instanceNorm(s);
}

// x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta, zero padded.
void localResponseNorm(Stack& s) {  // (input, size, alpha=1e-4, beta=0.75, k=1.0)
  Tensor x = tensorAt(s, 5, 0);
  int64_t size = argAt(s, 5, 1).toInt();
  double alpha = argAt(s, 5, 2).toDouble(), beta = argAt(s, 5, 3).toDouble(), k = argAt(s, 5, 4).toDouble();
  if (x.dim() < 3) lang::raise("ValueError", "Expected 3D or higher dimensionality input (got " + std::to_string(x.dim()) + " dimensions)");
  Tensor sq = mul(v(x), v(x));
  int64_t c = x.sizes()[1];
  Tensor acc = Tensor::zeros(x.sizes(), x.dtype());
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t j = ch - size / 2; j <= ch + (size - 1) / 2; ++j)
      if (j >= 0 && j < c) acc.select(1, ch).copy_(add(v(acc.select(1, ch)), v(sq.select(1, j))));
  Tensor div_t = op("aten::pow.Tensor_Scalar", {v(add(v(mul(v(acc), IValue(alpha / size))), IValue(k))), IValue(beta)});
  pushResult(s, 5, div(v(x), v(div_t)));
}

// y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]
void bilinear(Stack& s) {  // bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None)
  Tensor a = tensorAt(s, 4, 0), b = tensorAt(s, 4, 1), w = tensorAt(s, 4, 2);
  Tensor y = op("aten::einsum", {IValue(std::string("...i,oij,...j->...o")), fromTensorList({a, w, b}), IValue()});
  if (!argAt(s, 4, 3).isNone()) y = add(v(y), argAt(s, 4, 3));
  pushResult(s, 4, y);
}

// prelu: x for x >= 0, weight * x otherwise; weight is one value or one per channel (dim 1).
void prelu(Stack& s) {  // prelu(Tensor self, Tensor weight)
  Tensor x = tensorAt(s, 2, 0), w = tensorAt(s, 2, 1);
  Tensor ww = w;
  if (w.numel() != 1) {
    int64_t cdim = x.dim() >= 2 ? 1 : 0;
    if (x.dim() == 0 || w.numel() != x.sizes()[cdim])
      lang::raise("RuntimeError", "Mismatch of parameter numbers and input channel size. Found parameter numbers = " + std::to_string(w.numel()) +
                                      " and channel size = " + std::to_string(x.dim() ? x.sizes()[cdim] : 1) + ".");
    IntArray shape(x.dim(), 1);
    shape[cdim] = w.numel();
    ww = w.reshape(shape);
  }
  Tensor neg = op("aten::lt.Scalar", {v(x), IValue(int64_t(0))});
  pushResult(s, 2, op("aten::where.self", {v(neg), v(mul(v(ww), v(x))), v(x)}));
}

// softmax((logits + g) / tau) with Gumbel noise g = -log(Exp(1)); hard: the
// one-hot of its argmax, written as y_hard - y_soft + y_soft like PyTorch.
void gumbelSoftmax(Stack& s) {  // gumbel_softmax(Tensor logits, float tau=1, bool hard=False, float eps=1e-10, int dim=-1)
  Tensor logits = tensorAt(s, 5, 0);
  double tau = argAt(s, 5, 1).toDouble();
  int64_t dim = argAt(s, 5, 4).toInt();
  Tensor u = op("aten::rand_like", {v(logits), IValue(), IValue(), IValue(), IValue(), IValue()});
  Tensor g = op("aten::neg", {v(op("aten::log", {v(op("aten::neg", {v(op("aten::log", {v(u)}))}))}))});
  Tensor y = op("aten::softmax.int", {v(div(v(add(v(logits), v(g))), IValue(tau))), IValue(dim), IValue()});
  if (argAt(s, 5, 2).toBool()) {
    Tensor idx = op("aten::argmax", {v(y), IValue(dim), IValue(true)});
    Tensor hard = op("aten::scatter.value", {v(op("aten::zeros_like", {v(y), IValue(), IValue(), IValue(), IValue(), IValue()})), IValue(dim), v(idx), IValue(1.0)});
    y = add(v(sub(v(hard), v(y))), v(y));
  }
  pushResult(s, 5, y);
}

// lp_pool: (sum over the window of x^p)^(1/p) = (avg_pool(x^p) * window)^(1/p).
template <bool k1d>
void lpPool(Stack& s) {  // lp_pool2d(Tensor input, float norm_type, int[2] kernel_size, int[2]? stride=None, bool ceil_mode=False)
  Tensor x = tensorAt(s, 5, 0);
  double p = argAt(s, 5, 1).toScalarDouble();  // Union[int, float] in F's signature
  IntArray k = toIntArray(argAt(s, 5, 2));
  IValue stride = argAt(s, 5, 3).isNone() ? fromIntArray({}) : argAt(s, 5, 3);
  Tensor powered = op("aten::pow.Tensor_Scalar", {v(x), IValue(p)});
  Tensor avg = k1d ? op("aten::avg_pool1d", {v(powered), fromIntArray(k), stride, fromIntArray({0}), argAt(s, 5, 4), IValue(true)})
                   : op("aten::avg_pool2d", {v(powered), fromIntArray(k), stride, fromIntArray({0}), argAt(s, 5, 4), IValue(true), IValue()});
  int64_t window = k1d ? k.at(0) : (k.size() == 1 ? k[0] * k[0] : k.at(0) * k.at(1));
  Tensor signed_abs = mul(v(op("aten::sign", {v(avg)})), v(op("aten::relu", {v(op("aten::abs", {v(avg)}))})));
  pushResult(s, 5, op("aten::pow.Tensor_Scalar", {v(mul(v(signed_abs), IValue(window))), IValue(1.0 / p)}));
}

// (N, C*r*r, H, W) <-> (N, C, H*r, W*r)
template <bool kShuffle>
void pixelShuffle(Stack& s) {  // pixel_shuffle(Tensor self, int upscale_factor)
  Tensor x = tensorAt(s, 2, 0);
  int64_t r = argAt(s, 2, 1).toInt();
  if (r <= 0)
    lang::raise("RuntimeError", std::string(kShuffle ? "pixel_shuffle expects a positive upscale_factor" : "pixel_unshuffle expects a positive downscale_factor") +
                                    ", but got " + std::to_string(r));
  if (x.dim() < 3) lang::raise("RuntimeError", std::string(kShuffle ? "pixel_shuffle" : "pixel_unshuffle") + " expects input to have at least 3 dimensions, but got input with " + std::to_string(x.dim()) + " dimension(s)");
  IntArray lead(x.sizes().begin(), x.sizes().end() - 3);
  int64_t c = x.sizes()[x.dim() - 3], h = x.sizes()[x.dim() - 2], w = x.sizes()[x.dim() - 1], nl = static_cast<int64_t>(lead.size());
  IntArray shape = lead, perm, out = lead;
  for (int64_t i = 0; i < nl; ++i) perm.push_back(i);
  if (kShuffle) {
    if (c % (r * r)) lang::raise("RuntimeError", "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=" + std::to_string(c) + " is not divisible by " + std::to_string(r * r));
    shape.insert(shape.end(), {c / (r * r), r, r, h, w});
    for (int64_t i : {0, 3, 1, 4, 2}) perm.push_back(nl + i);
    out.insert(out.end(), {c / (r * r), h * r, w * r});
  } else {
    if (h % r || w % r) lang::raise("RuntimeError", "pixel_unshuffle expects height and width to be divisible by downscale_factor");
    shape.insert(shape.end(), {c, h / r, r, w / r, r});
    for (int64_t i : {0, 2, 4, 1, 3}) perm.push_back(nl + i);
    out.insert(out.end(), {c * r * r, h / r, w / r});
  }
  pushResult(s, 2, x.reshape(shape).permute(perm).reshape(out));
}

std::pair<int64_t, int64_t> pairOf(const IValue& v) {
  IntArray a = toIntArray(v);
  return a.size() == 1 ? std::pair{a[0], a[0]} : std::pair{a.at(0), a.at(1)};
}

// Sliding windows over an image (N, C, H, W) as unfold lays them out in
// columns (N, C*kh*kw, oh*ow): calls f(column index, image index) for every
// window element inside the image (padding has no image element).
struct WindowGeometry {
  int64_t n, c, h, w, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow;
};
template <class F>
void forEachWindowPixel(const WindowGeometry& g, F f) {
  for (int64_t b = 0; b < g.n; ++b)
    for (int64_t ch = 0; ch < g.c; ++ch)
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j) {
          int64_t row = (((b * g.c + ch) * g.kh + i) * g.kw + j) * g.oh * g.ow;
          for (int64_t oy = 0; oy < g.oh; ++oy) {
            int64_t y = oy * g.sh - g.ph + i * g.dh;
            if (y < 0 || y >= g.h) continue;
            for (int64_t ox = 0; ox < g.ow; ++ox) {
              int64_t x = ox * g.sw - g.pw + j * g.dw;
              if (x >= 0 && x < g.w) f(row + oy * g.ow + ox, ((b * g.c + ch) * g.h + y) * g.w + x);
            }
          }
        }
}

// unfold (im2col): (N, C, H, W) -> (N, C*kh*kw, L), each column one window.
void unfold(Stack& s) {  // unfold(Tensor input, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)
  Tensor x = tensorAt(s, 5, 0);
  bool batched = x.dim() == 4;
  if (x.dim() != 3 && x.dim() != 4) lang::raise("NotImplementedError", "Input Error: Only 3D or 4D input Tensors are supported (got " + std::to_string(x.dim()) + "D)");
  Tensor xb = (batched ? x : x.unsqueeze(0)).to(ScalarType::Double).contiguous();
  auto [kh, kw] = pairOf(argAt(s, 5, 1));
  auto [dh, dw] = pairOf(argAt(s, 5, 2));
  auto [ph, pw] = pairOf(argAt(s, 5, 3));
  auto [sh, sw] = pairOf(argAt(s, 5, 4));
  // im2col_shape_check's conditions (a zero stride divides below).
  auto check = [](int64_t a, int64_t b, const char* what, const char* name, bool positive) {
    if (positive ? (a > 0 && b > 0) : (a >= 0 && b >= 0)) return;
    lang::raise("RuntimeError", std::string(what) + (positive ? " should be greater than zero" : " should be non-negative") +
                                    ", but got " + name + "_height: " + std::to_string(a) + " " + name + "_width: " + std::to_string(b));
  };
  check(kh, kw, "kernel size", "kernel", true);
  check(sh, sw, "stride", "stride", true);
  check(dh, dw, "dilation", "dilation", true);
  check(ph, pw, "padding", "pad", false);
  int64_t n = xb.sizes()[0], c = xb.sizes()[1], h = xb.sizes()[2], w = xb.sizes()[3];
  int64_t oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
  if (oh <= 0 || ow <= 0) lang::raise("RuntimeError", "Given input with spatial size (" + std::to_string(h) + ", " + std::to_string(w) + "), the calculated shape of the array of sliding blocks is non-positive");
  Tensor out = Tensor::zeros({n, c * kh * kw, oh * ow}, ScalarType::Double);
  const double* img = xb.data<double>();
  double* col = out.data<double>();
  forEachWindowPixel({n, c, h, w, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow},
                     [&](int64_t ci, int64_t ii) { col[ci] = img[ii]; });
  Tensor r = out.to(x.dtype());
  pushResult(s, 5, batched ? r : r.squeeze(0));
}

// fold (col2im): sums each window column back into (N, C, H, W).
void fold(Stack& s) {  // fold(Tensor input, int[2] output_size, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)
  Tensor x = tensorAt(s, 6, 0);
  bool batched = x.dim() == 3;
  if (x.dim() != 2 && x.dim() != 3) lang::raise("NotImplementedError", "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got " + std::to_string(x.dim()) + "D)");
  Tensor xb = (batched ? x : x.unsqueeze(0)).to(ScalarType::Double).contiguous();
  auto [h, w] = pairOf(argAt(s, 6, 1));
  auto [kh, kw] = pairOf(argAt(s, 6, 2));
  auto [dh, dw] = pairOf(argAt(s, 6, 3));
  auto [ph, pw] = pairOf(argAt(s, 6, 4));
  auto [sh, sw] = pairOf(argAt(s, 6, 5));
  int64_t n = xb.sizes()[0], ck = xb.sizes()[1], L = xb.sizes()[2];
  if (ck % (kh * kw)) lang::raise("RuntimeError", "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=" + std::to_string(ck) + " and kernel_size=(" + std::to_string(kh) + ", " + std::to_string(kw) + ")");
  int64_t c = ck / (kh * kw);
  int64_t oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
  if (oh * ow != L) lang::raise("RuntimeError", "Given output_size=(" + std::to_string(h) + ", " + std::to_string(w) + "), kernel_size=(" + std::to_string(kh) + ", " + std::to_string(kw) + "), expected size of input's dimension 2 to match the calculated number of sliding blocks " + std::to_string(oh * ow) + ", but got input.size(2)=" + std::to_string(L) + ".");
  Tensor out = Tensor::zeros({n, c, h, w}, ScalarType::Double);
  const double* col = xb.data<double>();
  double* img = out.data<double>();
  forEachWindowPixel({n, c, h, w, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow},
                     [&](int64_t ci, int64_t ii) { img[ii] += col[ci]; });
  Tensor r = out.to(x.dtype());
  pushResult(s, 6, batched ? r : r.squeeze(0));
}

// channel_shuffle: [N, C, *] seen as [N, g, C/g, *], the two channel dims swapped.
void channelShuffle(Stack& s) {  // channel_shuffle(Tensor self, int groups)
  Tensor x = tensorAt(s, 2, 0);
  int64_t g = argAt(s, 2, 1).toInt();
  if (x.dim() < 3) lang::raise("RuntimeError", "channel_shuffle expects input to have at least 3 dimensions, but got input with " + std::to_string(x.dim()) + " dimension(s)");
  if (g <= 0) lang::raise("RuntimeError", "Number of groups to divide channels in must be positive. Value of groups:" + std::to_string(g));
  int64_t c = x.size(1);
  if (c % g) lang::raise("RuntimeError", "Number of channels must be divisible by groups. Got " + std::to_string(c) + " channels and " + std::to_string(g) + " groups.");
  IntArray split = {x.size(0), g, c / g};
  split.insert(split.end(), x.sizes().begin() + 2, x.sizes().end());
  pushResult(s, 2, x.reshape(split).transpose(1, 2).contiguous().reshape(x.sizes()));
}

// embedding_renorm_: the rows `indices` names (each once) whose norm exceeds max_norm are scaled down
// to it, in place, as nn.Embedding(max_norm=...) does before each lookup.
void embeddingRenorm(Stack& s) {  // embedding_renorm_(Tensor(a!) self, Tensor indices, float max_norm, float norm_type)
  Tensor w = tensorAt(s, 4, 0), idx = tensorAt(s, 4, 1).to(ScalarType::Long).contiguous();
  double max_norm = argAt(s, 4, 2).toDouble(), p = argAt(s, 4, 3).toDouble();
  if (w.dim() != 2) lang::raise("RuntimeError", "embedding_renorm_: weight must be 2-D, got " + shapeStr(w.sizes()));
  std::vector<int64_t> rows(idx.data<int64_t>(), idx.data<int64_t>() + idx.numel());
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  for (int64_t r : rows) {
    if (r < 0 || r >= w.size(0)) lang::raise("IndexError", "index out of range in self");
    Tensor row = w.select(0, r);
    double norm = op("aten::linalg_vector_norm", {v(row), IValue(p), IValue(), IValue(false), IValue()}).item().toScalarDouble();
    if (norm > max_norm) row.copy_(mul(v(row), IValue(max_norm / (norm + 1e-7))));
  }
  pushResult(s, 4, w);
}

// norm_except_dim(v, pow, dim): the pow-norm of v over every dim but `dim`, kept as size-1 dims
// (dim -1: over all of v). _weight_norm(v, g, dim) = v * g / norm_except_dim(v, 2, dim), what
// nn.utils.weight_norm's parametrization computes before each forward.
Tensor normExceptDim(const Tensor& v, int64_t p, int64_t dim) {
  if (dim == -1) return op("aten::linalg_vector_norm", {v.toIValue(), IValue(p), IValue(), IValue(false), IValue()});
  if (dim < 0 || dim >= v.dim()) lang::raise("IndexError", "norm_except_dim: dim " + std::to_string(dim) + " is out of range for a " + std::to_string(v.dim()) + "-d tensor");
  std::vector<IValue> dims;
  for (int64_t d = 0; d < v.dim(); ++d)
    if (d != dim) dims.push_back(IValue(d));
  IValue list(lang::Ref<lang::ListObj>::make(lang::intType(), std::move(dims)));
  return op("aten::linalg_vector_norm", {v.toIValue(), IValue(p), list, IValue(true), IValue()});
}

void normExceptDimKernel(Stack& s) {  // norm_except_dim(Tensor v, int pow=2, int dim=0)
  pushResult(s, 3, normExceptDim(tensorAt(s, 3, 0), argAt(s, 3, 1).toInt(), argAt(s, 3, 2).toInt()));
}

void weightNormKernel(Stack& s) {  // _weight_norm(Tensor v, Tensor g, int dim=0)
  Tensor vv = tensorAt(s, 3, 0), g = tensorAt(s, 3, 1);
  pushResult(s, 3, mul(v(vv), v(div(v(g), v(normExceptDim(vv, 2, argAt(s, 3, 2).toInt()))))));
}

static lang::RegisterOps reg({
    {"aten::norm_except_dim(Tensor v, int pow=2, int dim=0) -> Tensor", normExceptDimKernel},
    {"aten::_weight_norm(Tensor v, Tensor g, int dim=0) -> Tensor", weightNormKernel},
    {"aten::channel_shuffle(Tensor self, int groups) -> Tensor", channelShuffle},
    {"aten::native_channel_shuffle(Tensor self, int groups) -> Tensor", channelShuffle},
    {"aten::embedding_renorm_(Tensor(a!) self, Tensor indices, float max_norm, float norm_type) -> Tensor(a!)", embeddingRenorm, lang::OpClass::Other, false},
    {"functional::instance_norm(Tensor input, Tensor? running_mean=None, Tensor? running_var=None, Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, float momentum=0.1, float eps=1e-05) -> Tensor", instanceNorm},
    {"aten::instance_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool use_input_stats, float momentum, float eps, bool cudnn_enabled) -> Tensor", atenInstanceNorm},
    {"functional::local_response_norm(Tensor input, int size, float alpha=0.0001, float beta=0.75, float k=1.) -> Tensor", localResponseNorm},
    {"aten::bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None) -> Tensor", bilinear},
    {"aten::prelu(Tensor self, Tensor weight) -> Tensor", prelu},
    {"functional::gumbel_softmax(Tensor logits, float tau=1, bool hard=False, float eps=1e-10, int dim=-1) -> Tensor", gumbelSoftmax, lang::OpClass::Other, false},
    {"functional::lp_pool1d(Tensor input, Scalar norm_type, int[1] kernel_size, int[1]? stride=None, bool ceil_mode=False) -> Tensor", lpPool<true>},
    {"functional::lp_pool2d(Tensor input, Scalar norm_type, int[2] kernel_size, int[2]? stride=None, bool ceil_mode=False) -> Tensor", lpPool<false>},
    {"aten::pixel_shuffle(Tensor self, int upscale_factor) -> Tensor", pixelShuffle<true>},
    {"aten::pixel_unshuffle(Tensor self, int downscale_factor) -> Tensor", pixelShuffle<false>},
    {"functional::unfold(Tensor input, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1) -> Tensor", unfold},
    {"functional::fold(Tensor input, int[2] output_size, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1) -> Tensor", fold},
    {"aten::im2col(Tensor self, int[2] kernel_size, int[2] dilation, int[2] padding, int[2] stride) -> Tensor", unfold},
    {"aten::col2im(Tensor self, int[2] output_size, int[2] kernel_size, int[2] dilation, int[2] padding, int[2] stride) -> Tensor", fold},
});

}  // namespace
}  // namespace wick::ops
