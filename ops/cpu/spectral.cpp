// Complex tensors and the ops that make and read them: the discrete Fourier
// transforms of torch.fft (fft, ifft, rfft, irfft), stft, the complex/real
// views (view_as_real, view_as_complex, real, imag) and the complex cases of
// abs, angle and conj. Audio front ends are the users (a spectrogram is
// stft, then abs or view_as_real); arithmetic on complex tensors is not
// here, and ops without a complex kernel raise a clear error.
//
// Transforms run in double precision whatever the dtype (results are then
// rounded to complex64 for float inputs, as torch's are computed in float):
// an iterative radix-2 FFT for power-of-two lengths, otherwise a direct DFT
// over a table of the n twiddles.
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "lang/error.h"
#include "ops/cpu/spectral.h"
#include "ops/tensor/call_op.h"
#include "ops/tensor/kernel_args.h"

namespace wick::ops {
namespace {

using lang::IValue;
using cd = std::complex<double>;

// e^(sign 2 pi i k/n). Eighth turns are exact, the rest computed in long
// double and rounded, and the second half mirrors the first: so fft(ones(3))
// sums to an exact 0 and an 8-point transform of integers stays integral.
cd unitRoot(int64_t k, int64_t n, double sign) {
  k %= n;
  if ((8 * k) % n == 0) {
    const double r = std::sqrt(0.5);
    static const cd kOctants[] = {{1, 0}, {r, r}, {0, 1}, {-r, r}, {-1, 0}, {-r, -r}, {0, -1}, {r, -r}};
    cd z = kOctants[8 * k / n];
    return cd(z.real(), sign * z.imag());
  }
  if (2 * k > n) return std::conj(unitRoot(n - k, n, sign));
  long double a = 2.0L * 3.14159265358979323846264338327950288L * static_cast<long double>(k) / static_cast<long double>(n);
  return cd(static_cast<double>(std::cos(a)), sign * static_cast<double>(std::sin(a)));
}

// In place: out[k] = sum_j in[j] e^(-+2 pi i jk/n), the sign + when inverse; no scaling.
void dft(std::vector<cd>& a, bool inverse) {
  const size_t n = a.size();
  if (n <= 1) return;
  const double sign = inverse ? 1.0 : -1.0;
  if ((n & (n - 1)) == 0) {
    for (size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
      size_t bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) std::swap(a[i], a[j]);
    }
    for (size_t len = 2; len <= n; len <<= 1)
      for (size_t i = 0; i < n; i += len)
        for (size_t k = 0; k < len / 2; ++k) {
          cd w = unitRoot(static_cast<int64_t>(k), static_cast<int64_t>(len), sign);
          cd u = a[i + k], v = a[i + k + len / 2] * w;
          a[i + k] = u + v;
          a[i + k + len / 2] = u - v;
        }
    return;
  }
  std::vector<cd> twiddle(n), out(n);
  for (size_t k = 0; k < n; ++k) twiddle[k] = unitRoot(static_cast<int64_t>(k), static_cast<int64_t>(n), sign);
  for (size_t k = 0; k < n; ++k) {
    cd sum = 0;
    for (size_t j = 0, idx = 0; j < n; ++j, idx = idx + k >= n ? idx + k - n : idx + k) sum += a[j] * twiddle[idx];
    out[k] = sum;
  }
  a.swap(out);
}

// The complex dtype results take: complex128 for double inputs, else complex64.
ScalarType complexOf(ScalarType t) {
  return t == ScalarType::Double || t == ScalarType::ComplexDouble ? ScalarType::ComplexDouble : ScalarType::ComplexFloat;
}
ScalarType realOf(ScalarType t) { return t == ScalarType::ComplexDouble ? ScalarType::Double : ScalarType::Float; }

// A working copy: complex stays, double stays, any other real type becomes float.
Tensor workingCopy(const Tensor& t) {
  if (isComplexType(t.dtype()) || t.dtype() == ScalarType::Double) return t.contiguous();
  return t.to(ScalarType::Float).contiguous();
}

// Rows of the last dimension of a contiguous tensor, as complex doubles.
cd element(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case ScalarType::ComplexFloat: return cd(t.data<std::complex<float>>()[i]);
    case ScalarType::ComplexDouble: return t.data<cd>()[i];
    case ScalarType::Double: return cd(t.data<double>()[i], 0);
    default: return cd(t.data<float>()[i], 0);
  }
}
// Element i of a contiguous result: v, or its real part for a real result.
void store(const Tensor& t, int64_t i, cd v) {
  switch (t.dtype()) {
    case ScalarType::ComplexFloat: t.data<std::complex<float>>()[i] = std::complex<float>(v); break;
    case ScalarType::ComplexDouble: t.data<cd>()[i] = v; break;
    case ScalarType::Double: t.data<double>()[i] = v.real(); break;
    default: t.data<float>()[i] = static_cast<float>(v.real());
  }
}

