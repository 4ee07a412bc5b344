// Solving and inverting: det/slogdet/logdet, inverse, solve and matrix_power
// (LU), triangular solves, lstsq, matrix_exp and cond, for batches of
// square matrices (*, n, n).
//
// Each matrix is copied into LAPACK's column-major layout and factored with
// OpenBLAS's getrf, as PyTorch's CPU kernels do, so pivots (and rounding)
// follow the same path. Only float32/float64 take this path; PyTorch rejects
// other dtypes with the messages reproduced here.
#include <cmath>
#include <vector>

#include "ops/cpu/reduce_rows.h"
#include "ops/tensor/call_op.h"

extern "C" {
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void sgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* lda, const int* ipiv, float* b,
             const int* ldb, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv, double* b,
             const int* ldb, int* info);
}

namespace wick::ops {
namespace {

template <class T> struct Lapack;
template <> struct Lapack<float> {
  static int getrf(int n, float* a, int* piv) { int info; sgetrf_(&n, &n, a, &n, piv, &info); return info; }
  static void getrs(char t, int n, int nrhs, const float* a, const int* piv, float* b) {
    int info; sgetrs_(&t, &n, &nrhs, a, &n, piv, b, &n, &info);
  }
};
template <> struct Lapack<double> {
  static int getrf(int n, double* a, int* piv) { int info; dgetrf_(&n, &n, a, &n, piv, &info); return info; }
  static void getrs(char t, int n, int nrhs, const double* a, const int* piv, double* b) {
    int info; dgetrs_(&t, &n, &nrhs, a, &n, piv, b, &n, &info);
  }
};

// Checks the (*, n, n) shape and a floating dtype, naming the op as PyTorch does.
void checkSquare(const Tensor& a, const char* fn) {
  if (a.dim() < 2) lang::raise("RuntimeError", std::string(fn) + ": The input tensor A must have at least 2 dimensions.");
  int64_t r = a.sizes()[a.dim() - 2], c = a.sizes()[a.dim() - 1];
  if (r != c)
    lang::raise("RuntimeError", std::string(fn) + ": A must be batches of square matrices, but they are " + std::to_string(r) +
                                    " by " + std::to_string(c) + " matrices");
}
void checkFloating(const Tensor& a, const char* fn) {
  if (a.dtype() != ScalarType::Float && a.dtype() != ScalarType::Double)
    lang::raise("RuntimeError", std::string(fn) + ": Expected a floating point or complex tensor as input. Got " + scalarTypeName(a.dtype()));
}

// The matrices of t (*, r, c) as one contiguous column-major buffer per matrix:
// a contiguous copy of t with its last two dims swapped.
Tensor columnMajor(const Tensor& t) { return t.transpose(-2, -1).contiguous(); }

// Every matrix factored in place (column-major); pivots and getrf's info per matrix.
struct LuBatch {
  Tensor lu;                // (*, n, n) column-major per matrix (see columnMajor)
  std::vector<int> pivots;  // n per matrix, 1-based as LAPACK gives them
  std::vector<int> info;    // > 0: U(info, info) is exactly zero
  int64_t count = 0, n = 0;
};
// transposed: factor A^T instead, whose column-major layout is A's row-major
// one. aten does this for a contiguous A (no copy) and solves with A^T's
// factors transposed; the pivots, and so the rounding, follow.
LuBatch luFactor(const Tensor& a, bool transposed = false) {
  LuBatch r;
  r.n = a.sizes().back();
  r.count = r.n == 0 ? numelOf(IntArray(a.sizes().begin(), a.sizes().end() - 2)) : a.numel() / (r.n * r.n);
  r.lu = transposed ? a.contiguous() : columnMajor(a);
  if (r.lu.storage() == a.storage()) r.lu = r.lu.clone();
  r.pivots.assign(r.count * r.n, 0);
  r.info.assign(r.count, 0);
  dispatchType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      for (int64_t b = 0; b < r.count && r.n > 0; ++b)
        r.info[b] = Lapack<T>::getrf(static_cast<int>(r.n), r.lu.data<T>() + b * r.n * r.n, r.pivots.data() + b * r.n);
    }
  });
  return r;
}

