// `wick bench FILE.py --call NAME [--args-json A] [--warmup N] [--iters N] --json`,
// `wick bench MODEL.pt [--method M] ...`, and `wick bench MODEL.pt --load`,
// which times whole loads (open, parse, compile every method, tensors ready).
#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/program.h"
#include "serialize/archive.h"

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
  auto load = std::make_shared<bool>(false);
  cmd->add_option("file", *path, "TorchScript source (.py) or archive (.pt)")->required();
  cmd->add_flag("--load", *load, "time whole loads of the archive instead of calls");
  cmd->add_option("--call", *call, "function to call");
  cmd->add_option("--method", *method, "method of an archive's module to call");
  cmd->add_option("--args-json", *args, "JSON array of arguments");
  cmd->add_option("--warmup", *warmup, "untimed calls first");
  cmd->add_option("--iters", *iters, "timed calls");
  cmd->add_flag("--json", *json, "print the timing as JSON");
  cmd->callback([=, &status] {
    bool archive = path->ends_with(".pt") || path->ends_with(".pth") || path->ends_with(".zip");
    std::vector<double> ms;
    auto timed = [&ms](auto&& f) {
      auto t0 = std::chrono::steady_clock::now();
      bool ok = f();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      return ok;
    };
    if (*load) {
      std::unique_ptr<serialize::Archive> loaded;
      auto loadOnce = [&] {
        try {
          loaded = serialize::loadArchive(*path);
          return true;
        } catch (const std::exception& e) {
          std::cerr << "error: " << e.what() << "\n";
          return false;
        }
      };
      for (int i = 0; i < std::max(1, *iters); ++i) {
        loaded.reset();  // freeing the last load is not part of the next one
        if (!timed(loadOnce)) {
          status = 1;
          return;
        }
      }
      (void)loaded.release();  // Note [No teardown at exit]
    } else {
      Failure failure = Failure::None;
      auto program = loadProgram(*path, archive ? *method : *call, *args, failure);
      if (!program) {
        status = 1;
        return;
      }
      for (int i = 0; i < *warmup; ++i)
        if (!callProgram(*program)) {
          status = 1;
          return;
        }
      for (int i = 0; i < std::max(1, *iters); ++i)
        if (!timed([&] { return callProgram(*program).has_value(); })) {
          status = 1;
          return;
        }
      keepUntilExit(std::move(*program));
    }
    std::sort(ms.begin(), ms.end());
    double median = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    std::cout << "{\"median_ms\": " << median << ", \"min_ms\": " << ms.front() << ", \"iters\": " << ms.size() << "}"
              << std::endl;
    status = 0;
  });
}

}  // namespace wick::cli
