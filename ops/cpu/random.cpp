// Random factories on wick's own generator: one process-wide mt19937_64,
// reseeded by torch.manual_seed. Streams differ from PyTorch's (results are
// reproducible within wick, never bit-equal to torch).
#include <cmath>
#include <limits>
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

// Per-element draws whose parameter comes from a tensor (bernoulli(p), normal(mean, std)).
template <class Draw>
Tensor drawEach(const IntArray& shape, ScalarType dt, Draw draw) {
  Tensor t = Tensor::empty(shape, ScalarType::Double);
  Generator& g = generator();
  std::lock_guard<std::mutex> lock(g.mu);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = draw(g.engine, i);
  return t.to(dt);
}
void bernoulliTensorKernel(Stack& s) {  // bernoulli(Tensor self, *, Generator? generator=None)
  Tensor p = tensorAt(s, 2, 0).to(ScalarType::Double).contiguous();
  pushResult(s, 2, drawEach(p.sizes(), tensorAt(s, 2, 0).dtype(), [&](std::mt19937_64& e, int64_t i) {
    double q = p.data<double>()[i];
    if (!(q >= 0 && q <= 1)) lang::raise("RuntimeError", "bernoulli_ expects p to be in [0, 1], but got p=" + std::to_string(q));
    return std::bernoulli_distribution(q)(e) ? 1.0 : 0.0;
  }));
}
// normal(mean, std) with either one a tensor (broadcast) or both floats and a size.
void normalKernel(Stack& s) {  // normal.Tensor_Tensor(Tensor mean, Tensor std, *, Generator? generator=None) and the float forms
  const IValue &m = argAt(s, 3, 0), &sd = argAt(s, 3, 1);
  Tensor mt = m.isTensor() ? Tensor::fromIValue(m) : Tensor::full({}, m.toScalarDouble(), ScalarType::Float);
  Tensor st = sd.isTensor() ? Tensor::fromIValue(sd) : Tensor::full({}, sd.toScalarDouble(), ScalarType::Float);
  IntArray shape = broadcastShapes(mt.sizes(), st.sizes());
  Tensor me = mt.to(ScalarType::Double).expand(shape).contiguous(), se = st.to(ScalarType::Double).expand(shape).contiguous();
  ScalarType dt = m.isTensor() ? mt.dtype() : st.dtype();
  pushResult(s, 3, drawEach(shape, dt, [&](std::mt19937_64& e, int64_t i) {
    double sigma = se.data<double>()[i];
    if (sigma < 0) lang::raise("RuntimeError", "normal expects std >= 0.0, but found std " + std::to_string(sigma));
    return std::normal_distribution<double>(me.data<double>()[i], sigma)(e);
  }));
}
void normalSizeKernel(Stack& s) {  // normal.float_float(float mean, float std, int[] size, *, Generator? generator=None, options)
  constexpr size_t n = 4 + kOptions;
  double mean = argAt(s, n, 0).toDouble(), sd = argAt(s, n, 1).toDouble();
  Tensor t = Tensor::empty(toIntArray(argAt(s, n, 2)), floatDtype(argAt(s, n, 4)));
  fillWith(t, std::normal_distribution<double>(mean, sd));
  pushResult(s, n, t);
}

// multinomial: num_samples draws per row of (unnormalized) probabilities.
void multinomialKernel(Stack& s) {  // multinomial(Tensor self, int num_samples, bool replacement=False, *, Generator? generator=None)
  Tensor p = tensorAt(s, 4, 0);
  int64_t k = argAt(s, 4, 1).toInt();
  bool replace = argAt(s, 4, 2).toBool();
  if (p.dim() < 1 || p.dim() > 2) lang::raise("RuntimeError", "prob_dist must be 1 or 2 dim");
  if (!isFloatingType(p.dtype())) lang::raise("RuntimeError", "multinomial only supports floating-point dtypes for input, got: " + std::string(scalarTypeName(p.dtype())));
  int64_t cats = p.sizes().back(), rows = p.dim() == 2 ? p.sizes()[0] : 1;
  if (k <= 0) lang::raise("RuntimeError", "cannot sample n_sample <= 0 samples");
  if (!replace && k > cats) lang::raise("RuntimeError", "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  Tensor w = p.to(ScalarType::Double).contiguous();
  Tensor out = Tensor::empty(p.dim() == 2 ? IntArray{rows, k} : IntArray{k}, ScalarType::Long);
  Generator& g = generator();
  std::lock_guard<std::mutex> lock(g.mu);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> row(w.data<double>() + r * cats, w.data<double>() + (r + 1) * cats);
    double total = 0;
    for (double x : row) {
      if (x < 0 || std::isnan(x) || std::isinf(x)) lang::raise("RuntimeError", "probability tensor contains either `inf`, `nan` or element < 0");
      total += x;
    }
    if (total <= 0) lang::raise("RuntimeError", "invalid multinomial distribution (sum of probabilities <= 0)");
    for (int64_t j = 0; j < k; ++j) {
      std::discrete_distribution<int64_t> d(row.begin(), row.end());
      int64_t pick = d(g.engine);
      out.data<int64_t>()[r * k + j] = pick;
      if (!replace) row[pick] = 0;
    }
  }
  pushResult(s, 4, out);
}