// sign and log|det| of each factored matrix: the product of U's diagonal times
// the permutation's sign, as PyTorch's slogdet computes it.
template <class T>
void signLogAbs(const LuBatch& f, int64_t b, T& sign, T& logabs, T& det) {
  const T* m = f.lu.data<T>() + b * f.n * f.n;
  T perm = 1, s = 1, d = 1;
  std::vector<T> logs(f.n);
  for (int64_t i = 0; i < f.n; ++i) {
    T u = m[i * f.n + i];
    if (f.pivots[b * f.n + i] != i + 1) perm = -perm;
    d *= u;
    logs[i] = std::log(std::fabs(u));
    s *= u > 0 ? T(1) : u < 0 ? T(-1) : T(0);
  }
  sign = perm * s;
  logabs = cascadeSum<T>(logs.data(), f.n);  // log|U_ii| summed as at::sum does
  det = perm * d;
}

IntArray batchShape(const Tensor& a) { return IntArray(a.sizes().begin(), a.sizes().end() - 2); }

enum class DetPart { Det, Sign, LogAbs, LogDet };
Tensor detPart(const Tensor& a, DetPart part, const char* fn) {
  checkSquare(a, fn);
  checkFloating(a, fn);
  LuBatch f = luFactor(a, a.is_contiguous());
  Tensor out = Tensor::empty(batchShape(a), a.dtype());
  dispatchType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      for (int64_t b = 0; b < f.count; ++b) {
        T sign, logabs, det;
        signLogAbs<T>(f, b, sign, logabs, det);
        T v = part == DetPart::Det ? det : part == DetPart::Sign ? sign : part == DetPart::LogAbs ? logabs
              : sign < 0 ? T(NAN) : sign == 0 ? T(-INFINITY) : logabs;
        out.data<T>()[b] = v;
      }
    }
  });
  return out;
}

void detKernel(Stack& s) { s.back() = detPart(Tensor::fromIValue(s.back()), DetPart::Det, "linalg.det").toIValue(); }
void logdetKernel(Stack& s) { s.back() = detPart(Tensor::fromIValue(s.back()), DetPart::LogDet, "linalg.logdet").toIValue(); }
void slogdetKernel(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  Tensor sign = detPart(a, DetPart::Sign, "linalg.slogdet"), logabs = detPart(a, DetPart::LogAbs, "linalg.slogdet");
  pushResults(s, 1, {sign.toIValue(), logabs.toIValue()});
}

std::string batchPrefix(const LuBatch& f, int64_t b) {
  return f.count > 1 || f.lu.dim() > 2 ? "(Batch element " + std::to_string(b) + "): " : "";
}

// Solves A X = B for every batch (A: (*, n, n) factored, B: (*, n, k) broadcast to match).
Tensor luSolve(const Tensor& a, const Tensor& rhs, const char* fn, bool is_inverse, bool transposed) {
  LuBatch f = luFactor(a, transposed);
  for (int64_t b = 0; b < f.count; ++b)
    if (f.info[b] > 0) {
      if (is_inverse)
        lang::raise("RuntimeError", std::string(fn) + ": " + batchPrefix(f, b) + "The diagonal element " + std::to_string(f.info[b]) +
                                        " is zero, the inversion could not be completed because the input matrix is singular.");
      lang::raise("RuntimeError", std::string(fn) + ": The solver failed because the input matrix is singular.");
    }
  Tensor x = columnMajor(rhs.to(a.dtype()));
  if (x.storage() == rhs.storage()) x = x.clone();
  int64_t k = rhs.sizes().back();
  dispatchType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      for (int64_t b = 0; b < f.count && f.n > 0 && k > 0; ++b)
        Lapack<T>::getrs(transposed ? 'T' : 'N', static_cast<int>(f.n), static_cast<int>(k), f.lu.data<T>() + b * f.n * f.n,
                         f.pivots.data() + b * f.n, x.data<T>() + b * f.n * k);
    }
  });
  return x.transpose(-2, -1).contiguous();
}

Tensor eyeLike(const Tensor& a) {
  int64_t n = a.sizes().back();
  Tensor eye = Tensor::zeros({n, n}, a.dtype());
  for (int64_t i = 0; i < n; ++i) eye.select(0, i).select(0, i).fill_(IValue(int64_t(1)));
  return eye.expand(a.sizes());
}

