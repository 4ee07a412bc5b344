// The wick command: run, graph and bench TorchScript programs; inspect archives.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "wick_config.h"

int main(int argc, char** argv) {
  CLI::App app{"wick: runs TorchScript programs without PyTorch"};
  app.set_version_flag("--version", std::string("wick ") + WICK_VERSION);
  app.require_subcommand(1);
  int status = 0;
  wick::cli::addRunCommand(app, status);
  wick::cli::addGraphCommand(app, status);
  wick::cli::addBenchCommand(app, status);
  wick::cli::addInspectCommand(app, status);
  wick::cli::addSaveCommand(app, status);
  CLI11_PARSE(app, argc, argv);
  return status;
}
