// Index grids and combinatorics: meshgrid, cartesian_prod, combinations,
// tril_indices / triu_indices.
#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// Each input (0-D or 1-D) viewed along its own dim and expanded to the full
// grid; 'xy' swaps the roles of the first two inputs, as aten's meshgrid does.
std::vector<Tensor> meshgrid(std::vector<Tensor> ts, const std::string& indexing) {
  if (indexing != "ij" && indexing != "xy")
    lang::raise("RuntimeError", "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: " + indexing);
  if (ts.empty()) lang::raise("RuntimeError", "torch.meshgrid: Expected at least one tensor in the tensor list");
  for (const Tensor& t : ts) {
    if (t.dim() > 1) lang::raise("RuntimeError", "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: " + tensorToString(t));
    if (t.dtype() != ts[0].dtype()) lang::raise("RuntimeError", "torch.meshgrid: Expected all tensors in the tensor list to have the same dtype");
  }
  bool swap = indexing == "xy" && ts.size() >= 2;
  if (swap) std::swap(ts[0], ts[1]);
  IntArray shape;
  for (const Tensor& t : ts) shape.push_back(t.numel());
  std::vector<Tensor> grids;
  for (size_t i = 0; i < ts.size(); ++i) {
    IntArray view(ts.size(), 1);
    view[i] = -1;
    grids.push_back(ts[i].reshape(view).expand(shape));
  }
  if (swap) std::swap(grids[0], grids[1]);
  return grids;
}
void meshgridKernel(Stack& s) { s.back() = fromTensorList(meshgrid(toTensorList(s.back()), "ij")); }
void meshgridIndexingKernel(Stack& s) {  // meshgrid.indexing(Tensor[] tensors, *, str indexing)
  pushResult(s, 2, fromTensorList(meshgrid(toTensorList(argAt(s, 2, 0)), argAt(s, 2, 1).toStr())));
}

void cartesianProdKernel(Stack& s) {
  std::vector<Tensor> ts = toTensorList(s.back());
  for (const Tensor& t : ts)
    if (t.dim() != 1) lang::raise("RuntimeError", "Expect a 1D vector, but got shape " + shapeStr(t.sizes()));
  if (ts.size() == 1) {
    s.back() = ts[0].toIValue();
    return;
  }
  std::vector<Tensor> cols;
  for (const Tensor& g : meshgrid(ts, "ij")) cols.push_back(g.reshape({-1}));
  static const lang::Operator* stack = findOp("aten::stack");
  s.back() = callOp(stack, {fromTensorList(cols), IValue(int64_t(1))});
}

// Appends every index tuple i1 < i2 < ... (<= with replacement) from start on.
void choose(int64_t n, bool repl, std::vector<int64_t>& idx, size_t pos, int64_t start, std::vector<int64_t>& flat) {
  if (pos == idx.size()) {
    flat.insert(flat.end(), idx.begin(), idx.end());
    return;
  }
  for (int64_t i = start; i < n; ++i) {
    idx[pos] = i;
    choose(n, repl, idx, pos + 1, repl ? i : i + 1, flat);
  }
}

// Every r-element choice of positions, in lexicographic order.
void combinationsKernel(Stack& s) {  // combinations(Tensor self, int r=2, bool with_replacement=False)
  Tensor t = tensorAt(s, 3, 0);
  int64_t r = argAt(s, 3, 1).toInt();
  bool repl = argAt(s, 3, 2).toBool();
  if (t.dim() != 1) lang::raise("RuntimeError", "Expect a 1D vector, but got shape " + shapeStr(t.sizes()));
  if (r < 0) lang::raise("RuntimeError", "Expect a non-negative number, but got " + std::to_string(r));
  if (r == 0) {
    pushResult(s, 3, Tensor::empty({0}, t.dtype()));
    return;
  }
  std::vector<int64_t> idx(r), flat;
  choose(t.numel(), repl, idx, 0, 0, flat);
  int64_t count = static_cast<int64_t>(flat.size()) / r;
  Tensor index = longTensor(flat);
  static const lang::Operator* index_select = findOp("aten::index_select");
  Tensor picked = callTensorOp(index_select, {t.toIValue(), IValue(int64_t(0)), index.toIValue()});
  pushResult(s, 3, picked.reshape({count, r}));
}

// Row and column indices of the lower (upper) triangle of a row x col matrix,
// offset diagonals included, in row-major order.
template <bool kLower>
void triIndicesKernel(Stack& s) {  // tril_indices(int row, int col, int offset=0, *, ScalarType? dtype=4, options)
  constexpr size_t n = 7;
  int64_t rows = argAt(s, n, 0).toInt(), cols = argAt(s, n, 1).toInt(), off = argAt(s, n, 2).toInt();
  if (rows < 0 || cols < 0) lang::raise("RuntimeError", std::string(kLower ? "tril" : "triu") + "_indices expects row and col to be non-negative");
  std::vector<int64_t> r, c;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      if (kLower ? j - i <= off : j - i >= off) r.push_back(i), c.push_back(j);
  int64_t count = static_cast<int64_t>(r.size());
  Tensor out = Tensor::empty({2, count}, ScalarType::Long);
  std::copy(r.begin(), r.end(), out.data<int64_t>());
  std::copy(c.begin(), c.end(), out.data<int64_t>() + count);
  pushResult(s, n, out.to(toOptDtype(argAt(s, n, 3)).value_or(ScalarType::Long)));
}

static lang::RegisterOps reg({
    {"aten::meshgrid(Tensor[] tensors) -> Tensor[]", meshgridKernel},
    {"aten::meshgrid.indexing(Tensor[] tensors, *, str indexing) -> Tensor[]", meshgridIndexingKernel},
    {"aten::cartesian_prod(Tensor[] tensors) -> Tensor", cartesianProdKernel},
    {"aten::combinations(Tensor self, int r=2, bool with_replacement=False) -> Tensor", combinationsKernel},
    {"aten::tril_indices(int row, int col, int offset=0, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", triIndicesKernel<true>, lang::OpClass::Factory},
    {"aten::triu_indices(int row, int col, int offset=0, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", triIndicesKernel<false>, lang::OpClass::Factory},
});

}  // namespace
}  // namespace wick::ops
