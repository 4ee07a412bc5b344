// Products built from matmul and broadcasting: cross, kron, tensordot,
// inner, vdot, multi_dot/chain_matmul, and the block-shaped builders
// diag_embed and block_diag.
#include <algorithm>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

Tensor matmul(const Tensor& a, const Tensor& b) {
  static const lang::Operator* op = findOp("aten::matmul");
  return callTensorOp(op, {a.toIValue(), b.toIValue()});
}
Tensor diagonalView(const Tensor& t, int64_t offset, int64_t d1, int64_t d2) {
  static const lang::Operator* op = findOp("aten::diagonal");
  return callTensorOp(op, {t.toIValue(), IValue(offset), IValue(d1), IValue(d2)});
}

// a x b along dim (length 3), operands broadcast.
Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim, const char* fn) {
  IntArray shape = broadcastShapes(a.sizes(), b.sizes());
  Tensor x = a.expand(shape), y = b.expand(shape);
  int64_t d = 0;
  if (dim) {
    d = wrapDim(*dim, static_cast<int64_t>(shape.size()));
    if (a.size(*dim) != 3 || b.size(*dim) != 3)
      lang::raise("RuntimeError", std::string(fn) + ": inputs dimension " + std::to_string(*dim) + " must have length 3. Got " +
                                      std::to_string(a.size(*dim)) + " and " + std::to_string(b.size(*dim)));
  } else {
    auto it = std::find(shape.begin(), shape.end(), 3);
    if (it == shape.end()) lang::raise("RuntimeError", "no dimension of size 3 in input");
    d = it - shape.begin();
  }
  auto at = [&](const Tensor& t, int64_t i) { return t.select(d, i).toIValue(); };
  Tensor c0 = sub(mul(at(x, 1), at(y, 2)).toIValue(), mul(at(x, 2), at(y, 1)).toIValue());
  Tensor c1 = sub(mul(at(x, 2), at(y, 0)).toIValue(), mul(at(x, 0), at(y, 2)).toIValue());
  Tensor c2 = sub(mul(at(x, 0), at(y, 1)).toIValue(), mul(at(x, 1), at(y, 0)).toIValue());
  static const lang::Operator* stack = findOp("aten::stack");
  return callTensorOp(stack, {fromTensorList({c0, c1, c2}), IValue(d)});
}
void crossKernel(Stack& s) {  // cross(Tensor self, Tensor other, int? dim=None)
  pushResult(s, 3, cross(tensorAt(s, 3, 0), tensorAt(s, 3, 1), toOptInt(argAt(s, 3, 2)), "linalg.cross"));
}
void linalgCrossKernel(Stack& s) {  // linalg_cross(Tensor self, Tensor other, *, int dim=-1)
  pushResult(s, 3, cross(tensorAt(s, 3, 0), tensorAt(s, 3, 1), argAt(s, 3, 2).toInt(), "linalg.cross"));
}

// kron: a's dims interleaved with b's, each output block a[i] * b.
void kronKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  int64_t nd = std::max(a.dim(), b.dim());
  IntArray as(nd - a.dim(), 1), bs(nd - b.dim(), 1);
  as.insert(as.end(), a.sizes().begin(), a.sizes().end());
  bs.insert(bs.end(), b.sizes().begin(), b.sizes().end());
  IntArray av, bv, out;
  for (int64_t i = 0; i < nd; ++i) {
    av.insert(av.end(), {as[i], 1});
    bv.insert(bv.end(), {1, bs[i]});
    out.push_back(as[i] * bs[i]);
  }
  pushResult(s, 2, mul(a.reshape(av).toIValue(), b.reshape(bv).toIValue()).reshape(out));
}

