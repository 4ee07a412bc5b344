// Statistics over samples: cov and corrcoef (rows are variables, columns
// observations) and histogram (counts with their bin edges), as aten
// composes them.
#include <algorithm>
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

Tensor op(const char* name, std::vector<IValue> args) { return Tensor::fromIValue(callOp(findOp(name), std::move(args))); }

// cov: (x - mean) (x - mean)^T / (weight sum - correction), weights from
// fweights (frequencies) and aweights (importance), as aten's cov.
Tensor cov(const Tensor& input, int64_t correction, const IValue& fweights, const IValue& aweights) {
  if (input.dim() > 2) lang::raise("RuntimeError", "cov(): expected input to have two or fewer dimensions but got an input with " + std::to_string(input.dim()) + " dimensions");
  Tensor x = (input.dim() < 2 ? input.reshape({1, -1}) : input).to(isFloatingType(input.dtype()) ? input.dtype() : ScalarType::Float);
  int64_t obs = x.sizes()[1];
  Tensor w;
  if (!fweights.isNone()) w = Tensor::fromIValue(fweights).to(x.dtype());
  if (!aweights.isNone()) {
    Tensor a = Tensor::fromIValue(aweights).to(x.dtype());
    w = w.defined() ? mul(w.toIValue(), a.toIValue()) : a;
  }
  if (w.defined() && (w.dim() != 1 || w.numel() != obs))
    lang::raise("RuntimeError", "cov(): expected fweights and aweights to have the same numel as there are observations in the input but got " + std::to_string(w.numel()));
  double w_sum = w.defined() ? op("aten::sum", {w.toIValue(), IValue()}).item().toScalarDouble() : double(obs);
  Tensor avg = w.defined() ? div(op("aten::sum.dim_IntList", {mul(x.toIValue(), w.toIValue()).toIValue(), fromIntArray({1}), IValue(false), IValue()}).toIValue(), IValue(w_sum))
                           : op("aten::mean.dim", {x.toIValue(), fromIntArray({1}), IValue(false), IValue()});
  double norm = w_sum;
  if (w.defined() && correction != 0 && !aweights.isNone()) {
    Tensor a = Tensor::fromIValue(aweights).to(x.dtype());
    norm -= correction * op("aten::sum", {mul(w.toIValue(), a.toIValue()).toIValue(), IValue()}).item().toScalarDouble() / w_sum;
  } else {
    norm -= correction;
  }
  if (norm <= 0) norm = 0;
  Tensor centered = sub(x.toIValue(), avg.unsqueeze(1).toIValue());
  Tensor weighted = w.defined() ? mul(centered.toIValue(), w.toIValue()) : centered;
  Tensor c = op("aten::mm", {centered.toIValue(), weighted.transpose(0, 1).toIValue()});
  return div(c.toIValue(), IValue(norm)).squeeze();
}
void covKernel(Stack& s) {  // cov(Tensor self, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None)
  pushResult(s, 4, cov(tensorAt(s, 4, 0), argAt(s, 4, 1).toInt(), argAt(s, 4, 2), argAt(s, 4, 3)));
}

// corrcoef: cov normalized by the standard deviations, clipped to [-1, 1].
void corrcoefKernel(Stack& s) {
  Tensor c = cov(Tensor::fromIValue(s.back()), 1, IValue(), IValue());
  if (c.dim() == 0) {
    s.back() = div(c.toIValue(), c.toIValue()).toIValue();
    return;
  }
  Tensor sd = op("aten::sqrt", {op("aten::diagonal", {c.toIValue(), IValue(int64_t(0)), IValue(int64_t(0)), IValue(int64_t(1))}).toIValue()});
  c = div(c.toIValue(), sd.unsqueeze(1).toIValue());
  c = div(c.toIValue(), sd.unsqueeze(0).toIValue());
  s.back() = op("aten::clamp", {c.toIValue(), IValue(int64_t(-1)), IValue(int64_t(1))}).toIValue();
}

