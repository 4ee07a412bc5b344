#pragma once
// A TorchScript archive (`.pt` from torch.jit.save) loaded into wick: the
// module object of data.pkl, its classes compiled from code/, the constant
// table, the extra files (spec: ../shared/spec/archive-format.md).
//
//   auto a = wick::serialize::loadArchive("net.pt");
//   lang::Function* fwd = a->method("forward");
//   lang::IValue y = wick::interp::run(*fwd, {a->root, x});
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "frontend/compiler.h"
#include "lang/ivalue.h"
#include "serialize/zip_reader.h"

namespace wick::serialize {

// The format versions wick reads (the `version` record), as torch 1.13 and 2.x.
constexpr int64_t kMinArchiveVersion = 1;
constexpr int64_t kMaxArchiveVersion = 10;

struct Archive {
  std::string path;          // the file, or a name given for a buffer
  std::string archive_name;  // the records' top folder
  int64_t version = 0;
  std::unique_ptr<frontend::CompiledModule> code;
  lang::IValue root;                               // the module object
  std::vector<lang::IValue> constants;             // CONSTANTS.c0, c1, ...
  std::map<std::string, std::string> extra_files;  // `extra/NAME` records
  std::vector<std::string> code_files;             // code/*.py records, as named in the archive
  std::shared_ptr<const ZipReader> zip;            // the records (tensors may point into its mapping)

  // The text of record `name` (e.g. one of code_files).
  std::string recordText(const std::string& name) const;

  // The root module's method `name` (compiled), or nullptr.
  lang::Function* method(const std::string& name) const;
};

struct LoadOptions {
  // Check the CRC-32 of every record, tensor data included, before loading.
  // Otherwise (the default, as torch.jit.load) tensor data records are
  // mapped unread (Note [Unread records] in zip_reader.h); code, pickles and
  // every other record are always checked.
  bool verify_tensor_data = false;
};

// Loads and compiles everything; throws ArchiveError (naming the archive and
// the record) or lang::CompileError (naming the code file and line).
std::unique_ptr<Archive> loadArchive(const std::string& path, const LoadOptions& options = {});
std::unique_ptr<Archive> loadArchive(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& name,
                                     const LoadOptions& options = {});

// Named tensors to load into a module built by a script (`wick run --weights`):
// a state_dict saved with torch.save (a dict of name -> tensor), or a
// TorchScript archive's parameters and buffers, named as state_dict names
// them ("features.0.weight"). Throws ArchiveError.
std::vector<std::pair<std::string, lang::IValue>> loadWeights(const std::string& path);
// The parameters and buffers of a module object, by state_dict name.
std::vector<std::pair<std::string, lang::IValue>> namedTensors(const lang::IValue& module);

// Writes `a` (its module object as it is now, tensors included) to `path` in
// torch's layout, atomically: a failed save leaves an existing file intact.
void saveArchive(const Archive& a, const std::string& path);
// The records' top folder torch uses for a file: its name without the last extension.
std::string archiveNameFor(const std::string& path);

// Writes `root` (an object of a compiled class) and the code of its class and
// of everything that code reaches, printed back to TorchScript, to `path`
// in torch's layout, atomically. What is printed is found from the root's
// class alone, so this serves a module instance (`wick save --module`) as
// well as a saved function (below); the CompilationUnit that owns the code
// must outlive the call. The `version` record is computed from the
// operators the code calls. Throws lang::CompileError when the code uses a
// wick extension torch cannot load (lang/extensions.h), lang::Error when
// something cannot be printed, ArchiveError/std::runtime_error on I/O.
void saveCompiled(const lang::IValue& root, const std::map<std::string, std::string>& extra_files,
                  const std::string& path);

// What torch.jit.save writes for a scripted function: an object of a new
// module class `__torch__.PlaceholderModule` (attribute `training`) whose
// `forward` is the function. The class and method are added to `cu`.
lang::IValue functionAsModule(lang::CompilationUnit& cu, const lang::Function& fn);

}  // namespace wick::serialize
