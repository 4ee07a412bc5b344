// p-norm distances: cdist (between the rows of two batches of matrices),
// pdist (between the rows of one matrix, upper triangle) and dist (of two tensors).
// p = 0 counts differing coordinates, p = inf takes the largest difference.
#include <cmath>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

double pnorm(const double* a, const double* b, int64_t m, double p) {
  double acc = 0;
  for (int64_t k = 0; k < m; ++k) {
    double d = std::fabs(a[k] - b[k]);
    if (std::isinf(p)) acc = std::max(acc, d);
    else if (p == 0) acc += d != 0;
    else if (p == 1) acc += d;
    else if (p == 2) acc += d * d;
    else acc += std::pow(d, p);
  }
  if (std::isinf(p) || p == 0 || p == 1) return acc;
  return p == 2 ? std::sqrt(acc) : std::pow(acc, 1.0 / p);
}

void cdistKernel(Stack& s) {  // cdist(Tensor x1, Tensor x2, float p=2., int? compute_mode=None)
  Tensor a = tensorAt(s, 4, 0), b = tensorAt(s, 4, 1);
  double p = argAt(s, 4, 2).toDouble();
  if (!isFloatingType(a.dtype())) lang::raise("RuntimeError", std::string("cdist only supports floating-point dtypes, X1 got: ") + scalarTypeName(a.dtype()));
  if (!isFloatingType(b.dtype())) lang::raise("RuntimeError", std::string("cdist only supports floating-point dtypes, X2 got: ") + scalarTypeName(b.dtype()));
  if (a.dim() < 2) lang::raise("RuntimeError", "cdist only supports at least 2D tensors, X1 got: " + std::to_string(a.dim()) + "D");
  if (b.dim() < 2) lang::raise("RuntimeError", "cdist only supports at least 2D tensors, X2 got: " + std::to_string(b.dim()) + "D");
  int64_t m = a.sizes().back();
  if (b.sizes().back() != m)
    lang::raise("RuntimeError", "X1 and X2 must have the same number of columns. X1: " + std::to_string(m) + " X2: " + std::to_string(b.sizes().back()));
  if (p < 0) lang::raise("RuntimeError", "cdist only supports non-negative p values");
  int64_t P = a.sizes()[a.dim() - 2], R = b.sizes()[b.dim() - 2];
  IntArray batch = broadcastShapes(IntArray(a.sizes().begin(), a.sizes().end() - 2), IntArray(b.sizes().begin(), b.sizes().end() - 2));
  IntArray as = batch, bs = batch, os = batch;
  as.insert(as.end(), {P, m});
  bs.insert(bs.end(), {R, m});
  os.insert(os.end(), {P, R});
  Tensor x = a.expand(as).to(ScalarType::Double).contiguous(), y = b.expand(bs).to(ScalarType::Double).contiguous();
  Tensor out = Tensor::empty(os, ScalarType::Double);
  int64_t count = numelOf(batch);
  for (int64_t n = 0; n < count; ++n)
    for (int64_t i = 0; i < P; ++i)
      for (int64_t j = 0; j < R; ++j)
        out.data<double>()[(n * P + i) * R + j] = pnorm(x.data<double>() + (n * P + i) * m, y.data<double>() + (n * R + j) * m, m, p);
  pushResult(s, 4, out.to(promoteTypes(a.dtype(), b.dtype())));
}

void pdistKernel(Stack& s) {  // pdist(Tensor self, float p=2)
  Tensor a = tensorAt(s, 2, 0);
  double p = argAt(s, 2, 1).toDouble();
  if (a.dim() != 2) lang::raise("RuntimeError", "pdist only supports 2D tensors, got: " + std::to_string(a.dim()) + "D");
  if (!isFloatingType(a.dtype())) lang::raise("RuntimeError", "pdist only supports floating-point dtypes");
  if (p < 0) lang::raise("RuntimeError", "pdist only supports non-negative p values");
  int64_t n = a.sizes()[0], m = a.sizes()[1];
  Tensor x = a.to(ScalarType::Double).contiguous();
  Tensor out = Tensor::empty({n > 1 ? n * (n - 1) / 2 : 0}, ScalarType::Double);
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) out.data<double>()[k++] = pnorm(x.data<double>() + i * m, x.data<double>() + j * m, m, p);
  pushResult(s, 2, out.to(a.dtype()));
}

// dist(a, b, p): the p-norm of a - b (broadcast), as one number.
void distKernel(Stack& s) {  // dist(Tensor self, Tensor other, Scalar p=2)
  Tensor a = tensorAt(s, 3, 0), b = tensorAt(s, 3, 1);
  if (!isFloatingType(a.dtype())) lang::raise("RuntimeError", std::string("linalg.vector_norm: Expected a floating point or complex tensor as input. Got ") + scalarTypeName(a.dtype()));
  IntArray shape = broadcastShapes(a.sizes(), b.sizes());
  Tensor x = a.expand(shape).to(ScalarType::Double).contiguous(), y = b.expand(shape).to(ScalarType::Double).contiguous();
  double r = pnorm(x.data<double>(), y.data<double>(), x.numel(), argAt(s, 3, 2).toScalarDouble());
  pushResult(s, 3, Tensor::full({}, r, promoteTypes(a.dtype(), b.dtype())));
}

static lang::RegisterOps reg({
    {"aten::dist(Tensor self, Tensor other, Scalar p=2) -> Tensor", distKernel},
    {"aten::cdist(Tensor x1, Tensor x2, float p=2., int? compute_mode=None) -> Tensor", cdistKernel},
    {"aten::pdist(Tensor self, float p=2) -> Tensor", pdistKernel},
});

}  // namespace
}  // namespace wick::ops
