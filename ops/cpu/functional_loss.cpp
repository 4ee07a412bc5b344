// torch.nn.functional's loss functions with their Python-level signatures
// (reduction as a string, the legacy size_average/reduce flags), registered
// as functional::X. The classic losses forward to the aten kernels of nn.cpp;
// the rest are composed here from aten ops exactly as torch/nn/functional.py
// (or aten's Loss.cpp) writes them.
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

Tensor op(const char* name, std::vector<IValue> args) { return Tensor::fromIValue(callOp(findOp(name), std::move(args))); }
IValue v(const Tensor& t) { return t.toIValue(); }
IValue num(double d) { return IValue(d); }

// size_average / reduce (deprecated) override reduction when either is given.
std::string reductionOf(const IValue& size_average, const IValue& reduce, const IValue& reduction) {
  if (size_average.isNone() && reduce.isNone()) return reduction.toStr();
  bool sa = size_average.isNone() || size_average.toBool(), rd = reduce.isNone() || reduce.toBool();
  return !rd ? "none" : sa ? "mean" : "sum";
}
Tensor reduced(const Tensor& loss, const std::string& r) {
  if (r == "none") return loss;
  if (r == "mean") return op("aten::mean", {v(loss), IValue()});
  if (r == "sum") return op("aten::sum", {v(loss), IValue()});
  lang::raise("ValueError", r + " is not a valid value for reduction");
}

void mseLoss(Stack& s) {  // (input, target, size_average=None, reduce=None, reduction='mean')
  pushResult(s, 5, op("aten::mse_loss", {argAt(s, 5, 0), argAt(s, 5, 1), IValue(reductionOf(argAt(s, 5, 2), argAt(s, 5, 3), argAt(s, 5, 4)))}));
}
void l1Loss(Stack& s) {
  pushResult(s, 5, op("aten::l1_loss", {argAt(s, 5, 0), argAt(s, 5, 1), IValue(reductionOf(argAt(s, 5, 2), argAt(s, 5, 3), argAt(s, 5, 4)))}));
}
void smoothL1Loss(Stack& s) {  // (input, target, size_average=None, reduce=None, reduction='mean', beta=1.0)
  pushResult(s, 6, op("aten::smooth_l1_loss", {argAt(s, 6, 0), argAt(s, 6, 1), IValue(reductionOf(argAt(s, 6, 2), argAt(s, 6, 3), argAt(s, 6, 4))), argAt(s, 6, 5)}));
}
void huberLoss(Stack& s) {  // (input, target, reduction='mean', delta=1.0)
  pushResult(s, 4, op("aten::huber_loss", {argAt(s, 4, 0), argAt(s, 4, 1), argAt(s, 4, 2), argAt(s, 4, 3)}));
}
void bce(Stack& s) {  // (input, target, weight=None, size_average=None, reduce=None, reduction='mean')
  Tensor x = tensorAt(s, 6, 0), y = tensorAt(s, 6, 1);
  if (x.sizes() != y.sizes())
    lang::raise("ValueError", "Using a target size (" + shapeStr(y.sizes()) + ") that is different to the input size (" + shapeStr(x.sizes()) +
                                  ") is deprecated. Please ensure they have the same size.");
  IValue w = argAt(s, 6, 2);
  if (!w.isNone()) w = Tensor::fromIValue(w).expand(broadcastShapes(y.sizes(), Tensor::fromIValue(w).sizes())).toIValue();
  pushResult(s, 6, op("aten::binary_cross_entropy", {v(x), v(y), w, IValue(reductionOf(argAt(s, 6, 3), argAt(s, 6, 4), argAt(s, 6, 5)))}));
}
void bceLogits(Stack& s) {  // (input, target, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None)
  Tensor x = tensorAt(s, 7, 0), y = tensorAt(s, 7, 1);
  if (x.sizes() != y.sizes())
    lang::raise("ValueError", "Target size (" + shapeStr(y.sizes()) + ") must be the same as input size (" + shapeStr(x.sizes()) + ")");
  pushResult(s, 7, op("aten::binary_cross_entropy_with_logits",
                      {v(x), v(y), argAt(s, 7, 2), argAt(s, 7, 6), IValue(reductionOf(argAt(s, 7, 3), argAt(s, 7, 4), argAt(s, 7, 5)))}));
}
void klDiv(Stack& s) {  // (input, target, size_average=None, reduce=None, reduction='mean', log_target=False)
  Tensor x = tensorAt(s, 6, 0);
  std::string r = reductionOf(argAt(s, 6, 2), argAt(s, 6, 3), argAt(s, 6, 4));
  if (r != "none" && r != "mean" && r != "sum" && r != "batchmean") lang::raise("ValueError", r + " is not a valid value for reduction");
  Tensor out = op("aten::kl_div", {v(x), argAt(s, 6, 1), IValue(r == "batchmean" ? std::string("sum") : r), argAt(s, 6, 5)});
  if (r == "batchmean" && x.dim() != 0) out = div(v(out), IValue(x.sizes()[0]));
  pushResult(s, 6, out);
}
void nllLoss(Stack& s) {  // (input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean')
  pushResult(s, 7, op("aten::nll_loss", {argAt(s, 7, 0), argAt(s, 7, 1), argAt(s, 7, 2),
                                         IValue(reductionOf(argAt(s, 7, 3), argAt(s, 7, 5), argAt(s, 7, 6))), argAt(s, 7, 4)}));
}
void crossEntropy(Stack& s) {  // (input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0)
  std::string r = reductionOf(argAt(s, 8, 3), argAt(s, 8, 5), argAt(s, 8, 6));
  pushResult(s, 8, op("aten::cross_entropy", {argAt(s, 8, 0), argAt(s, 8, 1), argAt(s, 8, 2), IValue(), argAt(s, 8, 4), IValue(), IValue(r), argAt(s, 8, 7)}));
}

