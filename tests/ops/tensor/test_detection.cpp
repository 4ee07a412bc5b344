// torchvision::nms against torchvision 0.14's torchvision.ops.nms on the same boxes.
#include <doctest/doctest.h>

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