// A window of win_length points (ones when absent), centred in n_fft points.
std::vector<cd> centredWindow(const std::optional<Tensor>& window, int64_t win_length, int64_t n_fft) {
  std::vector<cd> win(static_cast<size_t>(n_fft), cd(0));
  int64_t left = (n_fft - win_length) / 2;
  Tensor w = window ? workingCopy(*window) : Tensor();
  for (int64_t k = 0; k < win_length; ++k) win[left + k] = window ? element(w, k) : cd(1);
  return win;
}

// The scale a transform of length n applies under `norm` ("backward", "forward", "ortho").
double normScale(const std::optional<std::string>& norm, int64_t n, bool inverse) {
  std::string mode = norm.value_or("backward");
  if (mode == "ortho") return 1.0 / std::sqrt(static_cast<double>(n));
  if (mode == "backward") return inverse ? 1.0 / static_cast<double>(n) : 1.0;
  if (mode == "forward") return inverse ? 1.0 : 1.0 / static_cast<double>(n);
  lang::raise("RuntimeError", "Invalid normalization mode: \"" + mode + "\"");
}

enum class Kind { C2C, R2C, C2R };

// torch.fft.{fft, ifft, rfft, irfft} of `self` along `dim`, n points.
Tensor transform(const Tensor& self, std::optional<int64_t> n_opt, int64_t dim, const std::optional<std::string>& norm,
                 Kind kind, bool inverse, const char* name) {
  if (self.dim() == 0) lang::raise("IndexError", std::string(name) + ": expected a tensor with at least one dimension");
  if (kind == Kind::R2C && isComplexType(self.dtype()))
    lang::raise("RuntimeError", std::string(name) + " expects a real input tensor, but got " + scalarTypeName(self.dtype()));
  int64_t d = wrapDim(dim, self.dim());
  int64_t in_len = self.size(d);
  int64_t n = n_opt ? *n_opt : (kind == Kind::C2R ? 2 * (in_len - 1) : in_len);
  if (n < 1) lang::raise("RuntimeError", "Invalid number of data points (" + std::to_string(n) + ") specified");
  Tensor x = workingCopy(self.transpose(d, self.dim() - 1));
  int64_t out_len = kind == Kind::R2C ? n / 2 + 1 : n;
  IntArray sizes = x.sizes();
  sizes.back() = out_len;
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) rows *= sizes[i];
  ScalarType out_type = kind == Kind::C2R ? realOf(complexOf(x.dtype())) : complexOf(x.dtype());
  Tensor out = Tensor::empty(sizes, out_type);
  double scale = normScale(norm, n, inverse);
  std::vector<cd> buf(static_cast<size_t>(n));
  for (int64_t r = 0; r < rows; ++r) {
    std::fill(buf.begin(), buf.end(), cd(0));
    if (kind == Kind::C2R) {  // the half spectrum's first n/2+1 points, completed by Hermitian symmetry
      int64_t m = n / 2 + 1;
      for (int64_t k = 0; k < std::min(in_len, m); ++k) buf[k] = element(x, r * in_len + k);
      for (int64_t k = m; k < n; ++k) buf[k] = std::conj(buf[n - k]);
    } else {
      for (int64_t k = 0; k < std::min(in_len, n); ++k) buf[k] = element(x, r * in_len + k);
    }
    dft(buf, inverse);
    for (int64_t k = 0; k < out_len; ++k) store(out, r * out_len + k, buf[k] * scale);
  }
  return out.transpose(d, self.dim() - 1);
}


