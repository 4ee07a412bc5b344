// torch.nn.functional layers that are not pointwise: normalization
// (layer_norm, batch_norm, group_norm, normalize), embedding, one_hot,
// dropout, and the losses (nll, cross_entropy, mse, l1, smooth_l1, huber,
// binary_cross_entropy[_with_logits]). Written as compositions of the
// elementwise and reduction kernels, which keep dtype rules in one place;
// inference batch_norm, a pass per layer in convolution networks, is one loop.
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

IValue iv(const Tensor& t) { return t.toIValue(); }
Tensor sumDims(const Tensor& t, const IntArray& dims, bool keepdim) {
  return callTensorOp(findOp("aten::sum.dim_IntList"), {iv(t), fromIntArray(dims), IValue(keepdim), IValue()});
}
Tensor meanDims(const Tensor& t, const IntArray& dims, bool keepdim) {
  return callTensorOp(findOp("aten::mean.dim"), {iv(t), fromIntArray(dims), IValue(keepdim), IValue()});
}
Tensor meanAll(const Tensor& t) { return callTensorOp(findOp("aten::mean"), {iv(t), IValue()}); }
Tensor sumAll(const Tensor& t) { return callTensorOp(findOp("aten::sum"), {iv(t), IValue()}); }
Tensor unary(const char* op, const Tensor& t) { return callTensorOp(findOp(op), {iv(t)}); }

// Normalizes over the trailing/selected dims: (x - mean) / sqrt(var + eps), biased variance.
Tensor normalizeOver(const Tensor& x, const IntArray& dims, double eps) {
  Tensor mean = meanDims(x, dims, true);
  Tensor centered = sub(iv(x), iv(mean));
  Tensor var = meanDims(mul(iv(centered), iv(centered)), dims, true);
  Tensor denom = unary("aten::rsqrt", add(iv(var), IValue(eps)));
  return mul(iv(centered), iv(denom));
}

void layerNormKernel(Stack& s) {  // layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enable=True)
  Tensor x = tensorAt(s, 6, 0);
  IntArray shape = toIntArray(argAt(s, 6, 1));
  int64_t k = static_cast<int64_t>(shape.size());
  if (k > x.dim() || !std::equal(shape.begin(), shape.end(), x.sizes().end() - k))
    lang::raise("RuntimeError", "Given normalized_shape=" + shapeStr(shape) + ", expected input with shape [*, " + shapeStr(shape).substr(1) + ", but got input of size" + shapeStr(x.sizes()));
  IntArray dims;
  for (int64_t i = x.dim() - k; i < x.dim(); ++i) dims.push_back(i);
  Tensor y = normalizeOver(x, dims, argAt(s, 6, 4).toDouble());
  if (!argAt(s, 6, 2).isNone()) y = mul(iv(y), argAt(s, 6, 2));
  if (!argAt(s, 6, 3).isNone()) y = add(iv(y), argAt(s, 6, 3));
  pushResult(s, 6, y);
}

// Shapes a per-channel vector [C] to broadcast against [N, C, ...].
Tensor perChannel(const IValue& v, int64_t ndim) {
  Tensor t = Tensor::fromIValue(v);
  IntArray shape(ndim, 1);
  shape[1] = t.numel();
  return t.reshape(shape);
}

