// `wick save MODEL.pt -o OUT.pt`: loads an archive and writes it again (the
// round trip), in torch's layout, so torch.jit.load reads the result.
#include <iostream>

#include "cli/commands.h"
#include "lang/error.h"
#include "serialize/archive.h"

namespace wick::cli {

void addSaveCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("save", "Write a TorchScript archive that torch.jit.load reads");
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("input", *path, "archive to re-save (.pt)")->required();
  cmd->add_option("-o,--output", *out, "archive to write (replaced atomically)")->required();
  cmd->callback([=, &status] {
    status = 1;
    if (!(path->ends_with(".pt") || path->ends_with(".pth") || path->ends_with(".zip"))) {
      std::cerr << *path << ": error: saving scripts (.py) is not supported yet; wick save re-saves .pt archives\n";
      return;
    }
    try {
      auto a = serialize::loadArchive(*path);
      serialize::saveArchive(*a, *out);
      status = 0;
    } catch (const lang::CompileError& e) {
      std::cerr << e.what();
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
    }
  });
}

}  // namespace wick::cli