Tensor inverse(const Tensor& a, const char* fn) {
  checkSquare(a, fn);
  checkFloating(a, fn);
  return luSolve(a, eyeLike(a).contiguous(), fn, true, a.is_contiguous());
}
void inverseKernel(Stack& s) { s.back() = inverse(Tensor::fromIValue(s.back()), "linalg.inv").toIValue(); }

// linalg.solve(A, B, *, left=True): B is a vector (or batch of vectors) when
// it is 1-D or has A's shape without the last dim; batch dims broadcast.
Tensor solve(const Tensor& a, const Tensor& b, bool left) {
  const char* fn = "linalg.solve";
  checkSquare(a, fn);
  checkFloating(a, fn);
  if (b.dtype() != a.dtype())
    lang::raise("RuntimeError", std::string(fn) + ": Expected A and B to have the same dtype, but found A of type " +
                                    scalarTypeName(a.dtype()) + " and B of type " + scalarTypeName(b.dtype()) + " instead");
  if (b.dim() < 1) lang::raise("RuntimeError", std::string(fn) + ": The input tensor B must have at least 2 dimensions.");
  if (!left) return solve(a.transpose(-2, -1), b.transpose(-2, -1), true).transpose(-2, -1).contiguous();
  bool vector = b.dim() == 1 || (b.dim() == a.dim() - 1 && b.sizes() == IntArray(a.sizes().begin(), a.sizes().end() - 1));
  Tensor B = vector ? b.unsqueeze(-1) : b;
  int64_t n = a.sizes().back();
  if (B.dim() < 2 || B.sizes()[B.dim() - 2] != n)
    lang::raise("RuntimeError", std::string(fn) + ": Incompatible shapes of A and B for the equation AX = B (" + std::to_string(n) + "x" +
                                    std::to_string(n) + " and " + std::to_string(B.dim() >= 2 ? B.sizes()[B.dim() - 2] : B.sizes()[0]) +
                                    "x" + std::to_string(B.sizes().back()) + ")");
  IntArray batch = broadcastShapes(batchShape(a), batchShape(B));
  IntArray ashape = batch, bshape = batch;
  ashape.insert(ashape.end(), {n, n});
  bshape.insert(bshape.end(), {n, B.sizes().back()});
  Tensor x = luSolve(a.expand(ashape).contiguous(), B.expand(bshape).contiguous(), fn, false, a.is_contiguous());
  return vector ? x.squeeze(-1) : x;
}
void solveKernel(Stack& s) {  // linalg_solve(Tensor A, Tensor B, *, bool left=True)
  pushResult(s, 3, solve(tensorAt(s, 3, 0), tensorAt(s, 3, 1), argAt(s, 3, 2).toBool()));
}

// matrix_power as PyTorch computes it: n < 0 inverts first; 1, 2, 3 multiply
// directly; larger n by binary decomposition (the same products, same rounding).
Tensor matrixPower(const Tensor& a, int64_t n) {
  checkSquare(a, "linalg.matrix_power");
  static const lang::Operator* matmul = findOp("aten::matmul");
  auto mm = [&](const Tensor& x, const Tensor& y) { return callTensorOp(matmul, {x.toIValue(), y.toIValue()}); };
  if (n == 0) return eyeLike(a).contiguous();
  Tensor base = a;
  if (n < 0) {
    base = inverse(a, "linalg.inv");
    n = -n;
  }
  if (n == 1) return base.clone();
  if (n == 2) return mm(base, base);
  if (n == 3) return mm(mm(base, base), base);
  Tensor z, result;
  while (n > 0) {
    bool bit = n % 2;
    n /= 2;
    z = z.defined() ? mm(z, z) : base;
    if (bit) result = result.defined() ? mm(result, z) : z;
  }
  return result;
}
void matrixPowerKernel(Stack& s) { pushResult(s, 2, matrixPower(tensorAt(s, 2, 0), argAt(s, 2, 1).toInt())); }

