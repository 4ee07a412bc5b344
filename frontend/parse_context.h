#pragma once
// What grammar actions need: the source (for ranges) and small builders that
// keep the actions one-liners. Checks do not live here; they belong to the
// emitter.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast.h"
#include "frontend/location.h"

namespace wick::frontend {

class Lexer;

struct CallArgs {
  std::vector<ExprPtr> args;
  std::vector<Keyword> keywords;
};

// What the parser knew at a syntax error: the token it found, the token
// names it could have accepted (Bison's aliases), the innermost open bracket.
struct SyntaxErrorFacts {
  std::string found;
  std::vector<std::string> expected;
  char open_bracket = 0;
};
// "expected ':', found newline", "expected an indented block, found 'return'",
// "expected ',' or ')', found name", "expected an expression, found ')'".
std::string describeSyntaxError(const SyntaxErrorFacts& facts);

struct ParseContext {
  Lexer* lexer;
  std::shared_ptr<const lang::Source> source;
  std::unique_ptr<Module> module;
  ExprPtr expression;  // parseExpression's result

  lang::SourceRange range(Loc l) const { return lang::SourceRange(source, l.begin, l.end); }
  [[noreturn]] void fail(Loc l, const std::string& msg) const { throw lang::CompileError(range(l), msg); }

  ExprPtr expr(ExprKind k, Loc l) const { return std::make_unique<Expr>(k, range(l)); }
  StmtPtr stmt(StmtKind k, Loc l) const { return std::make_unique<Stmt>(k, range(l)); }
  // A token's text: the source at its location.
  std::string_view textView(Loc l) const { return std::string_view(source->text()).substr(l.begin, l.end - l.begin); }
  std::string text(Loc l) const { return std::string(textView(l)); }
  ExprPtr name(Loc l) const;  // a Name node for the NAME token at l
  ExprPtr binop(BinOpKind op, ExprPtr a, ExprPtr b, Loc l) const;
  ExprPtr unary(UnaryOpKind op, ExprPtr a, Loc l) const;
  ExprPtr boolop(BoolOpKind op, ExprPtr a, ExprPtr b, Loc l) const;
  ExprPtr compare(ExprPtr a, CmpOpKind op, ExprPtr b, Loc l) const;  // extends a chain
  ExprPtr integer(std::string_view text, Loc l) const;
  ExprPtr floating(std::string_view text, Loc l) const;
  // Adjacent string literals ("a" "b", f-strings among them) as one expression.
  ExprPtr strings(std::vector<std::pair<std::string, Loc>> pieces) const;
  ExprPtr tupleOrSingle(std::vector<ExprPtr> items, bool trailing_comma, Loc l) const;
  ExprPtr call(ExprPtr fn, CallArgs args, Loc l) const;
  StmtPtr assign(std::vector<ExprPtr> chain, Loc l) const;
  StmtPtr augAssign(ExprPtr target, BinOpKind op, ExprPtr value, Loc l) const;
  StmtPtr ifChain(ExprPtr cond, StmtList body, StmtList orelse, Loc l) const;
};

}  // namespace wick::frontend
