// `wick save MODEL.pt -o OUT.pt`: loads an archive and writes it again (the
// round trip), in torch's layout, so torch.jit.load reads the result.
// `wick save FILE.py --call NAME -o OUT.pt`: compiles a script and saves its
// function NAME as torch.jit.save(torch.jit.script(NAME)) would.
#include <iostream>

#include "cli/commands.h"
#include "lang/error.h"
#include "serialize/archive.h"

namespace wick::cli {

namespace {

bool isArchivePath(const std::string& p) { return p.ends_with(".pt") || p.ends_with(".pth") || p.ends_with(".zip"); }

// Compiles `path` and saves its function `name`; returns the exit status.
int saveScriptFunction(const std::string& path, const std::string& name, const std::string& out) {
  std::shared_ptr<const lang::Source> src;
  try {
    src = lang::Source::fromFile(path);
  } catch (const std::exception&) {
    std::cerr << path << ": error: cannot read the file\n";
    return 1;
  }
  auto module = frontend::compileSource(src);
  lang::Function* fn = module->function(name);
  if (!fn) {
    std::cerr << path << ": error: no function named '" << name << "'\n";
    return 1;
  }
  lang::IValue root = serialize::functionAsModule(module->unit(), *fn);
  serialize::saveCompiled(root, {}, out);
  return 0;
}

}  // namespace

void addSaveCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("save", "Write a TorchScript archive that torch.jit.load reads");
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto call = std::make_shared<std::string>();
  cmd->add_option("input", *path, "archive to re-save (.pt), or script (.py) to save a function of")->required();
  cmd->add_option("-o,--output", *out, "archive to write (replaced atomically)")->required();
  cmd->add_option("--call", *call, "the script's function to save (as torch.jit.save(torch.jit.script(f)))");
  cmd->callback([=, &status] {
    status = 1;
    bool archive = isArchivePath(*path);
    if (archive && !call->empty()) {
      std::cerr << *path << ": error: --call saves a function of a script (.py); an archive is re-saved whole\n";
      return;
    }
    if (!archive && call->empty()) {
      std::cerr << *path << ": error: say which function to save with --call NAME\n";
      return;
    }
    try {
      if (archive) {
        auto a = serialize::loadArchive(*path);
        serialize::saveArchive(*a, *out);
        status = 0;
      } else {
        status = saveScriptFunction(*path, *call, *out);
      }
    } catch (const lang::CompileError& e) {
      std::cerr << e.what();
    } catch (const lang::Error& e) {
      std::cerr << *path << ": error: " << e.message() << "\n";
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
    }
  });
}

}  // namespace wick::cli
