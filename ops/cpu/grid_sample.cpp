// Spatial transformers: affine_grid (sampling coordinates of an affine map,
// 2-d and 3-d) and grid_sample (2-d bilinear / nearest sampling with zeros,
// border or reflection padding), following aten's GridSampler.h formulas.
#include <array>
#include <cmath>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

// Normalized coordinate of pixel i among n, in [-1, 1].
double baseCoord(int64_t i, int64_t n, bool align) {
  if (align) return n > 1 ? -1.0 + 2.0 * i / (n - 1) : 0.0;
  return (2.0 * i + 1.0) / n - 1.0;
}

void affineGridKernel(Stack& s) {  // affine_grid(Tensor theta, int[] size, bool? align_corners=None)
  Tensor theta = tensorAt(s, 3, 0);
  IntArray size = toIntArray(argAt(s, 3, 1));
  bool align = !argAt(s, 3, 2).isNone() && argAt(s, 3, 2).toBool();
  if (!isFloatingType(theta.dtype())) lang::raise("ValueError", "Expected theta to have floating point type, but got " + std::string(dtypeName(theta.dtype())));
  bool three = size.size() == 5;
  if (size.size() != 4 && !three) lang::raise("NotImplementedError", "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size " + shapeStr(size) + ".");
  int64_t rows = three ? 3 : 2, n = size[0];
  if (theta.dim() != 3 || theta.sizes()[0] != n || theta.sizes()[1] != rows || theta.sizes()[2] != rows + 1)
    lang::raise("ValueError", "Expected a batch of " + std::string(three ? "3D" : "2D") + " affine matrices of shape Nx" + std::to_string(rows) + "x" +
                                  std::to_string(rows + 1) + " for size " + shapeStr(size) + ". Got " + shapeStr(theta.sizes()) + ".");
  int64_t D = three ? size[2] : 1, H = size[size.size() - 2], W = size.back();
  Tensor th = theta.to(ScalarType::Double).contiguous();
  IntArray out_shape = three ? IntArray{n, D, H, W, 3} : IntArray{n, H, W, 2};
  Tensor out = Tensor::empty(out_shape, ScalarType::Double);
  double* o = out.data<double>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t z = 0; z < D; ++z)
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x) {
          double base[4] = {baseCoord(x, W, align), baseCoord(y, H, align), three ? baseCoord(z, D, align) : 1.0, 1.0};
          if (!three) base[2] = 1.0;
          const double* t = th.data<double>() + b * rows * (rows + 1);
          for (int64_t r = 0; r < rows; ++r) {
            double acc = 0;
            for (int64_t c = 0; c <= rows; ++c) acc += t[r * (rows + 1) + c] * base[c];
            *o++ = acc;
          }
        }
  pushResult(s, 3, out.to(theta.dtype()));
}

// Reflects x into [lo, hi] (aten's reflect_coordinates, on doubled bounds).
double reflect(double x, double twice_lo, double twice_hi) {
  if (twice_lo == twice_hi) return 0;
  double lo = twice_lo / 2, span = (twice_hi - twice_lo) / 2;
  x = std::fabs(x - lo);
  double extra = std::fmod(x, span);
  int64_t flips = static_cast<int64_t>(std::floor(x / span));
  return flips % 2 == 0 ? extra + lo : span - extra + lo;
}

double unnormalize(double c, int64_t size, bool align) { return align ? (c + 1) / 2 * (size - 1) : ((c + 1) * size - 1) / 2; }

// A source coordinate under the padding mode (aten's compute_coordinates).
double padCoord(double x, int64_t size, bool align, const std::string& padding) {
  if (padding == "border") return std::clamp(x, 0.0, double(size - 1));
  if (padding == "reflection") {
    x = align ? reflect(x, 0, 2.0 * (size - 1)) : reflect(x, -1, 2.0 * size - 1);
    return std::clamp(x, 0.0, double(size - 1));
  }
  return x;
}

double sourceCoord(double c, int64_t size, bool align, const std::string& padding) {
  return padCoord(unnormalize(c, size, align), size, align, padding);
}

// Keys' cubic convolution weights of the four taps around t in [0, 1) (A = -0.75, as aten).
std::array<double, 4> cubicWeights(double t) {
  constexpr double A = -0.75;
  auto near = [](double x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };
  auto far = [](double x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };
  return {far(t + 1), near(t), near(1 - t), far(2 - t)};
}