// Contracts a's dims_a with b's dims_b: permute them together, one matmul.
Tensor tensordot(const Tensor& a, const Tensor& b, IntArray da, IntArray db) {
  if (da.size() != db.size())
    lang::raise("RuntimeError", "both dimension lists should have same length");
  int64_t csize = 1;
  for (size_t i = 0; i < da.size(); ++i) {
    checkHasDims(da[i], a.dim());
    checkHasDims(db[i], b.dim());
    da[i] = wrapDim(da[i], a.dim());
    db[i] = wrapDim(db[i], b.dim());
    if (a.sizes()[da[i]] != b.sizes()[db[i]])
      lang::raise("RuntimeError", "contracted dimensions need to match, but first has size " + std::to_string(a.sizes()[da[i]]) +
                                      " in dim " + std::to_string(da[i]) + " and second has size " + std::to_string(b.sizes()[db[i]]) +
                                      " in dim " + std::to_string(db[i]));
    csize *= a.sizes()[da[i]];
  }
  IntArray pa, pb, out;
  int64_t fa = 1, fb = 1;
  for (int64_t i = 0; i < a.dim(); ++i)
    if (std::find(da.begin(), da.end(), i) == da.end()) pa.push_back(i), out.push_back(a.sizes()[i]), fa *= a.sizes()[i];
  pa.insert(pa.end(), da.begin(), da.end());
  pb = db;
  for (int64_t i = 0; i < b.dim(); ++i)
    if (std::find(db.begin(), db.end(), i) == db.end()) pb.push_back(i), out.push_back(b.sizes()[i]), fb *= b.sizes()[i];
  Tensor m = matmul(a.permute(pa).reshape({fa, csize}), b.permute(pb).reshape({csize, fb}));
  return m.reshape(out);
}
IntArray rangeDims(int64_t from, int64_t to) {
  IntArray r;
  for (int64_t i = from; i < to; ++i) r.push_back(i);
  return r;
}
void tensordotKernel(Stack& s) {  // tensordot(Tensor self, Tensor other, int[] dims_self, int[] dims_other)
  pushResult(s, 4, tensordot(tensorAt(s, 4, 0), tensorAt(s, 4, 1), toIntArray(argAt(s, 4, 2)), toIntArray(argAt(s, 4, 3))));
}
// torch.tensordot(a, b, dims=2): the last `dims` of a with the first of b,
// or two explicit lists (a tuple or a list of two lists), as torch/functional.py.
void tensordotDimsKernel(Stack& s) {
  Tensor a = tensorAt(s, 3, 0), b = tensorAt(s, 3, 1);
  const IValue& dims = argAt(s, 3, 2);
  if (dims.isInt()) {
    int64_t n = dims.toInt();
    if (n < 0) lang::raise("RuntimeError", "tensordot expects dims >= 0, but got dims=" + std::to_string(n));
    pushResult(s, 3, tensordot(a, b, rangeDims(-n, 0), rangeDims(0, n)));
    return;
  }
  std::vector<IValue> parts = dims.isTuple() ? dims.toTuple()->items : dims.toList()->items;
  if (parts.size() != 2) lang::raise("RuntimeError", "tensordot expects dims to be a pair of lists");
  pushResult(s, 3, tensordot(a, b, toIntArray(parts[0]), toIntArray(parts[1])));
}

void innerKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  if (a.dim() == 0 || b.dim() == 0) {
    pushResult(s, 2, mul(a.toIValue(), b.toIValue()));
    return;
  }
  if (a.sizes().back() != b.sizes().back())
    lang::raise("RuntimeError", "inner() the last dimension must match on both input tensors but got shapes " + shapeStr(a.sizes()) +
                                    " and " + shapeStr(b.sizes()));
  pushResult(s, 2, tensordot(a, b, {-1}, {-1}));
}
void vdotKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  if (a.dim() != 1 || b.dim() != 1)
    lang::raise("RuntimeError", "1D tensors expected, but got " + std::to_string(a.dim()) + "D and " + std::to_string(b.dim()) + "D tensors");
  static const lang::Operator* dot = findOp("aten::dot");
  pushResult(s, 2, callTensorOp(dot, {a.toIValue(), b.toIValue()}));
}

