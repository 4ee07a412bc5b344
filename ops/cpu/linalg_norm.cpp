// Norms: linalg.vector_norm, linalg.matrix_norm, linalg.norm, and the
// aten::norm overloads behind Tensor.norm and torch.norm (which PyTorch 1.13
// routes to vector_norm, or matrix_norm for a string p other than 'fro').
#include <cmath>

#include "ops/cpu/reduce_rows.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// ord as a double: a number, or inf/-inf given as floats.
double ordOf(const IValue& v) { return v.toScalarDouble(); }

// sum(|x|^p)^(1/p) over dims (all when empty); inf/-inf give max/min |x|, 0 the
// count of non-zeros. Computed in the (optional) dtype, accumulated in double.
Tensor vectorNorm(const Tensor& t, double p, const IntArray& dims, bool keepdim, const IValue& dtype, const char* fn) {
  ScalarType dt = toOptDtype(dtype).value_or(t.dtype());
  if (!isFloatingType(t.dtype()))
    lang::raise("RuntimeError", std::string(fn) + ": Expected a floating point or complex tensor as input. Got " + scalarTypeName(t.dtype()));
  Rows r = toRows(t.to(dt), dims, keepdim);
  if (r.inner == 0 && (std::isinf(p) && p > 0 ? true : p < 0))
    lang::raise("RuntimeError", std::string(fn) + ": Expected a non-empty tensor for the reduction with ord=" +
                                    (std::isinf(p) ? std::string(p > 0 ? "inf" : "-inf") : std::to_string(p)) + ".");
  return dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, T>(r, dt, [&](const T* x, int64_t n) {
      double acc = std::isinf(p) && p < 0 ? INFINITY : 0;
      for (int64_t i = 0; i < n; ++i) {
        double a = std::fabs(static_cast<double>(static_cast<opmath_t<T>>(x[i])));
        if (std::isinf(p)) acc = p > 0 ? std::max(acc, a) : std::min(acc, a);
        else if (p == 0) acc += a != 0;
        else if (p == 1) acc += a;
        else if (p == 2) acc += a * a;
        else acc += std::pow(a, p);
        if (std::isnan(a)) acc = NAN;
      }
      if (!std::isinf(p) && p != 0 && p != 1) acc = p == 2 ? std::sqrt(acc) : std::pow(acc, 1.0 / p);
      return convertElement<T>(acc);
    });
  });
}

IntArray matrixDims(const Tensor& t, const IntArray& dims, const char* fn) {
  if (dims.size() != 2) lang::raise("RuntimeError", std::string(fn) + ": dim must be a 2-tuple. Got " + shapeStr(dims));
  if (t.dim() < 2) lang::raise("RuntimeError", std::string(fn) + ": The input tensor A must have at least 2 dimensions.");
  int64_t a = wrapDim(dims[0], t.dim()), b = wrapDim(dims[1], t.dim());
  if (a == b) lang::raise("RuntimeError", std::string(fn) + ": dims must be different. Got (" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) + ")");
  return {a, b};
}

// Reduces a keepdim result's dims back out when !keepdim (dims sorted high to low).
Tensor dropDims(Tensor t, IntArray dims, bool keepdim) {
  if (keepdim) return t;
  std::sort(dims.rbegin(), dims.rend());
  for (int64_t d : dims) t = t.squeeze(d);
  return t;
}

Tensor amaxOrAmin(const Tensor& t, int64_t dim, bool max) {
  static const lang::Operator* amax = findOp("aten::amax");
  static const lang::Operator* amin = findOp("aten::amin");
  return callTensorOp(max ? amax : amin, {t.toIValue(), fromIntArray({dim}), IValue(true)});
}