template <Kind kKind, bool kInverse>
void fftKernel(Stack& s) {
  static constexpr const char* kNames[] = {"fft_fft", "fft_ifft", "fft_rfft", "fft_irfft"};
  const char* name = kNames[(kKind == Kind::C2C ? 0 : kKind == Kind::R2C ? 2 : 3) + (kKind == Kind::C2C && kInverse)];
  Tensor t = tensorAt(s, 4, 0);
  pushResult(s, 4, transform(t, toOptInt(argAt(s, 4, 1)), argAt(s, 4, 2).toInt(), toOptStr(argAt(s, 4, 3)), kKind,
                             kInverse, name));
}

// fft2/fftn and their inverse and real forms: one-dimensional transforms, one
// dim after another (the norm's factors multiply to the n-dimensional one).
// `s` sizes the transformed dims (-1 keeps one); without `dim`, the last
// len(s) dims, or all. A real-to-complex transform runs first, on the last
// dim; a complex-to-real one last.
Tensor transformN(const Tensor& self, const IValue& s_arg, const IValue& dim_arg, const std::optional<std::string>& norm,
                  Kind kind, bool inverse, const char* name) {
  std::optional<IntArray> sizes;
  if (!s_arg.isNone()) sizes = toIntArray(s_arg);
  IntArray dims;
  if (!dim_arg.isNone()) {
    for (int64_t d : toIntArray(dim_arg)) dims.push_back(wrapDim(d, self.dim()));
  } else {
    int64_t count = sizes ? static_cast<int64_t>(sizes->size()) : self.dim();
    if (count > self.dim()) lang::raise("RuntimeError", std::string(name) + ": got shape with more dimensions than the input");
    for (int64_t d = self.dim() - count; d < self.dim(); ++d) dims.push_back(d);
  }
  for (size_t i = 0; i < dims.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (dims[i] == dims[j]) lang::raise("RuntimeError", std::string(name) + ": dims must be unique");
  if (sizes && sizes->size() != dims.size())
    lang::raise("RuntimeError", std::string(name) + ": when given, dim and shape arguments must have the same length");
  if (dims.empty()) lang::raise("RuntimeError", std::string(name) + " must transform at least one axis");
  auto sizeAt = [&](size_t i) -> std::optional<int64_t> {
    if (!sizes || (*sizes)[i] == -1) return std::nullopt;
    return (*sizes)[i];
  };
  size_t last = dims.size() - 1;
  Tensor x = self;
  if (kind == Kind::R2C) x = transform(x, sizeAt(last), dims[last], norm, Kind::R2C, false, name);
  for (size_t i = 0; i < dims.size(); ++i)
    if (kind == Kind::C2C || i != last) x = transform(x, sizeAt(i), dims[i], norm, Kind::C2C, inverse, name);
  if (kind == Kind::C2R) x = transform(x, sizeAt(last), dims[last], norm, Kind::C2R, true, name);
  return x;
}

template <Kind kKind, bool kInverse, bool kTwoD>
void fftNKernel(Stack& s) {
  static constexpr const char* kNames[2][4] = {{"fft_fftn", "fft_ifftn", "fft_rfftn", "fft_irfftn"},
                                               {"fft_fft2", "fft_ifft2", "fft_rfft2", "fft_irfft2"}};
  const char* name = kNames[kTwoD][(kKind == Kind::C2C ? 0 : kKind == Kind::R2C ? 2 : 3) + (kKind == Kind::C2C && kInverse)];
  Tensor t = tensorAt(s, 4, 0);
  pushResult(s, 4, transformN(t, argAt(s, 4, 1), argAt(s, 4, 2), toOptStr(argAt(s, 4, 3)), kKind, kInverse, name));
}

// fftfreq(n, d) / rfftfreq(n, d): the sample frequencies of a length-n transform.
template <bool kReal>
void fftFreqKernel(Stack& s) {
  int64_t n = argAt(s, 6, 0).toInt();
  double d = argAt(s, 6, 1).toDouble();
  ScalarType dtype = toOptDtype(argAt(s, 6, 2)).value_or(ScalarType::Float);
  int64_t count = kReal ? n / 2 + 1 : n;
  Tensor out = Tensor::empty({count}, ScalarType::Double);
  for (int64_t i = 0; i < count; ++i) {
    int64_t k = !kReal && i >= (n + 1) / 2 ? i - n : i;
    out.data<double>()[i] = static_cast<double>(k) / (static_cast<double>(n) * d);
  }
  pushResult(s, 6, out.to(dtype));
}

// fftshift / ifftshift: a roll by half of each dim (all dims by default).
template <bool kInverse>
void fftShiftKernel(Stack& s) {
  static const lang::Operator* roll = findOp("aten::roll");
  Tensor t = tensorAt(s, 2, 0);
  IntArray dims, shifts;
  if (argAt(s, 2, 1).isNone()) {
    for (int64_t d = 0; d < t.dim(); ++d) dims.push_back(d);
  } else {
    for (int64_t d : toIntArray(argAt(s, 2, 1))) dims.push_back(wrapDim(d, t.dim()));
  }
  for (int64_t d : dims) shifts.push_back(kInverse ? (t.size(d) + 1) / 2 : t.size(d) / 2);
  pushResult(s, 2, callTensorOp(roll, {t.toIValue(), fromIntArray(shifts), fromIntArray(dims)}));
}

// stft(self, n_fft, hop_length, win_length, window, [center, pad_mode,] normalized, onesided, return_complex)
Tensor stft(Tensor input, int64_t n_fft, std::optional<int64_t> hop_opt, std::optional<int64_t> win_opt,
            const std::optional<Tensor>& window, bool normalized, std::optional<bool> onesided_opt,
            std::optional<bool> return_complex_opt) {
  bool complex_input = isComplexType(input.dtype()) || (window && isComplexType(window->dtype()));
  if (!return_complex_opt && !complex_input)
    lang::raise("RuntimeError",
                "stft requires the return_complex parameter be given for real inputs, and will further require that "
                "return_complex=True in a future PyTorch release.");
  bool return_complex = return_complex_opt.value_or(true);
  if (input.dim() != 1 && input.dim() != 2)
    lang::raise("RuntimeError", "stft: expected a 1D or 2D tensor, but got " + std::to_string(input.dim()) + "D");
  bool batched = input.dim() == 2;
  if (!batched) input = input.unsqueeze(0);
  int64_t len = input.size(1);
  int64_t hop = hop_opt.value_or(n_fft / 4);
  int64_t win_length = win_opt.value_or(n_fft);
  if (n_fft <= 0 || n_fft > len)
    lang::raise("RuntimeError", "stft: expected 0 < n_fft < " + std::to_string(len) + ", but got n_fft=" + std::to_string(n_fft));
  if (hop <= 0) lang::raise("RuntimeError", "stft: expected hop_length > 0, but got hop_length=" + std::to_string(hop));
  if (win_length <= 0 || win_length > n_fft)
    lang::raise("RuntimeError", "stft: expected 0 < win_length <= n_fft, but got win_length=" + std::to_string(win_length));
  if (window && (window->dim() != 1 || window->size(0) != win_length))
    lang::raise("RuntimeError", "stft: expected a 1D window tensor of size equal to win_length=" + std::to_string(win_length));
  std::vector<cd> win = centredWindow(window, win_length, n_fft);
  bool onesided = onesided_opt.value_or(!complex_input);
  if (onesided && complex_input)
    lang::raise("RuntimeError", "Cannot have onesided output if window or input is complex");
  int64_t frames = 1 + (len - n_fft) / hop;
  int64_t freqs = onesided ? n_fft / 2 + 1 : n_fft;
  Tensor x = workingCopy(input);
  bool wide = complexOf(x.dtype()) == ScalarType::ComplexDouble || (window && complexOf(window->dtype()) == ScalarType::ComplexDouble);
  ScalarType out_type = wide ? ScalarType::ComplexDouble : ScalarType::ComplexFloat;
  Tensor out = Tensor::empty({input.size(0), freqs, frames}, out_type);
  double scale = normalized ? 1.0 / std::sqrt(static_cast<double>(n_fft)) : 1.0;
  std::vector<cd> buf(static_cast<size_t>(n_fft));
  for (int64_t b = 0; b < input.size(0); ++b)
    for (int64_t f = 0; f < frames; ++f) {
      for (int64_t k = 0; k < n_fft; ++k) buf[k] = element(x, b * len + f * hop + k) * win[k];
      dft(buf, false);
      for (int64_t q = 0; q < freqs; ++q) store(out, (b * freqs + q) * frames + f, buf[q] * scale);
    }
  if (!batched) out = out.squeeze(0);
  return return_complex ? out : viewAsReal(out);
}


void stftKernel(Stack& s) {
  Tensor t = tensorAt(s, 8, 0);
  pushResult(s, 8, stft(t, argAt(s, 8, 1).toInt(), toOptInt(argAt(s, 8, 2)), toOptInt(argAt(s, 8, 3)),
                        toOptTensor(argAt(s, 8, 4)), argAt(s, 8, 5).toBool(), toOptBool(argAt(s, 8, 6)), toOptBool(argAt(s, 8, 7))));
}

// The newer overload pads the signal itself when `center`, as torch.functional.stft does.
void stftCenterKernel(Stack& s) {
  static const lang::Operator* pad = findOp("aten::pad");
  Tensor t = tensorAt(s, 10, 0);
  int64_t n_fft = argAt(s, 10, 1).toInt();
  if (argAt(s, 10, 5).toBool()) {
    int64_t dims = t.dim();
    IntArray extended(3 - dims, 1);
    for (int64_t d : t.sizes()) extended.push_back(d);
    Tensor padded = callTensorOp(pad, {t.view(extended).toIValue(), fromIntArray({n_fft / 2, n_fft / 2}),
                                       argAt(s, 10, 6), IValue()});
    IntArray back(padded.sizes().end() - dims, padded.sizes().end());
    t = padded.view(back);
  }
  pushResult(s, 10, stft(t, n_fft, toOptInt(argAt(s, 10, 2)), toOptInt(argAt(s, 10, 3)), toOptTensor(argAt(s, 10, 4)),
                         argAt(s, 10, 7).toBool(), toOptBool(argAt(s, 10, 8)), toOptBool(argAt(s, 10, 9))));
}

// istft: each frame's inverse transform, windowed, overlap-added and divided
// by the overlap-added squared window (torch's ATen istft, step for step).
Tensor istft(const Tensor& self, int64_t n_fft, std::optional<int64_t> hop_opt, std::optional<int64_t> win_opt,
             const std::optional<Tensor>& window, bool center, bool normalized, std::optional<bool> onesided_opt,
             std::optional<int64_t> length, bool return_complex) {
  if (!isComplexType(self.dtype()))
    lang::raise("RuntimeError",
                "istft requires a complex-valued input tensor matching the output from stft with return_complex=True.");
  if (self.numel() == 0) lang::raise("RuntimeError", "istft: input tensor cannot be empty.");
  if (self.dim() != 2 && self.dim() != 3)
    lang::raise("RuntimeError", "istft: expected a tensor with 2 or 3 dimensions of complex dtype, but got " +
                                    std::to_string(self.dim()) + "D");
  int64_t hop = hop_opt.value_or(n_fft / 4);
  int64_t win_length = win_opt.value_or(n_fft);
  Tensor x = self.dim() == 2 ? self.unsqueeze(0) : self;
  int64_t batch = x.size(0), fft_size = x.size(1), frames = x.size(2);
  bool onesided = onesided_opt.value_or(fft_size != n_fft);
  if (onesided && n_fft / 2 + 1 != fft_size)
    lang::raise("RuntimeError", "istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                                "n_fft / 2 + 1 when onesided=True, but got " + std::to_string(fft_size));
  if (!onesided && n_fft != fft_size)
    lang::raise("RuntimeError", "istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                                "n_fft when onesided=False, but got " + std::to_string(fft_size));
  if (!(0 < hop && hop <= win_length)) lang::raise("RuntimeError", "istft: expected 0 < hop_length <= win_length");
  if (!(0 < win_length && win_length <= n_fft)) lang::raise("RuntimeError", "istft: expected 0 < win_length <= n_fft");
  if (window && (window->dim() != 1 || window->size(0) != win_length))
    lang::raise("RuntimeError", "istft: invalid window shape: window has to be 1D and of length `win_length`");
  if (return_complex && onesided) lang::raise("RuntimeError", "Cannot have onesided output if window or input is complex");
  std::vector<cd> win = centredWindow(window, win_length, n_fft);
  x = x.contiguous();
  int64_t expected = n_fft + hop * (frames - 1);
  std::vector<cd> y(static_cast<size_t>(batch * expected), cd(0)), env(static_cast<size_t>(expected), cd(0));
  double scale = normalized ? 1.0 / std::sqrt(static_cast<double>(n_fft)) : 1.0 / static_cast<double>(n_fft);
  std::vector<cd> buf(static_cast<size_t>(n_fft));
  int64_t half = n_fft / 2 + 1;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < frames; ++t) {
      auto at = [&](int64_t q) { return element(x, (b * fft_size + q) * frames + t); };
      if (return_complex) {
        for (int64_t q = 0; q < n_fft; ++q) buf[q] = at(q);
      } else {  // the half spectrum, completed by Hermitian symmetry (a c2r transform)
        for (int64_t q = 0; q < half; ++q) buf[q] = at(q);
        for (int64_t q = half; q < n_fft; ++q) buf[q] = std::conj(buf[n_fft - q]);
      }
      dft(buf, true);
      for (int64_t k = 0; k < n_fft; ++k) {
        cd v = buf[k] * scale;
        if (!return_complex) v = cd(v.real(), 0);
        y[b * expected + t * hop + k] += v * win[k];
      }
    }
  for (int64_t t = 0; t < frames; ++t)
    for (int64_t k = 0; k < n_fft; ++k) env[t * hop + k] += win[k] * win[k];
  int64_t start = center ? n_fft / 2 : 0;
  int64_t end = length ? start + *length : center ? expected - n_fft / 2 : expected;
  int64_t kept_end = std::min(end, expected);
  double lowest = INFINITY;
  for (int64_t i = start; i < kept_end; ++i) lowest = std::min(lowest, std::abs(env[i]));
  if (start < kept_end && lowest < 1e-11)
    lang::raise("RuntimeError", "istft: window overlap add min: " + std::to_string(lowest) +
                                    " (the window and hop_length do not satisfy the NOLA condition)");
  int64_t out_len = std::max<int64_t>(end - start, 0);
  ScalarType out_type = return_complex ? complexOf(x.dtype()) : realOf(x.dtype());
  Tensor out = Tensor::zeros({batch, out_len}, out_type);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = start; i < kept_end; ++i) {
      cd v = y[b * expected + i] / env[i];
      store(out, b * out_len + (i - start), v);
    }
  return self.dim() == 2 ? out.squeeze(0) : out;
}

void istftKernel(Stack& s) {
  Tensor t = tensorAt(s, 10, 0);
  pushResult(s, 10, istft(t, argAt(s, 10, 1).toInt(), toOptInt(argAt(s, 10, 2)), toOptInt(argAt(s, 10, 3)),
                          toOptTensor(argAt(s, 10, 4)), argAt(s, 10, 5).toBool(), argAt(s, 10, 6).toBool(),
                          toOptBool(argAt(s, 10, 7)), toOptInt(argAt(s, 10, 8)), argAt(s, 10, 9).toBool()));
}

void viewAsRealKernel(Stack& s) { s.back() = viewAsReal(Tensor::fromIValue(s.back())).toIValue(); }

void viewAsComplexKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (t.dtype() != ScalarType::Float && t.dtype() != ScalarType::Double)
    lang::raise("RuntimeError", std::string("view_as_complex is only supported for float and double tensors, but got a tensor of scalar type: ") +
                                    scalarTypeName(t.dtype()));
  if (t.dim() == 0 || t.size(t.dim() - 1) != 2) lang::raise("RuntimeError", "Tensor must have a last dimension of size 2");
  if (t.stride(t.dim() - 1) != 1) lang::raise("RuntimeError", "Tensor must have a last dimension with stride 1");
  IntArray sizes(t.sizes().begin(), t.sizes().end() - 1), strides;
  for (int64_t i = 0; i + 1 < t.dim(); ++i) {
    if (t.stride(i) % 2 != 0) lang::raise("RuntimeError", "Tensor must have a stride divisible by 2 for all but last dimension");
    strides.push_back(t.stride(i) / 2);
  }
  if (t.storageOffset() % 2 != 0) lang::raise("RuntimeError", "Tensor must have a storage_offset divisible by 2");
  s.back() = Tensor::fromStorage(t.storage(), t.storageOffset() / 2, sizes, strides, complexOf(t.dtype())).toIValue();
}