// multi_dot: the first operand may be a row vector and the last a column
// vector; the product is taken left to right.
void multiDotKernel(Stack& s) {
  std::vector<Tensor> ts = toTensorList(s.back());
  if (ts.empty()) lang::raise("RuntimeError", "multi_dot(): expected at least 2 tensors but got 0");
  if (ts.size() == 1) lang::raise("RuntimeError", "multi_dot(): expected at least 2 tensors but got 1");
  for (size_t i = 0; i < ts.size(); ++i) {
    bool end = i == 0 || i + 1 == ts.size();
    if (ts[i].dim() != 2 && !(end && ts[i].dim() == 1))
      lang::raise("RuntimeError", "multi_dot(): tensor " + std::to_string(i) + " must be 2D but got " + std::to_string(ts[i].dim()) + "D");
  }
  Tensor acc = ts[0];
  for (size_t i = 1; i < ts.size(); ++i) acc = matmul(acc, ts[i]);
  s.back() = acc.toIValue();
}

void diagEmbedKernel(Stack& s) {  // diag_embed(Tensor self, int offset=0, int dim1=-2, int dim2=-1)
  Tensor t = tensorAt(s, 4, 0);
  int64_t offset = argAt(s, 4, 1).toInt(), nd = t.dim() + 1;
  int64_t d1 = wrapDim(argAt(s, 4, 2).toInt(), nd), d2 = wrapDim(argAt(s, 4, 3).toInt(), nd);
  if (d1 == d2) lang::raise("RuntimeError", "diagonal dimensions cannot be identical " + std::to_string(d1) + ", " + std::to_string(d2));
  int64_t n = (t.dim() ? t.sizes().back() : 1) + std::abs(offset);
  IntArray shape;
  size_t k = 0;
  for (int64_t i = 0; i < nd; ++i) shape.push_back(i == d1 || i == d2 ? n : t.sizes()[k++]);
  Tensor out = Tensor::zeros(shape, t.dtype());
  diagonalView(out, offset, d1, d2).copy_(t);
  pushResult(s, 4, out);
}

void blockDiagKernel(Stack& s) {  // block_diag(Tensor[] tensors)
  std::vector<Tensor> ts = toTensorList(s.back());
  ScalarType dt = ts.empty() ? ScalarType::Float : ts[0].dtype();
  int64_t rows = 0, cols = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].dim() > 2)
      lang::raise("RuntimeError", "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input " + std::to_string(i) + " has " + std::to_string(ts[i].dim()) + " dimensions");
    ts[i] = ts[i].dim() == 0 ? ts[i].reshape({1, 1}) : ts[i].dim() == 1 ? ts[i].unsqueeze(0) : ts[i];
    if (i) dt = promoteTypes(dt, ts[i].dtype());
    rows += ts[i].sizes()[0];
    cols += ts[i].sizes()[1];
  }
  Tensor out = Tensor::zeros({rows, cols}, dt);
  int64_t r = 0, c = 0;
  for (const Tensor& t : ts) {
    out.narrow(0, r, t.sizes()[0]).narrow(1, c, t.sizes()[1]).copy_(t);
    r += t.sizes()[0];
    c += t.sizes()[1];
  }
  s.back() = out.toIValue();
}

void linalgDiagonalKernel(Stack& s) {  // linalg_diagonal(Tensor(a) A, *, int offset=0, int dim1=-2, int dim2=-1)
  pushResult(s, 4, diagonalView(tensorAt(s, 4, 0), argAt(s, 4, 1).toInt(), argAt(s, 4, 2).toInt(), argAt(s, 4, 3).toInt()));
}