// histogram: counts (weighted) per bin of the given edges; a value equal to
// the last edge falls in the last bin; density divides by total * width.
std::pair<Tensor, Tensor> histogram(const Tensor& t, Tensor edges, const IValue& weight, bool density) {
  if (!isFloatingType(t.dtype()))
    lang::raise("RuntimeError", std::string("torch.histogram: input tensor and bins tensors should have the same dtype, but got input ") + scalarTypeName(t.dtype()));
  Tensor x = t.to(ScalarType::Double).contiguous(), e = edges.to(ScalarType::Double).contiguous();
  Tensor w = weight.isNone() ? Tensor() : Tensor::fromIValue(weight).to(ScalarType::Double).contiguous();
  int64_t nb = e.numel() - 1;
  std::vector<double> hist(std::max<int64_t>(nb, 0), 0.0);
  const double* ep = e.data<double>();
  for (int64_t i = 0; i < x.numel() && nb > 0; ++i) {
    double v = x.data<double>()[i];
    if (!(v >= ep[0] && v <= ep[nb])) continue;
    int64_t pos = std::upper_bound(ep, ep + nb + 1, v) - ep - 1;
    pos = std::min(pos, nb - 1);
    hist[pos] += w.defined() ? w.data<double>()[i] : 1.0;
  }
  if (density) {
    double total = 0;
    for (double h : hist) total += h;
    for (int64_t b = 0; b < nb; ++b) hist[b] /= total * (ep[b + 1] - ep[b]);
  }
  Tensor out = Tensor::empty({std::max<int64_t>(nb, 0)}, ScalarType::Double);
  std::copy(hist.begin(), hist.end(), out.data<double>());
  return {out.to(t.dtype()), e.to(t.dtype())};
}
void histogramBinsKernel(Stack& s) {  // histogram.bin_ct(Tensor self, int bins=100, *, float[]? range=None, Tensor? weight=None, bool density=False)
  Tensor t = tensorAt(s, 5, 0);
  int64_t bins = argAt(s, 5, 1).toInt();
  if (bins <= 0) lang::raise("RuntimeError", "torch.histogram(): bins must be > 0, but got " + std::to_string(bins) + " for dimension 0");
  double lo, hi;
  if (!argAt(s, 5, 2).isNone()) {
    const auto& r = argAt(s, 5, 2).toList()->items;
    lo = r.at(0).toDouble(), hi = r.at(1).toDouble();
    if (lo > hi) lang::raise("RuntimeError", "torch.histogram(): min should not exceed max, but got min " + std::to_string(lo) + " max " + std::to_string(hi) + " for dimension 0");
  } else if (t.numel() == 0) {
    lo = 0, hi = 0;
  } else {
    lo = op("aten::min", {t.toIValue()}).item().toScalarDouble();
    hi = op("aten::max", {t.toIValue()}).item().toScalarDouble();
  }
  if (lo == hi) lo -= 0.5, hi += 0.5;
  Tensor edges = op("aten::linspace", {IValue(lo), IValue(hi), IValue(bins + 1), IValue(int64_t(ScalarType::Double)), IValue(), IValue(), IValue()});
  auto [h, e] = histogram(t, edges.to(t.dtype()), argAt(s, 5, 3), argAt(s, 5, 4).toBool());
  pushResults(s, 5, {h.toIValue(), e.toIValue()});
}
void histogramTensorKernel(Stack& s) {  // histogram.bins_tensor(Tensor self, Tensor bins, *, Tensor? weight=None, bool density=False)
  auto [h, e] = histogram(tensorAt(s, 4, 0), tensorAt(s, 4, 1), argAt(s, 4, 2), argAt(s, 4, 3).toBool());
  pushResults(s, 4, {h.toIValue(), e.toIValue()});
}

static lang::RegisterOps reg({
    {"aten::cov(Tensor self, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None) -> Tensor", covKernel},
    {"aten::corrcoef(Tensor self) -> Tensor", corrcoefKernel},
    {"aten::histogram.bin_ct(Tensor self, int bins=100, *, float[]? range=None, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor bin_edges)", histogramBinsKernel},
    {"aten::histogram.bins_tensor(Tensor self, Tensor bins, *, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor bin_edges)", histogramTensorKernel},
});

}  // namespace
}  // namespace wick::ops
