// Matrix products: mm/bmm/matmul/mv/dot/outer/addmm/baddbmm/linear.
// float32/float64 go to OpenBLAS (cblas_sgemm/dgemm); other dtypes use a
// plain triple loop. Transposed contiguous operands are passed to BLAS with
// a transpose flag instead of being copied.
#include <cblas.h>

#include <algorithm>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {

// C[m,n] = A[m,k] @ B[k,n] for 2-D tensors of one dtype.
Tensor mmRaw(const Tensor& a, const Tensor& b);

namespace {

// A BLAS view of a matrix: its data, leading dimension and whether it is transposed.
struct BlasMat {
  Tensor t;
  bool trans = false;
  int64_t ld = 0;
};
BlasMat blasMat(const Tensor& m) {
  int64_t r = m.sizes()[0], c = m.sizes()[1];
  if (m.strides()[1] == 1 && m.strides()[0] >= std::max<int64_t>(c, 1)) return {m, false, m.strides()[0]};
  if (m.strides()[0] == 1 && m.strides()[1] >= std::max<int64_t>(r, 1)) return {m, true, m.strides()[1]};
  Tensor c2 = m.contiguous();
  return {c2, false, std::max<int64_t>(c, 1)};
}

const char* typeWord(ScalarType t) {
  switch (t) {
    case ScalarType::Float: return "float"; case ScalarType::Double: return "double"; case ScalarType::Long: return "long int";
    case ScalarType::Int: return "int"; case ScalarType::Half: return "c10::Half"; case ScalarType::BFloat16: return "c10::BFloat16";
    default: return dtypeName(t);
  }
}

void checkSameDtype(const Tensor& a, const Tensor& b, const char* what) {
  if (a.dtype() != b.dtype())
    lang::raise("RuntimeError", std::string("expected ") + what + " to have the same dtype, but got: " + typeWord(a.dtype()) + " != " + typeWord(b.dtype()));
}

}  // namespace

Tensor mmRaw(const Tensor& a, const Tensor& b) {
  int64_t m = a.sizes()[0], k = a.sizes()[1], n = b.sizes()[1];
  ScalarType dt = a.dtype();
  if (k == 0 || m == 0 || n == 0) return Tensor::zeros({m, n}, dt);
  Tensor out = Tensor::empty({m, n}, dt);
  if (dt == ScalarType::Float || dt == ScalarType::Double) {
    BlasMat A = blasMat(a), B = blasMat(b);
    if (m == 1 || n == 1) {
      // A matrix times a vector (batch-1 linear layers): gemv, which skips
      // gemm's packing of both operands, most of the time at these sizes.
      bool row = m == 1;
      const BlasMat& mat = row ? B : A;
      const BlasMat& vec = row ? A : B;
      int64_t rows = row ? k : m, cols = row ? n : k;  // the matrix operand as used
      // Stored row-major as rows x cols (not trans) or cols x rows (trans).
      bool transposed = row != mat.trans;
      int64_t incx = vec.trans == row ? vec.ld : 1;
      auto op = transposed ? CblasTrans : CblasNoTrans;
      if (dt == ScalarType::Float)
        cblas_sgemv(CblasRowMajor, op, mat.trans ? cols : rows, mat.trans ? rows : cols, 1.0f, mat.t.data<float>(), mat.ld,
                    vec.t.data<float>(), incx, 0.0f, out.data<float>(), 1);
      else
        cblas_dgemv(CblasRowMajor, op, mat.trans ? cols : rows, mat.trans ? rows : cols, 1.0, mat.t.data<double>(), mat.ld,
                    vec.t.data<double>(), incx, 0.0, out.data<double>(), 1);
      return out;
    }
    auto ta = A.trans ? CblasTrans : CblasNoTrans, tb = B.trans ? CblasTrans : CblasNoTrans;
    if (dt == ScalarType::Float)
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, A.t.data<float>(), A.ld, B.t.data<float>(), B.ld, 0.0f, out.data<float>(), n);
    else
      cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, A.t.data<double>(), A.ld, B.t.data<double>(), B.ld, 0.0, out.data<double>(), n);
    return out;
  }
  Tensor ca = a.contiguous(), cb = b.contiguous();
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    using M = std::conditional_t<std::is_same_v<T, bool>, bool, opmath_t<T>>;
    const T* pa = ca.data<T>();
    const T* pb = cb.data<T>();
    T* po = out.data<T>();
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        M acc{};
        for (int64_t p = 0; p < k; ++p) {
          if constexpr (std::is_same_v<M, bool>) acc = acc || (pa[i * k + p] && pb[p * n + j]);
          else acc += static_cast<M>(pa[i * k + p]) * static_cast<M>(pb[p * n + j]);
        }
        po[i * n + j] = convertElement<T>(acc);
      }
  });
  return out;
}

