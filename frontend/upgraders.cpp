// Operator upgraders for old archives (Note [Upgraders]).
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
namespace {

struct Upgrader {
  const char* op;           // qualified name of the op as resolved
  int64_t last_version;     // archives up to this version get the old meaning
  const char* expression;   // the old meaning, over the op's arguments by their schema names
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
};

}  // namespace

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