// log_input: exp(x) - y*x; else x - y*log(x + eps); full adds Stirling's term where y > 1.
void poissonNll(Stack& s) {  // (input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean')
  Tensor x = tensorAt(s, 8, 0), y = tensorAt(s, 8, 1);
  Tensor loss = argAt(s, 8, 2).toBool() ? sub(v(op("aten::exp", {v(x)})), v(mul(v(y), v(x))))
                                        : sub(v(x), v(mul(v(y), v(op("aten::log", {v(add(v(x), argAt(s, 8, 5)))})))));
  if (argAt(s, 8, 3).toBool()) {
    Tensor stirling = add(v(sub(v(mul(v(y), v(op("aten::log", {v(y)})))), v(y))),
                          v(mul(num(0.5), v(op("aten::log", {v(mul(num(2 * M_PI), v(y)))})))));
    Tensor big = op("aten::gt.Scalar", {v(y), IValue(int64_t(1))});
    loss = add(v(loss), v(op("aten::masked_fill.Scalar", {v(stirling), v(op("aten::logical_not", {v(big)})), IValue(int64_t(0))})));
  }
  pushResult(s, 8, reduced(loss, reductionOf(argAt(s, 8, 4), argAt(s, 8, 6), argAt(s, 8, 7))));
}

// 0.5 * (log(max(var, eps)) + (x - y)^2 / max(var, eps)) (+ 0.5 log(2 pi) when full).
void gaussianNll(Stack& s) {  // (input, target, var, full=False, eps=1e-6, reduction='mean')
  Tensor x = tensorAt(s, 6, 0), y = tensorAt(s, 6, 1), var = tensorAt(s, 6, 2);
  if (var.sizes() != x.sizes()) {
    IntArray lead(x.sizes().begin(), x.sizes().end() - (x.dim() ? 1 : 0));
    if (var.sizes() == lead) var = var.unsqueeze(-1);
    else if (!(var.dim() == x.dim() && var.sizes().back() == 1 && IntArray(var.sizes().begin(), var.sizes().end() - 1) == lead))
      lang::raise("ValueError", "var is of incorrect size");
  }
  std::string r = argAt(s, 6, 5).toStr();
  if (r != "none" && r != "mean" && r != "sum") lang::raise("ValueError", r + " is not valid");
  if (op("aten::any", {v(op("aten::lt.Scalar", {v(var), IValue(int64_t(0))}))}).item().toBool())
    lang::raise("ValueError", "var has negative entry/entries");
  Tensor vc = op("aten::clamp", {v(var), argAt(s, 6, 4), IValue()});
  Tensor d = sub(v(x), v(y));
  Tensor loss = mul(num(0.5), v(add(v(op("aten::log", {v(vc)})), v(div(v(mul(v(d), v(d))), v(vc))))));
  if (argAt(s, 6, 3).toBool()) loss = add(v(loss), num(0.5 * std::log(2 * M_PI)));
  pushResult(s, 6, reduced(loss, r));
}

void checkSameDims(const std::vector<Tensor>& ts, const char* fn) {
  for (const Tensor& t : ts)
    if (t.dim() != ts[0].dim()) {
      std::string sizes;
      for (size_t i = 0; i < ts.size(); ++i) sizes += (i ? ", " : "") + shapeStr(ts[i].sizes());
      lang::raise("RuntimeError", std::string(fn) + " : All input tensors should have same dimension but got sizes: " + sizes);
    }
}