namespace {

// Vector products as PyTorch computes them: dot through BLAS ?dot, matrix @
// vector through ?gemv (other dtypes through mmRaw), so float results round
// the way PyTorch's do.
Tensor dotRaw(const Tensor& a, const Tensor& b) {
  ScalarType dt = a.dtype();
  int n = static_cast<int>(a.sizes()[0]);
  if (dt == ScalarType::Float || dt == ScalarType::Double) {
    int sa = static_cast<int>(a.strides()[0]), sb = static_cast<int>(b.strides()[0]);
    double r = dt == ScalarType::Float ? cblas_sdot(n, a.data<float>(), sa, b.data<float>(), sb)
                                       : cblas_ddot(n, a.data<double>(), sa, b.data<double>(), sb);
    return Tensor::full({}, r, dt);
  }
  return mmRaw(a.unsqueeze(0), b.unsqueeze(1)).reshape({});
}
Tensor mvRaw(const Tensor& m, const Tensor& v) {
  ScalarType dt = m.dtype();
  int rows = static_cast<int>(m.sizes()[0]), cols = static_cast<int>(m.sizes()[1]);
  if ((dt == ScalarType::Float || dt == ScalarType::Double) && rows > 0 && cols > 0) {
    BlasMat A = blasMat(m);
    Tensor x = v.contiguous(), out = Tensor::empty({rows}, dt);
    auto ta = A.trans ? CblasTrans : CblasNoTrans;
    int r = A.trans ? cols : rows, c = A.trans ? rows : cols;
    if (dt == ScalarType::Float)
      cblas_sgemv(CblasRowMajor, ta, r, c, 1.0f, A.t.data<float>(), static_cast<int>(A.ld), x.data<float>(), 1, 0.0f, out.data<float>(), 1);
    else
      cblas_dgemv(CblasRowMajor, ta, r, c, 1.0, A.t.data<double>(), static_cast<int>(A.ld), x.data<double>(), 1, 0.0, out.data<double>(), 1);
    return out;
  }
  return mmRaw(m, v.unsqueeze(1)).squeeze(1);
}

Tensor mm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 2) lang::raise("RuntimeError", "self must be a matrix");
  if (b.dim() != 2) lang::raise("RuntimeError", "mat2 must be a matrix");
  if (a.sizes()[1] != b.sizes()[0])
    lang::raise("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (" + std::to_string(a.sizes()[0]) + "x" + std::to_string(a.sizes()[1]) + " and " + std::to_string(b.sizes()[0]) + "x" + std::to_string(b.sizes()[1]) + ")");
  checkSameDtype(a, b, "mat1 and mat2");
  return mmRaw(a, b);
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 3) lang::raise("RuntimeError", "batch1 must be a 3D tensor");
  if (b.dim() != 3) lang::raise("RuntimeError", "batch2 must be a 3D tensor");
  if (a.sizes()[0] != b.sizes()[0] || a.sizes()[2] != b.sizes()[1])
    lang::raise("RuntimeError", "Expected size for first two dimensions of batch2 tensor to be: [" + std::to_string(a.sizes()[0]) + ", " + std::to_string(a.sizes()[2]) + "] but got: [" + std::to_string(b.sizes()[0]) + ", " + std::to_string(b.sizes()[1]) + "].");
  checkSameDtype(a, b, "batch1 and batch2");
  int64_t n = a.sizes()[0];
  Tensor out = Tensor::empty({n, a.sizes()[1], b.sizes()[2]}, a.dtype());
  for (int64_t i = 0; i < n; ++i) out.select(0, i).copy_(mmRaw(a.select(0, i), b.select(0, i)));
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  int64_t da = a.dim(), db = b.dim();
  if (da == 0 || db == 0) lang::raise("RuntimeError", "both arguments to matmul need to be at least 1D, but they are " + std::to_string(da) + "D and " + std::to_string(db) + "D");
  checkSameDtype(a, b, "both arguments to matmul");
  if (da == 1 && db == 1) {
    if (a.sizes()[0] != b.sizes()[0])
      lang::raise("RuntimeError", "inconsistent tensor size, expected tensor [" + std::to_string(a.sizes()[0]) + "] and src [" + std::to_string(b.sizes()[0]) + "] to have the same number of elements, but got " + std::to_string(a.sizes()[0]) + " and " + std::to_string(b.sizes()[0]) + " elements respectively");
    return dotRaw(a, b);
  }
  if (da == 2 && db == 1) {
    if (a.sizes()[1] != b.sizes()[0]) lang::raise("RuntimeError", "size mismatch, got input (" + std::to_string(a.sizes()[0]) + "), mat (" + std::to_string(a.sizes()[0]) + "x" + std::to_string(a.sizes()[1]) + "), vec (" + std::to_string(b.sizes()[0]) + ")");
    return mvRaw(a, b);
  }
  if (da == 1 && db == 2) return mm(a.unsqueeze(0), b).squeeze(0);
  if (da == 2 && db == 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // As aten folds it: the batch of a stacked into one matrix, one gemm.
    int64_t k = a.sizes().back();
    Tensor B = db == 1 ? b.unsqueeze(1) : b;
    if (B.sizes()[0] != k)
      lang::raise("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (" + std::to_string(a.numel() / std::max<int64_t>(k, 1)) + "x" + std::to_string(k) + " and " +
                                      std::to_string(B.sizes()[0]) + "x" + std::to_string(B.sizes()[1]) + ")");
    IntArray shape(a.sizes().begin(), a.sizes().end() - 1);
    if (db == 2) shape.push_back(B.sizes()[1]);
    return mmRaw(a.reshape({-1, k}), B).reshape(shape);
  }
  // Batched: broadcast the batch dims, multiply each matrix pair.
  Tensor A = da == 1 ? a.unsqueeze(0) : a, B = db == 1 ? b.unsqueeze(1) : b;
  int64_t m = A.sizes()[A.dim() - 2], k = A.sizes()[A.dim() - 1], k2 = B.sizes()[B.dim() - 2], n = B.sizes()[B.dim() - 1];
  if (k != k2) lang::raise("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (" + std::to_string(numelOf(A.sizes()) / std::max<int64_t>(k, 1)) + "x" + std::to_string(k) + " and " + std::to_string(k2) + "x" + std::to_string(n) + ")");
  IntArray ba(A.sizes().begin(), A.sizes().end() - 2), bb(B.sizes().begin(), B.sizes().end() - 2);
  IntArray batch = broadcastShapes(ba, bb);
  IntArray ea = batch, eb = batch;
  ea.insert(ea.end(), {m, k});
  eb.insert(eb.end(), {k, n});
  int64_t nb = numelOf(batch);
  Tensor a3 = A.expand(ea).reshape({nb, m, k}), b3 = B.expand(eb).reshape({nb, k, n});
  Tensor out = bmm(a3, b3);
  IntArray shape = batch;
  if (da > 1) shape.push_back(m);
  if (db > 1) shape.push_back(n);
  return out.view(shape.empty() ? IntArray{} : shape);
}

