// Tensor factories: torch.tensor from (nested) lists, zeros/ones/full/empty,
// the *_like and new_* forms, arange/linspace/eye. Random factories live in
// random.cpp. Layout/device/pin_memory arguments are accepted and ignored
// (CPU only).
#include <cmath>

#include "lang/types.h"
#include "ops/tensor/kernel_args.h"
#include "ops/tensor/strided_loop.h"

namespace wick::ops {
namespace {

// ---- torch.tensor(data) ----

void inferShape(const IValue& v, IntArray& shape, size_t depth) {
  if (!v.isList()) return;
  const auto& items = v.toList()->items;
  if (shape.size() <= depth) shape.push_back(static_cast<int64_t>(items.size()));
  if (!items.empty()) inferShape(items[0], shape, depth + 1);
}

ScalarType inferDtype(const IValue& v) {
  if (v.isFloat()) return ScalarType::Float;
  if (v.isInt()) return ScalarType::Long;
  if (v.isBool()) return ScalarType::Bool;
  if (v.isTensor()) return Tensor::fromIValue(v).dtype();
  ScalarType t = ScalarType::Undefined;
  for (const IValue& x : v.toList()->items) t = promoteTypes(t, inferDtype(x));
  return t;
}

template <class T>
void fillFromList(const IValue& v, const IntArray& shape, size_t depth, T*& out) {
  if (!v.isList()) {
    if (depth != shape.size()) lang::raise("ValueError", "expected sequence of length " + std::to_string(shape[depth]) + " at dim " + std::to_string(depth) + " (got a scalar)");
    *out++ = v.isFloat() ? convertElement<T>(v.toDouble()) : v.isBool() ? convertElement<T>(v.toBool()) : convertElement<T>(v.toInt());
    return;
  }
  const auto& items = v.toList()->items;
  if (depth >= shape.size() || static_cast<int64_t>(items.size()) != shape[depth])
    lang::raise("ValueError", "expected sequence of length " + std::to_string(depth < shape.size() ? shape[depth] : 0) +
                                  " at dim " + std::to_string(depth) + " (got " + std::to_string(items.size()) + ")");
  for (const IValue& x : items) fillFromList<T>(x, shape, depth + 1, out);
}

Tensor tensorFromData(const IValue& data, std::optional<ScalarType> dtype) {
  if (data.isTensor()) return Tensor::fromIValue(data).to(dtype.value_or(Tensor::fromIValue(data).dtype()), true);
  IntArray shape;
  inferShape(data, shape, 0);
  ScalarType inferred = inferDtype(data);
  if (inferred == ScalarType::Undefined) inferred = ScalarType::Float;  // torch.tensor([])
  if (data.isList()) {
    // A list of tensors is not accepted by torch.tensor in TorchScript either
    // (nor `[]`, which is a List[Tensor] there).
    if (data.toList()->elem_type && data.toList()->elem_type->kind() == lang::TypeKind::Tensor)
      lang::raise("RuntimeError", "Input must be of ints, floats, or bools, got Tensor\nEmpty lists default to List[Tensor]. Add a variable annotation to the assignment to create an empty list of another type (torch.jit.annotate(List[T, []]) where T is the type of elements in the list for Python 2)");
    for (const IValue& x : data.toList()->items)
      if (x.isTensor()) lang::raise("RuntimeError", "torch.tensor does not accept a list of tensors; use torch.stack");
  }
  Tensor t = Tensor::empty(shape, dtype.value_or(inferred));
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    fillFromList<T>(data, shape, 0, p);
  });
  return t;
}

// tensor(t data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)
void tensorKernel(Stack& s) { pushResult(s, 4, tensorFromData(argAt(s, 4, 0), toOptDtype(argAt(s, 4, 1)))); }
// as_tensor(t data, *, ScalarType? dtype=None, Device? device=None)
void asTensorKernel(Stack& s) {
  IValue& d = argAt(s, 3, 0);
  auto dtype = toOptDtype(argAt(s, 3, 1));
  if (d.isTensor()) {
    Tensor t = Tensor::fromIValue(d);
    pushResult(s, 3, dtype ? t.to(*dtype) : t);
    return;
  }
  pushResult(s, 3, tensorFromData(d, dtype));
}

// ---- shape + fill factories ----
// Schemas end in (*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None).
constexpr size_t kOptions = 4;

ScalarType dtypeOr(const IValue& v, ScalarType fallback) { return toOptDtype(v).value_or(fallback); }