// Forward/back substitution on each (*, n, n) triangle; the right-hand sides
// (*, n, k) broadcast against A's batch. Done in double, cast back.
Tensor solveTriangular(const Tensor& a, const Tensor& b, bool upper, bool unit, const char* fn) {
  checkSquare(a, fn);
  checkFloating(a, fn);
  int64_t n = a.sizes().back();
  if (b.dim() < 2 || b.sizes()[b.dim() - 2] != n)
    lang::raise("RuntimeError", std::string(fn) + ": Incompatible shapes of A and B for the equation AX = B (" + std::to_string(n) + "x" +
                                    std::to_string(n) + " and " + shapeStr(b.sizes()) + ")");
  IntArray batch = broadcastShapes(batchShape(a), batchShape(b));
  int64_t k = b.sizes().back(), count = numelOf(batch);
  IntArray ashape = batch, bshape = batch;
  ashape.insert(ashape.end(), {n, n});
  bshape.insert(bshape.end(), {n, k});
  Tensor A = a.expand(ashape).to(ScalarType::Double).contiguous();
  Tensor X = b.expand(bshape).to(ScalarType::Double).contiguous().clone();
  for (int64_t bi = 0; bi < count; ++bi) {
    const double* m = A.data<double>() + bi * n * n;
    double* x = X.data<double>() + bi * n * k;
    for (int64_t step = 0; step < n; ++step) {
      int64_t i = upper ? n - 1 - step : step;
      for (int64_t c = 0; c < k; ++c) {
        double acc = x[i * k + c];
        for (int64_t j = 0; j < n; ++j)
          if (upper ? j > i : j < i) acc -= m[i * n + j] * x[j * k + c];
        x[i * k + c] = unit ? acc : acc / m[i * n + i];
      }
    }
  }
  return X.to(promoteTypes(a.dtype(), b.dtype()));
}
void solveTriangularKernel(Stack& s) {  // linalg_solve_triangular(Tensor self, Tensor B, *, bool upper, bool left=True, bool unitriangular=False)
  Tensor a = tensorAt(s, 5, 0), b = tensorAt(s, 5, 1);
  bool upper = argAt(s, 5, 2).toBool(), left = argAt(s, 5, 3).toBool(), unit = argAt(s, 5, 4).toBool();
  const char* fn = "linalg.solve_triangular";
  // X A = B  <=>  A^T X^T = B^T, with A^T's triangle flipped.
  Tensor x = left ? solveTriangular(a, b, upper, unit, fn)
                  : solveTriangular(a.transpose(-2, -1), b.transpose(-2, -1), !upper, unit, fn).transpose(-2, -1).contiguous();
  pushResult(s, 5, x);
}
void triangularSolveKernel(Stack& s) {  // triangular_solve(Tensor self, Tensor A, bool upper=True, bool transpose=False, bool unitriangular=False)
  Tensor b = tensorAt(s, 5, 0), a = tensorAt(s, 5, 1);
  bool upper = argAt(s, 5, 2).toBool(), trans = argAt(s, 5, 3).toBool(), unit = argAt(s, 5, 4).toBool();
  Tensor x = solveTriangular(trans ? a.transpose(-2, -1) : a, b, trans ? !upper : upper, unit, "triangular_solve");
  pushResults(s, 5, {x.toIValue(), a.clone().toIValue()});
}

// lstsq as the default CPU driver (gelsy) reports it: the minimum-norm
// solution, the rank, and empty residuals and singular values.
void lstsqKernel(Stack& s) {  // linalg_lstsq(Tensor self, Tensor b, float? rcond=None, *, str? driver=None)
  Tensor a = tensorAt(s, 4, 0), b = tensorAt(s, 4, 1);
  const char* fn = "torch.linalg.lstsq";
  if (a.dim() < 2) lang::raise("RuntimeError", std::string(fn) + ": input must have at least 2 dimensions.");
  checkFloating(a, fn);
  bool vector = b.dim() == a.dim() - 1;
  if (!vector && b.dim() != a.dim())
    lang::raise("RuntimeError", std::string(fn) + ": input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1");
  Tensor B = vector ? b.unsqueeze(-1) : b;
  if (B.sizes()[B.dim() - 2] != a.sizes()[a.dim() - 2])
    lang::raise("RuntimeError", std::string(fn) + ": input.size(-2) should match other.size(-2)");
  static const lang::Operator* pinv = findOp("aten::linalg_pinv.atol_rtol_float");
  static const lang::Operator* rank = findOp("aten::linalg_matrix_rank.atol_rtol_float");
  static const lang::Operator* matmul = findOp("aten::matmul");
  const IValue& rcond = argAt(s, 4, 2);
  Tensor p = callTensorOp(pinv, {a.toIValue(), IValue(), rcond, IValue(false)});
  Tensor x = callTensorOp(matmul, {p.toIValue(), B.toIValue()});
  Tensor r = callTensorOp(rank, {a.toIValue(), IValue(), rcond, IValue(false)});
  pushResults(s, 4, {(vector ? x.squeeze(-1) : x).toIValue(), Tensor::empty({0}, a.dtype()).toIValue(), r.toIValue(),
                     Tensor::empty({0}, a.dtype()).toIValue()});
}