void mmKernel(Stack& s) { pushResult(s, 2, mm(tensorAt(s, 2, 0), tensorAt(s, 2, 1))); }
void bmmKernel(Stack& s) { pushResult(s, 2, bmm(tensorAt(s, 2, 0), tensorAt(s, 2, 1))); }
void matmulKernel(Stack& s) { pushResult(s, 2, matmul(tensorAt(s, 2, 0), tensorAt(s, 2, 1))); }
void dotKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  if (a.dim() != 1 || b.dim() != 1) lang::raise("RuntimeError", "1D tensors expected, but got " + std::to_string(a.dim()) + "D and " + std::to_string(b.dim()) + "D tensors");
  checkSameDtype(a, b, "both vectors");
  pushResult(s, 2, matmul(a, b));
}
void mvKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  if (a.dim() != 2 || b.dim() != 1) lang::raise("RuntimeError", "vector + matrix @ vector expected, got 1, " + std::to_string(a.dim()) + ", " + std::to_string(b.dim()));
  pushResult(s, 2, matmul(a, b));
}
void outerKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  pushResult(s, 2, mul(a.unsqueeze(1).toIValue(), b.toIValue()));
}

// beta * self + alpha * product, with beta == 0 ignoring self (NaN included) as aten does.
Tensor scaledSum(const Tensor& self, const Tensor& prod, const IValue& beta, const IValue& alpha) {
  Tensor p = alpha.toScalarDouble() == 1.0 ? prod : mul(prod.toIValue(), alpha);
  if (beta.toScalarDouble() == 0.0) return p.expand(p.sizes()).clone();
  Tensor b = beta.toScalarDouble() == 1.0 ? self : mul(self.toIValue(), beta);
  return add(b.toIValue(), p.toIValue());
}
void addmmKernel(Stack& s) {  // addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1)
  Tensor self = tensorAt(s, 5, 0);
  Tensor prod = mm(tensorAt(s, 5, 1), tensorAt(s, 5, 2));
  Tensor r = scaledSum(self, prod, argAt(s, 5, 3), argAt(s, 5, 4));
  if (r.sizes() != prod.sizes()) lang::raise("RuntimeError", "The expanded size of the tensor must match the existing size");
  pushResult(s, 5, r);
}
void addmmInplaceKernel(Stack& s) {
  Tensor self = tensorAt(s, 5, 0);
  Tensor r = scaledSum(self, mm(tensorAt(s, 5, 1), tensorAt(s, 5, 2)), argAt(s, 5, 3), argAt(s, 5, 4));
  assignInPlace(self, r);
  s.resize(s.size() - 4);
}
void baddbmmKernel(Stack& s) {
  pushResult(s, 5, scaledSum(tensorAt(s, 5, 0), bmm(tensorAt(s, 5, 1), tensorAt(s, 5, 2)), argAt(s, 5, 3), argAt(s, 5, 4)));
}
void baddbmmInplaceKernel(Stack& s) {
  Tensor self = tensorAt(s, 5, 0);
  assignInPlace(self, scaledSum(self, bmm(tensorAt(s, 5, 1), tensorAt(s, 5, 2)), argAt(s, 5, 3), argAt(s, 5, 4)));
  s.resize(s.size() - 4);
}
void addbmmKernel(Stack& s) {
  Tensor prod = bmm(tensorAt(s, 5, 1), tensorAt(s, 5, 2));
  Tensor summed = callTensorOp(findOp("aten::sum.dim_IntList"), {prod.toIValue(), fromIntArray({0}), IValue(false), IValue()});
  pushResult(s, 5, scaledSum(tensorAt(s, 5, 0), summed, argAt(s, 5, 3), argAt(s, 5, 4)));
}
void addmvKernel(Stack& s) {
  Tensor self = tensorAt(s, 5, 0), m = tensorAt(s, 5, 1), v = tensorAt(s, 5, 2);
  if (m.dim() != 2 || v.dim() != 1 || self.dim() > 1)
    lang::raise("RuntimeError", "vector + matrix @ vector expected, got " + std::to_string(self.dim()) + ", " + std::to_string(m.dim()) + ", " + std::to_string(v.dim()));
  pushResult(s, 5, scaledSum(tensorAt(s, 5, 0), matmul(tensorAt(s, 5, 1), tensorAt(s, 5, 2)), argAt(s, 5, 3), argAt(s, 5, 4)));
}
void addrKernel(Stack& s) {
  Tensor prod = mul(tensorAt(s, 5, 1).unsqueeze(1).toIValue(), argAt(s, 5, 2));
  pushResult(s, 5, scaledSum(tensorAt(s, 5, 0), prod, argAt(s, 5, 3), argAt(s, 5, 4)));
}

