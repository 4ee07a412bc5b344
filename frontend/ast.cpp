#include "frontend/ast.h"

#include <cstddef>
#include <new>

namespace wick::frontend {

// Note [AST node pool]
// Parsing an archive's code allocates some thousands of Expr and Stmt nodes
// (128 bytes each, Note [Compact AST nodes]) and frees none until its module
// is done with; from a fresh heap each malloc took ~200 instructions, a fifth
// of the cost of a Name. Nodes come from per-thread free lists instead,
// carved from blocks of kNodesPerBlock. A block is never returned to the
// system: the lists keep the memory of the most nodes ever alive at once, for
// the next parse. A node freed on another thread than the one that made it
// joins that thread's list. The rare parts (ExprExtra, StmtExtra) come from
// the ordinary heap: resnet18's code has about one per def and class.
namespace {

// 64 nodes of 128 bytes: 8 KiB blocks, small enough for any allocator's
// small-object paths.
constexpr size_t kNodesPerBlock = 64;

template <class Node>
class NodePool {
 public:
  void* take() {
    if (!free_) refill();
    FreeNode* n = free_;
    free_ = n->next;
    return n;
  }
  void give(void* p) noexcept {
    auto* n = static_cast<FreeNode*>(p);
    n->next = free_;
    free_ = n;
  }

 private:
  struct FreeNode {
    FreeNode* next;
  };
  static constexpr size_t kSize = (sizeof(Node) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);
  void refill() {
    char* block = static_cast<char*>(::operator new(kSize * kNodesPerBlock));
    for (size_t i = kNodesPerBlock; i-- > 0;) give(block + i * kSize);
  }
  FreeNode* free_ = nullptr;
};

template <class Node>
NodePool<Node>& pool() {
  thread_local NodePool<Node> p;
  return p;
}

}  // namespace

// Sizes other than the node's own (none today) go to the global heap.
void* Expr::operator new(size_t size) { return size == sizeof(Expr) ? pool<Expr>().take() : ::operator new(size); }
void Expr::operator delete(void* p, size_t size) noexcept {
  if (size == sizeof(Expr)) pool<Expr>().give(p);
  else ::operator delete(p);
}
void* Stmt::operator new(size_t size) { return size == sizeof(Stmt) ? pool<Stmt>().take() : ::operator new(size); }
void Stmt::operator delete(void* p, size_t size) noexcept {
  if (size == sizeof(Stmt)) pool<Stmt>().give(p);
  else ::operator delete(p);
}

Expr::~Expr() = default;
Stmt::~Stmt() = default;

// What extra() reads on a node without one (Note [Compact AST nodes]).
const ExprExtra Expr::kNoExtra;
const StmtExtra Stmt::kNoExtra;

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
