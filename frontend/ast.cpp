#include "frontend/ast.h"

namespace wick::frontend {

const char* binOpSymbol(BinOpKind op) {
  static const char* names[] = {"+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^"};
  return names[static_cast<int>(op)];
}

const char* unaryOpSymbol(UnaryOpKind op) {
  static const char* names[] = {"-", "+", "not", "~"};
  return names[static_cast<int>(op)];
}

const char* cmpOpSymbol(CmpOpKind op) {
  static const char* names[] = {"==", "!=", "<", "<=", ">", ">=", "is", "is not", "in", "not in"};
  return names[static_cast<int>(op)];
}

std::string dottedName(const Expr& e) {
  if (e.kind == ExprKind::Name) return e.name;
  if (e.kind == ExprKind::Attribute) {
    std::string b = dottedName(*e.a);
    return b.empty() ? "" : b + "." + e.name;
  }
  return "";
}

}  // namespace wick::frontend
