// torchvision::nms and roi_align against torchvision 0.14 (torchvision.ops) on the same inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

namespace {
std::vector<double> nms(const Tensor& boxes, const Tensor& scores, double threshold) {
  return values(callT("torchvision::nms", {boxes.toIValue(), scores.toIValue(), IValue(threshold)}));
}
}  // namespace

TEST_CASE("torchvision::nms keeps boxes as torchvision does") {
  // Ten boxes around one object: the threshold decides how many survive.
  Tensor boxes = floats({17, 12, 23, 23, 18, 9, 29, 24, 12, 10, 25, 27, 14, 8, 28, 27, 21, 15, 29, 26,
                         9, 8, 31, 29, 13, 7, 31, 24, 3, 10, 31, 28, 6, 13, 29, 32, 15, 19, 21, 25},
                        {10, 4});
  Tensor scores = floats({0.82f, 0.18f, 0.23f, 0.97f, 0.22f, 0.21f, 0.37f, 0.34f, 0.16f, 0.90f});
  CHECK(nms(boxes, scores, 0.2) == std::vector<double>{3, 9});
  CHECK(nms(boxes, scores, 0.4) == std::vector<double>{3, 9, 0, 4, 8});
  CHECK(nms(boxes, scores, 0.6) == std::vector<double>{3, 9, 0, 7, 4, 1, 8});
  CHECK(nms(boxes, scores, 0.8) == std::vector<double>{3, 9, 0, 6, 7, 2, 4, 5, 1, 8});

  // Scattered boxes, two with the same score (index order decides), threshold 0: any overlap suppresses.
  Tensor spread = floats({0, 2, 4, 6, 6, 1, 11, 11, 9, 1, 12, 4, 15, 15, 20, 28, 12, 18, 15, 20, 9, 16, 11, 21,
                          3, 8, 10, 9, 1, 9, 6, 18, 4, 19, 13, 26, 17, 17, 25, 21, 13, 4, 25, 11, 19, 0, 22, 7},
                         {12, 4});
  Tensor spread_scores = floats({0.43f, 0.96f, 0.76f, 0.30f, 0.43f, 0.94f, 0.82f, 0.62f, 0.32f, 0.92f, 0.71f, 0.28f});
  CHECK(nms(spread, spread_scores, 0.0) == std::vector<double>{1, 5, 9, 10, 7, 0, 4});
  CHECK(nms(spread, spread_scores, 0.5) == std::vector<double>{1, 5, 9, 6, 2, 10, 7, 0, 4, 8, 3, 11});

  CHECK(nms(Tensor::empty({0, 4}, ScalarType::Float), Tensor::empty({0}, ScalarType::Float), 0.5).empty());
  CHECK_THROWS(nms(floats({1, 2, 3}, {1, 3}), floats({1}), 0.5));
}

TEST_CASE("torchvision::roi_align samples boxes as torchvision does") {
  Tensor x = Tensor::empty({2, 2, 5, 6}, ScalarType::Float);
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>(std::sin(static_cast<double>(i)) * 3);
  // A box inside, one on the second image, one partly outside the image.
  Tensor rois = floats({0, 0.5f, 1.0f, 4.2f, 3.9f, 1, 1.0f, 0.0f, 5.5f, 4.5f, 0, -1.0f, 2.0f, 2.0f, 7.0f}, {3, 5});
  auto roiAlign = [&](double scale, int64_t ph, int64_t pw, int64_t ratio, bool aligned) {
    return values(callT("torchvision::roi_align", {x.toIValue(), rois.toIValue(), IValue(scale), IValue(ph), IValue(pw), IValue(ratio), IValue(aligned)}));
  };
  auto near = [](const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
  };
  // torchvision.ops.roi_align(x, rois, (ph, pw), scale, ratio, aligned), rounded to 5 places.
  near(roiAlign(1.0, 2, 2, 2, false),
       {2.06777, 0.82156, 1.28803, 1.6647, -1.18013, 2.39034, -1.98731, 2.00514, -1.86079, 2.24526, -2.20233, 1.36971,
        -1.44218, -0.38676, -0.17301, -1.7078, -2.17485, 0.80643, 0.0, 0.0, -2.15948, -2.21826, 0.0, 0.0});
  near(roiAlign(0.5, 3, 2, 0, true),
       {0.34849, 2.44501, -0.02742, 2.23025, -0.39931, 1.98051, -2.63084, -0.99317, -2.70891, -1.34355, -2.74129, -1.66832,
        -2.03039, -2.4303, -1.68548, -2.57013, -1.22743, -2.65864, 1.35222, -1.50829, 1.7143, -1.08231, 2.09109, -0.54643,
        -0.76839, -0.42021, -1.41685, -1.05998, -1.98494, -1.63839, -2.9744, -2.83644, -2.80601, -2.74952, -2.4901, -2.51743});
  near(roiAlign(1.0, 2, 3, -1, false),
       {1.49964, 2.53593, 0.10283, 0.54499, 2.60956, 1.1345, -1.82094, 1.10677, 2.59596, -2.38458, 0.05922, 2.49594,
        -2.47147, 0.24589, 2.63062, -2.25834, -1.26543, 2.10682, -0.80332, -2.42824, 0.35522, 0.74216, -2.34106, -1.24177,
        -2.32113, -1.03331, 1.42533, -0.90558, -0.51897, 0.3151, -2.12942, -2.48851, -1.89766, -0.55879, -0.77927, -0.76065});
  CHECK_THROWS(callT("torchvision::roi_align", {x.toIValue(), floats({5, 0, 0, 1, 1}, {1, 5}).toIValue(), IValue(1.0), IValue(int64_t(2)),
                                                IValue(int64_t(2)), IValue(int64_t(2)), IValue(false)}));
}