void gridSampleKernel(Stack& s) {  // grid_sample(Tensor input, Tensor grid, str mode='bilinear', str padding_mode='zeros', bool? align_corners=None)
  Tensor input = tensorAt(s, 5, 0), grid = tensorAt(s, 5, 1);
  std::string mode = argAt(s, 5, 2).toStr(), padding = argAt(s, 5, 3).toStr();
  bool align = !argAt(s, 5, 4).isNone() && argAt(s, 5, 4).toBool();
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    lang::raise("ValueError", "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '" + mode + "'");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    lang::raise("ValueError", "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '" + padding + "'");
  if (input.dim() != 4 || grid.dim() != 4 || grid.sizes()[3] != 2 || grid.sizes()[0] != input.sizes()[0])
    lang::raise("RuntimeError", "grid_sampler(): expected 4D input and grid with same batch size and grid of shape (N, H_out, W_out, 2), but got input with sizes " +
                                    shapeStr(input.sizes()) + " and grid with sizes " + shapeStr(grid.sizes()));
  int64_t N = input.sizes()[0], C = input.sizes()[1], H = input.sizes()[2], W = input.sizes()[3];
  int64_t Ho = grid.sizes()[1], Wo = grid.sizes()[2];
  Tensor x = input.to(ScalarType::Double).contiguous(), g = grid.to(ScalarType::Double).contiguous();
  Tensor out = Tensor::zeros({N, C, Ho, Wo}, ScalarType::Double);
  auto at = [&](int64_t b, int64_t c, int64_t yy, int64_t xx) {
    return (yy < 0 || yy >= H || xx < 0 || xx >= W) ? 0.0 : x.data<double>()[((b * C + c) * H + yy) * W + xx];
  };
  for (int64_t b = 0; b < N; ++b)
    for (int64_t i = 0; i < Ho; ++i)
      for (int64_t j = 0; j < Wo; ++j) {
        const double* gp = g.data<double>() + ((b * Ho + i) * Wo + j) * 2;
        if (mode == "bicubic") {
          // Taps around the unpadded position, each padded on its own (aten's get_value_bounded).
          double ux = unnormalize(gp[0], W, align), uy = unnormalize(gp[1], H, align);
          double fx = std::floor(ux), fy = std::floor(uy);
          std::array<double, 4> wx = cubicWeights(ux - fx), wy = cubicWeights(uy - fy);
          auto tap = [&](int64_t b2, int64_t c2, double yy, double xx) {
            xx = padCoord(xx, W, align, padding), yy = padCoord(yy, H, align, padding);
            return at(b2, c2, static_cast<int64_t>(yy), static_cast<int64_t>(xx));
          };
          for (int64_t c = 0; c < C; ++c) {
            double v = 0;
            for (int r = 0; r < 4; ++r) {
              double row = 0;
              for (int k = 0; k < 4; ++k) row += wx[k] * tap(b, c, fy - 1 + r, fx - 1 + k);
              v += wy[r] * row;
            }
            out.data<double>()[((b * C + c) * Ho + i) * Wo + j] = v;
          }
          continue;
        }
        double sx = sourceCoord(gp[0], W, align, padding), sy = sourceCoord(gp[1], H, align, padding);
        for (int64_t c = 0; c < C; ++c) {
          double v;
          if (mode == "nearest") {
            v = at(b, c, static_cast<int64_t>(std::nearbyint(sy)), static_cast<int64_t>(std::nearbyint(sx)));
          } else {
            int64_t x0 = static_cast<int64_t>(std::floor(sx)), y0 = static_cast<int64_t>(std::floor(sy));
            double tx = sx - x0, ty = sy - y0;
            v = at(b, c, y0, x0) * (1 - tx) * (1 - ty) + at(b, c, y0, x0 + 1) * tx * (1 - ty) + at(b, c, y0 + 1, x0) * (1 - tx) * ty +
                at(b, c, y0 + 1, x0 + 1) * tx * ty;
          }
          out.data<double>()[((b * C + c) * Ho + i) * Wo + j] = v;
        }
      }
  pushResult(s, 5, out.to(input.dtype()));
}

// aten::grid_sampler, what F.grid_sample's saved code and the tracer call:
// the modes as torch numbers them (GridSamplerInterpolation, GridSamplerPadding).
void gridSamplerKernel(Stack& s) {  // (input, grid, int interpolation_mode, int padding_mode, bool align_corners)
  static const char* const kModes[] = {"bilinear", "nearest", "bicubic"};
  static const char* const kPaddings[] = {"zeros", "border", "reflection"};
  auto name = [](const IValue& v, const char* const* names, const char* what) {
    int64_t i = v.toInt();
    if (i < 0 || i > 2) lang::raise("RuntimeError", std::string("grid_sampler(): unknown ") + what + " " + std::to_string(i));
    return IValue(std::string(names[i]));
  };
  IValue& mode = s[s.size() - 3];
  IValue& padding = s[s.size() - 2];
  mode = name(mode, kModes, "interpolation mode");
  padding = name(padding, kPaddings, "padding mode");
  gridSampleKernel(s);
}

static lang::RegisterOps reg({
    // F.affine_grid's saved code: the same arguments, align_corners given.
    {"aten::affine_grid_generator(Tensor theta, int[] size, bool align_corners) -> Tensor", affineGridKernel},
    {"aten::grid_sampler(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor", gridSamplerKernel},
    {"aten::grid_sampler_2d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor", gridSamplerKernel},
    {"functional::affine_grid(Tensor theta, int[] size, bool? align_corners=None) -> Tensor", affineGridKernel},
    {"functional::grid_sample(Tensor input, Tensor grid, str mode='bilinear', str padding_mode='zeros', bool? align_corners=None) -> Tensor", gridSampleKernel},
});

}  // namespace
}  // namespace wick::ops
