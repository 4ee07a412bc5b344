// An application embedding wick: loads a TorchScript archive written by
// torch.jit.save, prints what it holds, runs forward on an input from a raw
// buffer, and runs it again from several threads at once to check that every
// thread gets the same answer.
//
//   embed MODEL.pt D0 D1 ...     (input shape; the input is 0, 0.01, 0.02, ... as float32)
#include <wick/wick.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.pt D0 [D1 ...]\n", argv[0]);
    return 2;
  }
  try {
    wick::Module m = wick::Module::load(argv[1]);
    int64_t params = 0;
    for (const auto& [name, t] : m.namedParameters()) params += t.numel();
    std::printf("methods:");
    for (const std::string& name : m.methods()) std::printf(" %s", name.c_str());
    std::printf("\nparameters: %zu tensors, %lld values\n", m.namedParameters().size(), static_cast<long long>(params));

    std::vector<int64_t> shape;
    for (int i = 2; i < argc; ++i) shape.push_back(std::stoll(argv[i]));
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> input(n);
    for (int64_t i = 0; i < n; ++i) input[i] = 0.01f * static_cast<float>(i);
    wick::Tensor x = wick::Tensor::fromBuffer(input.data(), shape, wick::DType::Float32);

    wick::Tensor y = m.forward({x}).toTensor();
    const float* out = static_cast<const float*>(y.data());
    std::printf("output shape:");
    for (int64_t d : y.shape()) std::printf(" %lld", static_cast<long long>(d));
    std::printf("\noutput:");
    for (int64_t i = 0; i < y.numel() && i < 8; ++i) std::printf(" %.6f", out[i]);
    std::printf("\n");

    // The same module from 4 threads, 20 calls each: every result must match.
    std::vector<std::thread> threads;
    std::vector<int> mismatches(4, 0);
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int k = 0; k < 20; ++k) {
          wick::Tensor z = m.forward({x}).toTensor();
          const float* p = static_cast<const float*>(z.data());
          for (int64_t i = 0; i < z.numel(); ++i)
            if (std::fabs(p[i] - out[i]) > 1e-6f) ++mismatches[t];
        }
      });
    for (auto& th : threads) th.join();
    int bad = mismatches[0] + mismatches[1] + mismatches[2] + mismatches[3];
    std::printf("threads: %s\n", bad ? "MISMATCH" : "4 x 20 calls agree");
    return bad ? 1 : 0;
  } catch (const wick::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
