// Matrix decompositions through OpenBLAS's LAPACK: svd/svdvals (gesdd),
// eigh/eigvalsh (syevd), cholesky (potrf), qr (geqrf + orgqr), and what is
// built on them (pinv, matrix_rank). Batches (*, m, n) run one matrix at a
// time; LAPACK works on column-major copies (columnMajor below).
//
// Singular vectors and eigenvectors are unique only up to sign; they come out
// as LAPACK computes them, which is also what PyTorch's CPU kernels return.
#include <cmath>
#include <vector>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

extern "C" {
void sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s, float* u, const int* ldu,
             float* vt, const int* ldvt, float* work, const int* lwork, int* iwork, int* info);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s, double* u, const int* ldu,
             double* vt, const int* ldvt, double* work, const int* lwork, int* iwork, int* info);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w, float* work,
             const int* lwork, int* iwork, const int* liwork, int* info);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info);
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork, int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork, int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work,
             const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
}

namespace wick::ops {
namespace {

template <class T> struct Lapack;
template <> struct Lapack<float> {
  static void gesdd(char j, int m, int n, float* a, float* s, float* u, int ldu, float* vt, int ldvt, int* info) {
    int lwork = -1, mn = std::min(m, n);
    float q;
    std::vector<int> iw(8 * std::max(mn, 1));
    sgesdd_(&j, &m, &n, a, &m, s, u, &ldu, vt, &ldvt, &q, &lwork, iw.data(), info);
    lwork = static_cast<int>(q);
    std::vector<float> w(std::max(lwork, 1));
    sgesdd_(&j, &m, &n, a, &m, s, u, &ldu, vt, &ldvt, w.data(), &lwork, iw.data(), info);
  }
  static void syevd(char j, int n, float* a, float* w, int* info) {
    int lwork = -1, liwork = -1, iq;
    float q;
    char up = 'L';
    ssyevd_(&j, &up, &n, a, &n, w, &q, &lwork, &iq, &liwork, info);
    lwork = static_cast<int>(q), liwork = iq;
    std::vector<float> work(std::max(lwork, 1));
    std::vector<int> iwork(std::max(liwork, 1));
    ssyevd_(&j, &up, &n, a, &n, w, work.data(), &lwork, iwork.data(), &liwork, info);
  }
  static void potrf(int n, float* a, int* info) { char up = 'L'; spotrf_(&up, &n, a, &n, info); }
  static void geqrf(int m, int n, float* a, float* tau, int* info) {
    int lwork = -1;
    float q;
    sgeqrf_(&m, &n, a, &m, tau, &q, &lwork, info);
    lwork = static_cast<int>(q);
    std::vector<float> w(std::max(lwork, 1));
    sgeqrf_(&m, &n, a, &m, tau, w.data(), &lwork, info);
  }
  static void orgqr(int m, int n, int k, float* a, const float* tau, int* info) {
    int lwork = -1;
    float q;
    sorgqr_(&m, &n, &k, a, &m, tau, &q, &lwork, info);
    lwork = static_cast<int>(q);
    std::vector<float> w(std::max(lwork, 1));
    sorgqr_(&m, &n, &k, a, &m, tau, w.data(), &lwork, info);
  }
};
template <> struct Lapack<double> {
  static void gesdd(char j, int m, int n, double* a, double* s, double* u, int ldu, double* vt, int ldvt, int* info) {
    int lwork = -1, mn = std::min(m, n);
    double q;
    std::vector<int> iw(8 * std::max(mn, 1));
    dgesdd_(&j, &m, &n, a, &m, s, u, &ldu, vt, &ldvt, &q, &lwork, iw.data(), info);
    lwork = static_cast<int>(q);
    std::vector<double> w(std::max(lwork, 1));
    dgesdd_(&j, &m, &n, a, &m, s, u, &ldu, vt, &ldvt, w.data(), &lwork, iw.data(), info);
  }
  static void syevd(char j, int n, double* a, double* w, int* info) {
    int lwork = -1, liwork = -1, iq;
    double q;
    char up = 'L';
    dsyevd_(&j, &up, &n, a, &n, w, &q, &lwork, &iq, &liwork, info);
    lwork = static_cast<int>(q), liwork = iq;
    std::vector<double> work(std::max(lwork, 1));
    std::vector<int> iwork(std::max(liwork, 1));
    dsyevd_(&j, &up, &n, a, &n, w, work.data(), &lwork, iwork.data(), &liwork, info);
  }
  static void potrf(int n, double* a, int* info) { char up = 'L'; dpotrf_(&up, &n, a, &n, info); }
  static void geqrf(int m, int n, double* a, double* tau, int* info) {
    int lwork = -1;
    double q;
    dgeqrf_(&m, &n, a, &m, tau, &q, &lwork, info);
    lwork = static_cast<int>(q);
    std::vector<double> w(std::max(lwork, 1));
    dgeqrf_(&m, &n, a, &m, tau, w.data(), &lwork, info);
  }
  static void orgqr(int m, int n, int k, double* a, const double* tau, int* info) {
    int lwork = -1;
    double q;
    dorgqr_(&m, &n, &k, a, &m, tau, &q, &lwork, info);
    lwork = static_cast<int>(q);
    std::vector<double> w(std::max(lwork, 1));
    dorgqr_(&m, &n, &k, a, &m, tau, w.data(), &lwork, info);
  }
};

void checkMatrix(const Tensor& a, const char* fn, bool square) {
  if (a.dim() < 2) lang::raise("RuntimeError", std::string(fn) + ": The input tensor A must have at least 2 dimensions.");
  if (a.dtype() != ScalarType::Float && a.dtype() != ScalarType::Double)
    lang::raise("RuntimeError", std::string(fn) + ": Expected a floating point or complex tensor as input. Got " + scalarTypeName(a.dtype()));
  int64_t r = a.sizes()[a.dim() - 2], c = a.sizes()[a.dim() - 1];
  if (square && r != c)
    lang::raise("RuntimeError", std::string(fn) + ": A must be batches of square matrices, but they are " + std::to_string(r) + " by " +
                                    std::to_string(c) + " matrices");
}

// A fresh contiguous buffer holding each matrix of t column-major.
Tensor columnMajor(const Tensor& t) { return t.transpose(-2, -1).contiguous().clone(); }
// Undoes columnMajor for a buffer of shape (*, cols, rows).
Tensor fromColumnMajor(const Tensor& t) { return t.transpose(-2, -1).contiguous(); }

IntArray withMatrix(IntArray batch, int64_t r, int64_t c) {
  batch.push_back(r);
  batch.push_back(c);
  return batch;
}
IntArray batchOf(const Tensor& t) { return IntArray(t.sizes().begin(), t.sizes().end() - 2); }
int64_t batchCount(const Tensor& t) { return numelOf(batchOf(t)); }

template <class F>
void forFloat(ScalarType dt, F f) {
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) f(T{});
  });
}

