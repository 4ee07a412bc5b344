// The wick command: run, graph and bench TorchScript programs; inspect archives.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "wick_config.h"

namespace {

struct Subcommand {
  const char* name;
  void (*add)(CLI::App&, int&);
};

constexpr Subcommand kSubcommands[] = {
    {"run", wick::cli::addRunCommand},         {"graph", wick::cli::addGraphCommand},
    {"bench", wick::cli::addBenchCommand},     {"inspect", wick::cli::addInspectCommand},
    {"save", wick::cli::addSaveCommand},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wick: runs TorchScript programs without PyTorch"};
  app.set_version_flag("--version", std::string("wick ") + WICK_VERSION);
  app.require_subcommand(1);
  int status = 0;
  // Building a subcommand's options costs more than parsing them: when the
  // first argument names one, only that one is built (every process start
  // counts, in `wick run` and in archive load times). Anything else, such as
  // `wick --help` or a misspelt name, gets all of them, for the help text and
  // the error message.
  const Subcommand* named = nullptr;
  for (const Subcommand& s : kSubcommands)
    if (argc > 1 && std::strcmp(argv[1], s.name) == 0) named = &s;
  if (named) {
    named->add(app, status);
  } else {
    for (const Subcommand& s : kSubcommands) s.add(app, status);
  }
  CLI11_PARSE(app, argc, argv);
  // Note [No teardown at exit] (cli/program.h), for the whole process: the
  // command has finished its work (saves are renamed into place already), so
  // static destructors and library exit handlers (OpenBLAS unmapping its
  // buffers) would only spend time on memory the kernel takes back anyway.
  std::cout.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}
