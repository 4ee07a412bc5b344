#pragma once
// The abstract syntax tree the parser builds and the emitter consumes.
//
// Grammar (what each node holds):
//
//   Module    := stmt*                                   (top-level defs, classes, imports)
//   Stmt      := Def(name, params, returns?, body, decorators)
//              | ClassDef(name, bases, body, decorators)
//              | Import(module, alias) | ImportFrom(module, [(name, alias)])
//              | ExprStmt(expr) | Assign(targets+, value, annotation?)
//              | AugAssign(target, op, value) | AnnAssign(target, annotation, value?)
//              | Return(value?) | If(cond, then, else) | While(cond, body)
//              | For(target, iter, body) | Break | Continue | Pass
//              | Raise(expr?) | Assert(cond, msg?) | Del(targets) | With(items, body)
//   Expr      := Name | IntLit | FloatLit | StrLit | FStr(parts) | BoolLit | NoneLit | Ellipsis
//              | Attribute(obj, name) | Subscript(obj, indices) | Slice(lo?, hi?, step?)
//              | Call(fn, args, kwargs) | BinOp(op, l, r) | UnaryOp(op, x)
//              | BoolOp(op, values) | Compare(first, [(op, rhs)])  (chained)
//              | IfExp(cond, then, else) | ListLit | TupleLit | DictLit
//              | ListComp(elt, target, iter, cond?) | DictComp(key, value, target, iter, cond?)
//              | Lambda(params, body) | Starred(x)
//
// Every node carries the SourceRange of its text.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/source.h"

namespace wick::frontend {

using lang::SourceRange;

enum class ExprKind {
  Name, IntLit, FloatLit, StrLit, FStr, BoolLit, NoneLit, Ellipsis,
  Attribute, Subscript, Slice, Call, BinOp, UnaryOp, BoolOp, Compare, IfExp,
  ListLit, TupleLit, DictLit, ListComp, DictComp, Lambda, Starred,
};

enum class BinOpKind { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, MatMul, LShift, RShift, BitAnd, BitOr, BitXor };
enum class UnaryOpKind { Neg, Pos, Not, Invert };
enum class BoolOpKind { And, Or };
enum class CmpOpKind { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };

const char* binOpSymbol(BinOpKind op);    // "+", "//", ...
const char* unaryOpSymbol(UnaryOpKind op);
const char* cmpOpSymbol(CmpOpKind op);

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using StmtList = std::vector<StmtPtr>;

struct Keyword {
  std::string name;
  ExprPtr value;
  SourceRange range;
};

struct Param {
  std::string name;
  ExprPtr annotation;    // null when unannotated (means Tensor, or the class for `self`)
  ExprPtr default_value; // null when none
  bool is_vararg = false;    // *args (rejected by the checker; parsed for a clear message)
  bool is_kwarg = false;     // **kwargs
  bool kwarg_only = false;   // after a bare `*`
  SourceRange range;
};

struct CompareOp {
  CmpOpKind op;
  ExprPtr rhs;
};

struct Comprehension {  // for target in iter [if cond]
  ExprPtr target;
  ExprPtr iter;
  ExprPtr cond;  // may be null
};

struct Expr {
  ExprKind kind;
  SourceRange range;

  // Name: id. Attribute: name (the attribute). StrLit: value (decoded bytes).
  std::string name;
  int64_t int_value = 0;   // IntLit
  double float_value = 0;  // FloatLit
  bool bool_value = false; // BoolLit
  // Integer literal too large for int64 (TorchScript rejects it; keep the text for the message).
  bool int_overflow = false;

  BinOpKind bin_op{};
  UnaryOpKind unary_op{};
  BoolOpKind bool_op{};

  // Children, meaning by kind:
  //   Attribute: a = object
  //   Subscript: a = object, elts = indices (one per comma; Slice nodes for a:b:c)
  //   Slice:     a = lower, b = upper, c = step (each may be null)
  //   Call:      a = callee, elts = positional args (Starred for *x), keywords
  //   BinOp:     a, b.   UnaryOp: a.   BoolOp: elts (two or more)
  //   Compare:   a = first, comparisons
  //   IfExp:     a = cond, b = then, c = else
  //   ListLit/TupleLit: elts.   DictLit: elts = keys, values
  //   ListComp:  a = element, comps.   DictComp: a = key, b = value, comps
  //   Lambda:    params, a = body.   Starred: a
  //   FStr:      elts = parts: StrLit pieces of literal text and the expressions of
  //              replacement fields. format_specs (same index) is "" for literal text and
  //              the field's replacement text for a field: "{}", "{:.2f}", "{!r}", "{!r:>5}".
  ExprPtr a, b, c;
  std::vector<ExprPtr> elts;
  std::vector<ExprPtr> values;
  std::vector<Keyword> keywords;
  std::vector<CompareOp> comparisons;
  std::vector<Comprehension> comps;
  std::vector<Param> params;
  std::vector<std::string> format_specs;  // FStr: per part, e.g. ":.2f" or "!r"

  Expr(ExprKind k, SourceRange r) : kind(k), range(std::move(r)) {}
  // Note [AST node pool]
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;
};

enum class StmtKind {
  Def, ClassDef, Import, ImportFrom, ExprStmt, Assign, AugAssign, AnnAssign,
  Return, If, While, For, Break, Continue, Pass, Raise, Assert, Del, With,
};

struct ImportName {
  std::string name;   // dotted: "torch.nn.functional"
  std::string alias;  // "" when none
  SourceRange range;
};

struct WithItem {
  ExprPtr context;
  ExprPtr target;  // may be null
};

struct Stmt {
  StmtKind kind;
  SourceRange range;

  // Def/ClassDef: name. ImportFrom: module (dotted).
  std::string name;
  std::vector<ExprPtr> decorators;   // Def/ClassDef
  std::vector<Param> params;         // Def
  ExprPtr returns;                   // Def: return annotation (may be null)
  std::vector<ExprPtr> bases;        // ClassDef
  std::vector<ImportName> imports;   // Import / ImportFrom
  int import_level = 0;              // ImportFrom: leading dots

  // Assign: targets (a = b = v has two), value; annotation for `x: T = v`.
  // AugAssign: targets[0], bin_op, value. AnnAssign: targets[0], annotation, value (may be null).
  // ExprStmt/Return/Raise: value (may be null). Assert: value = cond, msg.
  // If/While: value = cond, body, orelse. For: targets[0] = target, value = iter, body.
  // Del: targets. With: with_items, body.
  std::vector<ExprPtr> targets;
  ExprPtr value;
  ExprPtr annotation;
  ExprPtr msg;
  BinOpKind bin_op{};
  StmtList body;
  StmtList orelse;
  std::vector<WithItem> with_items;

  Stmt(StmtKind k, SourceRange r) : kind(k), range(std::move(r)) {}
  static void* operator new(size_t size);  // Note [AST node pool]
  static void operator delete(void* p, size_t size) noexcept;
};

struct Module {
  std::shared_ptr<const lang::Source> source;
  StmtList body;
};

// "a.b.c" for a Name/Attribute chain, "" for any other expression.
std::string dottedName(const Expr& e);

// Parses a whole file. Throws lang::CompileError (with every syntax error found
// before giving up) on bad input.
std::unique_ptr<Module> parseModule(std::shared_ptr<const lang::Source> source);

// Parses one expression (used for type strings in annotations like
// torch.jit.annotate("List[int]", ...) and for tests).
ExprPtr parseExpression(std::shared_ptr<const lang::Source> source);

}  // namespace wick::frontend
