// print(t): PyTorch's torch/_tensor_str.py layout. One formatter per tensor
// picks integer mode ("1."), fixed ("1.5000") or scientific ("1.0000e+10")
// from all printed values and pads every element to the widest one. Tensors
// over 1000 elements print 3 edge items per dimension around "...". Complex
// tensors format their real and imaginary parts with a formatter each, as
// "1.5000-2.0000j" (the imaginary part unpadded, as _tensor_str does).
#include <cmath>
#include <complex>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "lang/ivalue.h"
#include "ops/tensor/strided_loop.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {
namespace {

constexpr int64_t kThreshold = 1000;
constexpr int64_t kEdgeItems = 3;
constexpr size_t kLineWidth = 80;

std::complex<double> complexAt(const Tensor& t, int64_t offset) {
  if (t.dtype() == ScalarType::ComplexFloat) return std::complex<double>(t.data<std::complex<float>>()[offset]);
  return t.data<std::complex<double>>()[offset];
}

// A complex element's real part when `imag` is false, else its imaginary part.
double elementAsDouble(const Tensor& t, int64_t offset, bool imag = false) {
  if (isComplexType(t.dtype())) return imag ? complexAt(t, offset).imag() : complexAt(t, offset).real();
  return dispatchType(t.dtype(), [&](auto tag) -> double {
    using T = decltype(tag);
    return static_cast<double>(static_cast<opmath_t<T>>(t.data<T>()[offset]));
  });
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Python's '{:.4e}' writes at least two exponent digits, as printf does.
struct Formatter {
  ScalarType dtype;
  bool floating = false, int_mode = true, sci_mode = false;
  size_t width = 1;

  Formatter(ScalarType dt, const std::vector<double>& values) : dtype(dt), floating(isFloatingType(dt)) {
    if (!floating) {
      for (double v : values) width = std::max(width, format(v).size());
      return;
    }
    double lo = INFINITY, hi = 0;
    for (double v : values) {
      if (!std::isfinite(v)) continue;
      if (v != std::ceil(v)) int_mode = false;
      if (v != 0) {
        lo = std::min(lo, std::fabs(v));
        hi = std::max(hi, std::fabs(v));
      }
    }
    if (hi > 0) {
      if (int_mode) sci_mode = hi / lo > 1000.0 || hi > 1.0e8;
      else sci_mode = hi / lo > 1000.0 || hi > 1.0e8 || lo < 1.0e-4;
    }
    for (double v : values) width = std::max(width, format(v).size());
  }

  std::string format(double v) const {
    if (dtype == ScalarType::Bool) return v != 0 ? "True" : "False";
    if (!floating) return std::to_string(static_cast<int64_t>(v));
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (sci_mode) return fmt("%.4e", v);
    if (int_mode) return fmt("%.0f", v) + ".";
    return fmt("%.4f", v);
  }
  std::string padded(double v) const {
    std::string s = format(v);
    return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
  }
};

// Indices printed along a dimension of size n (all, or the edges when summarizing).
std::vector<int64_t> shownIndices(int64_t n, bool summarize) {
  std::vector<int64_t> idx;
  if (summarize && n > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
    idx.push_back(-1);  // the "..." marker
    for (int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i) idx.push_back(i);
  }
  return idx;
}

void collect(const Tensor& t, int64_t dim, int64_t offset, bool summarize, bool imag, std::vector<double>& out) {
  if (dim == t.dim()) {
    out.push_back(elementAsDouble(t, offset, imag));
    return;
  }
  for (int64_t i : shownIndices(t.sizes()[dim], summarize))
    if (i >= 0) collect(t, dim + 1, offset + i * t.strides()[dim], summarize, imag, out);
}

// One element as printed: padded to the formatter's width; a complex one as
// its padded real part and its imaginary part, signed, with a "j".
struct Formatters {
  Formatter real;
  std::optional<Formatter> imag;
  size_t width() const { return real.width + (imag ? imag->width + 1 : 0); }
  std::string element(const Tensor& t, int64_t offset) const {
    if (!imag) return real.padded(elementAsDouble(t, offset));
    std::string im = imag->format(elementAsDouble(t, offset, true)) + "j";
    return real.padded(elementAsDouble(t, offset)) + (im[0] == '-' || im[0] == '+' ? "" : "+") + im;
  }
};

std::string render(const Tensor& t, int64_t dim, int64_t offset, size_t indent, bool summarize, const Formatters& f) {
  int64_t nd = t.dim();
  std::vector<int64_t> idx = shownIndices(t.sizes()[dim], summarize);
  if (dim == nd - 1) {
    size_t per_line = std::max<size_t>(1, (kLineWidth - std::min(indent, kLineWidth)) / (f.width() + 2));
    std::vector<std::string> items;
    for (int64_t i : idx) items.push_back(i < 0 ? "..." : f.element(t, offset + i * t.strides()[dim]));
    std::string s = "[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) s += (i % per_line == 0) ? ",\n" + std::string(indent + 1, ' ') : ", ";
      s += items[i];
    }
    return s + "]";
  }
  std::string sep = "," + std::string(nd - dim - 1, '\n') + std::string(indent + 1, ' ');
  std::string s = "[";
  for (size_t k = 0; k < idx.size(); ++k) {
    if (k > 0) s += sep;
    s += idx[k] < 0 ? "..." : render(t, dim + 1, offset + idx[k] * t.strides()[dim], indent + 1, summarize, f);
  }
  return s + "]";
}

std::string torchDtypeName(ScalarType t) { return std::string("torch.") + dtypeName(t); }

}  // namespace