// Inference batch norm in one pass, as aten's batch_norm_cpu_transform_input:
// per channel alpha = weight / sqrt(var + eps), beta = bias - mean * alpha
// (in the input's dtype), then y = x * alpha + beta. Only for a contiguous
// float/double input whose statistics and affine parameters are vectors of
// the same dtype; returns an undefined tensor otherwise.
Tensor batchNormInference(const Tensor& x, const IValue& weight, const IValue& bias, const Tensor& mean, const Tensor& var, double eps) {
  ScalarType dt = x.dtype();
  int64_t c = x.sizes()[1];
  auto fits = [&](const Tensor& t) { return t.dtype() == dt && t.dim() == 1 && t.numel() == c; };
  if ((dt != ScalarType::Float && dt != ScalarType::Double) || !x.is_contiguous() || !fits(mean) || !fits(var)) return Tensor();
  Tensor w = weight.isNone() ? Tensor() : Tensor::fromIValue(weight), b = bias.isNone() ? Tensor() : Tensor::fromIValue(bias);
  if ((w.defined() && !fits(w)) || (b.defined() && !fits(b))) return Tensor();
  Tensor out = Tensor::empty(x.sizes(), dt);
  int64_t inner = x.numel() / std::max<int64_t>(x.sizes()[0] * c, 1);
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      Tensor mc = mean.contiguous(), vc = var.contiguous(), wc = w.defined() ? w.contiguous() : w, bc = b.defined() ? b.contiguous() : b;
      std::vector<T> alpha(c), beta(c);
      for (int64_t ch = 0; ch < c; ++ch) {
        T invstd = T(1) / std::sqrt(vc.data<T>()[ch] + static_cast<T>(eps));
        alpha[ch] = invstd * (wc.defined() ? wc.data<T>()[ch] : T(1));
        beta[ch] = (bc.defined() ? bc.data<T>()[ch] : T(0)) - mc.data<T>()[ch] * alpha[ch];
      }
      const T* xp = x.data<T>();
      T* op = out.data<T>();
      parallelFor(0, x.numel(), [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e;) {  // one (n, c) plane, or the part of it in [s, e), at a time
          int64_t plane = i / inner, end = std::min(e, (plane + 1) * inner);
          T al = alpha[plane % c], be = beta[plane % c];
          for (; i < end; ++i) op[i] = xp[i] * al + be;
        }
      });
    }
  });
  return out;
}

// batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps, bool cudnn_enabled)
void batchNormKernel(Stack& s) {
  Tensor x = tensorAt(s, 9, 0);
  if (x.dim() < 2) lang::raise("ValueError", "expected 2D or 3D input (got " + std::to_string(x.dim()) + "D input)");
  bool training = argAt(s, 9, 5).toBool();
  double momentum = argAt(s, 9, 6).toDouble(), eps = argAt(s, 9, 7).toDouble();
  IntArray dims{0};
  for (int64_t i = 2; i < x.dim(); ++i) dims.push_back(i);
  Tensor y;
  if (training || argAt(s, 9, 3).isNone()) {
    y = normalizeOver(x, dims, eps);
    if (training && !argAt(s, 9, 3).isNone()) {
      // Running stats update in place, with the unbiased batch variance as aten does.
      int64_t n = x.numel() / x.sizes()[1];
      Tensor mean = meanDims(x, dims, false);
      Tensor centered = sub(iv(x), iv(perChannel(iv(mean), x.dim())));
      Tensor var = div(iv(sumDims(mul(iv(centered), iv(centered)), dims, false)), IValue(int64_t(std::max<int64_t>(n - 1, 1))));
      Tensor rm = tensorAt(s, 9, 3), rv = tensorAt(s, 9, 4);
      rm.copy_(add(iv(mul(iv(rm), IValue(1 - momentum))), iv(mul(iv(mean), IValue(momentum)))));
      rv.copy_(add(iv(mul(iv(rv), IValue(1 - momentum))), iv(mul(iv(var), IValue(momentum)))));
    }
  } else {
    Tensor fast = argAt(s, 9, 4).isNone() ? Tensor() : batchNormInference(x, argAt(s, 9, 1), argAt(s, 9, 2), tensorAt(s, 9, 3), tensorAt(s, 9, 4), eps);
    if (fast.defined()) {
      pushResult(s, 9, fast);
      return;
    }
    Tensor mean = perChannel(argAt(s, 9, 3), x.dim()), var = perChannel(argAt(s, 9, 4), x.dim());
    y = mul(iv(sub(iv(x), iv(mean))), iv(unary("aten::rsqrt", add(iv(var), IValue(eps)))));
  }
  if (!argAt(s, 9, 1).isNone()) y = mul(iv(y), iv(perChannel(argAt(s, 9, 1), x.dim())));
  if (!argAt(s, 9, 2).isNone()) y = add(iv(y), iv(perChannel(argAt(s, 9, 2), x.dim())));
  pushResult(s, 9, y);
}