// exp(A) by scaling and squaring with the [13/13] Pade approximant (Higham
// 2005), in double per matrix.
void expPade(const double* a, double* out, int64_t n) {
  static const double b[] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
                             129060195264000.0,   10559470521600.0,    670442572800.0,     33522128640.0,
                             1323241920.0,        40840800.0,          960960.0,           16380.0,
                             182.0,               1.0};
  auto mm = [n](const std::vector<double>& x, const std::vector<double>& y) {
    std::vector<double> z(n * n, 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < n; ++k)
        for (int64_t j = 0; j < n; ++j) z[i * n + j] += x[i * n + k] * y[k * n + j];
    return z;
  };
  double norm1 = 0;
  for (int64_t j = 0; j < n; ++j) {
    double c = 0;
    for (int64_t i = 0; i < n; ++i) c += std::fabs(a[i * n + j]);
    norm1 = std::max(norm1, c);
  }
  int sq = norm1 > 5.371920351148152 ? static_cast<int>(std::ceil(std::log2(norm1 / 5.371920351148152))) : 0;
  std::vector<double> A(a, a + n * n), I(n * n, 0.0);
  for (double& v : A) v = std::ldexp(v, -sq);
  for (int64_t i = 0; i < n; ++i) I[i * n + i] = 1.0;
  std::vector<double> A2 = mm(A, A), A4 = mm(A2, A2), A6 = mm(A4, A2);
  std::vector<double> u1(n * n), v1(n * n), u2(n * n), v2(n * n);
  for (int64_t i = 0; i < n * n; ++i) {
    u1[i] = b[13] * A6[i] + b[11] * A4[i] + b[9] * A2[i];
    v1[i] = b[12] * A6[i] + b[10] * A4[i] + b[8] * A2[i];
  }
  std::vector<double> t = mm(A6, u1), w = mm(A6, v1);
  for (int64_t i = 0; i < n * n; ++i) {
    u2[i] = t[i] + b[7] * A6[i] + b[5] * A4[i] + b[3] * A2[i] + b[1] * I[i];
    v2[i] = w[i] + b[6] * A6[i] + b[4] * A4[i] + b[2] * A2[i] + b[0] * I[i];
  }
  std::vector<double> U = mm(A, u2), P(n * n), Q(n * n);
  for (int64_t i = 0; i < n * n; ++i) P[i] = v2[i] + U[i], Q[i] = v2[i] - U[i];
  // Solve Q X = P with partial pivoting.
  std::vector<int64_t> piv(n);
  for (int64_t c = 0; c < n; ++c) {
    int64_t p = c;
    for (int64_t r = c + 1; r < n; ++r)
      if (std::fabs(Q[r * n + c]) > std::fabs(Q[p * n + c])) p = r;
    for (int64_t j = 0; j < n; ++j) std::swap(Q[c * n + j], Q[p * n + j]), std::swap(P[c * n + j], P[p * n + j]);
    for (int64_t r = c + 1; r < n; ++r) {
      double f = Q[r * n + c] / Q[c * n + c];
      for (int64_t j = c; j < n; ++j) Q[r * n + j] -= f * Q[c * n + j];
      for (int64_t j = 0; j < n; ++j) P[r * n + j] -= f * P[c * n + j];
    }
  }
  for (int64_t c = n - 1; c >= 0; --c)
    for (int64_t j = 0; j < n; ++j) {
      double acc = P[c * n + j];
      for (int64_t k = c + 1; k < n; ++k) acc -= Q[c * n + k] * P[k * n + j];
      P[c * n + j] = acc / Q[c * n + c];
    }
  for (int k = 0; k < sq; ++k) P = mm(P, P);
  std::copy(P.begin(), P.end(), out);
}
void matrixExpKernel(Stack& s) {
  Tensor a = Tensor::fromIValue(s.back());
  checkSquare(a, "linalg.matrix_exp");
  checkFloating(a, "linalg.matrix_exp");
  int64_t n = a.sizes().back(), count = numelOf(batchShape(a));
  Tensor x = a.to(ScalarType::Double).contiguous();
  Tensor out = Tensor::empty(a.sizes(), ScalarType::Double);
  for (int64_t b = 0; b < count && n > 0; ++b) expPade(x.data<double>() + b * n * n, out.data<double>() + b * n * n, n);
  s.back() = out.to(a.dtype()).toIValue();
}