// real / imag: for a complex tensor, views of one half of each element.
Tensor part(const Tensor& t, int64_t which) {
  IntArray strides;
  for (int64_t st : t.strides()) strides.push_back(st * 2);
  return Tensor::fromStorage(t.storage(), t.storageOffset() * 2 + which, t.sizes(), strides, realOf(t.dtype()));
}
void realKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (isComplexType(t.dtype())) s.back() = part(t, 0).toIValue();
}
void imagKernel(Stack& s) {
  Tensor t = Tensor::fromIValue(s.back());
  if (!isComplexType(t.dtype())) lang::raise("RuntimeError", "imag is not implemented for tensors with non-complex dtypes.");
  s.back() = part(t, 1).toIValue();
}
// complex(real, imag) and polar(abs, angle): float or double tensors, broadcast.
template <bool kPolar>
void makeComplexKernel(Stack& s) {
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  for (const Tensor& t : {a, b})
    if (t.dtype() != ScalarType::Float && t.dtype() != ScalarType::Double)
      lang::raise("RuntimeError", std::string("Expected both inputs to be Half, Float or Double tensors but got ") +
                                      scalarTypeName(a.dtype()) + " and " + scalarTypeName(b.dtype()));
  if (a.dtype() != b.dtype())
    lang::raise("RuntimeError", std::string("Expected object of scalar type ") + scalarTypeName(a.dtype()) +
                                    " but got scalar type " + scalarTypeName(b.dtype()) + " for second argument");
  IntArray shape = broadcastShapes(a.sizes(), b.sizes());
  Tensor x = a.expand(shape).contiguous(), y = b.expand(shape).contiguous();
  Tensor out = Tensor::empty(shape, complexOf(a.dtype()));
  for (int64_t i = 0; i < out.numel(); ++i) {
    double p = element(x, i).real(), q = element(y, i).real();
    store(out, i, kPolar ? cd(p * std::cos(q), p * std::sin(q)) : cd(p, q));
  }
  pushResult(s, 2, out);
}

