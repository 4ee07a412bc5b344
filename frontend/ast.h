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

// Kinds and operators are bytes so that a node's tags share one word
// (Note [Compact AST nodes]).
enum class ExprKind : uint8_t {
  Name, IntLit, FloatLit, StrLit, FStr, BoolLit, NoneLit, Ellipsis,
  Attribute, Subscript, Slice, Call, BinOp, UnaryOp, BoolOp, Compare, IfExp,
  ListLit, TupleLit, DictLit, ListComp, DictComp, Lambda, Starred,
};

enum class BinOpKind : uint8_t { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, MatMul, LShift, RShift, BitAnd, BitOr, BitXor };
enum class UnaryOpKind : uint8_t { Neg, Pos, Not, Invert };
enum class BoolOpKind : uint8_t { And, Or };
enum class CmpOpKind : uint8_t { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };

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

// Note [Compact AST nodes]
// An archive's ASTs are all alive at once while its module compiles, so the
// size of a node is most of the load's heap. Expr and Stmt hold inline only
// what most kinds use (kind, range, name, the child slots, the literal
// value); the lists only a few kinds use live in an ExprExtra or StmtExtra
// that a node gets when one of them is first set (ensureExtra) and most
// nodes never have. Reading through extra() needs no check: a node without
// one reads as an empty one. Keep each node at 128 bytes (the static_asserts
// below): the node pool's blocks of 64 are then 8 KiB, and the whole AST of
// a resnet18 half a megabyte; a field that most kinds do not use belongs in
// the extra part.

// The fields of the Expr kinds that need more than a, b, c and elts.
struct ExprExtra {
  std::vector<ExprPtr> values;            // DictLit: the values (elts are the keys)
  std::vector<Keyword> keywords;          // Call
  std::vector<CompareOp> comparisons;     // Compare
  std::vector<Comprehension> comps;       // ListComp, DictComp
  std::vector<Param> params;              // Lambda
  std::vector<std::string> format_specs;  // FStr: per part, e.g. ":.2f" or "!r"
};

struct Expr {
  ExprKind kind;
  BinOpKind bin_op{};
  UnaryOpKind unary_op{};
  BoolOpKind bool_op{};
  bool bool_value = false;  // BoolLit
  // Integer literal too large for int64 (TorchScript rejects it; keep the text for the message).
  bool int_overflow = false;
  SourceRange range;

  // Name: id. Attribute: name (the attribute). StrLit: value (decoded bytes).
  // IntLit: the literal's text.
  std::string name;
  union {                  // read only the one of the node's kind
    int64_t int_value = 0; // IntLit
    double float_value;    // FloatLit
  };

  // Children, meaning by kind (extra(): the fields of ExprExtra):
  //   Attribute: a = object
  //   Subscript: a = object, elts = indices (one per comma; Slice nodes for a:b:c)
  //   Slice:     a = lower, b = upper, c = step (each may be null)
  //   Call:      a = callee, elts = positional args (Starred for *x), extra().keywords
  //   BinOp:     a, b.   UnaryOp: a.   BoolOp: elts (two or more)
  //   Compare:   a = first, extra().comparisons
  //   IfExp:     a = cond, b = then, c = else
  //   ListLit/TupleLit: elts.   DictLit: elts = keys, extra().values
  //   ListComp:  a = element, extra().comps.   DictComp: a = key, b = value, extra().comps
  //   Lambda:    extra().params, a = body.   Starred: a
  //   FStr:      elts = parts: StrLit pieces of literal text and the expressions of
  //              replacement fields. extra().format_specs (same index) is "" for literal
  //              text and the field's replacement text for a field: "{}", "{:.2f}",
  //              "{!r}", "{!r:>5}".
  ExprPtr a, b, c;
  std::vector<ExprPtr> elts;

  Expr(ExprKind k, SourceRange r) : kind(k), range(std::move(r)) {}
  ~Expr();  // out of line: resetting a child slot stays a few inlined instructions
  // Note [Compact AST nodes]
  const ExprExtra& extra() const { return extra_ ? *extra_ : kNoExtra; }
  ExprExtra& ensureExtra() {
    if (!extra_) extra_ = std::make_unique<ExprExtra>();
    return *extra_;
  }
  // Note [AST node pool]
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;

 private:
  static const ExprExtra kNoExtra;
  std::unique_ptr<ExprExtra> extra_;
};
static_assert(sizeof(Expr) <= 128, "Note [Compact AST nodes]");

enum class StmtKind : uint8_t {
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

// The fields of the Stmt kinds that need more than targets, value,
// annotation, body and orelse (Note [Compact AST nodes]).
struct StmtExtra {
  std::string name;                  // Def/ClassDef: name. ImportFrom: module (dotted).
  std::vector<ExprPtr> decorators;   // Def/ClassDef
  std::vector<Param> params;         // Def
  ExprPtr returns;                   // Def: return annotation (may be null)
  std::vector<ExprPtr> bases;        // ClassDef
  std::vector<ImportName> imports;   // Import / ImportFrom
  int import_level = 0;              // ImportFrom: leading dots
  std::vector<WithItem> with_items;  // With
  ExprPtr msg;                       // Assert: the message. Raise: the cause (`from`). May be null.
};

struct Stmt {
  StmtKind kind;
  BinOpKind bin_op{};  // AugAssign
  SourceRange range;

  // Assign: targets (a = b = v has two), value; annotation for `x: T = v`.
  // AugAssign: targets[0], bin_op, value. AnnAssign: targets[0], annotation, value (may be null).
  // ExprStmt/Return: value (may be null). Raise: value (may be null), extra().msg = cause.
  // Assert: value = cond, extra().msg.
  // If/While: value = cond, body, orelse. For: targets[0] = target, value = iter, body.
  // Del: targets. With: extra().with_items, body. Def/ClassDef: body and extra().
  // Import/ImportFrom: extra().
  std::vector<ExprPtr> targets;
  ExprPtr value;
  ExprPtr annotation;
  StmtList body;
  StmtList orelse;

  Stmt(StmtKind k, SourceRange r) : kind(k), range(std::move(r)) {}
  ~Stmt();
  // Note [Compact AST nodes]
  const StmtExtra& extra() const { return extra_ ? *extra_ : kNoExtra; }
  StmtExtra& ensureExtra() {
    if (!extra_) extra_ = std::make_unique<StmtExtra>();
    return *extra_;
  }
  static void* operator new(size_t size);  // Note [AST node pool]
  static void operator delete(void* p, size_t size) noexcept;

 private:
  static const StmtExtra kNoExtra;
  std::unique_ptr<StmtExtra> extra_;
};
static_assert(sizeof(Stmt) <= 128, "Note [Compact AST nodes]");

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
