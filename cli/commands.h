#pragma once
// The wick subcommands; each registers itself on the CLI11 app and returns
// the process exit status through `status`.
#include <CLI/CLI.hpp>

namespace wick::cli {

void addRunCommand(CLI::App& app, int& status);
void addGraphCommand(CLI::App& app, int& status);
void addBenchCommand(CLI::App& app, int& status);
void addInspectCommand(CLI::App& app, int& status);
void addSaveCommand(CLI::App& app, int& status);

}  // namespace wick::cli