void groupNormKernel(Stack& s) {  // group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enabled=True)
  Tensor x = tensorAt(s, 6, 0);
  if (x.dim() < 2)
    lang::raise("RuntimeError", "Expected at least 2 dimensions for input tensor but received " + std::to_string(x.dim()));
  int64_t g = argAt(s, 6, 1).toInt(), n = x.sizes()[0], c = x.sizes()[1];
  if (g <= 0 || c % g != 0) lang::raise("RuntimeError", "Expected number of channels in input to be divisible by num_groups, but got input of shape " + shapeStr(x.sizes()) + " and num_groups=" + std::to_string(g));
  Tensor grouped = x.reshape({n, g, -1});
  Tensor y = normalizeOver(grouped, {2}, argAt(s, 6, 4).toDouble()).reshape(x.sizes());
  if (!argAt(s, 6, 2).isNone()) y = mul(iv(y), iv(perChannel(argAt(s, 6, 2), x.dim())));
  if (!argAt(s, 6, 3).isNone()) y = add(iv(y), iv(perChannel(argAt(s, 6, 3), x.dim())));
  pushResult(s, 6, y);
}

void normalizeKernel(Stack& s) {  // normalize(Tensor input, float p=2.0, int dim=1, float eps=1e-12)
  Tensor x = tensorAt(s, 4, 0);
  double p = argAt(s, 4, 1).toScalarDouble(), eps = argAt(s, 4, 3).toScalarDouble();
  Tensor n = callTensorOp(findOp("aten::norm.ScalarOpt_dim"), {iv(x), IValue(p), fromIntArray({argAt(s, 4, 2).toInt()}), IValue(true)});
  Tensor denom = callTensorOp(findOp("aten::clamp_min"), {iv(n), IValue(eps)});
  pushResult(s, 4, div(iv(x), iv(denom)));
}

void embeddingKernel(Stack& s) {  // embedding(Tensor weight, Tensor indices, int padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False)
  Tensor w = tensorAt(s, 5, 0), idx = tensorAt(s, 5, 1);
  if (!isIntegralType(idx.dtype(), false)) lang::raise("RuntimeError", "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)");
  Tensor flat = idx.reshape({-1});
  Tensor rows = callTensorOp(findOp("aten::index_select"), {iv(w), IValue(int64_t(0)), iv(flat)});
  IntArray shape = idx.sizes();
  shape.push_back(w.sizes()[1]);
  pushResult(s, 5, rows.reshape(shape));
}

void oneHotKernel(Stack& s) {  // one_hot(Tensor self, int num_classes=-1)
  Tensor t = tensorAt(s, 2, 0);
  if (t.dtype() != ScalarType::Long) lang::raise("RuntimeError", "one_hot is only applicable to index tensor.");
  int64_t k = argAt(s, 2, 1).toInt();
  Tensor c = t.contiguous();
  const int64_t* p = c.data<int64_t>();
  for (int64_t i = 0; i < c.numel(); ++i)
    if (p[i] < 0) lang::raise("RuntimeError", "Class values must be non-negative.");
  if (k == -1) {
    k = 0;
    for (int64_t i = 0; i < c.numel(); ++i) k = std::max(k, p[i] + 1);
  }
  for (int64_t i = 0; i < c.numel(); ++i)
    if (p[i] >= k) lang::raise("RuntimeError", "Class values must be smaller than num_classes.");
  IntArray shape = t.sizes();
  shape.push_back(k);
  Tensor out = Tensor::zeros(shape, ScalarType::Long);
  for (int64_t i = 0; i < c.numel(); ++i) out.data<int64_t>()[i * k + p[i]] = 1;
  pushResult(s, 2, out);
}

// ---- losses; reduction: 0 none, 1 mean, 2 sum (at::Reduction) or the F strings ----