// (U, S, Vh); U and Vh only when vectors, reduced to k = min(m, n) columns/rows unless full.
std::vector<Tensor> svd(const Tensor& a, bool vectors, bool full, const char* fn) {
  checkMatrix(a, fn, false);
  int64_t m = a.sizes()[a.dim() - 2], n = a.sizes()[a.dim() - 1], k = std::min(m, n);
  int64_t ucols = full ? m : k, vrows = full ? n : k;
  IntArray batch = batchOf(a);
  Tensor buf = columnMajor(a);
  IntArray sshape = batch;
  sshape.push_back(k);
  Tensor S = Tensor::zeros(sshape, a.dtype());
  Tensor U = Tensor::zeros(withMatrix(batch, ucols, m), a.dtype()), V = Tensor::zeros(withMatrix(batch, n, vrows), a.dtype());
  forFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < batchCount(a) && m > 0 && n > 0; ++b) {
      int info = 0;
      char job = !vectors ? 'N' : full ? 'A' : 'S';
      Lapack<T>::gesdd(job, static_cast<int>(m), static_cast<int>(n), buf.data<T>() + b * m * n, S.data<T>() + b * k,
                       U.data<T>() + b * ucols * m, static_cast<int>(m), V.data<T>() + b * n * vrows, static_cast<int>(vrows), &info);
      if (info > 0) lang::raise("RuntimeError", std::string(fn) + ": The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: " + std::to_string(info) + ").");
    }
  });
  if (!vectors) return {S};
  return {fromColumnMajor(U), S, fromColumnMajor(V)};
}