// Singular values of each matrix over dims (a, b), largest first, as the last dim.
Tensor singularValues(const Tensor& t, int64_t a, int64_t b) {
  static const lang::Operator* svdvals = findOp("aten::linalg_svdvals");
  Tensor moved = callTensorOp(findOp("aten::movedim.intlist"), {t.toIValue(), fromIntArray({a, b}), fromIntArray({-2, -1})});
  return callTensorOp(svdvals, {moved.toIValue(), IValue()});
}

// ord: 'fro', 'nuc', or a number among 1, -1, 2, -2, inf, -inf.
Tensor matrixNorm(const Tensor& t, const IValue& ord, const IntArray& dims_in, bool keepdim, const IValue& dtype) {
  const char* fn = "linalg.matrix_norm";
  IntArray dims = matrixDims(t, dims_in, fn);
  Tensor x = toOptDtype(dtype) ? t.to(*toOptDtype(dtype)) : t;
  if (!isFloatingType(x.dtype()))
    lang::raise("RuntimeError", std::string(fn) + ": Expected a floating point or complex tensor as input. Got " + scalarTypeName(x.dtype()));
  if (ord.isStr()) {
    std::string o = ord.toStr();
    if (o == "fro") return vectorNorm(x, 2, dims, keepdim, IValue(), fn);
    if (o != "nuc") lang::raise("RuntimeError", std::string(fn) + ": Order " + o + " not supported.");
    Tensor sv = singularValues(x, dims[0], dims[1]);
    Tensor r = callTensorOp(findOp("aten::sum.dim_IntList"), {sv.toIValue(), fromIntArray({-1}), IValue(false), IValue()});
    return keepdim ? r.unsqueeze(std::min(dims[0], dims[1])).unsqueeze(std::max(dims[0], dims[1])) : r;
  }
  double p = ordOf(ord);
  if (std::fabs(p) == 2) {
    Tensor sv = singularValues(x, dims[0], dims[1]);
    Tensor r = amaxOrAmin(sv, -1, p > 0).squeeze(-1);
    return keepdim ? r.unsqueeze(std::min(dims[0], dims[1])).unsqueeze(std::max(dims[0], dims[1])) : r;
  }
  if (std::fabs(p) != 1 && !std::isinf(p))
    lang::raise("RuntimeError", std::string(fn) + ": Order " + std::to_string(p) + " not supported.");
  // 1: max over columns of the column sums (inf: rows); negative orders take the min.
  int64_t summed = std::isinf(p) ? dims[1] : dims[0], other = std::isinf(p) ? dims[0] : dims[1];
  Tensor sums = vectorNorm(x, 1, {summed}, true, IValue(), fn);
  Tensor r = amaxOrAmin(sums, other, p > 0);
  return dropDims(r, {summed, other}, keepdim);
}

IntArray optDimList(const IValue& v) { return v.isNone() ? IntArray{} : toIntArray(v); }

// linalg.norm: a vector norm over one dim (or the flattened input when ord is
// None), a matrix norm over two dims (or a 2-D input's both).
Tensor linalgNorm(const Tensor& t, const IValue& ord, const IValue& dim, bool keepdim, const IValue& dtype) {
  IntArray dims = optDimList(dim);
  if (!dim.isNone() && dims.size() > 2) lang::raise("RuntimeError", "linalg.norm: If dim is specified, it must be of length 1 or 2. Got " + shapeStr(dims));
  if (dim.isNone() && !ord.isNone() && t.dim() != 1 && t.dim() != 2)
    lang::raise("RuntimeError", "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got " + std::to_string(t.dim()) + "D.");
  bool matrix = dims.size() == 2 || (dim.isNone() && !ord.isNone() && t.dim() == 2) || ord.isStr();
  if (matrix) {
    IntArray md = dims.size() == 2 ? dims : IntArray{-2, -1};
    return matrixNorm(t, ord.isNone() ? IValue(std::string("fro")) : ord, md, keepdim, dtype);
  }
  return vectorNorm(t, ord.isNone() ? 2.0 : ordOf(ord), dims, keepdim, dtype, "linalg.vector_norm");
}