void marginRanking(Stack& s) {  // (input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean')
  Tensor a = tensorAt(s, 7, 0), b = tensorAt(s, 7, 1), y = tensorAt(s, 7, 2);
  checkSameDims({a, b, y}, "margin_ranking_loss");
  Tensor neg = mul(v(op("aten::neg", {v(y)})), v(sub(v(a), v(b))));
  Tensor loss = op("aten::clamp_min", {v(add(v(neg), argAt(s, 7, 3))), IValue(int64_t(0))});
  pushResult(s, 7, reduced(loss, reductionOf(argAt(s, 7, 4), argAt(s, 7, 5), argAt(s, 7, 6))));
}

// target 1: x; target -1: max(0, margin - x); as aten's hinge_embedding_loss.
void hingeEmbedding(Stack& s) {  // (input, target, margin=1.0, size_average=None, reduce=None, reduction='mean')
  Tensor x = tensorAt(s, 6, 0), y = tensorAt(s, 6, 1);
  Tensor zeros = op("aten::zeros_like", {v(x), IValue(), IValue(), IValue(), IValue(), IValue()});
  Tensor margin_clamp = op("aten::clamp_min", {v(sub(argAt(s, 6, 2), v(x))), IValue(int64_t(0))});
  Tensor out_margin = op("aten::where.self", {v(op("aten::ne.Scalar", {v(y), IValue(int64_t(1))})), v(margin_clamp), v(zeros)});
  Tensor out_self = op("aten::where.self", {v(op("aten::ne.Scalar", {v(y), IValue(int64_t(-1))})), v(x), v(zeros)});
  pushResult(s, 6, reduced(add(v(out_margin), v(out_self)), reductionOf(argAt(s, 6, 3), argAt(s, 6, 4), argAt(s, 6, 5))));
}

void softMargin(Stack& s) {  // (input, target, size_average=None, reduce=None, reduction='mean'): log(1 + exp(-y x))
  Tensor x = tensorAt(s, 5, 0), y = tensorAt(s, 5, 1);
  Tensor loss = op("aten::log1p", {v(op("aten::exp", {v(mul(v(op("aten::neg", {v(y)})), v(x)))}))});
  pushResult(s, 5, reduced(loss, reductionOf(argAt(s, 5, 2), argAt(s, 5, 3), argAt(s, 5, 4))));
}

void multilabelSoftMargin(Stack& s) {  // (input, target, weight=None, size_average=None, reduce=None, reduction='mean')
  Tensor x = tensorAt(s, 6, 0), y = tensorAt(s, 6, 1);
  Tensor pos = mul(v(y), v(op("aten::log_sigmoid", {v(x)})));
  Tensor negp = mul(v(sub(IValue(int64_t(1)), v(y))), v(op("aten::log_sigmoid", {v(op("aten::neg", {v(x)}))})));
  Tensor loss = op("aten::neg", {v(add(v(pos), v(negp)))});
  if (!argAt(s, 6, 2).isNone()) loss = mul(v(loss), argAt(s, 6, 2));
  int64_t cdim = x.dim() - 1;
  loss = div(v(op("aten::sum.dim_IntList", {v(loss), fromIntArray({cdim}), IValue(false), IValue()})), IValue(x.sizes()[cdim]));
  pushResult(s, 6, reduced(loss, reductionOf(argAt(s, 6, 3), argAt(s, 6, 4), argAt(s, 6, 5))));
}

// 1 - cos for target 1, max(0, cos - margin) for target -1 (cos with aten's 1e-12 guard).
void cosineEmbedding(Stack& s) {  // (input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean')
  Tensor a = tensorAt(s, 7, 0), b = tensorAt(s, 7, 1), y = tensorAt(s, 7, 2);
  int64_t dim = a.dim() - 1;
  auto rowsum = [&](const Tensor& t) { return op("aten::sum.dim_IntList", {v(t), fromIntArray({dim}), IValue(false), IValue()}); };
  Tensor prod = rowsum(mul(v(a), v(b)));
  Tensor m1 = add(v(rowsum(mul(v(a), v(a)))), num(1e-12)), m2 = add(v(rowsum(mul(v(b), v(b)))), num(1e-12));
  Tensor cos = div(v(prod), v(op("aten::sqrt", {v(mul(v(m1), v(m2)))})));
  Tensor zeros = op("aten::zeros_like", {v(cos), IValue(), IValue(), IValue(), IValue(), IValue()});
  Tensor pos = sub(IValue(int64_t(1)), v(cos));
  Tensor neg = op("aten::clamp_min", {v(sub(v(cos), argAt(s, 7, 3))), IValue(int64_t(0))});
  Tensor out = add(v(op("aten::where.self", {v(op("aten::eq.Scalar", {v(y), IValue(int64_t(1))})), v(pos), v(zeros)})),
                   v(op("aten::where.self", {v(op("aten::eq.Scalar", {v(y), IValue(int64_t(-1))})), v(neg), v(zeros)})));
  pushResult(s, 7, reduced(out, reductionOf(argAt(s, 7, 4), argAt(s, 7, 5), argAt(s, 7, 6))));
}