template <int kFill>
void constantKernel(Stack& s) {  // zeros/ones/empty(int[] size, *, options)
  constexpr size_t n = 1 + kOptions;
  IntArray size = toIntArray(argAt(s, n, 0));
  ScalarType dt = dtypeOr(argAt(s, n, 1), ScalarType::Float);
  Tensor t = kFill == 0 ? Tensor::zeros(size, dt) : Tensor::empty(size, dt);
  if (kFill == 1) t.fill_(IValue(int64_t(1)));
  if (kFill == -1) t.zero_();  // empty: zeroed anyway, so results are reproducible
  pushResult(s, n, t);
}

void fullKernel(Stack& s) {  // full(int[] size, Scalar fill_value, *, options)
  constexpr size_t n = 2 + kOptions;
  const IValue& v = argAt(s, n, 1);
  Tensor t = Tensor::empty(toIntArray(argAt(s, n, 0)), dtypeOr(argAt(s, n, 2), scalarDefaultDtype(v)));
  checkFillValue(v, t.dtype());
  t.fill_(v);
  pushResult(s, n, t);
}

// *_like(Tensor self, *, options, MemoryFormat? memory_format=None)
template <int kFill>
void likeKernel(Stack& s) {
  constexpr size_t n = 2 + kOptions;
  Tensor self = tensorAt(s, n, 0);
  Tensor t = Tensor::zeros(self.sizes(), dtypeOr(argAt(s, n, 1), self.dtype()));
  if (kFill == 1) t.fill_(IValue(int64_t(1)));
  pushResult(s, n, t);
}

void fullLikeKernel(Stack& s) {  // full_like(Tensor self, Scalar fill_value, *, options, memory_format)
  constexpr size_t n = 3 + kOptions;
  Tensor self = tensorAt(s, n, 0);
  Tensor t = Tensor::empty(self.sizes(), dtypeOr(argAt(s, n, 2), self.dtype()));
  checkFillValue(argAt(s, n, 1), t.dtype());
  t.fill_(argAt(s, n, 1));
  pushResult(s, n, t);
}

// new_zeros/new_ones/new_empty(Tensor self, int[] size, *, options)
template <int kFill>
void newKernel(Stack& s) {
  constexpr size_t n = 2 + kOptions;
  Tensor self = tensorAt(s, n, 0);
  Tensor t = Tensor::zeros(toIntArray(argAt(s, n, 1)), dtypeOr(argAt(s, n, 2), self.dtype()));
  if (kFill == 1) t.fill_(IValue(int64_t(1)));
  pushResult(s, n, t);
}

void newFullKernel(Stack& s) {  // new_full(Tensor self, int[] size, Scalar fill_value, *, options)
  constexpr size_t n = 3 + kOptions;
  Tensor self = tensorAt(s, n, 0);
  Tensor t = Tensor::empty(toIntArray(argAt(s, n, 1)), dtypeOr(argAt(s, n, 3), self.dtype()));
  checkFillValue(argAt(s, n, 2), t.dtype());
  t.fill_(argAt(s, n, 2));
  pushResult(s, n, t);
}

void scalarTensorKernel(Stack& s) {  // scalar_tensor(Scalar s, *, options)
  constexpr size_t n = 1 + kOptions;
  const IValue& v = argAt(s, n, 0);
  pushResult(s, n, Tensor::scalarTensor(v, dtypeOr(argAt(s, n, 1), ScalarType::Float)));
}

// ---- ranges ----

double num(const IValue& v) { return v.toScalarDouble(); }

Tensor arange(const IValue& start, const IValue& end, const IValue& step, std::optional<ScalarType> dtype) {
  bool any_float = start.isFloat() || end.isFloat() || step.isFloat();
  ScalarType dt = dtype.value_or(any_float ? ScalarType::Float : ScalarType::Long);
  double a = num(start), b = num(end), st = num(step);
  if (st == 0) lang::raise("RuntimeError", "step must be nonzero");
  if ((st > 0 && b < a) || (st < 0 && b > a))
    lang::raise("RuntimeError", "upper bound and larger bound inconsistent with step sign");
  int64_t n = static_cast<int64_t>(std::ceil((b - a) / st));
  Tensor t = Tensor::empty({n}, dt);
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    if (!isFloatingType(dt) && !any_float) {
      int64_t ia = start.toInt(), is = step.toInt();
      for (int64_t i = 0; i < n; ++i) p[i] = convertElement<T>(ia + i * is);
    } else {
      for (int64_t i = 0; i < n; ++i) p[i] = convertElement<T>(a + i * st);
    }
  });
  return t;
}

