// Annotation expressions to types: int, List[int], Optional[Tensor],
// Dict[str, Tuple[int, float]], "ForwardRef" strings, class names.
#include <cstring>
#include <string_view>
#include <utility>

#include "frontend/emitter.h"

namespace wick::frontend {

namespace {
// The length of dottedName(e), or 0 when `e` is not a dotted name.
size_t dottedLength(const Expr& e) {
  size_t n = 0;
  const Expr* p = &e;
  for (; p->kind == ExprKind::Attribute; p = p->a.get()) n += p->name.size() + 1;
  return p->kind == ExprKind::Name ? n + p->name.size() : 0;
}
// Appends dottedName(e), built in one buffer: archive annotations are long
// qualified names (`__torch__.torch.nn.modules.conv.Conv2d`), for which
// dottedName makes a string per dot. The buffer is sized first and filled
// from the back, as the parts come last to first. False when `e` is not a
// dotted name.
bool appendDottedName(const Expr& e, std::string& out) {
  size_t n = dottedLength(e);
  if (n == 0 && e.kind != ExprKind::Name) return false;
  out.resize(out.size() + n);
  char* end = out.data() + out.size();
  for (const Expr* p = &e;; p = p->a.get()) {
    end -= p->name.size();
    std::memcpy(end, p->name.data(), p->name.size());
    if (p->kind != ExprKind::Attribute) break;
    *--end = '.';
  }
  return true;
}
}  // namespace

TypePtr ModuleCompiler::resolveType(const Expr& e) {
  using namespace lang;
  if (e.kind == ExprKind::NoneLit) return noneType();
  if (e.kind == ExprKind::StrLit) {
    auto src = std::make_shared<const Source>(source() ? source()->path() : "<type>", e.name);
    return resolveType(*parseExpression(src));
  }
  if (e.kind == ExprKind::Subscript) {
    std::string head;
    appendDottedName(*e.a, head);
    std::string full = aliases_.empty() ? std::string() : aliasOf(head.substr(0, head.find('.')));
    // Views of `head` or `full`: compared with literals below, no string each.
    std::string_view name = std::string_view(head).substr(head.rfind('.') + 1);
    if (!full.empty() && head.find('.') == std::string::npos) name = std::string_view(full).substr(full.rfind('.') + 1);
    std::vector<TypePtr> args;
    const std::vector<ExprPtr>* elts = &e.elts;
    if (elts->size() == 1 && (*elts)[0]->kind == ExprKind::TupleLit) elts = &(*elts)[0]->elts;
    for (const ExprPtr& a : *elts) args.push_back(resolveType(*a));
    auto arity = [&](size_t n) {
      if (args.size() != n)
        errorAt(e.range, std::string(name) + "[...] takes " + std::to_string(n) + " type argument" + (n == 1 ? "" : "s") + ", got " +
                             std::to_string(args.size()));
    };
    if (name == "List") return arity(1), listType(args[0]);
    if (name == "Optional") return arity(1), optionalType(args[0]);
    if (name == "Dict") {
      arity(2);
      TypeKind k = args[0]->kind();
      if (k != TypeKind::Str && k != TypeKind::Int && k != TypeKind::Float && k != TypeKind::Bool && k != TypeKind::Tensor)
        errorAt(e.range, "dict keys must be str, int, float, bool or Tensor, not " + args[0]->str());
      return dictType(args[0], args[1]);
    }
    if (name == "Tuple") {
      if (e.elts.size() == 1 && e.elts[0]->kind == ExprKind::TupleLit && e.elts[0]->elts.empty()) return tupleType({});
      return tupleType(args);
    }
    if (name == "Union") return unionType(args);
    if (name == "Final") return arity(1), args[0];
    errorAt(e.a->range, "unknown type constructor '" + head + "'");
  }
  std::string name;
  if (!appendDottedName(e, name) || name.empty()) errorAt(e.range, "expected a type annotation");
  // Archive code imports nothing: no alias to look for.
  if (!aliases_.empty()) {
    std::string resolved = aliasOf(name.substr(0, name.find('.')));
    if (!resolved.empty()) name = resolved + name.substr(std::min(name.size(), name.find('.')));
  }
  // Searched in order, each a length test before any bytes are compared.
  static constexpr std::pair<std::string_view, TypePtr (*)()> kBuiltins[] = {
      {"int", intType}, {"float", floatType}, {"bool", boolType}, {"str", strType}, {"Tensor", tensorType},
      {"torch.Tensor", tensorType}, {"None", noneType}, {"NoneType", noneType}, {"Any", anyType},
      {"typing.Any", anyType}, {"torch.device", deviceType}, {"device", deviceType}, {"Device", deviceType}, {"complex", complexType},
      {"number", numberType}};
  // A qualified class name (every class an archive names) is none of these.
  if (std::string_view view = name; !view.starts_with("__torch__.")) {
    for (const auto& [builtin, type] : kBuiltins)
      if (view == builtin) return type();
    if (view == "List" || view == "typing.List" || view == "list") return listType(tensorType());
    if (view == "Dict" || view == "typing.Dict" || view == "dict") return dictType(strType(), tensorType());
  }
  if (ClassInfo* c = findClass(name)) return moduleTypeFor(*c, e.range);
  if (name.rfind("torch.nn.", 0) == 0 && !options_.archive_dialect)
    if (ClassInfo* c = nnClass(name)) return c->type;
  if (name.rfind("torch.", 0) == 0 && findClass(name.substr(name.rfind('.') + 1)))
    return findClass(name.substr(name.rfind('.') + 1))->type;
  errorAt(e.range, "unknown type '" + name + "'");
}

}  // namespace wick::frontend