void vectorNormKernel(Stack& s) {  // linalg_vector_norm(Tensor self, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)
  pushResult(s, 5, vectorNorm(tensorAt(s, 5, 0), ordOf(argAt(s, 5, 1)), optDimList(argAt(s, 5, 2)), argAt(s, 5, 3).toBool(), argAt(s, 5, 4), "linalg.vector_norm"));
}
void matrixNormKernel(Stack& s) {  // linalg_matrix_norm(Tensor self, Scalar ord, int[] dim=[-2,-1], bool keepdim=False, *, ScalarType? dtype=None)
  pushResult(s, 5, matrixNorm(tensorAt(s, 5, 0), argAt(s, 5, 1), toIntArray(argAt(s, 5, 2)), argAt(s, 5, 3).toBool(), argAt(s, 5, 4)));
}
void linalgNormKernel(Stack& s) {  // linalg_norm(Tensor self, Scalar? ord=None, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)
  pushResult(s, 5, linalgNorm(tensorAt(s, 5, 0), argAt(s, 5, 1), argAt(s, 5, 2), argAt(s, 5, 3).toBool(), argAt(s, 5, 4)));
}

// aten::norm (Tensor.norm): p None means 2.
const char* kNormFn = "norm";
void normKernel(Stack& s) {  // norm.Scalar(Tensor self, Scalar p=2)
  pushResult(s, 2, vectorNorm(tensorAt(s, 2, 0), ordOf(argAt(s, 2, 1)), {}, false, IValue(), kNormFn));
}
void normDimKernel(Stack& s) {  // norm.ScalarOpt_dim(Tensor self, Scalar? p, int[1] dim, bool keepdim=False)
  const IValue& p = argAt(s, 4, 1);
  pushResult(s, 4, vectorNorm(tensorAt(s, 4, 0), p.isNone() ? 2.0 : ordOf(p), toIntArray(argAt(s, 4, 2)), argAt(s, 4, 3).toBool(), IValue(), kNormFn));
}
void normDimDtypeKernel(Stack& s) {  // norm.ScalarOpt_dim_dtype(Tensor self, Scalar? p, int[1] dim, bool keepdim, *, ScalarType dtype)
  const IValue& p = argAt(s, 5, 1);
  pushResult(s, 5, vectorNorm(tensorAt(s, 5, 0), p.isNone() ? 2.0 : ordOf(p), toIntArray(argAt(s, 5, 2)), argAt(s, 5, 3).toBool(), argAt(s, 5, 4), kNormFn));
}

// torch.norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None),
// as torch/functional.py scripts it: a number p (None: 2) or 'fro' over at
// most two dims is a vector norm; other strings are matrix norms.
Tensor functionalNorm(const Tensor& t, const IValue& p, const IValue& dim, bool keep, const IValue& dtype) {
  IntArray dims = optDimList(dim);
  if (!p.isStr()) return vectorNorm(t, p.isNone() ? 2.0 : ordOf(p), dims, keep, dtype, "linalg.vector_norm");
  if (p.toStr() == "fro" && dims.size() <= 2) return vectorNorm(t, 2, dims, keep, dtype, "linalg.vector_norm");
  if (dims.empty())
    for (int64_t i = 0; i < t.dim(); ++i) dims.push_back(i);
  return matrixNorm(t, p, dims, keep, dtype);
}
// norm(Tensor input, str p="fro", int[1]? dim=None, bool keepdim=False, Tensor? out=None, int? dtype=None)
void functionalNormKernel(Stack& s) {
  Tensor r = functionalNorm(tensorAt(s, 6, 0), argAt(s, 6, 1), argAt(s, 6, 2), argAt(s, 6, 3).toBool(), argAt(s, 6, 5));
  if (!argAt(s, 6, 4).isNone()) r = callTensorOp(findOp("aten::_copy_out"), {argAt(s, 6, 4), r.toIValue()});
  pushResult(s, 6, r);
}

