#include "interpreter/passes/passes.h"

namespace wick::interp {

namespace {
const Pass kPipeline[] = {
    {"inline", [](lang::Graph& g, const lang::Function* f) { inlineCalls(g, f); }},
    {"constants", [](lang::Graph& g, const lang::Function*) { propagateConstants(g); }},
    {"cse", [](lang::Graph& g, const lang::Function*) { eliminateCommonSubexpressions(g); }},
    {"dce", [](lang::Graph& g, const lang::Function*) { eliminateDeadCode(g); }},
};
}  // namespace

void optimize(lang::Graph& g, const lang::Function* self) {
  for (const Pass& p : kPipeline) {
    p.run(g, self);
#ifndef NDEBUG
    lang::verifyGraph(g);  // every pass must leave a valid graph
#endif
  }
}

}  // namespace wick::interp