// cond: sigma_max / sigma_min for p None or +-2, else norm(A, p) * norm(inv(A), p).
void condKernel(Stack& s) {  // linalg_cond(Tensor self, Scalar? p=None)
  Tensor a = tensorAt(s, 2, 0);
  const IValue& p = argAt(s, 2, 1);
  if (p.isNone() || std::fabs(p.toScalarDouble()) == 2) {
    Tensor sv = callTensorOp(findOp("aten::linalg_svdvals"), {a.toIValue(), IValue()});
    int64_t k = sv.sizes().back();
    Tensor hi = sv.narrow(-1, 0, 1).squeeze(-1), lo = sv.narrow(-1, k - 1, 1).squeeze(-1);
    bool inverse = !p.isNone() && p.toScalarDouble() < 0;
    pushResult(s, 2, inverse ? div(lo.toIValue(), hi.toIValue()) : div(hi.toIValue(), lo.toIValue()));
    return;
  }
  static const lang::Operator* norm = findOp("aten::linalg_matrix_norm");
  IValue dims = fromIntArray({-2, -1});
  Tensor na = callTensorOp(norm, {a.toIValue(), p, dims, IValue(false), IValue()});
  Tensor ni = callTensorOp(norm, {inverse(a, "linalg.cond").toIValue(), p, dims, IValue(false), IValue()});
  pushResult(s, 2, mul(na.toIValue(), ni.toIValue()));
}

static lang::RegisterOps reg({
    {"aten::linalg_solve_triangular(Tensor self, Tensor B, *, bool upper, bool left=True, bool unitriangular=False) -> Tensor", solveTriangularKernel},
    {"aten::triangular_solve(Tensor self, Tensor A, bool upper=True, bool transpose=False, bool unitriangular=False) -> (Tensor solution, Tensor cloned_coefficient)", triangularSolveKernel},
    {"aten::linalg_lstsq(Tensor self, Tensor b, float? rcond=None, *, str? driver=None) -> (Tensor solution, Tensor residuals, Tensor rank, Tensor singular_values)", lstsqKernel},
    {"aten::matrix_exp(Tensor self) -> Tensor", matrixExpKernel},
    {"aten::linalg_matrix_exp(Tensor self) -> Tensor", matrixExpKernel},
    {"aten::linalg_cond(Tensor self, Scalar? p=None) -> Tensor", condKernel},
    {"aten::det(Tensor self) -> Tensor", detKernel},
    {"aten::linalg_det(Tensor A) -> Tensor", detKernel},
    {"aten::logdet(Tensor self) -> Tensor", logdetKernel},
    {"aten::slogdet(Tensor self) -> (Tensor sign, Tensor logabsdet)", slogdetKernel},
    {"aten::linalg_slogdet(Tensor A) -> (Tensor sign, Tensor logabsdet)", slogdetKernel},
    {"aten::inverse(Tensor self) -> Tensor", inverseKernel},
    {"aten::linalg_inv(Tensor A) -> Tensor", inverseKernel},
    {"aten::linalg_solve(Tensor A, Tensor B, *, bool left=True) -> Tensor", solveKernel},
    {"aten::matrix_power(Tensor self, int n) -> Tensor", matrixPowerKernel},
    {"aten::linalg_matrix_power(Tensor self, int n) -> Tensor", matrixPowerKernel},
});

}  // namespace
}  // namespace wick::ops
