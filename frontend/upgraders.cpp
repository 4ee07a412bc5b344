// Operator upgraders for old archives (Note [Upgraders]).
#include <algorithm>
#include <optional>
#include <string>

#include "frontend/emitter.h"

namespace wick::frontend {

// Note [Upgraders]
// An archive's `version` record is the format version its code was written
// for, and a few ops have changed meaning since (torch bumps the version
// when one does). Code from an older archive must keep the meaning it had:
// `torch.div` of two integer tensors truncated up to version 3, and
// `torch.full` with an integer fill value made a float tensor up to
// version 4. As torch does, a call of such an op from an old archive is
// replaced while compiling by an expression with the old meaning, written
// in TorchScript over the call's arguments; the graph then holds only
// current ops, so it runs, prints and saves like any other code.
//
// Some ops also took other arguments then: `steps` of linspace (up to
// version 7) and logspace (up to 8) could be left out, meaning 100. Such an
// entry carries the op's old schema, and an old archive's calls are matched
// against it instead of the current overload of the same name (old
// overloads that no longer exist, such as div.out, join the candidates);
// the expression then reads the arguments by their old names. The table
// is torch's (torch/csrc/jit/operator_upgraders/version_map.cpp); gelu's
// entry is not needed here, since its old call still means the same.
namespace {

struct Upgrader {
  const char* op;           // qualified name of the op as resolved
  int64_t last_version;     // archives up to this version get the old meaning
  const char* expression;   // the old meaning, over the op's arguments by their schema names
  const char* old_schema = nullptr;  // the schema calls matched then, where it differs from today's
};

// In-place variants write through `self` as the ops they replace did.
constexpr Upgrader kUpgraders[] = {
    {"aten::div.Tensor", 3,
     "torch.true_divide(self, other) if self.is_floating_point() or other.is_floating_point() "
     "else torch.div(self, other, rounding_mode='trunc')"},
    {"aten::div.Scalar", 3,
     "torch.true_divide(self, other) if self.is_floating_point() or isinstance(other, float) "
     "else torch.div(self, other, rounding_mode='trunc')"},
    {"aten::div_.Tensor", 3,
     "self.true_divide_(other) if self.is_floating_point() or other.is_floating_point() "
     "else self.div_(other, rounding_mode='trunc')"},
    {"aten::div_.Scalar", 3,
     "self.true_divide_(other) if self.is_floating_point() or isinstance(other, float) "
     "else self.div_(other, rounding_mode='trunc')"},
    {"aten::full", 4,
     "torch.full(size, float(fill_value), dtype=dtype, layout=layout, device=device, pin_memory=pin_memory) "
     "if dtype is None else "
     "torch.full(size, fill_value, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)"},
    {"aten::div.out", 3,
     "torch.true_divide(self, other, out=out) "
     "if self.is_floating_point() or other.is_floating_point() or out.is_floating_point() "
     "else torch.div(self, other, rounding_mode='trunc', out=out)",
     "aten::div.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)"},
    {"aten::linspace", 7,
     "torch.linspace(start, end, 100 if steps is None else steps, dtype=dtype, layout=layout, device=device, "
     "pin_memory=pin_memory)",
     "aten::linspace(Scalar start, Scalar end, int? steps=None, *, ScalarType? dtype=None, Layout? layout=None, "
     "Device? device=None, bool? pin_memory=None) -> Tensor"},
    {"aten::linspace.out", 7, "torch.linspace(start, end, 100 if steps is None else steps, out=out)",
     "aten::linspace.out(Scalar start, Scalar end, int? steps=None, *, Tensor(a!) out) -> Tensor(a!)"},
    {"aten::logspace", 8,
     "torch.logspace(start, end, 100 if steps is None else steps, base, dtype=dtype, layout=layout, device=device, "
     "pin_memory=pin_memory)",
     "aten::logspace(Scalar start, Scalar end, int? steps=None, float base=10.0, *, ScalarType? dtype=None, "
     "Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor"},
    {"aten::logspace.out", 8, "torch.logspace(start, end, 100 if steps is None else steps, base, out=out)",
     "aten::logspace.out(Scalar start, Scalar end, int? steps=None, float base=10.0, *, Tensor(a!) out) -> Tensor(a!)"},
};
// The newest archive version any old schema applies to (past it, no call looks).
constexpr int64_t kLastOldSchemaVersion = [] {
  int64_t last = 0;
  for (const Upgrader& u : kUpgraders)
    if (u.old_schema) last = std::max(last, u.last_version);
  return last;
}();

// The old schemas as operators (never run: a call matched to one is
// replaced by its entry's expression), parsed once.
struct OldOverload {
  const Upgrader* entry;
  lang::Operator op;
};
const std::vector<OldOverload>& oldOverloads() {
  static const std::vector<OldOverload> all = [] {
    std::vector<OldOverload> v;
    for (const Upgrader& u : kUpgraders)
      if (u.old_schema) v.push_back({&u, lang::Operator{lang::parseSchema(u.old_schema)}});
    return v;
  }();
  return all;
}

}  // namespace

bool FunctionEmitter::withOldOverloads(const std::string& name, const std::vector<const lang::Operator*>& current,
                                       std::vector<const lang::Operator*>& out) const {
  int64_t version = module_.options().archive_version;
  if (version == 0 || version > kLastOldSchemaVersion || upgrading_) return false;
  bool any = false;
  for (const OldOverload& o : oldOverloads()) {
    if (version > o.entry->last_version || o.op.schema.name != name) continue;
    if (!any) out = current;
    any = true;
    auto same = std::find_if(out.begin(), out.end(), [&](const lang::Operator* op) {
      return op->schema.overload == o.op.schema.overload;
    });
    if (same != out.end()) *same = &o.op;
    else out.push_back(&o.op);
  }
  return any;
}

std::optional<Value*> FunctionEmitter::emitUpgraded(const lang::Operator& op, const std::vector<Value*>& inputs) {
  int64_t version = module_.options().archive_version;
  if (version == 0 || upgrading_) return std::nullopt;
  std::string name = op.schema.qualifiedName();
  for (const Upgrader& u : kUpgraders) {
    if (name != u.op || version > u.last_version) continue;
    const auto& params = op.schema.arguments;
    if (params.size() != inputs.size()) continue;  // a vararg call: not one this table describes
    auto source = std::make_shared<const lang::Source>(std::string("<upgrader for ") + u.op + " (archive version " +
                                                           std::to_string(version) + ")>",
                                                       u.expression);
    ExprPtr e = parseExpression(source);
    // The expression sees only the call's arguments, under the op's names.
    Scope isolated;
    Scope* saved = scope_;
    scope_ = &isolated;
    upgrading_ = true;
    struct Restore {
      FunctionEmitter& f;
      Scope* saved;
      ~Restore() {
        f.scope_ = saved;
        f.upgrading_ = false;
      }
    } restore{*this, saved};
    for (size_t i = 0; i < params.size(); ++i) define(params[i].name, inputs[i], nullptr, e->range);
    return emitExpr(*e);
  }
  return std::nullopt;
}

}  // namespace wick::frontend