void arangeKernel(Stack& s) {  // arange(Scalar end, *, options)
  constexpr size_t n = 1 + kOptions;
  pushResult(s, n, arange(IValue(int64_t(0)), argAt(s, n, 0), IValue(int64_t(1)), toOptDtype(argAt(s, n, 1))));
}
void arangeStartKernel(Stack& s) {  // arange.start(Scalar start, Scalar end, *, options)
  constexpr size_t n = 2 + kOptions;
  pushResult(s, n, arange(argAt(s, n, 0), argAt(s, n, 1), IValue(int64_t(1)), toOptDtype(argAt(s, n, 2))));
}
void arangeStepKernel(Stack& s) {  // arange.start_step(Scalar start, Scalar end, Scalar step=1, *, options)
  constexpr size_t n = 3 + kOptions;
  pushResult(s, n, arange(argAt(s, n, 0), argAt(s, n, 1), argAt(s, n, 2), toOptDtype(argAt(s, n, 3))));
}

// linspace(Scalar start, Scalar end, int steps, *, options): as aten, the
// second half counts back from the end so both endpoints are exact.
void linspaceKernel(Stack& s) {
  constexpr size_t n = 3 + kOptions;
  double a = num(argAt(s, n, 0)), b = num(argAt(s, n, 1));
  int64_t steps = argAt(s, n, 2).toInt();
  if (steps < 0) lang::raise("RuntimeError", "number of steps must be non-negative");
  ScalarType dt = dtypeOr(argAt(s, n, 3), ScalarType::Float);
  Tensor t = Tensor::empty({steps}, dt);
  double step = steps > 1 ? (b - a) / (steps - 1) : 0;
  int64_t half = steps / 2;
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    using M = std::conditional_t<std::is_integral_v<T>, double, opmath_t<T>>;
    T* p = t.data<T>();
    M ma = static_cast<M>(a), mb = static_cast<M>(b), ms = static_cast<M>(step);
    for (int64_t i = 0; i < steps; ++i)
      p[i] = convertElement<T>(steps == 1 ? ma : i < half ? M(ma + ms * M(i)) : M(mb - ms * M(steps - i - 1)));
  });
  pushResult(s, n, t);
}

// logspace(start, end, steps, base=10.0, *, options): base ** linspace(start, end), in double.
void logspaceKernel(Stack& s) {
  constexpr size_t n = 4 + kOptions;
  double a = num(argAt(s, n, 0)), b = num(argAt(s, n, 1)), base = argAt(s, n, 3).toDouble();
  int64_t steps = argAt(s, n, 2).toInt();
  if (steps < 0) lang::raise("RuntimeError", "number of steps must be non-negative");
  Tensor t = Tensor::empty({steps}, ScalarType::Double);
  double step = steps > 1 ? (b - a) / (steps - 1) : 0;
  int64_t half = steps / 2;
  for (int64_t i = 0; i < steps; ++i)
    t.data<double>()[i] = std::pow(base, steps == 1 ? a : i < half ? a + step * i : b - step * (steps - i - 1));
  pushResult(s, n, t.to(dtypeOr(argAt(s, n, 4), ScalarType::Float)));
}

Tensor eye(int64_t rows, int64_t cols, ScalarType dt) {
  if (rows < 0 || cols < 0) lang::raise("RuntimeError", "n must be greater or equal to 0, got " + std::to_string(std::min(rows, cols)));
  Tensor t = Tensor::zeros({rows, cols}, dt);
  Tensor diag = t.asStrided({std::min(rows, cols)}, {cols + 1}, 0);
  diag.fill_(IValue(int64_t(1)));
  return t;
}
void eyeKernel(Stack& s) {  // eye(int n, *, options)
  constexpr size_t n = 1 + kOptions;
  int64_t r = argAt(s, n, 0).toInt();
  pushResult(s, n, eye(r, r, dtypeOr(argAt(s, n, 1), ScalarType::Float)));
}
void eyeMKernel(Stack& s) {  // eye.m(int n, int m, *, options)
  constexpr size_t n = 2 + kOptions;
  pushResult(s, n, eye(argAt(s, n, 0).toInt(), argAt(s, n, 1).toInt(), dtypeOr(argAt(s, n, 2), ScalarType::Float)));
}

#define WICK_OPTS "*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None"