// vander: columns x^(N-1) ... x^0 (increasing: x^0 ... x^(N-1)).
Tensor vander(const Tensor& x, std::optional<int64_t> n_opt, bool increasing) {
  if (x.dim() != 1) lang::raise("RuntimeError", "x must be a one-dimensional tensor.");
  int64_t n = n_opt.value_or(x.numel());
  if (n < 0) lang::raise("RuntimeError", "N must be non-negative.");
  ScalarType dt = x.dtype() == ScalarType::Bool ? ScalarType::Long : promoteTypes(x.dtype(), ScalarType::Long);
  std::vector<Tensor> cols;
  Tensor cur = Tensor::full({x.numel()}, 1.0, dt);
  for (int64_t k = 0; k < n; ++k) {
    cols.push_back(cur);
    cur = mul(cur.toIValue(), x.to(dt).toIValue());
  }
  if (!increasing) std::reverse(cols.begin(), cols.end());
  if (cols.empty()) return Tensor::empty({x.numel(), 0}, dt);
  static const lang::Operator* stack = findOp("aten::stack");
  return callTensorOp(stack, {fromTensorList(cols), IValue(int64_t(1))});
}
void vdotDimKernel(Stack& s) {  // linalg_vecdot(Tensor x, Tensor y, *, int dim=-1)
  static const lang::Operator* sum = findOp("aten::sum.dim_IntList");
  pushResult(s, 3, callTensorOp(sum, {mul(argAt(s, 3, 0), argAt(s, 3, 1)).toIValue(), fromIntArray({argAt(s, 3, 2).toInt()}), IValue(false), IValue()}));
}

static lang::RegisterOps reg({
    {"aten::vander(Tensor x, int? N=None, bool increasing=False) -> Tensor", [](Stack& s) {
       pushResult(s, 3, vander(tensorAt(s, 3, 0), toOptInt(argAt(s, 3, 1)), argAt(s, 3, 2).toBool()));
     }},
    {"aten::linalg_vander(Tensor x, *, int? N=None) -> Tensor", [](Stack& s) {
       Tensor x = tensorAt(s, 2, 0);
       pushResult(s, 2, vander(x.dim() == 1 ? x : x.reshape({-1}), toOptInt(argAt(s, 2, 1)), true));
     }},
    {"aten::linalg_vecdot(Tensor x, Tensor y, *, int dim=-1) -> Tensor", vdotDimKernel},
    {"aten::cross(Tensor self, Tensor other, int? dim=None) -> Tensor", crossKernel},
    {"aten::linalg_cross(Tensor self, Tensor other, *, int dim=-1) -> Tensor", linalgCrossKernel},
    {"aten::kron(Tensor self, Tensor other) -> Tensor", kronKernel},
    {"aten::tensordot(Tensor self, Tensor other, int[] dims_self, int[] dims_other) -> Tensor", tensordotKernel},
    {"aten::tensordot.int(Tensor a, Tensor b, int dims=2) -> Tensor", tensordotDimsKernel},
    {"aten::tensordot.tuple(Tensor a, Tensor b, (int[], int[]) dims) -> Tensor", tensordotDimsKernel},
    {"aten::tensordot.list(Tensor a, Tensor b, int[][] dims) -> Tensor", tensordotDimsKernel},
    {"aten::inner(Tensor self, Tensor other) -> Tensor", innerKernel},
    {"aten::vdot(Tensor self, Tensor other) -> Tensor", vdotKernel},
    {"aten::linalg_multi_dot(Tensor[] tensors) -> Tensor", multiDotKernel},
    {"aten::chain_matmul(Tensor[] matrices) -> Tensor", multiDotKernel},
    {"aten::diag_embed(Tensor self, int offset=0, int dim1=-2, int dim2=-1) -> Tensor", diagEmbedKernel},
    {"aten::block_diag(Tensor[] tensors) -> Tensor", blockDiagKernel},
    {"aten::linalg_diagonal(Tensor(a) A, *, int offset=0, int dim1=-2, int dim2=-1) -> Tensor(a)", linalgDiagonalKernel, lang::OpClass::View},
});

}  // namespace
}  // namespace wick::ops