void svdvalsKernel(Stack& s) { s.back() = svd(Tensor::fromIValue(s.back()), false, false, "linalg.svd")[0].toIValue(); }
void linalgSvdKernel(Stack& s) {  // linalg_svd(Tensor A, bool full_matrices=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)
  auto r = svd(tensorAt(s, 3, 0), true, argAt(s, 3, 1).toBool(), "linalg.svd");
  pushResults(s, 3, {r[0].toIValue(), r[1].toIValue(), r[2].toIValue()});
}
void svdKernel(Stack& s) {  // svd(Tensor self, bool some=True, bool compute_uv=True) -> (Tensor U, Tensor S, Tensor V)
  Tensor a = tensorAt(s, 3, 0);
  bool some = argAt(s, 3, 1).toBool(), uv = argAt(s, 3, 2).toBool();
  auto r = svd(a, true, !some, "linalg.svd");
  Tensor v = r[2].transpose(-2, -1).contiguous();
  if (!uv) {
    r[0].zero_();
    v.zero_();
  }
  pushResults(s, 3, {r[0].toIValue(), r[1].toIValue(), v.toIValue()});
}

// Eigenvalues ascending (and eigenvectors as columns) of symmetric matrices;
// only the lower triangle is read (UPLO='L'), as in PyTorch's default.
std::vector<Tensor> eigh(const Tensor& a, bool vectors, const std::string& uplo) {
  const char* fn = "linalg.eigh";
  checkMatrix(a, fn, true);
  if (uplo != "L" && uplo != "U") lang::raise("RuntimeError", "Expected UPLO argument to be 'L' or 'U', but got " + uplo);
  int64_t n = a.sizes().back();
  // LAPACK reads the lower triangle of what it is given: the column-major
  // copy (A itself) for 'L'; the row-major data (A^T, whose lower is A's upper) for 'U'.
  Tensor buf = uplo == "L" ? columnMajor(a) : a.contiguous().clone();
  IntArray wshape = batchOf(a);
  wshape.push_back(n);
  Tensor w = Tensor::empty(wshape, a.dtype());
  forFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < batchCount(a) && n > 0; ++b) {
      int info = 0;
      Lapack<T>::syevd(vectors ? 'V' : 'N', static_cast<int>(n), buf.data<T>() + b * n * n, w.data<T>() + b * n, &info);
      if (info > 0) lang::raise("RuntimeError", std::string(fn) + ": The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: " + std::to_string(info) + ").");
    }
  });
  if (!vectors) return {w};
  return {w, fromColumnMajor(buf)};
}
void eighKernel(Stack& s) {  // linalg_eigh(Tensor self, str UPLO="L") -> (Tensor eigenvalues, Tensor eigenvectors)
  auto r = eigh(tensorAt(s, 2, 0), true, argAt(s, 2, 1).toStr());
  pushResults(s, 2, {r[0].toIValue(), r[1].toIValue()});
}
void eigvalshKernel(Stack& s) { pushResult(s, 2, eigh(tensorAt(s, 2, 0), false, argAt(s, 2, 1).toStr())[0]); }

