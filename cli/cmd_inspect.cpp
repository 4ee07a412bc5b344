// `wick inspect MODEL.pt [--code]`: what an archive holds, without running it:
// format version, classes and their methods' signatures, parameters and
// buffers (shape, dtype, bytes) with totals, extra files, and the code.
#include <iomanip>
#include <sstream>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "lang/error.h"
#include "lang/function.h"
#include "ops/tensor/tensor.h"
#include "serialize/archive.h"

namespace wick::cli {

namespace {

std::string signature(const lang::Function& f) {
  std::string out = f.name() + "(";
  const auto& args = f.schema().arguments;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    out += args[i].name;
    if (i > 0 || args[i].name != "self") out += ": " + args[i].type->str();
  }
  out += ")";
  if (!f.schema().returns.empty()) out += " -> " + f.schema().returns[0].type->str();
  return out;
}

std::string humanBytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 3) v /= 1024, ++u;
  std::ostringstream os;
  os << std::setprecision(u ? 3 : 0) << std::fixed << v << " " << units[u];
  return os.str();
}

struct Totals {
  uint64_t params = 0, param_bytes = 0, buffers = 0, buffer_bytes = 0;
};

// Walks the module tree, printing every parameter and buffer under its dotted name.
void walk(const lang::IValue& v, const std::string& prefix, Totals& totals, std::set<const void*>& seen) {
  if (!v.isObject() || !seen.insert(v.heapPtr()).second) return;
  const lang::Object& obj = *v.toObject();
  const auto& attrs = obj.type->attributes();
  for (size_t i = 0; i < attrs.size() && i < obj.slots.size(); ++i) {
    const auto& a = attrs[i];
    const lang::IValue& slot = obj.slots[i];
    std::string name = prefix + a.name;
    if (slot.isTensor() && (a.is_parameter || a.is_buffer)) {
      ops::Tensor t = ops::Tensor::fromIValue(slot);
      uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.elementSize();
      std::cout << "  " << std::left << std::setw(40) << name << " " << (a.is_parameter ? "param " : "buffer") << " "
                << std::setw(9) << ops::dtypeName(t.dtype()) << " " << std::setw(18) << ops::shapeStr(t.sizes()) << " "
                << humanBytes(bytes) << "\n";
      (a.is_parameter ? totals.params : totals.buffers) += t.numel();
      (a.is_parameter ? totals.param_bytes : totals.buffer_bytes) += bytes;
    } else if (slot.isObject()) {
      walk(slot, name + ".", totals, seen);
    }
  }
}

}  // namespace

void addInspectCommand(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("inspect", "Show what a TorchScript archive (.pt) holds");
  auto path = std::make_shared<std::string>();
  auto code = std::make_shared<bool>(false);
  cmd->add_option("archive", *path, "archive written by torch.jit.save or wick save")->required();
  cmd->add_flag("--code", *code, "also print the archive's code/ files");
  cmd->callback([=, &status] {
    std::unique_ptr<serialize::Archive> a;
    try {
      // An inspection reads everything: every record's CRC-32 is checked.
      a = serialize::loadArchive(*path, {.verify_tensor_data = true});
    } catch (const lang::CompileError& e) {
      std::cerr << e.what();
      status = 1;
      return;
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      status = 1;
      return;
    }
    std::cout << *path << ": TorchScript archive '" << a->archive_name << "', format version " << a->version << "\n";
    std::cout << "records: " << a->zip->entries().size() << ", every CRC-32 checked\n";
    std::cout << "root module: " << a->root.toObject()->type->str() << "\n\nclasses:\n";
    for (const lang::TypePtr& t : a->code->unit().types()) {
      std::cout << "  " << t->str() << "\n";
      if (t->kind() != lang::TypeKind::Class) continue;
      for (const lang::Function* m : static_cast<const lang::ClassType&>(*t).methods())
        std::cout << "    def " << signature(*m) << "\n";
    }
    std::cout << "\nparameters and buffers:\n";
    Totals totals;
    std::set<const void*> seen;
    walk(a->root, "", totals, seen);
    std::cout << "  total: " << totals.params << " parameter values (" << humanBytes(totals.param_bytes) << "), "
              << totals.buffers << " buffer values (" << humanBytes(totals.buffer_bytes) << ")\n";
    std::cout << "\nconstants: " << a->constants.size() << "\n";
    std::cout << "extra files:" << (a->extra_files.empty() ? " none" : "") << "\n";
    for (const auto& [name, bytes] : a->extra_files) std::cout << "  " << name << " (" << humanBytes(bytes.size()) << ")\n";
    if (*code) {
      for (const std::string& f : a->code_files) std::cout << "\n# " << f << "\n" << a->recordText(f);
    }
    status = 0;
  });
}

}  // namespace wick::cli
