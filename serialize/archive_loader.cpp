// Loading an archive: zip records -> version check -> constants.pkl ->
// data.pkl, whose classes are compiled from code/ as the unpickler meets them.
#include <cstring>

#include "interpreter/runtime.h"
#include "ops/tensor/scalar_type.h"
#include "ops/tensor/tensor.h"
#include "serialize/archive.h"
#include "serialize/unpickler.h"

namespace wick::serialize {

namespace {

// Reads the records of one archive: every name is under one top folder, which
// the first entry of the central directory names (as torch reads it).
class Records {
 public:
  explicit Records(std::shared_ptr<const ZipReader> zip) : zip_(*zip), keep_(std::move(zip)) {
    const ZipReader& z = zip_;
    if (z.entries().empty()) fail("the zip archive has no records");
    const std::string& first = z.entries().front().name;
    size_t slash = first.find('/');
    if (slash == std::string::npos || slash == 0)
      fail("the first record '" + first + "' is not inside a folder (a TorchScript archive keeps every record under one)");
    prefix_ = first.substr(0, slash + 1);
  }

  const std::string& prefix() const { return prefix_; }
  bool has(const std::string& name) const { return zip_.has(prefix_ + name); }
  RecordBytes read(const std::string& name) const { return zip_.read(prefix_ + name); }
  // A stored record unread (Note [Unread records]): for tensor data.
  RecordBytes view(const std::string& name) const { return zip_.view(prefix_ + name); }
  std::string text(const std::string& name) const {
    RecordBytes b = read(name);
    return std::string(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size());
  }
  // Names (without the prefix) of the records under `folder`.
  std::vector<std::string> under(const std::string& folder) const {
    std::vector<std::string> out;
    std::string start = prefix_ + folder;
    for (const ZipEntry& e : zip_.entries())
      if (e.name.starts_with(start)) out.push_back(e.name.substr(prefix_.size()));
    return out;
  }
  [[noreturn]] void fail(const std::string& what) const { throw ArchiveError(zip_.path() + ": " + what); }

 private:
  const ZipReader& zip_;
  std::shared_ptr<const ZipReader> keep_;
  std::string prefix_;
};

// Parsed like torch's stoull: leading spaces, then digits.
int64_t readVersion(const Records& rec) {
  std::string name = rec.has(".data/version") ? ".data/version" : "version";
  if (!rec.has(name)) rec.fail("no version record ('" + rec.prefix() + "version' or '" + rec.prefix() + ".data/version')");
  std::string text = rec.text(name);
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
  int64_t v = 0;
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 12; ++i, ++digits) v = v * 10 + (text[i] - '0');
  if (digits == 0) rec.fail("record '" + rec.prefix() + name + "' does not hold a version number");
  if (v < kMinArchiveVersion || v > kMaxArchiveVersion)
    rec.fail("archive format version " + std::to_string(v) + " is not supported (wick reads versions " +
             std::to_string(kMinArchiveVersion) + " to " + std::to_string(kMaxArchiveVersion) + ")");
  return v;
}

// A storage record as tensor bytes: zero-copy when the record is stored and
// aligned (torch aligns every record to 64 bytes), else copied.
lang::Ref<ops::Storage> storageFrom(const Records& rec, const std::string& record, ops::ScalarType dtype, int64_t numel) {
  size_t itemsize = ops::elementSize(dtype);
  if (numel < 0 || (numel > 0 && static_cast<uint64_t>(numel) > UINT64_MAX / itemsize))
    rec.fail("storage '" + record + "' declares an impossible size (" + std::to_string(numel) + " elements)");
  size_t nbytes = static_cast<size_t>(numel) * itemsize;
  if (nbytes == 0) return ops::Storage::allocate(0);  // torch never reads the (empty) record
  RecordBytes b = rec.view(record);
  if (b.bytes.size() < nbytes)
    rec.fail("record '" + rec.prefix() + record + "' has " + std::to_string(b.bytes.size()) + " bytes but its storage needs " +
             std::to_string(nbytes) + " (" + std::to_string(numel) + " elements of " + std::to_string(itemsize) + " bytes)");
  auto addr = reinterpret_cast<uintptr_t>(b.bytes.data());
  if (b.isView() && addr % 64 == 0) {
    // The mapping is private and writable (copy on write): in-place ops on a
    // parameter change wick's copy, never the file.
    auto keep = b.keep_alive;
    return ops::Storage::borrow(const_cast<uint8_t*>(b.bytes.data()), nbytes, [keep](void*) {});
  }
  auto s = ops::Storage::allocate(nbytes);
  std::memcpy(s->data(), b.bytes.data(), nbytes);
  return s;
}

// code/__torch__/a/b.py holds namespace __torch__.a.b; code/__torch__.py holds __torch__.
std::string codeRecordOf(const std::string& ns) {
  std::string path = ns;
  for (char& c : path)
    if (c == '.') c = '/';
  return "code/" + path + ".py";
}

}  // namespace

