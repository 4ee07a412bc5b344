#pragma once
// Writes a zip archive the way torch.jit.save does (spec §1.4-1.6), so that
// archives are byte-for-byte what torch writes for the same stored records:
// every record's data starts at a multiple of 64 bytes (the 'FB' padding
// extra field) so storages can be mmapped, sizes and CRCs follow the data in
// data descriptors, times are zero, and the archive always ends with the
// zip64 end records.
//
//   ZipWriter zip("net.pt");                 // writes net.pt.tmp<pid>-<n> next to it
//   zip.add("net/data.pkl", pkl, false);
//   zip.add("net/code/__torch__.py", code, code.size() > 200);
//   zip.finish();                            // renames it to net.pt
//
// A writer destroyed without finish() (an exception while saving) removes
// its temporary file: an existing net.pt is never damaged by a failed save.
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "serialize/zip_reader.h"  // ArchiveError

namespace wick::serialize {

class ZipWriter {
 public:
  // Writes to `path`, atomically (see above).
  explicit ZipWriter(std::string path);
  // Writes into memory; buffer() has the archive after finish().
  ZipWriter();
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Appends a record. `name` is the full name in the archive ("net/data/0").
  // `compress` deflates it (torch deflates code/ and debug records over 200
  // bytes, spec §1.3); empty records are always stored. Throws ArchiveError
  // for a repeated name or a failed write.
  void add(const std::string& name, std::span<const uint8_t> bytes, bool compress);
  // Writes the central directory and end records; file mode renames the
  // temporary file over the target.
  void finish();

  const std::vector<uint8_t>& buffer() const { return memory_; }
  // Where records are being written ("net.pt", or "<memory>").
  const std::string& path() const { return path_; }

  // 0xFFFFFFFF: at or above it a size or offset needs zip64 fields (spec §1.6).
  static constexpr uint64_t kZip64Limit = 0xFFFFFFFFu;

 private:
  struct Record {
    std::string name;
    uint16_t method;
    uint16_t flags;
    uint32_t crc32;
    uint64_t compressed_size;
    uint64_t size;
    uint64_t offset;
  };
  void write(const void* data, size_t n);
  void write(const std::vector<uint8_t>& bytes) { write(bytes.data(), bytes.size()); }
  void writeCentralDirectory();
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  std::string temp_path_;  // file mode: where bytes go until finish()
  int fd_ = -1;
  std::vector<uint8_t> memory_;
  uint64_t offset_ = 0;  // bytes written so far
  std::vector<Record> records_;
  std::unordered_set<std::string> names_;
  bool finished_ = false;
  bool failed_ = false;  // a write failed: the output is incomplete
};

}  // namespace wick::serialize