// random_(from, to): integers in [from, to) (to defaults to the dtype's range end).
void randomInplaceKernel(Stack& s) {  // random_.from(Tensor(a!) self, int from, int? to, *, Generator? generator=None)
  Tensor self = tensorAt(s, 4, 0);
  int64_t lo = argAt(s, 4, 1).toInt();
  auto hi = toOptInt(argAt(s, 4, 2));
  int64_t end = hi ? *hi : isFloatingType(self.dtype()) ? (int64_t(1) << 24) + 1 : std::numeric_limits<int32_t>::max();
  if (lo >= end) lang::raise("RuntimeError", "random_ expects 'from' to be less than 'to', but got from=" + std::to_string(lo) + " >= to=" + std::to_string(end));
  fillInplace(s, 4, std::uniform_int_distribution<int64_t>(lo, end - 1));
}
void exponentialInplaceKernel(Stack& s) {  // exponential_(Tensor(a!) self, float lambd=1, *, Generator? generator=None)
  fillInplace(s, 3, std::exponential_distribution<double>(argAt(s, 3, 1).toDouble()));
}
template <bool kLow>
void randintLikeKernel(Stack& s) {  // randint_like(Tensor self, int high, *, options, memory_format) / .low_dtype(self, int low, int high, ...)
  constexpr size_t n = (kLow ? 4 : 3) + kOptions;
  Tensor self = tensorAt(s, n, 0);
  int64_t low = kLow ? argAt(s, n, 1).toInt() : 0, high = argAt(s, n, kLow ? 2 : 1).toInt();
  pushResult(s, n, randint(low, high, self.sizes(), toOptDtype(argAt(s, n, kLow ? 3 : 2)).value_or(self.dtype())));
}

void manualSeedKernel(Stack& s) {  // manual_seed(int seed) -> ()
  std::lock_guard<std::mutex> lock(generator().mu);
  generator().engine.seed(static_cast<uint64_t>(s.back().toInt()));
  s.pop_back();
}

#define WICK_OPTS_TAIL "ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None"
#define WICK_OPTS "*, " WICK_OPTS_TAIL

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
    {"aten::bernoulli(Tensor self, *, Generator? generator=None) -> Tensor", bernoulliTensorKernel, lang::OpClass::Other, false},
    {"aten::bernoulli_.float(Tensor(a!) self, float p=0.5, *, Generator? generator=None) -> Tensor(a!)", [](Stack& s) {
       fillInplace(s, 3, std::bernoulli_distribution(argAt(s, 3, 1).toDouble()));
     }, lang::OpClass::Other, false},
    {"aten::normal.Tensor_Tensor(Tensor mean, Tensor std, *, Generator? generator=None) -> Tensor", normalKernel, lang::OpClass::Other, false},
    {"aten::normal.Tensor_float(Tensor mean, float std=1, *, Generator? generator=None) -> Tensor", normalKernel, lang::OpClass::Other, false},
    {"aten::normal.float_Tensor(float mean, Tensor std, *, Generator? generator=None) -> Tensor", normalKernel, lang::OpClass::Other, false},
    {"aten::normal.float_float(float mean, float std, int[] size, *, Generator? generator=None, " WICK_OPTS_TAIL ") -> Tensor", normalSizeKernel, lang::OpClass::Other, false},
    {"aten::multinomial(Tensor self, int num_samples, bool replacement=False, *, Generator? generator=None) -> Tensor", multinomialKernel, lang::OpClass::Other, false},
    {"aten::random_.from(Tensor(a!) self, int from, int? to, *, Generator? generator=None) -> Tensor(a!)", randomInplaceKernel, lang::OpClass::Other, false},
    {"aten::random_.to(Tensor(a!) self, int to, *, Generator? generator=None) -> Tensor(a!)", [](Stack& s) {
       IValue to = argAt(s, 3, 1);
       argAt(s, 3, 1) = IValue(int64_t(0));
       s.insert(s.end() - 1, to);
       randomInplaceKernel(s);
     }, lang::OpClass::Other, false},
    {"aten::exponential_(Tensor(a!) self, float lambd=1, *, Generator? generator=None) -> Tensor(a!)", exponentialInplaceKernel, lang::OpClass::Other, false},
    {"aten::randint_like(Tensor self, int high, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", randintLikeKernel<false>, lang::OpClass::Other, false},
    {"aten::randint_like.low_dtype(Tensor self, int low, int high, " WICK_OPTS ", MemoryFormat? memory_format=None) -> Tensor", randintLikeKernel<true>, lang::OpClass::Other, false},
});

}  // namespace
}  // namespace wick::ops
