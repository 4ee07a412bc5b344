// Random factories on wick's own generator: one process-wide mt19937_64,
// reseeded by torch.manual_seed. Streams differ from PyTorch's (results are
// reproducible within wick, never bit-equal to torch).
#include <cmath>
#include <mutex>
#include <random>

#include "ops/tensor/kernel_args.h"
#include "ops/tensor/strided_loop.h"

namespace wick::ops {
namespace {

struct Generator {
  std::mutex mu;
  std::mt19937_64 engine{67280421310721ULL};
};
Generator& generator() {
  static Generator g;
  return g;
}

// Fills t (contiguous, fresh) with draws from dist, converted to t's dtype.
template <class Dist>
void fillWith(Tensor& t, Dist dist) {
  Generator& g = generator();
  std::lock_guard<std::mutex> lock(g.mu);
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = convertElement<T>(dist(g.engine));
  });
}

constexpr size_t kOptions = 4;  // dtype, layout, device, pin_memory

ScalarType floatDtype(const IValue& v) {
  ScalarType dt = toOptDtype(v).value_or(ScalarType::Float);
  if (!isFloatingType(dt)) lang::raise("RuntimeError", std::string("\"check_uniform_bounds\" not implemented for '") + dtypeName(dt) + "'");
  return dt;
}

template <bool kNormal>
void randKernel(Stack& s) {  // rand(int[] size, *, options)
  constexpr size_t n = 1 + kOptions;
  Tensor t = Tensor::empty(toIntArray(argAt(s, n, 0)), floatDtype(argAt(s, n, 1)));
  if (kNormal) fillWith(t, std::normal_distribution<double>(0.0, 1.0));
  else fillWith(t, std::uniform_real_distribution<double>(0.0, 1.0));
  pushResult(s, n, t);
}

template <bool kNormal>
void randLikeKernel(Stack& s) {  // rand_like(Tensor self, *, options, MemoryFormat? memory_format=None)
  constexpr size_t n = 2 + kOptions;
  Tensor self = tensorAt(s, n, 0);
  Tensor t = Tensor::empty(self.sizes(), toOptDtype(argAt(s, n, 1)).value_or(self.dtype()));
  if (kNormal) fillWith(t, std::normal_distribution<double>(0.0, 1.0));
  else fillWith(t, std::uniform_real_distribution<double>(0.0, 1.0));
  pushResult(s, n, t);
}

Tensor randint(int64_t low, int64_t high, const IntArray& size, ScalarType dt) {
  if (low >= high) lang::raise("RuntimeError", "random_ expects 'from' to be less than 'to', but got from=" + std::to_string(low) + " >= to=" + std::to_string(high));
  Tensor t = Tensor::empty(size, dt);
  fillWith(t, std::uniform_int_distribution<int64_t>(low, high - 1));
  return t;
}
void randintKernel(Stack& s) {  // randint(int high, int[] size, *, options)
  constexpr size_t n = 2 + kOptions;
  pushResult(s, n, randint(0, argAt(s, n, 0).toInt(), toIntArray(argAt(s, n, 1)), toOptDtype(argAt(s, n, 2)).value_or(ScalarType::Long)));
}
void randintLowKernel(Stack& s) {  // randint.low(int low, int high, int[] size, *, options)
  constexpr size_t n = 3 + kOptions;
  pushResult(s, n, randint(argAt(s, n, 0).toInt(), argAt(s, n, 1).toInt(), toIntArray(argAt(s, n, 2)), toOptDtype(argAt(s, n, 3)).value_or(ScalarType::Long)));
}

void randpermKernel(Stack& s) {  // randperm(int n, *, options)
  constexpr size_t n = 1 + kOptions;
  int64_t count = argAt(s, n, 0).toInt();
  std::vector<int64_t> v(count);
  for (int64_t i = 0; i < count; ++i) v[i] = i;
  {
    std::lock_guard<std::mutex> lock(generator().mu);
    std::shuffle(v.begin(), v.end(), generator().engine);
  }
  Tensor t = Tensor::empty({count}, toOptDtype(argAt(s, n, 1)).value_or(ScalarType::Long));
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < count; ++i) t.data<T>()[i] = convertElement<T>(v[i]);
  });
  pushResult(s, n, t);
}

// In-place fills write a fresh contiguous draw through self (which may be a view).
template <class Dist>
void fillInplace(Stack& s, size_t n, Dist dist) {
  Tensor self = tensorAt(s, n, 0);
  Tensor fresh = Tensor::empty(self.sizes(), self.dtype());
  fillWith(fresh, dist);
  self.copy_(fresh);
  s.resize(s.size() - n + 1);
}
void normalInplaceKernel(Stack& s) {  // normal_(Tensor(a!) self, float mean=0, float std=1, *, Generator? generator=None)
  fillInplace(s, 4, std::normal_distribution<double>(argAt(s, 4, 1).toDouble(), argAt(s, 4, 2).toDouble()));
}
void uniformInplaceKernel(Stack& s) {  // uniform_(Tensor(a!) self, float from=0, float to=1, *, Generator? generator=None)
  fillInplace(s, 4, std::uniform_real_distribution<double>(argAt(s, 4, 1).toDouble(), argAt(s, 4, 2).toDouble()));
}
void bernoulliKernel(Stack& s) {  // bernoulli.p(Tensor self, float p, *, Generator? generator=None)
  Tensor self = tensorAt(s, 3, 0);
  Tensor t = Tensor::empty(self.sizes(), self.dtype());
  fillWith(t, std::bernoulli_distribution(argAt(s, 3, 1).toDouble()));
  pushResult(s, 3, t);
}

void manualSeedKernel(Stack& s) {  // manual_seed(int seed) -> ()
  std::lock_guard<std::mutex> lock(generator().mu);
  generator().engine.seed(static_cast<uint64_t>(s.back().toInt()));
  s.pop_back();
}

#define WICK_OPTS "*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None"

static lang::RegisterOps reg({
    {"aten::rand(int[] size, " WICK_OPTS ") -> Tensor", randKernel<false>, lang::OpClass::Other, false},
    {"aten::randn(int[] size, " WICK_OPTS ") -> Tensor", randKernel<true>, lang::OpClass::Other, false},
    {"aten::rand_like(Tensor self, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", randLikeKernel<false>, lang::OpClass::Other, false},
    {"aten::randn_like(Tensor self, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", randLikeKernel<true>, lang::OpClass::Other, false},
    {"aten::randint(int high, int[] size, " WICK_OPTS ") -> Tensor", randintKernel, lang::OpClass::Other, false},
    {"aten::randint.low(int low, int high, int[] size, " WICK_OPTS ") -> Tensor", randintLowKernel, lang::OpClass::Other, false},
    {"aten::randperm(int n, " WICK_OPTS ") -> Tensor", randpermKernel, lang::OpClass::Other, false},
    {"aten::normal_(Tensor(a!) self, float mean=0, float std=1, *, Generator? generator=None) -> Tensor(a!)", normalInplaceKernel, lang::OpClass::Other, false},
    {"aten::uniform_(Tensor(a!) self, float from=0, float to=1, *, Generator? generator=None) -> Tensor(a!)", uniformInplaceKernel, lang::OpClass::Other, false},
    {"aten::bernoulli.p(Tensor self, float p, *, Generator? generator=None) -> Tensor", bernoulliKernel, lang::OpClass::Other, false},
    {"aten::manual_seed(int seed) -> ()", manualSeedKernel, lang::OpClass::Other, false},
});

}  // namespace
}  // namespace wick::ops
