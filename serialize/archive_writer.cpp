// Saving an archive in torch's layout (spec §1.1, §10 writer checklist):
// extra/ records, data/N storages, data.pkl, code/, constants/N,
// constants.pkl, then the version record; written by ZipWriter, which writes
// a temporary file and renames it into place.
#include "serialize/archive_writer.h"

#include <filesystem>

#include "ops/tensor/tensor.h"
#include "serialize/archive.h"
#include "serialize/format_version.h"
#include "serialize/pickler.h"
#include "serialize/zip_writer.h"

namespace wick::serialize {

namespace {

std::span<const uint8_t> bytesOf(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

// Pickles `value`, writing each distinct storage it reaches as `folder/N`.
std::vector<uint8_t> pickleWithStorages(const lang::IValue& value, const std::string& prefix, const std::string& folder,
                                        ZipWriter& zip) {
  size_t next = 0;
  PickleHooks hooks;
  hooks.storage_key = [&](const ops::Tensor& t) {
    std::string key = std::to_string(next++);
    const ops::Storage& s = *t.storage();
    zip.add(prefix + folder + key, {static_cast<const uint8_t*>(s.data()), s.nbytes()}, false);
    return key;
  };
  return pickle(value, hooks);
}

// torch deflates code only past this size (kMinToCompress in export_module.cpp).
constexpr size_t kMinCodeSizeToCompress = 200;

}  // namespace

// The archive name torch uses: the file name without its last extension.
std::string archiveNameFor(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  return stem.empty() ? "archive" : stem;
}

void writeArchive(const ArchiveRecords& r, const std::string& path) {
  std::string prefix = archiveNameFor(path) + "/";
  ZipWriter zip(path);
  for (const auto& [name, bytes] : r.extra_files) zip.add(prefix + "extra/" + name, bytesOf(bytes), false);
  std::vector<uint8_t> data = pickleWithStorages(r.root, prefix, "data/", zip);
  zip.add(prefix + "data.pkl", data, false);
  for (const auto& [name, text] : r.code) zip.add(prefix + name, bytesOf(text), text.size() > kMinCodeSizeToCompress);
  std::vector<uint8_t> constants =
      pickleWithStorages(lang::IValue(lang::Ref<lang::TupleObj>::make(r.constants)), prefix, "constants/", zip);
  zip.add(prefix + "constants.pkl", constants, false);
  std::string version = std::to_string(r.version) + "\n";
  zip.add(prefix + std::string(FormatVersion::recordName(r.version)), bytesOf(version), false);
  zip.finish();
}

void saveArchive(const Archive& a, const std::string& path) {
  ArchiveRecords r;
  r.root = a.root;
  // The classes are the ones the archive was loaded with, so their source is
  // the archive's own code/ text (printing the graphs is for saveCompiled).
  for (const std::string& f : a.code_files) r.code.emplace_back(f, a.recordText(f));
  r.constants = a.constants;
  r.version = a.version;
  r.extra_files = a.extra_files;
  writeArchive(r, path);
}

}  // namespace wick::serialize
