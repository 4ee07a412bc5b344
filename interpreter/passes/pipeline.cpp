#include <atomic>
#include <cstdlib>
#include <cstring>

#include "interpreter/passes/passes.h"

namespace wick::interp {

namespace {
std::atomic<bool>& fusionFlag() {
  static std::atomic<bool> on{[] {
    const char* e = std::getenv("WICK_NO_FUSION");
    return !(e && std::strcmp(e, "1") == 0);
  }()};
  return on;
}

const Pass kPipeline[] = {
    {"inline", [](lang::Graph& g, const lang::Function* f) { inlineCalls(g, f); }},
    {"constants", [](lang::Graph& g, const lang::Function*) { propagateConstants(g); }},
    {"cse", [](lang::Graph& g, const lang::Function*) { eliminateCommonSubexpressions(g); }},
    {"dce", [](lang::Graph& g, const lang::Function*) { eliminateDeadCode(g); }},
    {"fuse", [](lang::Graph& g, const lang::Function*) { if (fusionEnabled()) fuseElementwise(g); }},
};
}  // namespace

bool fusionEnabled() { return fusionFlag().load(std::memory_order_relaxed); }
void setFusionEnabled(bool on) { fusionFlag().store(on, std::memory_order_relaxed); }

void optimize(lang::Graph& g, const lang::Function* self) {
  for (const Pass& p : kPipeline) {
    p.run(g, self);
#ifndef NDEBUG
    lang::verifyGraph(g);  // every pass must leave a valid graph
#endif
  }
}

}  // namespace wick::interp
