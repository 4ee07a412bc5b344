// `wick run FILE.py [--call NAME | --module CLASS [--method M]] [--weights W.pt] [--args-json A.json] [--json]`
#include <iostream>

#include "cli/commands.h"
#include "cli/program.h"
#include "cli/value_json.h"

namespace wick::cli {

void addRunCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("run", "Run a TorchScript file (calls main() unless --call is given)");
  auto path = std::make_shared<std::string>();
  auto call = std::make_shared<std::string>("main");
  auto args = std::make_shared<std::string>();
  auto method = std::make_shared<std::string>("forward");
  auto json = std::make_shared<bool>(false);
  auto module = std::make_shared<std::string>();
  auto weights = std::make_shared<std::string>();
  auto eval = std::make_shared<bool>(false);
  cmd->add_option("file", *path, "TorchScript source (.py) or archive (.pt)")->required();
  cmd->add_option("--call", *call, "function to call");
  cmd->add_option("--method", *method, "method of an archive's module (or of --module's) to call");
  cmd->add_option("--module", *module, "build this torch.nn.Module subclass of the script (no arguments) and call its --method");
  cmd->add_flag("--eval", *eval, "put the --module in evaluation mode (module.eval()) before calling it");
  cmd->add_option("--weights", *weights, "load these tensors (torch.save'd state_dict, or an archive) into the modules the script builds");
  cmd->add_option("--args-json", *args, "JSON array of arguments (../shared/spec/values.md)");
  cmd->add_flag("--json", *json, "print the result as one line of JSON");
  cmd->callback([=, &status] {
    auto fail = [&](const char* kind) {
      if (*json) std::cout << "{\"error\": \"" << kind << "\"}" << std::endl;
      status = 1;
    };
    Failure failure = Failure::None;
    bool archive = path->ends_with(".pt") || path->ends_with(".pth") || path->ends_with(".zip");
    auto program = loadProgram(*path, archive || !module->empty() ? *method : *call, *args, failure, *module, *weights, *eval);
    if (!program) return fail(failure == Failure::Compile ? "compile" : "runtime");
    auto result = callProgram(*program);
    keepUntilExit(std::move(*program));
    std::fflush(stdout);
    if (!result) return fail("runtime");
    if (*json) {
      std::string text;
      try {
        text = toJson(*result);
      } catch (const std::exception& e) {
        std::cerr << "error: " << *path << ": the result cannot be written as JSON: " << e.what() << std::endl;
        return fail("runtime");
      }
      std::cout << text << std::endl;
    }
    status = 0;
  });
}

}  // namespace wick::cli
