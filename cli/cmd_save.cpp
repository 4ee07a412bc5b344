// `wick save MODEL.pt -o OUT.pt`: loads an archive and writes it again (the
// round trip), in torch's layout, so torch.jit.load reads the result.
// `wick save FILE.py --call NAME -o OUT.pt`: compiles a script and saves its
// function NAME as torch.jit.save(torch.jit.script(NAME)) would.
// `wick save FILE.py --module CLASS -o OUT.pt`: builds CLASS() and saves the
// module as torch.jit.save(torch.jit.script(CLASS())) would.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/program.h"
#include "lang/error.h"
#include "ops/builtins/modules.h"
#include "serialize/archive.h"

namespace wick::cli {

namespace {

bool isArchivePath(const std::string& p) { return p.ends_with(".pt") || p.ends_with(".pth") || p.ends_with(".zip"); }

std::shared_ptr<const lang::Source> readSource(const std::string& path) {
  try {
    return lang::Source::fromFile(path);
  } catch (const std::exception&) {
    std::cerr << path << ": error: cannot read the file\n";
    return nullptr;
  }
}

// Compiles `path` and saves its function `name`; returns the exit status.
int saveScriptFunction(const std::string& path, const std::string& name, const std::map<std::string, std::string>& extra,
                       const std::string& out) {
  auto src = readSource(path);
  if (!src) return 1;
  auto module = frontend::compileSource(src, scriptOptions());
  lang::Function* fn = module->function(name);
  if (!fn) {
    std::cerr << path << ": error: no function named '" << name << "'\n";
    return 1;
  }
  lang::IValue root = serialize::functionAsModule(module->unit(), *fn);
  serialize::saveCompiled(root, extra, out);
  return 0;
}

// Builds the script's module class `cls` (its __init__ with no arguments) and saves it.
int saveScriptModule(const std::string& path, const std::string& cls, const std::string& weights, bool eval,
                     const std::map<std::string, std::string>& extra, const std::string& out) {
  auto src = readSource(path);
  if (!src) return 1;
  frontend::CompileOptions options = scriptOptions();
  if (!weights.empty()) options.weights = serialize::loadWeights(weights);
  auto module = frontend::compileSource(src, options);
  lang::IValue root = module->constructModule(cls, {});
  if (eval) ops::setTraining(*root.toObject(), false);
  serialize::saveCompiled(root, extra, out);
  return 0;
}

// --extra NAME=FILE: the archive's extra/NAME record holds FILE's bytes.
bool readExtras(const std::vector<std::string>& specs, std::map<std::string, std::string>& out) {
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: --extra takes NAME=FILE, found '" << spec << "'\n";
      return false;
    }
    std::ifstream in(spec.substr(eq + 1), std::ios::binary);
    if (!in) {
      std::cerr << spec.substr(eq + 1) << ": error: cannot read the extra file\n";
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    out[spec.substr(0, eq)] = ss.str();
  }
  return true;
}

}  // namespace

void addSaveCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("save", "Write a TorchScript archive that torch.jit.load reads");
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto call = std::make_shared<std::string>();
  auto module = std::make_shared<std::string>();
  auto weights = std::make_shared<std::string>();
  auto eval = std::make_shared<bool>(false);
  auto extras = std::make_shared<std::vector<std::string>>();
  cmd->add_option("input", *path, "archive to re-save (.pt), or script (.py) to save a function or module of")->required();
  cmd->add_option("-o,--output", *out, "archive to write (replaced atomically)")->required();
  cmd->add_option("--call", *call, "the script's function to save (as torch.jit.save(torch.jit.script(f)))");
  cmd->add_option("--module", *module, "the script's torch.nn.Module subclass to build (no arguments) and save");
  cmd->add_option("--weights", *weights, "with --module: load these tensors (a torch.save'd state_dict or an archive) first");
  cmd->add_flag("--eval", *eval, "with --module: save it in evaluation mode (module.eval())");
  cmd->add_option("--extra", *extras, "NAME=FILE: store FILE as the archive's extra file NAME (repeatable)");
  cmd->callback([=, &status] {
    status = 1;
    bool archive = isArchivePath(*path);
    if (archive && !call->empty()) {
      std::cerr << *path << ": error: --call saves a function of a script (.py); an archive is re-saved whole\n";
      return;
    }
    if (archive && !module->empty()) {
      std::cerr << *path << ": error: --module builds a class of a script (.py); an archive is re-saved whole\n";
      return;
    }
    if (!archive && call->empty() == module->empty()) {
      std::cerr << *path << ": error: say what to save: --call FUNCTION or --module CLASS\n";
      return;
    }
    std::map<std::string, std::string> extra;
    if (!readExtras(*extras, extra)) return;
    try {
      if (archive) {
        auto a = serialize::loadArchive(*path);
        serialize::saveArchive(*a, *out);
        status = 0;
      } else if (!module->empty()) {
        status = saveScriptModule(*path, *module, *weights, *eval, extra, *out);
      } else {
        status = saveScriptFunction(*path, *call, extra, *out);
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