int64_t reductionCode(const IValue& v) {
  if (v.isInt()) return v.toInt();
  const std::string& r = v.toStr();
  if (r == "none") return 0;
  if (r == "mean") return 1;
  if (r == "sum") return 2;
  lang::raise("ValueError", r + " is not a valid value for reduction");
}
Tensor reduce(const Tensor& t, int64_t code) { return code == 0 ? t : code == 1 ? meanAll(t) : sumAll(t); }

void checkSameShape(const Tensor& a, const Tensor& b) {
  broadcastShapes(a.sizes(), b.sizes());
}

template <int kKind>  // 0 mse, 1 l1
void pointLossKernel(Stack& s) {  // mse_loss(Tensor self, Tensor target, int reduction=Mean)
  Tensor a = tensorAt(s, 3, 0), b = tensorAt(s, 3, 1);
  checkSameShape(a, b);
  Tensor d = sub(iv(a), iv(b));
  Tensor e = kKind == 0 ? mul(iv(d), iv(d)) : unary("aten::abs", d);
  pushResult(s, 3, reduce(e, reductionCode(argAt(s, 3, 2))));
}

template <bool kHuber>
void smoothL1Kernel(Stack& s) {  // smooth_l1_loss(Tensor self, Tensor target, int reduction=Mean, float beta=1.0)
  Tensor a = tensorAt(s, 4, 0), b = tensorAt(s, 4, 1);
  double beta = argAt(s, 4, 3).toScalarDouble();
  Tensor d = sub(iv(a), iv(b));
  Tensor e = unaryOp(d, d.dtype(), d.dtype(), [beta](auto x) {
    double ad = std::fabs(static_cast<double>(x));
    if (kHuber) return decltype(x)(ad < beta ? 0.5 * ad * ad : beta * (ad - 0.5 * beta));
    return decltype(x)(ad < beta ? 0.5 * ad * ad / beta : ad - 0.5 * beta);
  });
  pushResult(s, 4, reduce(e, reductionCode(argAt(s, 4, 2))));
}

// [N, C, d1, ...] -> [N, d1, ..., C]
Tensor movedimToLast(const Tensor& t) {
  IntArray perm{0};
  for (int64_t i = 2; i < t.dim(); ++i) perm.push_back(i);
  perm.push_back(1);
  return t.permute(perm);
}

// nll over log-probabilities [N, C] (or [C]) with class targets [N].
Tensor nll(const Tensor& logp, const Tensor& target, const IValue& weight, int64_t reduction, int64_t ignore_index) {
  if (logp.dim() == 0) lang::raise("ValueError", "Expected 1 or more dimensions (got 0)");
  Tensor lp = logp.dim() == 1 ? logp.unsqueeze(0) : logp;
  Tensor tg = target.dim() == 0 ? target.unsqueeze(0) : target;
  if (lp.dim() > 2) {  // [N, C, d...] -> [N*d, C]
    int64_t c = lp.sizes()[1];
    lp = movedimToLast(lp).reshape({-1, c});
    tg = tg.reshape({-1});
  }
  int64_t n = lp.sizes()[0], c = lp.sizes()[1];
  if (tg.numel() != n) lang::raise("ValueError", "Expected input batch_size (" + std::to_string(n) + ") to match target batch_size (" + std::to_string(tg.numel()) + ").");
  Tensor w = weight.isNone() ? Tensor() : Tensor::fromIValue(weight).to(ScalarType::Double).contiguous();
  Tensor lpd = lp.to(ScalarType::Double).contiguous();
  Tensor tl = tg.to(ScalarType::Long).contiguous();
  Tensor losses = Tensor::empty({n}, ScalarType::Double);
  double total = 0, wsum = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t t = tl.data<int64_t>()[i];
    if (t == ignore_index) {
      losses.data<double>()[i] = 0;
      continue;
    }
    if (t < 0 || t >= c) lang::raise("IndexError", "Target " + std::to_string(t) + " is out of bounds.");
    double wi = w.defined() ? w.data<double>()[t] : 1.0;
    double l = -wi * lpd.data<double>()[i * c + t];
    losses.data<double>()[i] = l;
    total += l;
    wsum += wi;
  }
  ScalarType dt = logp.dtype();
  if (reduction == 0) return losses.to(dt).reshape(target.sizes());
  if (reduction == 2) return Tensor::scalarTensor(IValue(total), dt);
  return Tensor::scalarTensor(IValue(total / wsum), dt);
}