Tensor linear(const Tensor& input, const Tensor& weight, const IValue& bias) {
  Tensor out = matmul(input, weight.dim() == 2 ? weight.transpose(0, 1) : weight);
  return bias.isNone() ? out : add(out.toIValue(), bias);
}
void linearKernel(Stack& s) { pushResult(s, 3, linear(tensorAt(s, 3, 0), tensorAt(s, 3, 1), argAt(s, 3, 2))); }

static lang::RegisterOps reg({
    {"aten::mm(Tensor self, Tensor mat2) -> Tensor", mmKernel},
    {"aten::bmm(Tensor self, Tensor mat2) -> Tensor", bmmKernel},
    {"aten::matmul(Tensor self, Tensor other) -> Tensor", matmulKernel},
    {"aten::dot(Tensor self, Tensor tensor) -> Tensor", dotKernel},
    {"aten::mv(Tensor self, Tensor vec) -> Tensor", mvKernel},
    {"aten::outer(Tensor self, Tensor vec2) -> Tensor", outerKernel},
    {"aten::ger(Tensor self, Tensor vec2) -> Tensor", outerKernel},
    {"aten::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", addmmKernel},
    {"aten::addmm_(Tensor(a!) self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor(a!)", addmmInplaceKernel, lang::OpClass::Other, false},
    {"aten::baddbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", baddbmmKernel},
    {"aten::baddbmm_(Tensor(a!) self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor(a!)", baddbmmInplaceKernel, lang::OpClass::Other, false},
    {"aten::addbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", addbmmKernel},
    {"aten::addmv(Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor", addmvKernel},
    {"aten::addr(Tensor self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", addrKernel},
    {"aten::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor", linearKernel},
});

}  // namespace
}  // namespace wick::ops
