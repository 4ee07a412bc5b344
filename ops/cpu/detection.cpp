// torchvision's detection ops, as archives of torchvision's detection models
// call them (ops.torchvision.nms, ops.torchvision.roi_align): greedy
// non-maximum suppression and RoIAlign.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "ops/tensor/call_op.h"
#include "ops/tensor/kernel_args.h"

namespace wick::ops {
namespace {

using lang::IValue;
using lang::Stack;

// nms(Tensor dets [N, 4] (x1, y1, x2, y2), Tensor scores [N], float iou_threshold) -> the indices
// of the kept boxes, highest score first: each box in score order is kept unless its IoU with a
// box kept before it is above the threshold (torchvision's CPU kernel; ties keep index order).
// In the boxes' own precision (float boxes: float IoUs), as torchvision's
// kernel computes, so an IoU at the threshold decides as it does there.
template <class T>
std::vector<int64_t> nms(const Tensor& dets, const Tensor& scores, T threshold) {
  int64_t n = dets.size(0);
  Tensor b = dets.to(std::is_same_v<T, float> ? ScalarType::Float : ScalarType::Double).contiguous();
  Tensor sc = scores.to(ScalarType::Double).contiguous();
  const T* box = b.data<T>();
  const double* score = sc.data<double>();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return score[i] > score[j]; });
  auto area = [&](int64_t i) { return (box[4 * i + 2] - box[4 * i]) * (box[4 * i + 3] - box[4 * i + 1]); };
  std::vector<char> suppressed(n, 0);
  std::vector<int64_t> keep;
  for (int64_t a = 0; a < n; ++a) {
    int64_t i = order[a];
    if (suppressed[i]) continue;
    keep.push_back(i);
    for (int64_t c = a + 1; c < n; ++c) {
      int64_t j = order[c];
      if (suppressed[j]) continue;
      T w = std::max(T(0), std::min(box[4 * i + 2], box[4 * j + 2]) - std::max(box[4 * i], box[4 * j]));
      T h = std::max(T(0), std::min(box[4 * i + 3], box[4 * j + 3]) - std::max(box[4 * i + 1], box[4 * j + 1]));
      T inter = w * h;
      if (inter / (area(i) + area(j) - inter) > threshold) suppressed[j] = 1;
    }
  }
  return keep;
}

void nmsKernel(Stack& s) {
  Tensor dets = tensorAt(s, 3, 0), scores = tensorAt(s, 3, 1);
  double threshold = argAt(s, 3, 2).toDouble();
  if (dets.dim() != 2 || dets.size(1) != 4)
    lang::raise("RuntimeError", "boxes should be a 2d tensor of shape [N, 4], got " + shapeStr(dets.sizes()));
  if (scores.dim() != 1 || scores.size(0) != dets.size(0))
    lang::raise("RuntimeError", "scores should be a 1d tensor with one score per box, got " + shapeStr(scores.sizes()) + " for " +
                                    shapeStr(dets.sizes()) + " boxes");
  std::vector<int64_t> keep = dets.dtype() == ScalarType::Float ? nms<float>(dets, scores, static_cast<float>(threshold))
                                                                : nms<double>(dets, scores, threshold);
  pushResult(s, 3, longTensor(keep));
}

// RoIAlign (torchvision's roi_align, as Faster/Mask/Keypoint R-CNN's box
// heads call it): each region of rois [K, 5] (batch index, x1, y1, x2, y2 in
// input coordinates times spatial_scale) is cut into pooled_h x pooled_w bins,
// and each bin is the mean of bilinear samples on a regular grid in it
// (sampling_ratio per side, or ceil(bin size) when it is 0 or less). With
// `aligned` the box corners move half a pixel so samples fall on pixel centres.
double bilinear(const double* plane, int64_t height, int64_t width, double y, double x) {
  if (y < -1.0 || y > height || x < -1.0 || x > width) return 0;
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  int64_t y_low = static_cast<int64_t>(y), x_low = static_cast<int64_t>(x), y_high, x_high;
  if (y_low >= height - 1) y_high = y_low = height - 1, y = static_cast<double>(y_low);
  else y_high = y_low + 1;
  if (x_low >= width - 1) x_high = x_low = width - 1, x = static_cast<double>(x_low);
  else x_high = x_low + 1;
  double ly = y - y_low, lx = x - x_low, hy = 1 - ly, hx = 1 - lx;
  return hy * hx * plane[y_low * width + x_low] + hy * lx * plane[y_low * width + x_high] +
         ly * hx * plane[y_high * width + x_low] + ly * lx * plane[y_high * width + x_high];
}

