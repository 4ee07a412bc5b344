// `wick bench FILE.py --call NAME [--args-json A] [--warmup N] [--iters N] --json`
#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/program.h"

namespace wick::cli {

void addBenchCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("bench", "Time calls of a function (median and min over --iters)");
  auto path = std::make_shared<std::string>();
  auto call = std::make_shared<std::string>("main");
  auto args = std::make_shared<std::string>();
  auto method = std::make_shared<std::string>("forward");
  auto warmup = std::make_shared<int>(3);
  auto iters = std::make_shared<int>(10);
  auto json = std::make_shared<bool>(false);
  cmd->add_option("file", *path, "TorchScript source (.py)")->required();
  cmd->add_option("--call", *call, "function to call");
  cmd->add_option("--method", *method, "method of an archive's module to call");
  cmd->add_option("--args-json", *args, "JSON array of arguments");
  cmd->add_option("--warmup", *warmup, "untimed calls first");
  cmd->add_option("--iters", *iters, "timed calls");
  cmd->add_flag("--json", *json, "print the timing as JSON");
  cmd->callback([=, &status] {
    Failure failure = Failure::None;
    auto program = loadProgram(*path, *call, *args, failure);
    if (!program) {
      status = 1;
      return;
    }
    for (int i = 0; i < *warmup; ++i)
      if (!callProgram(*program)) {
        status = 1;
        return;
      }
    std::vector<double> ms;
    for (int i = 0; i < std::max(1, *iters); ++i) {
      auto t0 = std::chrono::steady_clock::now();
      if (!callProgram(*program)) {
        status = 1;
        return;
      }
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    double median = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    std::cout << "{\"median_ms\": " << median << ", \"min_ms\": " << ms.front() << ", \"iters\": " << ms.size() << "}"
              << std::endl;
    status = 0;
  });
}

}  // namespace wick::cli
