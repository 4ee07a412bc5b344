#include "serialize/savable.h"

#include <algorithm>
#include <unordered_map>

namespace wick::serialize {

using lang::Extension;
using lang::Function;
using lang::SourceRange;

namespace {

std::string displayName(const Function& fn) {
  const std::string& q = fn.qualname();
  return q.rfind("__torch__.", 0) == 0 ? q.substr(10) : q;
}

[[noreturn]] void refuse(const SourceRange& where, const std::string& what, Extension kind,
                         std::vector<lang::Note> notes = {}) {
  throw lang::CompileError(where,
                           "cannot save: " + what + " (" + std::string(lang::extensionName(kind)) +
                               " is a wick extension; torch.jit.load would reject it)",
                           std::move(notes));
}

struct Call {
  const Function* callee;
  SourceRange site;
};

void collectCalls(const lang::Block* b, std::vector<Call>& out) {
  for (lang::Node* n : *b) {
    if ((n->kind() == lang::prim::CallFunction || n->kind() == lang::prim::CallMethod) && n->callee())
      out.push_back({n->callee(), n->sourceRange()});
    for (const lang::Block* inner : n->blocks()) collectCalls(inner, out);
  }
}

// Depth-first search for a call that leads back to a function still on the
// path (a back edge); reports the cycle it closes.
class CycleFinder {
 public:
  explicit CycleFinder(const std::vector<const Function*>& functions) {
    for (const Function* f : functions) collectCalls(f->graph().block(), calls_[f]);
  }

  void check(const std::vector<const Function*>& roots) {
    for (const Function* f : roots) visit(f);
  }

 private:
  enum class State { OnPath, Done };

  void visit(const Function* f) {
    if (state_.count(f)) return;
    state_[f] = State::OnPath;
    path_.push_back(f);
    for (const Call& c : calls_[f]) {
      auto it = state_.find(c.callee);
      if (it != state_.end() && it->second == State::OnPath) report(f, c);
      if (calls_.count(c.callee)) visit(c.callee);
    }
    path_.pop_back();
    state_[f] = State::Done;
  }

  [[noreturn]] void report(const Function* caller, const Call& call) {
    if (call.callee == caller) refuse(call.site, "function '" + displayName(*caller) + "' calls itself", Extension::Recursion);
    // The cycle runs from the callee, down the path, to the caller.
    auto from = std::find(path_.begin(), path_.end(), call.callee);
    std::string cycle;
    std::vector<lang::Note> notes;
    for (auto it = from; it != path_.end(); ++it) {
      cycle += displayName(**it) + " -> ";
      if (it + 1 != path_.end())
        for (const Call& c : calls_[*it])
          if (c.callee == *(it + 1)) {
            notes.push_back({c.site, "'" + displayName(**it) + "' calls '" + displayName(**(it + 1)) + "' here"});
            break;
          }
    }
    cycle += displayName(*call.callee);
    refuse(call.site,
           "function '" + displayName(*caller) + "' calls '" + displayName(*call.callee) + "', which leads back to it (" +
               cycle + ")",
           Extension::Recursion, std::move(notes));
  }

  std::unordered_map<const Function*, std::vector<Call>> calls_;
  std::unordered_map<const Function*, State> state_;
  std::vector<const Function*> path_;
};

}  // namespace

void checkSavable(const std::vector<const Function*>& functions) {
  // Uses the frontend noted where they happen (direct recursion, future extensions).
  for (const Function* f : functions)
    for (const lang::ExtensionUse& use : f->extensionsUsed()) {
      if (use.kind == Extension::Recursion) refuse(use.range, "function '" + displayName(*f) + "' calls itself", use.kind);
      refuse(use.range, "function '" + displayName(*f) + "' uses " + std::string(lang::extensionName(use.kind)), use.kind);
    }
  // Recursion through other functions, which no single body shows.
  CycleFinder(functions).check(functions);
}

}  // namespace wick::serialize