// nll_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=Mean, int ignore_index=-100)
void nllLossKernel(Stack& s) {
  pushResult(s, 5, nll(tensorAt(s, 5, 0), tensorAt(s, 5, 1), argAt(s, 5, 2), reductionCode(argAt(s, 5, 3)), argAt(s, 5, 4).toInt()));
}

// F.cross_entropy's signature: (input, target, weight=None, size_average=None,
// ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0).
// Class-index targets go through nll; probability targets (float, same shape) are -sum(p * log_softmax).
void crossEntropyKernel(Stack& s) {
  constexpr size_t n = 8;
  Tensor x = tensorAt(s, n, 0), target = tensorAt(s, n, 1);
  int64_t reduction = reductionCode(argAt(s, n, 6));
  double smoothing = argAt(s, n, 7).toScalarDouble();
  int64_t cdim = x.dim() == 1 ? 0 : 1;
  Tensor logp = callTensorOp(findOp("aten::log_softmax.int"), {iv(x), IValue(cdim), IValue()});
  if (isFloatingType(target.dtype())) {
    Tensor per = sumDims(mul(iv(logp), iv(target)), {cdim}, false);
    Tensor loss = unaryOp(per, per.dtype(), per.dtype(), [](auto v) { return decltype(v)(-v); });
    pushResult(s, n, reduction == 1 ? div(iv(sumAll(loss)), IValue(double(x.numel() / x.sizes()[cdim]))) : reduce(loss, reduction));
    return;
  }
  Tensor loss = nll(logp, target, argAt(s, n, 2), reduction, argAt(s, n, 4).toInt());
  if (smoothing > 0) {
    int64_t c = x.sizes()[cdim];
    Tensor smooth = sumDims(logp, {cdim}, false);
    Tensor smooth_loss = reduce(unaryOp(smooth, smooth.dtype(), smooth.dtype(), [](auto v) { return decltype(v)(-v); }), reduction);
    loss = add(iv(mul(iv(loss), IValue(1 - smoothing))), iv(mul(iv(smooth_loss), IValue(smoothing / c))));
  }
  pushResult(s, n, loss);
}

// aten::cross_entropy_loss (what F.cross_entropy's saved code calls), its
// reduction a number: laid out as F.cross_entropy's arguments.
void crossEntropyLossKernel(Stack& s) {  // (self, target, weight, int reduction, ignore_index, label_smoothing)
  size_t b = s.size() - 6;
  IValue reduction = s[b + 3], ignore_index = s[b + 4], smoothing = s[b + 5];
  s.resize(b + 3);
  for (const IValue& x : {IValue(), ignore_index, IValue(), reduction, smoothing}) s.push_back(x);
  crossEntropyKernel(s);
}

// binary_cross_entropy(Tensor self, Tensor target, Tensor? weight=None, int reduction=Mean); log clamped at -100 as aten does.
void bceKernel(Stack& s) {
  Tensor x = tensorAt(s, 4, 0), y = tensorAt(s, 4, 1);
  if (x.sizes() != y.sizes()) lang::raise("ValueError", "Using a target size (" + shapeStr(y.sizes()) + ") that is different to the input size (" + shapeStr(x.sizes()) + ") is deprecated. Please ensure they have the same size.");
  ScalarType dt = x.dtype();
  Tensor outside = callTensorOp(findOp("aten::logical_or.Tensor"), {iv(callTensorOp(findOp("aten::lt.Scalar"), {iv(x), IValue(int64_t(0))})),
                                                                   iv(callTensorOp(findOp("aten::gt.Scalar"), {iv(x), IValue(int64_t(1))}))});
  if (callTensorOp(findOp("aten::any"), {iv(outside)}).item().toBool())
    lang::raise("RuntimeError", "all elements of input should be between 0 and 1");
  Tensor l = binaryOp(x, y.to(dt), dt, dt, [](auto p, auto t) {
    double lp = std::max(std::log(static_cast<double>(p)), -100.0), lq = std::max(std::log1p(-static_cast<double>(p)), -100.0);
    return decltype(p)(-(t * lp + (1 - t) * lq));
  });
  if (!argAt(s, 4, 2).isNone()) l = mul(iv(l), argAt(s, 4, 2));
  pushResult(s, 4, reduce(l, reductionCode(argAt(s, 4, 3))));
}

