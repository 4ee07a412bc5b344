// Tensor attributes and conversions: size/stride/dim/numel, dtype/device,
// item and int(t)/float(t)/bool(t), tolist, to(dtype) and the
// float()/long()/... shorthands, clone/detach/contiguous, copy_/fill_/zero_.
#include "lang/types.h"
#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

void sizeKernel(Stack& s) { s.back() = fromIntArray(Tensor::fromIValue(s.back()).sizes()); }
void sizeIntKernel(Stack& s) { pushResult(s, 2, IValue(tensorAt(s, 2, 0).size(argAt(s, 2, 1).toInt()))); }
void strideKernel(Stack& s) { s.back() = fromIntArray(Tensor::fromIValue(s.back()).strides()); }
void strideIntKernel(Stack& s) { pushResult(s, 2, IValue(tensorAt(s, 2, 0).stride(argAt(s, 2, 1).toInt()))); }
void dimKernel(Stack& s) { s.back() = IValue(Tensor::fromIValue(s.back()).dim()); }
void numelKernel(Stack& s) { s.back() = IValue(Tensor::fromIValue(s.back()).numel()); }
void lenKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (t.dim() == 0) lang::raise("TypeError", "len() of a 0-d tensor");
  s.back() = IValue(t.sizes()[0]);
}
void dtypeKernel(Stack& s) { s.back() = IValue(static_cast<int64_t>(Tensor::fromIValue(s.back()).dtype())); }
void deviceKernel(Stack& s) { s.back() = IValue::device(Tensor::fromIValue(s.back()).device()); }
void isContiguousKernel(Stack& s) { s.back() = IValue(Tensor::fromIValue(s.back()).is_contiguous()); }
void elementSizeKernel(Stack& s) { s.back() = IValue(static_cast<int64_t>(Tensor::fromIValue(s.back()).elementSize())); }
void isFloatingKernel(Stack& s) { s.back() = IValue(isFloatingType(Tensor::fromIValue(s.back()).dtype())); }
void itemKernel(Stack& s) { s.back() = Tensor::fromIValue(s.back()).item(); }

// int(t), float(t), bool(t): one element, converted like Python's int()/float()/bool().
void intKernel(Stack& s) {
  IValue v = Tensor::fromIValue(s.back()).item();
  s.back() = IValue(v.isFloat() ? static_cast<int64_t>(v.toDouble()) : v.isBool() ? int64_t(v.toBool()) : v.toInt());
}
void floatKernel(Stack& s) { s.back() = IValue(Tensor::fromIValue(s.back()).item().toScalarDouble()); }
// aten::FloatImplicit / IntImplicit: a tensor returned where a float or int is
// declared (checkImplicitTensorToNum: 0-dim only, integral for int).
template <bool kInt>
void implicitKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (t.dim() != 0) lang::raise("RuntimeError", "Cannot input a tensor of dimension other than 0 as a scalar argument");
  if (kInt && !isIntegralType(t.dtype(), false))
    lang::raise("RuntimeError", std::string("Cannot input a tensor of type ") + scalarTypeName(t.dtype()) + " as an integral argument");
  IValue v = t.item();
  s.back() = kInt ? IValue(v.isBool() ? int64_t(v.toBool()) : v.toInt()) : IValue(v.toScalarDouble());
}
void boolKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (t.numel() != 1)
    lang::raise("RuntimeError", "Boolean value of Tensor with " + std::string(t.numel() == 0 ? "no values" : "more than one value") + " is ambiguous");
  s.back() = IValue(t.item().toScalarDouble() != 0);
}

// ---- tolist ----

lang::TypePtr elemTypeOf(ScalarType t) {
  return isFloatingType(t) ? lang::floatType() : t == ScalarType::Bool ? lang::boolType() : lang::intType();
}

IValue toListRec(const Tensor& t, int64_t dim, int64_t offset, const lang::TypePtr& elem) {
  if (dim == t.dim()) {
    return dispatchType(t.dtype(), [&](auto tag) -> IValue {
      using T = decltype(tag);
      T v = t.data<T>()[offset];
      if constexpr (std::is_same_v<T, bool>) return IValue(v);
      else if constexpr (std::is_integral_v<T>) return IValue(static_cast<int64_t>(v));
      else return IValue(static_cast<double>(static_cast<opmath_t<T>>(v)));
    });
  }
  lang::TypePtr item_type = elem;
  for (int64_t d = dim + 1; d < t.dim(); ++d) item_type = lang::listType(item_type);
  std::vector<IValue> items;
  for (int64_t i = 0; i < t.sizes()[dim]; ++i) items.push_back(toListRec(t, dim + 1, offset + i * t.strides()[dim], elem));
  return IValue(lang::Ref<lang::ListObj>::make(item_type, std::move(items)));
}

void tolistKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  s.back() = toListRec(t, 0, 0, elemTypeOf(t.dtype()));
}

// prim::tolist(Tensor self, int dim, int elem_ty): the annotated result type
// (elem_ty 0 int, 1 float, 2 bool, as TorchScript encodes it) must match.
void primTolistKernel(Stack& s) {
  Tensor t = tensorAt(s, 3, 0);
  int64_t dim = argAt(s, 3, 1).toInt(), elem = argAt(s, 3, 2).toInt();
  if (dim != t.dim())
    lang::raise("RuntimeError", "Output annotation list dimension and runtime tensor dimension must match for tolist() (" +
                                    std::to_string(dim) + " vs " + std::to_string(t.dim()) + ")");
  int64_t want = isFloatingType(t.dtype()) ? 1 : t.dtype() == ScalarType::Bool ? 2 : 0;
  if (want != elem) lang::raise("RuntimeError", "Output annotation element type and runtime tensor element type must match for tolist()");
  pushResult(s, 3, toListRec(t, 0, 0, elemTypeOf(t.dtype())));
}

// ---- conversions ----

// to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None)
void toDtypeKernel(Stack& s) {
  Tensor t = tensorAt(s, 5, 0);
  pushResult(s, 5, t.to(*toOptDtype(argAt(s, 5, 1)), argAt(s, 5, 3).toBool()));
}
// to.device(Tensor(a) self, Device device, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None)
void toDeviceDtypeKernel(Stack& s) {
  Tensor t = tensorAt(s, 6, 0);
  pushResult(s, 6, t.to(*toOptDtype(argAt(s, 6, 2)), argAt(s, 6, 4).toBool()));
}
// to.other(Tensor(a) self, Tensor other, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None)
void toOtherKernel(Stack& s) {
  Tensor t = tensorAt(s, 5, 0);
  pushResult(s, 5, t.to(tensorAt(s, 5, 1).dtype(), argAt(s, 5, 3).toBool()));
}
// to.prim_Device(Tensor(a) self, Device? device, int? dtype=None, bool non_blocking=False, bool copy=False)
void toPrimDeviceKernel(Stack& s) {
  Tensor t = tensorAt(s, 5, 0);
  auto dt = toOptDtype(argAt(s, 5, 2));
  pushResult(s, 5, t.to(dt.value_or(t.dtype()), argAt(s, 5, 4).toBool()));
}
// to.dtype_layout(Tensor(a) self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None,
//                 bool? pin_memory=None, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None):
// what the tracer records for x.to(dtype=..., device=...) and torch.tensor(...) constants.
void toDtypeLayoutKernel(Stack& s) {
  Tensor t = tensorAt(s, 8, 0);
  auto dt = toOptDtype(argAt(s, 8, 1));
  pushResult(s, 8, t.to(dt.value_or(t.dtype()), argAt(s, 8, 6).toBool()));
}
// to.prim_dtype(Tensor(a) self, int? dtype=None, bool non_blocking=False, bool copy=False)
void toPrimDtypeKernel(Stack& s) {
  Tensor t = tensorAt(s, 4, 0);
  auto dt = toOptDtype(argAt(s, 4, 1));
  pushResult(s, 4, t.to(dt.value_or(t.dtype()), argAt(s, 4, 3).toBool()));
}

template <ScalarType kType>
void castKernel(Stack& s) {  // float()/long()/...(Tensor self, MemoryFormat? memory_format=None)
  pushResult(s, 2, tensorAt(s, 2, 0).to(kType));
}

void typeAsKernel(Stack& s) { pushResult(s, 2, tensorAt(s, 2, 0).to(tensorAt(s, 2, 1).dtype())); }
void cloneKernel(Stack& s) { pushResult(s, 2, tensorAt(s, 2, 0).clone()); }
void contiguousKernel(Stack& s) { pushResult(s, 2, tensorAt(s, 2, 0).contiguous()); }
void identityKernel(Stack& s) {}
void dropArgsKeepSelf(Stack& s, size_t n) { s.resize(s.size() - n + 1); }

void copyKernel(Stack& s) {  // copy_(Tensor(a!) self, Tensor src, bool non_blocking=False)
  Tensor self = tensorAt(s, 3, 0);
  Tensor src = tensorAt(s, 3, 1);
  broadcastShapes(self.sizes(), src.sizes());
  checkNoInternalOverlap(self);
  self.copy_(src);
  dropArgsKeepSelf(s, 3);
}