std::string Archive::recordText(const std::string& name) const {
  RecordBytes b = zip->read(archive_name + "/" + name);
  return std::string(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size());
}

lang::Function* Archive::method(const std::string& name) const {
  if (!root.isObject()) return nullptr;
  return root.toObject()->type->findMethod(name);
}

static std::unique_ptr<Archive> load(std::shared_ptr<const ZipReader> zip_ptr, const std::string& display,
                                     const LoadOptions& options) {
  auto a = std::make_unique<Archive>();
  const ZipReader& zip = *zip_ptr;
  if (options.verify_tensor_data) zip.verifyAll();
  // Shared with the compiler, which reads code/ records lazily.
  auto rec_ptr = std::make_shared<Records>(zip_ptr);
  const Records& rec = *rec_ptr;
  a->path = display;
  a->zip = zip_ptr;
  a->archive_name = rec.prefix().substr(0, rec.prefix().size() - 1);
  a->version = readVersion(rec);
  for (const std::string& name : rec.under("extra/")) a->extra_files[name.substr(6)] = rec.text(name);
  for (const std::string& name : rec.under("code/"))
    if (name.size() > 3 && name.ends_with(".py")) a->code_files.push_back(name);

  auto storages = [&rec](const std::string& folder) {
    return [&rec, folder](const std::string& key, ops::ScalarType dtype, int64_t numel, const std::string& location) {
      if (location != "cpu" && location.rfind("cpu:", 0) != 0)
        rec.fail("storage '" + key + "' is on device '" + location + "'; wick loads CPU storages only");
      return storageFrom(rec, folder + key, dtype, numel);
    };
  };

  UnpickleHooks const_hooks;
  const_hooks.resolve_class = [&rec](const std::string& q) -> lang::TypePtr {
    rec.fail("constants.pkl refers to class '" + q + "'; only tensors, strings and plain values are supported there");
  };
  const_hooks.parse_type = [&rec](const std::string& t) -> lang::TypePtr {
    rec.fail("constants.pkl has a typed container (" + t + "); only tensors, strings and plain values are supported there");
  };
  const_hooks.load_storage = storages("constants/");
  {
    RecordBytes b = rec.read("constants.pkl");
    lang::IValue table = unpickle(b.bytes, const_hooks, zip.path() + ": " + rec.prefix() + "constants.pkl");
    if (!table.isTuple()) rec.fail("constants.pkl does not hold a tuple");
    a->constants = table.toTuple()->items;
  }

  frontend::CompileOptions compile;
  compile.constants = a->constants;
  compile.archive_version = a->version;
  std::string zip_path = zip.path();
  compile.load_namespace = [rec_ptr, zip_path](const std::string& ns) -> std::shared_ptr<const lang::Source> {
    std::string record = codeRecordOf(ns);
    if (!rec_ptr->has(record)) return nullptr;
    return std::make_shared<const lang::Source>(zip_path + ":" + rec_ptr->prefix() + record, rec_ptr->text(record));
  };
  a->code = frontend::compileArchiveCode(compile);

  UnpickleHooks hooks;
  frontend::CompiledModule& code = *a->code;
  hooks.resolve_class = [&code, &rec](const std::string& q) -> lang::TypePtr {
    if (lang::TypePtr t = code.findType(q)) return t;
    rec.fail("data.pkl refers to class '" + q + "', which no code/ record defines");
  };
  hooks.parse_type = [&code](const std::string& t) { return code.parseType(t); };
  hooks.load_storage = storages("data/");
  hooks.set_state = [](const lang::IValue& object, const lang::IValue& state) {
    lang::Function* setstate = object.toObject()->type->findMethod("__setstate__");
    if (!setstate) return false;
    interp::run(*setstate, {object, state});
    return true;
  };
  {
    RecordBytes b = rec.read("data.pkl");
    a->root = unpickle(b.bytes, hooks, zip.path() + ": " + rec.prefix() + "data.pkl");
  }
  if (!a->root.isObject()) rec.fail("data.pkl does not hold a module object");
  // Methods reached only through interfaces are found at run time: compile all.
  a->code->compileAll();
  return a;
}