// binary_cross_entropy_with_logits(Tensor self, Tensor target, Tensor? weight=None, Tensor? pos_weight=None, int reduction=Mean)
void bceLogitsKernel(Stack& s) {
  Tensor x = tensorAt(s, 5, 0), y = tensorAt(s, 5, 1);
  ScalarType dt = x.dtype();
  Tensor pw = argAt(s, 5, 3).isNone() ? Tensor::scalarTensor(IValue(1.0), dt) : tensorAt(s, 5, 3);
  // (1 - y) * x + (1 + (pw - 1) * y) * (log1p(exp(-|x|)) + max(-x, 0))
  Tensor lw = add(IValue(int64_t(1)), iv(mul(iv(sub(iv(pw), IValue(int64_t(1)))), iv(y))));
  Tensor soft = unaryOp(x, dt, dt, [](auto v) { double d = static_cast<double>(v); return decltype(v)(std::log1p(std::exp(-std::fabs(d))) + std::max(-d, 0.0)); });
  Tensor l = add(iv(mul(iv(sub(IValue(int64_t(1)), iv(y))), iv(x))), iv(mul(iv(lw), iv(soft))));
  if (!argAt(s, 5, 2).isNone()) l = mul(iv(l), argAt(s, 5, 2));
  pushResult(s, 5, reduce(l, reductionCode(argAt(s, 5, 4))));
}

// kl_div(Tensor self, Tensor target, int reduction=Mean, *, bool log_target=False)
void klDivKernel(Stack& s) {
  Tensor x = tensorAt(s, 4, 0), y = tensorAt(s, 4, 1);
  bool log_target = argAt(s, 4, 3).toBool();
  ScalarType dt = x.dtype();
  Tensor l = binaryOp(x, y.to(dt), dt, dt, [log_target](auto in, auto t) {
    double a = static_cast<double>(in), b = static_cast<double>(t);
    if (log_target) return decltype(in)(std::exp(b) * (b - a));
    return decltype(in)(b > 0 ? b * (std::log(b) - a) : 0.0);
  });
  pushResult(s, 4, reduce(l, reductionCode(argAt(s, 4, 2))));
}

// cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08)
void cosineSimilarityKernel(Stack& s) {
  Tensor a = tensorAt(s, 4, 0), b = tensorAt(s, 4, 1);
  int64_t dim = argAt(s, 4, 2).toInt();
  double eps = argAt(s, 4, 3).toScalarDouble();
  Tensor dot = sumDims(mul(iv(a), iv(b)), {dim}, false);
  Tensor na = sumDims(mul(iv(a), iv(a)), {dim}, false), nb = sumDims(mul(iv(b), iv(b)), {dim}, false);
  Tensor denom = unary("aten::sqrt", callTensorOp(findOp("aten::clamp_min"), {iv(mul(iv(na), iv(nb))), IValue(eps * eps)}));
  pushResult(s, 4, div(iv(dot), iv(denom)));
}

// pairwise_distance(Tensor x1, Tensor x2, float p=2., float eps=1e-06, bool keepdim=False)
void pairwiseDistanceKernel(Stack& s) {
  Tensor d = add(iv(sub(argAt(s, 5, 0), argAt(s, 5, 1))), argAt(s, 5, 3));
  int64_t last = std::max<int64_t>(d.dim() - 1, 0);
  pushResult(s, 5, callTensorOp(findOp("aten::norm.ScalarOpt_dim"), {iv(d), argAt(s, 5, 2), fromIntArray({last}), argAt(s, 5, 4)}));
}