static lang::RegisterOps reg({
    {"aten::tensor.float(float t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", tensorKernel, lang::OpClass::Factory},
    {"aten::tensor.int(int t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", tensorKernel, lang::OpClass::Factory},
    {"aten::tensor.bool(bool t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", tensorKernel, lang::OpClass::Factory},
    {"aten::tensor(t[] data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", tensorKernel, lang::OpClass::Factory},
    {"aten::as_tensor.list(t[] data, *, ScalarType? dtype=None, Device? device=None) -> Tensor", asTensorKernel, lang::OpClass::Factory},
    {"aten::as_tensor(Tensor(a) data, *, ScalarType? dtype=None, Device? device=None) -> Tensor(a)", asTensorKernel},
    {"aten::as_tensor.float(float t, *, ScalarType? dtype=None, Device? device=None) -> Tensor", asTensorKernel, lang::OpClass::Factory},
    {"aten::as_tensor.int(int t, *, ScalarType? dtype=None, Device? device=None) -> Tensor", asTensorKernel, lang::OpClass::Factory},
    {"aten::zeros(int[] size, " WICK_OPTS ") -> Tensor", constantKernel<0>, lang::OpClass::Factory},
    {"aten::ones(int[] size, " WICK_OPTS ") -> Tensor", constantKernel<1>, lang::OpClass::Factory},
    {"aten::empty.memory_format(int[] size, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", [](Stack& s) { s.pop_back(); constantKernel<-1>(s); }, lang::OpClass::Factory},
    {"aten::full(int[] size, Scalar fill_value, " WICK_OPTS ") -> Tensor", fullKernel, lang::OpClass::Factory},
    {"aten::zeros_like(Tensor self, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", likeKernel<0>, lang::OpClass::Factory},
    {"aten::ones_like(Tensor self, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", likeKernel<1>, lang::OpClass::Factory},
    {"aten::empty_like(Tensor self, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", likeKernel<0>, lang::OpClass::Factory},
    {"aten::full_like(Tensor self, Scalar fill_value, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", fullLikeKernel, lang::OpClass::Factory},
    {"aten::new_zeros(Tensor self, int[] size, " WICK_OPTS ") -> Tensor", newKernel<0>, lang::OpClass::Factory},
    {"aten::new_ones(Tensor self, int[] size, " WICK_OPTS ") -> Tensor", newKernel<1>, lang::OpClass::Factory},
    {"aten::new_empty(Tensor self, int[] size, " WICK_OPTS ") -> Tensor", newKernel<0>, lang::OpClass::Factory},
    {"aten::new_full(Tensor self, int[] size, Scalar fill_value, " WICK_OPTS ") -> Tensor", newFullKernel, lang::OpClass::Factory},
    {"aten::scalar_tensor(Scalar s, " WICK_OPTS ") -> Tensor", scalarTensorKernel, lang::OpClass::Factory},
    {"aten::range.step(Scalar start, Scalar end, Scalar step=1, " WICK_OPTS ") -> Tensor", [](Stack& s) {
       // torch.range (deprecated): both ends included, float32 unless told.
       constexpr size_t n = 3 + kOptions;
       double a = num(argAt(s, n, 0)), b = num(argAt(s, n, 1)), st = num(argAt(s, n, 2));
       if (st == 0) lang::raise("RuntimeError", "step must be nonzero");
       int64_t count = static_cast<int64_t>(std::floor((b - a) / st)) + 1;
       Tensor t = Tensor::empty({std::max<int64_t>(count, 0)}, ScalarType::Double);
       for (int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = a + st * i;
       pushResult(s, n, t.to(dtypeOr(argAt(s, n, 3), ScalarType::Float)));
     }, lang::OpClass::Factory},
    {"aten::empty_strided(int[] size, int[] stride, " WICK_OPTS ") -> Tensor", [](Stack& s) {
       constexpr size_t n = 2 + kOptions;
       IntArray size = toIntArray(argAt(s, n, 0)), stride = toIntArray(argAt(s, n, 1));
       int64_t extent = 1;
       for (size_t i = 0; i < size.size(); ++i) extent += size[i] == 0 ? 0 : (size[i] - 1) * stride.at(i);
       Tensor base = Tensor::zeros({std::max<int64_t>(extent, 1)}, dtypeOr(argAt(s, n, 2), ScalarType::Float));
       pushResult(s, n, base.asStrided(size, stride, 0));
     }, lang::OpClass::Factory},
    {"aten::arange(Scalar end, " WICK_OPTS ") -> Tensor", arangeKernel, lang::OpClass::Factory},
    {"aten::arange.start(Scalar start, Scalar end, " WICK_OPTS ") -> Tensor", arangeStartKernel, lang::OpClass::Factory},
    {"aten::arange.start_step(Scalar start, Scalar end, Scalar step=1, " WICK_OPTS ") -> Tensor", arangeStepKernel, lang::OpClass::Factory},
    {"aten::linspace(Scalar start, Scalar end, int steps, " WICK_OPTS ") -> Tensor", linspaceKernel, lang::OpClass::Factory},
    {"aten::logspace(Scalar start, Scalar end, int steps, float base=10.0, " WICK_OPTS ") -> Tensor", logspaceKernel, lang::OpClass::Factory},
    {"aten::eye(int n, " WICK_OPTS ") -> Tensor", eyeKernel, lang::OpClass::Factory},
    {"aten::eye.m(int n, int m, " WICK_OPTS ") -> Tensor", eyeMKernel, lang::OpClass::Factory},
});

}  // namespace
}  // namespace wick::ops
