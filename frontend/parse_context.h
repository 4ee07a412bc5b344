#pragma once
// What grammar actions need: the source (for ranges), small builders that
// keep the actions one-liners, and the pools that own the parser's compound
// semantic values (Note [Semantic values]). Checks do not live here; they
// belong to the emitter.
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "frontend/ast.h"
#include "frontend/location.h"

namespace wick::frontend {

class Lexer;

struct CallArgs {
  std::vector<ExprPtr> args;
  std::vector<Keyword> keywords;
  void clear() {
    args.clear();
    keywords.clear();
  }
};

using ExprList = std::vector<ExprPtr>;
using ParamList = std::vector<Param>;
using ImportNames = std::vector<ImportName>;
using Comprehensions = std::vector<Comprehension>;
using WithItems = std::vector<WithItem>;
using LocList = std::vector<Loc>;

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

// Note [Semantic values]
// Every value on Bison's stack is trivially copyable (a pointer, an enum, an
// int), so that moving a symbol is a copy of a few words and popping one does
// nothing; with Bison's variant, each move and each pop was a switch over
// every semantic type, half of the parser's time. Who owns what:
//   - Expr* and Stmt*: the stack symbol, until an action hands the pointer
//     to a node or a list. %destructor deletes those left on the stack when
//     a parse throws. So an action that may throw a CompileError (ctx.fail)
//     does so before it hands over any of its operands.
//   - Lists and the other compound values (ExprList, CallArgs, Param, ...):
//     a ValuePools set, whatever happens. An action takes one, fills it and
//     finally drains it into a node, which gives it back emptied but with
//     its capacity: the next list of that type reuses it, and the node's
//     vector is allocated once, at its final size. A parse borrows a set for
//     its duration (a nested parse, of an f-string's field, borrows another)
//     and returns it emptied, so that the next parse on the thread starts
//     with warm lists and no allocation.
template <class T>
class ValuePool {
 public:
  T* take() {
    if (free_.empty()) {
      owned_.push_back(std::make_unique<T>());
      return owned_.back().get();
    }
    T* t = free_.back();
    free_.pop_back();
    return t;
  }
  void give(T* t) {
    empty(*t);
    free_.push_back(t);
  }
  // Every value back, emptied, whether or not it was given back.
  void reclaim() {
    if (free_.size() == owned_.size()) return;
    free_.clear();
    for (auto& t : owned_) {
      empty(*t);
      free_.push_back(t.get());
    }
  }

 private:
  static void empty(T& t) {
    if constexpr (requires { t.clear(); }) t.clear();
    else t = T();
  }
  std::vector<std::unique_ptr<T>> owned_;
  std::vector<T*> free_;
};

class ValuePools {
 public:
  template <class T>
  ValuePool<T>& get() { return std::get<ValuePool<T>>(pools_); }
  void reclaim() {
    std::apply([](auto&... pool) { (pool.reclaim(), ...); }, pools_);
  }
  // A set no parse on this thread is using; the deleter hands it back.
  struct Return {
    void operator()(ValuePools* pools) const;
  };
  static std::unique_ptr<ValuePools, Return> borrow();

 private:
  std::tuple<ValuePool<ExprList>, ValuePool<StmtList>, ValuePool<CallArgs>, ValuePool<Param>, ValuePool<ParamList>,
             ValuePool<std::string>, ValuePool<ImportName>, ValuePool<ImportNames>, ValuePool<Comprehensions>,
             ValuePool<WithItem>, ValuePool<WithItems>, ValuePool<LocList>>
      pools_;
};

struct ParseContext {
  ParseContext(Lexer* l, std::shared_ptr<const lang::Source> s)
      : lexer(l), source(std::move(s)), module(std::make_unique<Module>()) {}

  Lexer* lexer;
  std::shared_ptr<const lang::Source> source;
  std::unique_ptr<Module> module;
  ExprPtr expression;  // parseExpression's result

  lang::SourceRange range(Loc l) const { return lang::SourceRange(source, l.begin, l.end); }
  [[noreturn]] void fail(Loc l, const std::string& msg) const { throw lang::CompileError(range(l), msg); }