// max(d(a, p) - d(a, n) + margin, 0) with pairwise distances; swap uses min(d(a, n), d(p, n)).
void tripletMargin(Stack& s) {  // (anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean')
  constexpr size_t n = 10;
  Tensor a = tensorAt(s, n, 0), p = tensorAt(s, n, 1), q = tensorAt(s, n, 2);
  checkSameDims({a, p, q}, "triplet_margin_loss");
  auto dist = [&](const Tensor& x, const Tensor& y) {
    return op("aten::pairwise_distance", {v(x), v(y), argAt(s, n, 4), argAt(s, n, 5), IValue(false)});
  };
  Tensor dap = dist(a, p), dan = dist(a, q);
  if (argAt(s, n, 6).toBool()) dan = op("aten::min.other", {v(dan), v(dist(p, q))});
  Tensor loss = op("aten::clamp_min", {v(add(v(sub(v(dap), v(dan))), argAt(s, n, 3))), IValue(int64_t(0))});
  pushResult(s, n, reduced(loss, reductionOf(argAt(s, n, 7), argAt(s, n, 8), argAt(s, n, 9))));
}

// Per sample: sum over i != y of max(0, margin - x[y] + x[i])^p, weighted by w[y], / C.
void multiMargin(Stack& s) {  // (input, target, p=1, margin=1., weight=None, size_average=None, reduce=None, reduction='mean')
  constexpr size_t n = 8;
  Tensor x = tensorAt(s, n, 0), y = tensorAt(s, n, 1);
  int64_t p = argAt(s, n, 2).toInt();
  double margin = argAt(s, n, 3).toScalarDouble();
  if (p != 1 && p != 2) lang::raise("ValueError", "only p == 1 and p == 2 supported");
  Tensor X = (x.dim() == 1 ? x.unsqueeze(0) : x).to(ScalarType::Double).contiguous();
  Tensor Y = y.reshape({-1}).to(ScalarType::Long).contiguous();
  Tensor W = argAt(s, n, 4).isNone() ? Tensor() : tensorAt(s, n, 4).to(ScalarType::Double).contiguous();
  int64_t rows = X.sizes()[0], c = X.sizes()[1];
  Tensor out = Tensor::empty({rows}, ScalarType::Double);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t t = Y.data<int64_t>()[r];
    if (t < 0 || t >= c) lang::raise("RuntimeError", "target out of range");
    const double* row = X.data<double>() + r * c;
    double acc = 0;
    for (int64_t i = 0; i < c; ++i) {
      if (i == t) continue;
      double z = std::max(0.0, margin - row[t] + row[i]);
      z = p == 2 ? z * z : z;
      acc += W.defined() ? z * W.data<double>()[t] : z;
    }
    out.data<double>()[r] = acc / c;
  }
  Tensor loss = out.to(x.dtype());
  if (x.dim() == 1) loss = loss.reshape({});
  pushResult(s, n, reduced(loss, reductionOf(argAt(s, n, 5), argAt(s, n, 6), argAt(s, n, 7))));
}

static lang::RegisterOps reg({
    {"functional::mse_loss(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", mseLoss},
    {"functional::l1_loss(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", l1Loss},
    {"functional::smooth_l1_loss(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean', float beta=1.0) -> Tensor", smoothL1Loss},
    {"functional::huber_loss(Tensor input, Tensor target, str reduction='mean', float delta=1.0) -> Tensor", huberLoss},
    {"functional::binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", bce},
    {"functional::binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean', Tensor? pos_weight=None) -> Tensor", bceLogits},
    {"functional::kl_div(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean', bool log_target=False) -> Tensor", klDiv},
    {"functional::nll_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean') -> Tensor", nllLoss},
    {"functional::cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean', float label_smoothing=0.0) -> Tensor", crossEntropy},
    {"functional::poisson_nll_loss(Tensor input, Tensor target, bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-08, bool? reduce=None, str reduction='mean') -> Tensor", poissonNll},
    {"functional::gaussian_nll_loss(Tensor input, Tensor target, Tensor var, bool full=False, float eps=1e-06, str reduction='mean') -> Tensor", gaussianNll},
    {"functional::margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0., bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", marginRanking},
    {"functional::hinge_embedding_loss(Tensor input, Tensor target, float margin=1.0, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", hingeEmbedding},
    {"functional::soft_margin_loss(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", softMargin},
    {"functional::multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", multilabelSoftMargin},
    {"functional::cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0., bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", cosineEmbedding},
    {"functional::triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, float p=2., float eps=1e-06, bool swap=False, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", tripletMargin},
    {"functional::multi_margin_loss(Tensor input, Tensor target, int p=1, float margin=1., Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor", multiMargin},
});

}  // namespace
}  // namespace wick::ops
