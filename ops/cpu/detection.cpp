// torchvision's detection ops, as archives of torchvision's detection models
// call them (ops.torchvision.nms): greedy non-maximum suppression.
#include <algorithm>
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
  Tensor out = Tensor::empty({static_cast<int64_t>(keep.size())}, ScalarType::Long);
  std::copy(keep.begin(), keep.end(), out.data<int64_t>());
  pushResult(s, 3, out);
}

static lang::RegisterOps reg({
    {"torchvision::nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor", nmsKernel},
});

}  // namespace
}  // namespace wick::ops
