#include <CLI/CLI.hpp>

#include "wick_config.h"

int main(int argc, char** argv) {
  CLI::App app{"wick: a TorchScript interpreter"};
  app.set_version_flag("--version", std::string("wick ") + WICK_VERSION);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