// dropout(Tensor input, float p, bool train): train mode zeroes with wick's generator and scales by 1/(1-p).
void dropoutKernel(Stack& s) {
  Tensor x = tensorAt(s, 3, 0);
  double p = argAt(s, 3, 1).toDouble();
  if (p < 0 || p > 1) lang::raise("ValueError", "dropout probability has to be between 0 and 1, but got " + std::to_string(p));
  if (!argAt(s, 3, 2).toBool()) {
    pushResult(s, 3, x);
    return;
  }
  Tensor r = callTensorOp(findOp("aten::rand_like"), {iv(x), IValue(), IValue(), IValue(), IValue(), IValue()});
  Tensor keep = callTensorOp(findOp("aten::ge.Scalar"), {iv(r), IValue(p)});
  Tensor scaled = p == 1 ? mul(iv(x), IValue(0.0)) : mul(iv(x), IValue(1.0 / (1.0 - p)));
  pushResult(s, 3, mul(iv(scaled), iv(keep)));
}

// dropout_(Tensor(a!) self, float p, bool train): dropout written back into self.
void dropoutInplaceKernel(Stack& s) {
  Tensor x = tensorAt(s, 3, 0);
  dropoutKernel(s);
  x.copy_(Tensor::fromIValue(s.back()));
  s.back() = x.toIValue();
}

static lang::RegisterOps reg({
    {"aten::dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", dropoutInplaceKernel},
    {"aten::layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enable=True) -> Tensor", layerNormKernel},
    {"aten::batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor", batchNormKernel},
    {"aten::group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enabled=True) -> Tensor", groupNormKernel},
    {"aten::normalize(Tensor input, float p=2.0, int dim=1, float eps=1e-12) -> Tensor", normalizeKernel},
    {"aten::embedding(Tensor weight, Tensor indices, int padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor", embeddingKernel},
    {"aten::one_hot(Tensor self, int num_classes=-1) -> Tensor", oneHotKernel},
    {"aten::mse_loss(Tensor self, Tensor target, int reduction=1) -> Tensor", pointLossKernel<0>},
    {"aten::l1_loss(Tensor self, Tensor target, int reduction=1) -> Tensor", pointLossKernel<1>},
    {"aten::smooth_l1_loss(Tensor self, Tensor target, int reduction=1, float beta=1.0) -> Tensor", smoothL1Kernel<false>},
    {"aten::huber_loss(Tensor self, Tensor target, int reduction=1, float delta=1.0) -> Tensor", smoothL1Kernel<true>},
    {"aten::nll_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100) -> Tensor", nllLossKernel},
    // F.nll_loss's saved code calls nll_loss_nd; nll_loss2d is its [N, C, H, W] form.
    {"aten::nll_loss_nd(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100) -> Tensor", nllLossKernel},
    {"aten::nll_loss2d(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100) -> Tensor", nllLossKernel},
    {"aten::cross_entropy_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100, float label_smoothing=0.0) -> Tensor", crossEntropyLossKernel},
    {"aten::cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean', float label_smoothing=0.0) -> Tensor", crossEntropyKernel},
    {"aten::binary_cross_entropy(Tensor self, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor", bceKernel},
    {"aten::binary_cross_entropy_with_logits(Tensor self, Tensor target, Tensor? weight=None, Tensor? pos_weight=None, int reduction=1) -> Tensor", bceLogitsKernel},
    {"aten::kl_div(Tensor self, Tensor target, int reduction=1, *, bool log_target=False) -> Tensor", klDivKernel},
    {"aten::cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08) -> Tensor", cosineSimilarityKernel},
    {"aten::pairwise_distance(Tensor x1, Tensor x2, float p=2., float eps=1e-06, bool keepdim=False) -> Tensor", pairwiseDistanceKernel},
    {"aten::dropout(Tensor input, float p, bool train) -> Tensor", dropoutKernel},
});

}  // namespace
}  // namespace wick::ops