std::unique_ptr<Archive> loadArchive(const std::string& path, const LoadOptions& options) {
  return load(std::make_shared<const ZipReader>(path), path, options);
}

std::unique_ptr<Archive> loadArchive(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& name,
                                     const LoadOptions& options) {
  return load(std::make_shared<const ZipReader>(ZipReader::fromBuffer(std::move(bytes), name)), name, options);
}

namespace {
void collectTensors(const lang::IValue& m, const std::string& prefix, std::vector<std::pair<std::string, lang::IValue>>& out) {
  const lang::Object& o = *m.toObject();
  const auto& attrs = o.type->attributes();
  for (size_t i = 0; i < attrs.size() && i < o.slots.size(); ++i) {
    const lang::IValue& v = o.slots[i];
    if ((attrs[i].is_parameter || attrs[i].is_buffer) && v.isTensor()) out.push_back({prefix + attrs[i].name, v});
    else if (v.isObject() && v.toObject()->type->isModule()) collectTensors(v, prefix + attrs[i].name + ".", out);
  }
}
}  // namespace

std::vector<std::pair<std::string, lang::IValue>> namedTensors(const lang::IValue& module) {
  std::vector<std::pair<std::string, lang::IValue>> out;
  if (module.isObject()) collectTensors(module, "", out);
  return out;
}

std::vector<std::pair<std::string, lang::IValue>> loadWeights(const std::string& path) {
  auto zip = std::make_shared<const ZipReader>(path);
  Records rec(zip);
  if (rec.has("code/__torch__.py") || rec.has("constants.pkl")) return namedTensors(loadArchive(path)->root);
  // torch.save(module.state_dict(), path): data.pkl holds an OrderedDict of tensors.
  UnpickleHooks hooks;
  hooks.resolve_class = [&rec](const std::string& q) -> lang::TypePtr {
    rec.fail("data.pkl refers to class '" + q + "'; a weights file holds a state_dict (names and tensors)");
  };
  hooks.parse_type = [&rec](const std::string& t) -> lang::TypePtr { rec.fail("data.pkl has a typed container (" + t + ")"); };
  hooks.load_storage = [&rec](const std::string& key, ops::ScalarType dtype, int64_t numel, const std::string& location) {
    if (location != "cpu" && location.rfind("cpu:", 0) != 0)
      rec.fail("storage '" + key + "' is on device '" + location + "'; wick loads CPU storages only");
    return storageFrom(rec, "data/" + key, dtype, numel);
  };
  RecordBytes b = rec.read("data.pkl");
  lang::IValue d = unpickle(b.bytes, hooks, zip->path() + ": " + rec.prefix() + "data.pkl");
  if (!d.isDict()) rec.fail("data.pkl does not hold a state_dict (a dict of names and tensors)");
  std::vector<std::pair<std::string, lang::IValue>> out;
  d.toDict()->forEach([&](const lang::IValue& k, const lang::IValue& v) {
    if (!k.isStr() || !v.isTensor()) rec.fail("the state_dict in data.pkl holds something other than names and tensors");
    out.push_back({k.toStr(), v});
  });
  return out;
}

}  // namespace wick::serialize