void isComplexKernel(Stack& s) { s.back() = IValue(isComplexType(Tensor::fromIValue(s.back()).dtype())); }

static lang::RegisterOps reg({
    {"aten::fft_fft(Tensor self, int? n=None, int dim=-1, str? norm=None) -> Tensor", fftKernel<Kind::C2C, false>},
    {"aten::fft_ifft(Tensor self, int? n=None, int dim=-1, str? norm=None) -> Tensor", fftKernel<Kind::C2C, true>},
    {"aten::fft_rfft(Tensor self, int? n=None, int dim=-1, str? norm=None) -> Tensor", fftKernel<Kind::R2C, false>},
    {"aten::fft_irfft(Tensor self, int? n=None, int dim=-1, str? norm=None) -> Tensor", fftKernel<Kind::C2R, true>},
#define WICK_FFTN(name, kind, inverse)                                                                                \
  {"aten::fft_" name "n(Tensor self, int[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor",                  \
   fftNKernel<kind, inverse, false>},                                                                                \
  {"aten::fft_" name "2(Tensor self, int[1]? s=None, int[1] dim=[-2,-1], str? norm=None) -> Tensor",                \
   fftNKernel<kind, inverse, true>}
    WICK_FFTN("fft", Kind::C2C, false), WICK_FFTN("ifft", Kind::C2C, true),
    WICK_FFTN("rfft", Kind::R2C, false), WICK_FFTN("irfft", Kind::C2R, true),
#undef WICK_FFTN
    {"aten::fft_fftfreq(int n, float d=1.0, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
     "bool? pin_memory=None) -> Tensor",
     fftFreqKernel<false>},
    {"aten::fft_rfftfreq(int n, float d=1.0, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
     "bool? pin_memory=None) -> Tensor",
     fftFreqKernel<true>},
    {"aten::fft_fftshift(Tensor self, int[1]? dim=None) -> Tensor", fftShiftKernel<false>},
    {"aten::fft_ifftshift(Tensor self, int[1]? dim=None) -> Tensor", fftShiftKernel<true>},
    {"aten::stft(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
     "bool normalized=False, bool? onesided=None, bool? return_complex=None) -> Tensor",
     stftKernel},
    {"aten::stft.center(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
     "bool center=True, str pad_mode=\"reflect\", bool normalized=False, bool? onesided=None, "
     "bool? return_complex=None) -> Tensor",
     stftCenterKernel},
    // torch.stft in a script is torch/functional.py's stft: centred by default.
    {"torch::stft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
     "bool center=True, str pad_mode=\"reflect\", bool normalized=False, bool? onesided=None, "
     "bool? return_complex=None) -> Tensor",
     stftCenterKernel},
    {"aten::istft(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
     "bool center=True, bool normalized=False, bool? onesided=None, int? length=None, bool return_complex=False) -> Tensor",
     istftKernel},
    {"aten::view_as_real(Tensor(a) self) -> Tensor(a)", viewAsRealKernel, lang::OpClass::View},
    {"aten::view_as_complex(Tensor(a) self) -> Tensor(a)", viewAsComplexKernel, lang::OpClass::View},
    {"aten::real(Tensor(a) self) -> Tensor(a)", realKernel, lang::OpClass::View},
    {"aten::imag(Tensor(a) self) -> Tensor(a)", imagKernel, lang::OpClass::View},
    {"aten::is_complex(Tensor self) -> bool", isComplexKernel},
    {"aten::complex(Tensor real, Tensor imag) -> Tensor", makeComplexKernel<false>},
    {"aten::polar(Tensor abs, Tensor angle) -> Tensor", makeComplexKernel<true>},
});

}  // namespace