// An op called with out=: the result is copied into `out` (the frontend's
// lowering of out variants), which is resized first when its shape differs,
// as aten's resize_output does.
void copyOutKernel(Stack& s) {  // _copy_out(Tensor(a!) out, Tensor result)
  Tensor out = tensorAt(s, 2, 0), result = tensorAt(s, 2, 1);
  checkCanCast(result.dtype(), out.dtype());
  if (out.sizes() != result.sizes()) {
    TensorImpl* impl = out.impl();
    impl->storage_ = Storage::allocate(std::max<size_t>(1, numelOf(result.sizes()) * out.elementSize()));
    impl->storage_offset_ = 0;
    impl->sizes_ = result.sizes();
    impl->strides_ = contiguousStrides(result.sizes());
  }
  out.copy_(result);
  dropArgsKeepSelf(s, 2);
}
void fillScalarKernel(Stack& s) {
  Tensor self = tensorAt(s, 2, 0);
  checkFillValue(argAt(s, 2, 1), self.dtype());
  self.fill_(argAt(s, 2, 1));
  dropArgsKeepSelf(s, 2);
}
void fillTensorKernel(Stack& s) {
  Tensor self = tensorAt(s, 2, 0);
  Tensor v = tensorAt(s, 2, 1);
  if (v.dim() != 0) lang::raise("RuntimeError", "fill_ only supports 0-dimension value tensor but got tensor with " + std::to_string(v.dim()) + " dimensions.");
  self.fill_(v.item());
  dropArgsKeepSelf(s, 2);
}
void zeroKernel(Stack& s) { Tensor::fromIValue(s.back()).zero_(); }

// ---- dtype arithmetic: torch.promote_types / result_type / can_cast ----

IValue dtypeValue(ScalarType t) { return IValue(static_cast<int64_t>(t)); }
ScalarType dtypeArg(const IValue& v) { return *toOptDtype(v); }
void promoteTypesKernel(Stack& s) { pushResult(s, 2, dtypeValue(promoteTypes(dtypeArg(argAt(s, 2, 0)), dtypeArg(argAt(s, 2, 1))))); }
void resultTypeKernel(Stack& s) {  // result_type(Tensor|Scalar, Tensor|Scalar): TensorIterator's promotion
  ResultType r;
  for (size_t i = 0; i < 2; ++i) {
    const IValue& v = argAt(s, 2, i);
    if (v.isTensor()) r.add(Tensor::fromIValue(v));
    else r.add(v);
  }
  pushResult(s, 2, dtypeValue(r.finish()));
}
void canCastKernel(Stack& s) {
  ScalarType from = dtypeArg(argAt(s, 2, 0)), to = dtypeArg(argAt(s, 2, 1));
  bool ok = !(isFloatingType(from) && isIntegralType(to, true)) && !(from != ScalarType::Bool && to == ScalarType::Bool);
  pushResult(s, 2, IValue(ok));
}

void numToTensorKernel(Stack& s) {
  const IValue& v = s.back();
  ScalarType t = v.isBool() ? ScalarType::Bool : v.isInt() ? ScalarType::Long : ScalarType::Double;
  s.back() = Tensor::scalarTensor(v, t).toIValue();
}