// Lower-triangular L with A = L L^T (upper: U = L^T).
Tensor cholesky(const Tensor& a, bool upper) {
  const char* fn = "linalg.cholesky";
  checkMatrix(a, fn, true);
  int64_t n = a.sizes().back();
  Tensor buf = columnMajor(a);
  forFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < batchCount(a) && n > 0; ++b) {
      int info = 0;
      Lapack<T>::potrf(static_cast<int>(n), buf.data<T>() + b * n * n, &info);
      if (info > 0)
        lang::raise("RuntimeError", std::string(fn) + ": " + (batchCount(a) > 1 || a.dim() > 2 ? "(Batch element " + std::to_string(b) + "): " : "") +
                                        "The factorization could not be completed because the input is not positive-definite (the leading minor of order " +
                                        std::to_string(info) + " is not positive-definite).");
    }
  });
  static const lang::Operator* tril = findOp("aten::tril");
  Tensor l = callTensorOp(tril, {fromColumnMajor(buf).toIValue(), IValue(int64_t(0))});
  return upper ? l.transpose(-2, -1).contiguous() : l;
}
void linalgCholeskyKernel(Stack& s) { pushResult(s, 2, cholesky(tensorAt(s, 2, 0), argAt(s, 2, 1).toBool())); }

// Q R with mode 'reduced' (Q: m x k), 'complete' (Q: m x m) or 'r' (Q empty).
std::vector<Tensor> qr(const Tensor& a, const std::string& mode) {
  const char* fn = "linalg.qr";
  checkMatrix(a, fn, false);
  if (mode != "reduced" && mode != "complete" && mode != "r")
    lang::raise("RuntimeError", "qr received unrecognized mode '" + mode + "' but expected one of 'reduced' (default), 'r', or 'complete'");
  int64_t m = a.sizes()[a.dim() - 2], n = a.sizes()[a.dim() - 1], k = std::min(m, n);
  int64_t qcols = mode == "complete" ? m : k;
  Tensor buf = columnMajor(a);  // (*, n, m)
  Tensor qbuf = Tensor::zeros(withMatrix(batchOf(a), qcols, m), a.dtype());
  forFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> tau(std::max<int64_t>(k, 1));
    for (int64_t b = 0; b < batchCount(a) && m > 0 && n > 0; ++b) {
      int info = 0;
      T* A = buf.data<T>() + b * m * n;
      Lapack<T>::geqrf(static_cast<int>(m), static_cast<int>(n), A, tau.data(), &info);
      T* Q = qbuf.data<T>() + b * qcols * m;
      for (int64_t j = 0; j < std::min(qcols, n); ++j)
        for (int64_t i = 0; i < m; ++i) Q[j * m + i] = A[j * m + i];
      if (mode != "r") Lapack<T>::orgqr(static_cast<int>(m), static_cast<int>(qcols), static_cast<int>(k), Q, tau.data(), &info);
    }
  });
  static const lang::Operator* triu = findOp("aten::triu");
  int64_t rrows = mode == "complete" ? m : k;
  Tensor r = callTensorOp(triu, {fromColumnMajor(buf).narrow(-2, 0, rrows).toIValue(), IValue(int64_t(0))}).contiguous();
  Tensor q = mode == "r" ? Tensor::empty({0}, a.dtype()) : fromColumnMajor(qbuf);
  return {q, r};
}
void qrKernel(Stack& s) {  // linalg_qr(Tensor A, str mode='reduced') -> (Tensor Q, Tensor R)
  auto r = qr(tensorAt(s, 2, 0), argAt(s, 2, 1).toStr());
  pushResults(s, 2, {r[0].toIValue(), r[1].toIValue()});
}
void torchQrKernel(Stack& s) {  // qr(Tensor self, bool some=True) -> (Tensor Q, Tensor R)
  auto r = qr(tensorAt(s, 2, 0), argAt(s, 2, 1).toBool() ? "reduced" : "complete");
  pushResults(s, 2, {r[0].toIValue(), r[1].toIValue()});
}

// Singular values above tol = max(atol, rtol * largest), rtol defaulting to eps * max(m, n).
double defaultRtol(const Tensor& a) {
  double eps = a.dtype() == ScalarType::Double ? 2.220446049250313e-16 : 1.1920928955078125e-07;
  return eps * static_cast<double>(std::max(a.sizes()[a.dim() - 2], a.sizes()[a.dim() - 1]));
}