void roiAlignKernel(Stack& s) {  // (input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned)
  constexpr size_t n = 7;
  Tensor input = tensorAt(s, n, 0), rois = tensorAt(s, n, 1);
  double scale = argAt(s, n, 2).toDouble();
  int64_t ph_n = argAt(s, n, 3).toInt(), pw_n = argAt(s, n, 4).toInt(), ratio = argAt(s, n, 5).toInt();
  bool aligned = argAt(s, n, 6).toBool();
  if (input.dim() != 4) lang::raise("RuntimeError", "roi_align: expected a 4-d input [N, C, H, W], got " + shapeStr(input.sizes()));
  if (rois.dim() != 2 || rois.size(1) != 5)
    lang::raise("RuntimeError", "roi_align: rois must have shape [K, 5], got " + shapeStr(rois.sizes()));
  if (ph_n <= 0 || pw_n <= 0) lang::raise("RuntimeError", "roi_align: the pooled size must be positive");
  int64_t batch = input.size(0), channels = input.size(1), height = input.size(2), width = input.size(3), k = rois.size(0);
  Tensor x = input.to(ScalarType::Double).contiguous(), r = rois.to(ScalarType::Double).contiguous();
  Tensor out = Tensor::zeros({k, channels, ph_n, pw_n}, ScalarType::Double);
  const double* in = x.data<double>();
  double* o = out.data<double>();
  double offset = aligned ? 0.5 : 0.0;
  for (int64_t i = 0; i < k; ++i) {
    const double* roi = r.data<double>() + 5 * i;
    auto b = static_cast<int64_t>(roi[0]);
    if (b < 0 || b >= batch) lang::raise("RuntimeError", "roi_align: a box's batch index " + std::to_string(b) + " is out of range");
    double x1 = roi[1] * scale - offset, y1 = roi[2] * scale - offset;
    double roi_w = roi[3] * scale - offset - x1, roi_h = roi[4] * scale - offset - y1;
    if (!aligned) roi_w = std::max(roi_w, 1.0), roi_h = std::max(roi_h, 1.0);
    double bin_h = roi_h / ph_n, bin_w = roi_w / pw_n;
    int64_t grid_h = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(roi_h / ph_n));
    int64_t grid_w = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(roi_w / pw_n));
    double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
    for (int64_t c = 0; c < channels; ++c) {
      const double* plane = in + (b * channels + c) * height * width;
      for (int64_t ph = 0; ph < ph_n; ++ph)
        for (int64_t pw = 0; pw < pw_n; ++pw) {
          double sum = 0;
          for (int64_t iy = 0; iy < grid_h; ++iy) {
            double yy = y1 + ph * bin_h + (iy + 0.5) * bin_h / static_cast<double>(grid_h);
            for (int64_t ix = 0; ix < grid_w; ++ix)
              sum += bilinear(plane, height, width, yy, x1 + pw * bin_w + (ix + 0.5) * bin_w / static_cast<double>(grid_w));
          }
          o[((i * channels + c) * ph_n + ph) * pw_n + pw] = sum / count;
        }
    }
  }
  pushResult(s, n, out.to(input.dtype()));
}

static lang::RegisterOps reg({
    {"torchvision::roi_align(Tensor input, Tensor rois, float spatial_scale, int pooled_height, int pooled_width, int sampling_ratio, bool aligned) -> Tensor", roiAlignKernel},
    {"torchvision::nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor", nmsKernel},
});

}  // namespace
}  // namespace wick::ops