  // Nodes are made raw: the parser stack owns them (Note [Semantic values]).
  Expr* expr(ExprKind k, Loc l) const { return new Expr(k, range(l)); }
  Stmt* stmt(StmtKind k, Loc l) const { return new Stmt(k, range(l)); }
  // A token's text: the source at its location.
  std::string_view textView(Loc l) const { return std::string_view(source->text()).substr(l.begin, l.end - l.begin); }
  std::string text(Loc l) const { return std::string(textView(l)); }

  // The values of Note [Semantic values].
  template <class T>
  T* take() { return pools_->get<T>().take(); }
  template <class T>
  void give(T* t) { pools_->get<T>().give(t); }
  // Every pooled value back, emptied (Note [Parser reuse] in parse_context.cpp).
  void reclaimValues() { pools_->reclaim(); }
  // A new list holding `first`.
  template <class T, class U>
  T* listOf(U&& first) {
    T* l = take<T>();
    l->emplace_back(std::forward<U>(first));
    return l;
  }
  // Moves a pooled list (null: an empty one) into `to` and gives it back.
  template <class T>
  void drain(std::vector<T>* from, std::vector<T>& to) {
    if (!from) return;
    moveAll(*from, to);
    give(from);
  }
  // Appends from's items to `to`, growing `to` once.
  template <class T>
  static void moveAll(std::vector<T>& from, std::vector<T>& to) {
    to.reserve(to.size() + from.size());
    for (T& x : from) to.push_back(std::move(x));
  }
  // Moves a pooled value out and gives it back.
  template <class T>
  T release(T* from) {
    T v = std::move(*from);
    give(from);
    return v;
  }

  Expr* name(Loc l) const;  // a Name node for the NAME token at l
  Expr* attribute(Expr* object, Loc name, Loc l) const;  // object.name
  // The nodes of the DOTTED token at l, onto `object` if not null, each
  // Attribute's range starting at `start` (Note [Dotted names]).
  Expr* dotted(Expr* object, uint32_t start, Loc l) const;
  Expr* binop(BinOpKind op, Expr* a, Expr* b, Loc l) const;
  Expr* unary(UnaryOpKind op, Expr* a, Loc l) const;
  Expr* boolop(BoolOpKind op, Expr* a, Expr* b, Loc l) const;
  Expr* compare(Expr* a, CmpOpKind op, Expr* b, Loc l) const;  // extends a chain
  Expr* starred(Expr* a, Loc l) const;
  Expr* integer(std::string_view text, Loc l) const;
  Expr* floating(std::string_view text, Loc l) const;
  // Adjacent string literals ("a" "b", f-strings among them) as one expression.
  Expr* strings(LocList* pieces);
  // `first, rest...`: a tuple.
  Expr* tuple(Expr* first, ExprList* rest, Loc l);
  Expr* tupleOrSingle(ExprList* items, bool trailing_comma, Loc l);
  Expr* call(Expr* fn, CallArgs* args, Loc l);
  // `{k: v, ...}` from the list k, v, k, v, ...
  Expr* dict(ExprList* items, Loc l);
  Stmt* assign(ExprList* targets, Expr* value, Loc l);
  // `name: annotation [= value]`, the name's token at `name` (Note [Statement targets]).
  Stmt* annAssign(Loc name, Expr* annotation, Expr* value, Loc l);
  Stmt* augAssign(Expr* target, BinOpKind op, Expr* value, Loc l) const;
  Stmt* ifChain(Expr* cond, StmtList* body, StmtList* orelse, Loc l);
  // `def name(params) [-> returns]: body`; params and returns may be null.
  Stmt* def(Loc name, ParamList* params, Expr* returns, StmtList* body, Loc l);
  // `class name[(bases)]: body`; bases may be null.
  Stmt* classDef(Loc name, ExprList* bases, StmtList* body, Loc l);
  // `from <level dots>module import ...`, without its names.
  Stmt* importFrom(std::string* module, int level, Loc l);

 private:
  std::unique_ptr<ValuePools, ValuePools::Return> pools_ = ValuePools::borrow();
};

}  // namespace wick::frontend