std::string tensorToString(const Tensor& t) {
  const std::string prefix = "tensor(";
  std::vector<std::string> suffixes;
  std::string body;
  bool default_dtype = t.dtype() == ScalarType::Float || t.dtype() == ScalarType::Long || t.dtype() == ScalarType::Bool ||
                       t.dtype() == ScalarType::ComplexFloat;
  if (t.numel() == 0 && t.dim() > 0) {
    if (t.dim() != 1) {
      std::string sz = "size=(";
      for (int64_t i = 0; i < t.dim(); ++i) sz += (i ? ", " : "") + std::to_string(t.sizes()[i]);
      suffixes.push_back(sz + (t.dim() == 1 ? ",)" : ")"));
    }
    if (t.dtype() != ScalarType::Float) suffixes.push_back("dtype=" + torchDtypeName(t.dtype()));
    body = "[]";
  } else {
    bool summarize = t.numel() > kThreshold;
    bool complex = isComplexType(t.dtype());
    ScalarType part = t.dtype() == ScalarType::ComplexDouble ? ScalarType::Double : complex ? ScalarType::Float : t.dtype();
    std::vector<double> values, imags;
    collect(t, 0, 0, summarize, false, values);
    if (complex) collect(t, 0, 0, summarize, true, imags);
    Formatters f{Formatter(part, values), complex ? std::optional<Formatter>(Formatter(part, imags)) : std::nullopt};
    if (t.dim() == 0) {  // a lone value is not padded
      std::string s = f.element(t, 0);
      body = s.substr(s.find_first_not_of(' '));
    } else {
      body = render(t, 0, 0, prefix.size(), summarize, f);
    }
    if (!default_dtype) suffixes.push_back("dtype=" + torchDtypeName(t.dtype()));
  }
  std::string out = prefix + body;
  size_t last_nl = out.rfind('\n');
  size_t last_line_len = last_nl == std::string::npos ? out.size() : out.size() - last_nl - 1;
  for (const std::string& s : suffixes) {
    if (last_line_len + s.size() + 2 > kLineWidth) {
      out += ",\n" + std::string(prefix.size(), ' ') + s;
      last_line_len = prefix.size() + s.size();
    } else {
      out += ", " + s;
      last_line_len += s.size() + 2;
    }
  }
  return out + ")";
}

namespace {
// lang cannot see ops: install the printer and type hooks at static initialization.
const bool kHooksInstalled = [] {
  lang::tensorHooks().to_str = [](const lang::IValue& v) { return tensorToString(Tensor::fromIValue(v)); };
  return true;
}();
}  // namespace

}  // namespace wick::ops