static lang::RegisterOps reg({
    {"aten::promote_types(ScalarType type1, ScalarType type2) -> ScalarType", promoteTypesKernel},
    {"aten::result_type.Tensor(Tensor tensor, Tensor other) -> ScalarType", resultTypeKernel},
    {"aten::result_type.Scalar(Tensor tensor, Scalar other) -> ScalarType", resultTypeKernel},
    {"aten::result_type.Scalar_Tensor(Scalar scalar, Tensor tensor) -> ScalarType", resultTypeKernel},
    {"aten::result_type.Scalar_Scalar(Scalar scalar1, Scalar scalar2) -> ScalarType", resultTypeKernel},
    {"aten::can_cast(ScalarType from, ScalarType to) -> bool", canCastKernel},
    {"aten::type.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False) -> Tensor(a)", [](Stack& s) {
       Tensor t = tensorAt(s, 4, 0);
       pushResult(s, 4, t.to(dtypeArg(argAt(s, 4, 1)), argAt(s, 4, 3).toBool()));
     }},
    // What torch.jit.trace records where Python code turned a size into a
    // tensor: a 0-dim tensor of the number's own type (long, double, bool).
    {"prim::NumToTensor.Scalar(Scalar a) -> Tensor", numToTensorKernel},
    {"prim::NumToTensor.bool(bool a) -> Tensor", numToTensorKernel},
    {"aten::size(Tensor self) -> int[]", sizeKernel},
    {"aten::size.int(Tensor self, int dim) -> int", sizeIntKernel},
    {"aten::stride(Tensor self) -> int[]", strideKernel},
    {"aten::stride.int(Tensor self, int dim) -> int", strideIntKernel},
    {"aten::dim(Tensor self) -> int", dimKernel},
    {"prim::ndim(Tensor self) -> int", dimKernel},
    {"aten::numel(Tensor self) -> int", numelKernel},
    {"aten::storage_offset(Tensor self) -> int", [](Stack& s) { s.back() = IValue(Tensor::fromIValue(s.back()).storageOffset()); }},
    {"aten::len.Tensor(Tensor t) -> int", lenKernel},
    {"prim::dtype(Tensor a) -> int", dtypeKernel},
    {"prim::device(Tensor a) -> Device", deviceKernel},
    {"prim::is_cuda(Tensor a) -> bool", [](Stack& s) { s.back() = IValue(false); }},
    {"prim::requires_grad(Tensor a) -> bool", [](Stack& s) { s.back() = IValue(s.back().toTensorImpl()->requires_grad_); }},
    {"prim::data(Tensor(a) a) -> Tensor(a)", identityKernel},
    {"aten::is_contiguous(Tensor self) -> bool", isContiguousKernel},
    {"aten::element_size(Tensor self) -> int", elementSizeKernel},
    {"aten::is_floating_point(Tensor self) -> bool", isFloatingKernel},
    {"aten::item(Tensor self) -> Scalar", itemKernel},
    {"aten::Int.Tensor(Tensor a) -> int", intKernel},
    {"aten::Float.Tensor(Tensor a) -> float", floatKernel},
    {"aten::Bool.Tensor(Tensor a) -> bool", boolKernel},
    {"aten::ScalarImplicit(Tensor a) -> Scalar", itemKernel},
    {"aten::FloatImplicit(Tensor a) -> float", implicitKernel<false>},
    {"aten::IntImplicit(Tensor a) -> int", implicitKernel<true>},
    {"aten::tolist(Tensor self) -> Any", tolistKernel},
    {"prim::tolist(Tensor self, int dim, int elem_ty) -> Any", primTolistKernel},
    {"aten::to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", toDtypeKernel},
    {"aten::to.device(Tensor(a) self, Device device, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", toDeviceDtypeKernel},
    {"aten::to.dtype_layout(Tensor(a) self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", toDtypeLayoutKernel},
    {"aten::to.other(Tensor(a) self, Tensor other, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", toOtherKernel},
    {"aten::to.prim_Device(Tensor(a) self, Device? device, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(a)", toPrimDeviceKernel},
    {"aten::to.prim_dtype(Tensor(a) self, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(a)", toPrimDtypeKernel},
    {"aten::float(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Float>},
    {"aten::double(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Double>},
    {"aten::half(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Half>},
    {"aten::long(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Long>},
    {"aten::int(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Int>},
    {"aten::short(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Short>},
    {"aten::char(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Char>},
    {"aten::byte(Tensor self, MemoryFormat? memory_format=None) -> Tensor", castKernel<ScalarType::Byte>},
    {"aten::type_as(Tensor self, Tensor other) -> Tensor", typeAsKernel},
    {"aten::clone(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor", cloneKernel},
    {"aten::contiguous(Tensor(a) self, *, MemoryFormat memory_format=0) -> Tensor(a)", contiguousKernel},
    {"aten::detach(Tensor(a) self) -> Tensor(a)", identityKernel},
    {"aten::cpu(Tensor(a) self) -> Tensor(a)", identityKernel},
    {"aten::requires_grad_(Tensor(a!) self, bool requires_grad=True) -> Tensor(a!)", [](Stack& s) {
       bool on = s.back().toBool();
       s.pop_back();
       s.back().toTensorImpl()->requires_grad_ = on;
     }, lang::OpClass::Other, false},
    {"aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)", copyKernel, lang::OpClass::Other, false},
    {"aten::_copy_out(Tensor(a!) out, Tensor result) -> Tensor(a!)", copyOutKernel, lang::OpClass::Other, false},
    {"aten::fill_.Scalar(Tensor(a!) self, Scalar value) -> Tensor(a!)", fillScalarKernel, lang::OpClass::Other, false},
    {"aten::fill_.Tensor(Tensor(a!) self, Tensor value) -> Tensor(a!)", fillTensorKernel, lang::OpClass::Other, false},
    {"aten::zero_(Tensor(a!) self) -> Tensor(a!)", zeroKernel, lang::OpClass::Other, false},
});

}  // namespace
}  // namespace wick::ops