void matrixRankKernel(Stack& s) {  // linalg_matrix_rank(Tensor input, *, float? atol=None, float? rtol=None, bool hermitian=False)
  Tensor a = tensorAt(s, 4, 0);
  const IValue &atol = argAt(s, 4, 1), &rtol = argAt(s, 4, 2);
  Tensor sv = svd(a, false, false, "linalg.matrix_rank")[0].to(ScalarType::Double);
  int64_t k = sv.sizes().back(), count = k ? sv.numel() / k : batchCount(a);
  double rt = rtol.isNone() ? (atol.isNone() || atol.toDouble() <= 0 ? defaultRtol(a) : 0.0) : rtol.toDouble();
  double at = atol.isNone() ? 0.0 : atol.toDouble();
  Tensor out = Tensor::empty(batchOf(a), ScalarType::Long);
  for (int64_t b = 0; b < count; ++b) {
    const double* v = sv.data<double>() + b * k;
    double tol = std::max(at, k ? rt * v[0] : 0.0);
    int64_t r = 0;
    for (int64_t i = 0; i < k; ++i) r += v[i] > tol;
    out.data<int64_t>()[b] = r;
  }
  pushResult(s, 4, out);
}

// pinv = V diag(1/s) U^T over the singular values above the tolerance.
void pinvKernel(Stack& s) {  // linalg_pinv.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False)
  Tensor a = tensorAt(s, 4, 0);
  const IValue &atol = argAt(s, 4, 1), &rtol = argAt(s, 4, 2);
  auto r = svd(a, true, false, "linalg.pinv");
  Tensor sv = r[1].to(ScalarType::Double).contiguous();
  int64_t k = sv.sizes().back(), count = k ? sv.numel() / k : 0;
  double rt = rtol.isNone() ? (atol.isNone() || atol.toDouble() <= 0 ? defaultRtol(a) : 0.0) : rtol.toDouble();
  double at = atol.isNone() ? 0.0 : atol.toDouble();
  Tensor inv = Tensor::zeros(sv.sizes(), ScalarType::Double);
  for (int64_t b = 0; b < count; ++b) {
    const double* v = sv.data<double>() + b * k;
    double tol = std::max(at, rt * v[0]);
    for (int64_t i = 0; i < k; ++i) inv.data<double>()[b * k + i] = v[i] > tol ? 1.0 / v[i] : 0.0;
  }
  Tensor vh = r[2], u = r[0];
  Tensor scaled = mul(vh.transpose(-2, -1).toIValue(), inv.to(a.dtype()).unsqueeze(-2).toIValue());
  static const lang::Operator* matmul = findOp("aten::matmul");
  pushResult(s, 4, callTensorOp(matmul, {scaled.toIValue(), u.transpose(-2, -1).toIValue()}));
}

static lang::RegisterOps reg({
    {"aten::linalg_svdvals(Tensor A, *, str? driver=None) -> Tensor", [](Stack& s) { s.pop_back(); svdvalsKernel(s); }},
    {"aten::linalg_svd(Tensor A, bool full_matrices=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)", linalgSvdKernel},
    {"aten::svd(Tensor self, bool some=True, bool compute_uv=True) -> (Tensor U, Tensor S, Tensor V)", svdKernel},
    {"aten::linalg_eigh(Tensor self, str UPLO=\"L\") -> (Tensor eigenvalues, Tensor eigenvectors)", eighKernel},
    {"aten::linalg_eigvalsh(Tensor self, str UPLO=\"L\") -> Tensor", eigvalshKernel},
    {"aten::linalg_cholesky(Tensor self, *, bool upper=False) -> Tensor", linalgCholeskyKernel},
    {"aten::cholesky(Tensor self, bool upper=False) -> Tensor", linalgCholeskyKernel},
    {"aten::linalg_qr(Tensor A, str mode='reduced') -> (Tensor Q, Tensor R)", qrKernel},
    {"aten::qr(Tensor self, bool some=True) -> (Tensor Q, Tensor R)", torchQrKernel},
    {"aten::linalg_matrix_rank.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor", matrixRankKernel},
    {"aten::linalg_pinv.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor", pinvKernel},
});

}  // namespace
}  // namespace wick::ops
