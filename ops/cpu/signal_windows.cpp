// Window functions (torch.hann_window & co.): symmetric windows over N
// points, or with periodic=True the first N points of one over N + 1.
// Computed in double, returned in the requested float dtype (default float32).
#include <cmath>

#include "ops/cpu/elementwise.h"
#include "ops/cpu/special_math.h"

namespace wick::ops {
namespace {

enum class Window { Hann, Hamming, Blackman, Bartlett, Kaiser };

// value of window w at point n of a symmetric window spanning m points.
double windowAt(Window w, int64_t n, int64_t m, double alpha, double beta) {
  double d = double(m - 1), x = double(n);
  switch (w) {
    case Window::Hann: return 0.5 - 0.5 * std::cos(2 * M_PI * x / d);
    case Window::Hamming: return alpha - beta * std::cos(2 * M_PI * x / d);
    case Window::Blackman: return 0.42 - 0.5 * std::cos(2 * M_PI * x / d) + 0.08 * std::cos(4 * M_PI * x / d);
    case Window::Bartlett: return 1 - std::fabs(2 * x / d - 1);
    case Window::Kaiser: {
      double r = (x - d / 2) / (d / 2);
      return besselI0(beta * std::sqrt(std::max(0.0, 1 - r * r))) / besselI0(beta);
    }
  }
  return 0;
}

Tensor window(Window w, int64_t length, bool periodic, const IValue& dtype, double alpha, double beta) {
  if (length < 0) lang::raise("RuntimeError", "window_length must be non-negative, got " + std::to_string(length));
  ScalarType dt = toOptDtype(dtype).value_or(ScalarType::Float);
  if (!isFloatingType(dt)) lang::raise("RuntimeError", "window functions expect a floating point dtype, got " + std::string(scalarTypeName(dt)));
  Tensor out = Tensor::empty({length}, ScalarType::Double);
  int64_t m = periodic ? length + 1 : length;
  for (int64_t n = 0; n < length; ++n) out.data<double>()[n] = length == 1 ? 1.0 : windowAt(w, n, m, alpha, beta);
  return out.to(dt);
}

constexpr size_t kOptions = 4;
// hann_window.periodic(int window_length, bool periodic, *, options) and the like.
template <Window kW>
void windowKernel(Stack& s) {
  constexpr size_t n = 2 + kOptions;
  pushResult(s, n, window(kW, argAt(s, n, 0).toInt(), argAt(s, n, 1).toBool(), argAt(s, n, 2), 0.54, 0.46));
}
template <Window kW>
void windowDefaultKernel(Stack& s) {  // hann_window(int window_length, *, options)
  constexpr size_t n = 1 + kOptions;
  pushResult(s, n, window(kW, argAt(s, n, 0).toInt(), true, argAt(s, n, 1), 0.54, 0.46));
}
void hammingBetaKernel(Stack& s) {  // hamming_window.periodic_alpha_beta(int window_length, bool periodic, float alpha, float beta, *, options)
  constexpr size_t n = 4 + kOptions;
  pushResult(s, n, window(Window::Hamming, argAt(s, n, 0).toInt(), argAt(s, n, 1).toBool(), argAt(s, n, 4), argAt(s, n, 2).toDouble(), argAt(s, n, 3).toDouble()));
}
void hammingAlphaKernel(Stack& s) {  // hamming_window.periodic_alpha(int window_length, bool periodic, float alpha, *, options)
  constexpr size_t n = 3 + kOptions;
  double a = argAt(s, n, 2).toDouble();
  pushResult(s, n, window(Window::Hamming, argAt(s, n, 0).toInt(), argAt(s, n, 1).toBool(), argAt(s, n, 3), a, 1 - a));
}
void kaiserKernel(Stack& s) {  // kaiser_window.beta(int window_length, bool periodic, float beta, *, options)
  constexpr size_t n = 3 + kOptions;
  pushResult(s, n, window(Window::Kaiser, argAt(s, n, 0).toInt(), argAt(s, n, 1).toBool(), argAt(s, n, 3), 0, argAt(s, n, 2).toDouble()));
}
void kaiserDefaultKernel(Stack& s) {  // kaiser_window.periodic(int window_length, bool periodic, *, options): beta 12
  constexpr size_t n = 2 + kOptions;
  pushResult(s, n, window(Window::Kaiser, argAt(s, n, 0).toInt(), argAt(s, n, 1).toBool(), argAt(s, n, 2), 0, 12.0));
}

#define WICK_OPTS "*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None"
#define WICK_WINDOW(name, W)                                                                                             \
  {"aten::" name "(int window_length, " WICK_OPTS ") -> Tensor", windowDefaultKernel<W>, lang::OpClass::Factory},      \
  {"aten::" name ".periodic(int window_length, bool periodic, " WICK_OPTS ") -> Tensor", windowKernel<W>, lang::OpClass::Factory}

static lang::RegisterOps reg({
    WICK_WINDOW("hann_window", Window::Hann), WICK_WINDOW("hamming_window", Window::Hamming),
    WICK_WINDOW("blackman_window", Window::Blackman), WICK_WINDOW("bartlett_window", Window::Bartlett),
    {"aten::hamming_window.periodic_alpha(int window_length, bool periodic, float alpha, " WICK_OPTS ") -> Tensor", hammingAlphaKernel, lang::OpClass::Factory},
    {"aten::hamming_window.periodic_alpha_beta(int window_length, bool periodic, float alpha, float beta, " WICK_OPTS ") -> Tensor", hammingBetaKernel, lang::OpClass::Factory},
    {"aten::kaiser_window(int window_length, " WICK_OPTS ") -> Tensor", [](Stack& s) {
       constexpr size_t n = 1 + kOptions;
       pushResult(s, n, window(Window::Kaiser, argAt(s, n, 0).toInt(), true, argAt(s, n, 1), 0, 12.0));
     }, lang::OpClass::Factory},
    {"aten::kaiser_window.periodic(int window_length, bool periodic, " WICK_OPTS ") -> Tensor", kaiserDefaultKernel, lang::OpClass::Factory},
    {"aten::kaiser_window.beta(int window_length, bool periodic, float beta, " WICK_OPTS ") -> Tensor", kaiserKernel, lang::OpClass::Factory},
});

}  // namespace
}  // namespace wick::ops
