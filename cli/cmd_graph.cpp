// `wick graph FILE.py --fn NAME [--optimized]`: the SSA graph, torch.jit style.
#include <iostream>

#include "cli/commands.h"
#include "cli/program.h"
#include "frontend/compiler.h"
#include "interpreter/code.h"
#include "lang/error.h"

namespace wick::cli {

void addGraphCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("graph", "Print the SSA graph a function compiles to");
  auto path = std::make_shared<std::string>();
  auto fn_name = std::make_shared<std::string>();
  auto optimized = std::make_shared<bool>(false);
  auto bytecode = std::make_shared<bool>(false);
  cmd->add_option("file", *path, "TorchScript source (.py)")->required();
  cmd->add_option("--fn", *fn_name, "function to show")->required();
  cmd->add_flag("--optimized", *optimized, "show the graph after the optimization passes");
  cmd->add_flag("--bytecode", *bytecode, "show the register bytecode the interpreter runs");
  cmd->callback([=, &status] {
    try {
      auto module = frontend::compileSource(lang::Source::fromFile(*path), scriptOptions());
      lang::Function* fn = module->function(*fn_name);
      if (!fn) {
        std::cerr << *path << ": error: no function named '" << *fn_name << "'\n";
        status = 1;
        return;
      }
      if (*bytecode) std::cout << interp::codeFor(*fn).disassemble();
      else if (*optimized) lang::printGraph(std::cout, *interp::optimizedGraph(*fn), /*with_source=*/true);
      else lang::printGraph(std::cout, fn->graph(), /*with_source=*/true);
      status = 0;
    } catch (const lang::CompileError& e) {
      std::cerr << e.what();
      status = 1;
    } catch (const std::exception& e) {
      std::cerr << *path << ": error: " << e.what() << "\n";
      status = 1;
    }
  });
}

}  // namespace wick::cli