Tensor viewAsReal(const Tensor& t) {
  if (!isComplexType(t.dtype())) lang::raise("RuntimeError", "view_as_real is only supported for complex tensors");
  IntArray sizes = t.sizes(), strides;
  sizes.push_back(2);
  for (int64_t st : t.strides()) strides.push_back(st * 2);
  strides.push_back(1);
  return Tensor::fromStorage(t.storage(), t.storageOffset() * 2, sizes, strides, realOf(t.dtype()));
}

namespace {
// f(z) for every element of a complex tensor, in the real type of its precision.
template <class F>
Tensor realOfEach(const Tensor& t, F f) {
  Tensor x = t.contiguous();
  Tensor out = Tensor::empty(t.sizes(), realOf(t.dtype()));
  for (int64_t i = 0; i < x.numel(); ++i) store(out, i, f(element(x, i)));
  return out;
}
}  // namespace

Tensor complexAbs(const Tensor& t) { return realOfEach(t, [](cd z) { return std::abs(z); }); }
Tensor complexAngle(const Tensor& t) { return realOfEach(t, [](cd z) { return std::arg(z); }); }

Tensor complexArithmetic(const Tensor& a, const Tensor& b, char op, ScalarType out_type) {
  IntArray shape = broadcastShapes(a.sizes(), b.sizes());
  Tensor x = workingCopy(a.expand(shape)), y = workingCopy(b.expand(shape));
  Tensor out = Tensor::empty(shape, out_type);
  for (int64_t i = 0; i < out.numel(); ++i) {
    cd p = element(x, i), q = element(y, i);
    store(out, i, op == '+' ? p + q : op == '-' ? p - q : op == '*' ? p * q : p / q);
  }
  return out;
}

Tensor complexConj(const Tensor& t) {
  Tensor x = t.contiguous();
  Tensor out = Tensor::empty(t.sizes(), t.dtype());
  for (int64_t i = 0; i < x.numel(); ++i) store(out, i, std::conj(element(x, i)));
  return out;
}

}  // namespace wick::ops