// renorm: each slice along dim whose p-norm exceeds maxnorm is scaled down
// to it (factor maxnorm / (norm + 1e-7), as aten).
void renormKernel(Stack& s) {  // renorm(Tensor self, Scalar p, int dim, Scalar maxnorm)
  Tensor t = tensorAt(s, 4, 0);
  double p = argAt(s, 4, 1).toScalarDouble(), mx = argAt(s, 4, 3).toScalarDouble();
  int64_t dim = wrapDim(argAt(s, 4, 2).toInt(), t.dim());
  if (p <= 0) lang::raise("RuntimeError", "renorm: non-positive-norm not supported");
  if (mx < 0) lang::raise("RuntimeError", "renorm: expected maxnorm to be >= 0 but got " + std::to_string(mx));
  IntArray others;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d != dim) others.push_back(d);
  Tensor norms = vectorNorm(t, p, others, true, IValue(), "renorm").to(ScalarType::Double).contiguous();
  Tensor factor = Tensor::empty(norms.sizes(), ScalarType::Double);
  for (int64_t i = 0; i < norms.numel(); ++i) {
    double nv = norms.data<double>()[i];
    factor.data<double>()[i] = nv > mx ? mx / (nv + 1e-7) : 1.0;
  }
  pushResult(s, 4, mul(t.toIValue(), factor.to(t.dtype()).toIValue()));
}

static lang::RegisterOps reg({
    {"aten::renorm(Tensor self, Scalar p, int dim, Scalar maxnorm) -> Tensor", renormKernel},
    {"aten::nuclear_norm(Tensor self, bool keepdim=False) -> Tensor", [](Stack& s) {
       pushResult(s, 2, matrixNorm(tensorAt(s, 2, 0), IValue(std::string("nuc")), {-2, -1}, argAt(s, 2, 1).toBool(), IValue()));
     }},
    {"aten::linalg_vector_norm(Tensor self, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", vectorNormKernel, lang::OpClass::Reduction},
    {"aten::linalg_matrix_norm(Tensor self, Scalar ord, int[] dim=[-2,-1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", matrixNormKernel},
    {"aten::linalg_matrix_norm.str_ord(Tensor self, str ord='fro', int[] dim=[-2,-1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", matrixNormKernel},
    {"aten::linalg_norm(Tensor self, Scalar? ord=None, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", linalgNormKernel},
    {"aten::linalg_norm.ord_str(Tensor self, str ord, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", linalgNormKernel},
    {"aten::norm.Scalar(Tensor self, Scalar p=2) -> Tensor", normKernel, lang::OpClass::Reduction},
    {"aten::norm.ScalarOpt_dim(Tensor self, Scalar? p, int[1] dim, bool keepdim=False) -> Tensor", normDimKernel, lang::OpClass::Reduction},
    {"aten::norm.ScalarOpt_dim_dtype(Tensor self, Scalar? p, int[1] dim, bool keepdim, *, ScalarType dtype) -> Tensor", normDimDtypeKernel, lang::OpClass::Reduction},
    {"torch::norm.str(Tensor input, str p=\"fro\", int[1]? dim=None, bool keepdim=False, Tensor? out=None, int? dtype=None) -> Tensor", functionalNormKernel, lang::OpClass::Reduction},
    {"torch::norm.number(Tensor input, Scalar? p, int[1]? dim=None, bool keepdim=False, Tensor? out=None, int? dtype=None) -> Tensor", functionalNormKernel, lang::OpClass::Reduction},
    {"aten::frobenius_norm.dim(Tensor self, int[1] dim, bool keepdim=False) -> Tensor", [](Stack& s) {
       pushResult(s, 3, vectorNorm(tensorAt(s, 3, 0), 2, toIntArray(argAt(s, 3, 1)), argAt(s, 3, 2).toBool(), IValue(), "frobenius_norm"));
     }},
});

}  // namespace
}  // namespace wick::ops
