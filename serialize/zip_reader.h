#pragma once
// Reads a zip archive as torch.jit.save writes it (spec §1): the file is
// mmapped, stored entries are handed out as views into the mapping, deflated
// entries are inflated on demand. Memory is bounded by the file size.
//
//   wick::serialize::ZipReader zip("net.pt");
//   for (auto& e : zip.entries()) { auto bytes = zip.read(e.name); }
//
// An archive already in memory (a download, ZipWriter's in-memory mode) is
// read the same way through ZipReader::fromBuffer, with views into the buffer.
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace wick::serialize {

// Every error reading (or writing) an archive; the message names the file
// and the entry.
class ArchiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ZipEntry {
  std::string name;
  uint16_t method = 0;           // 0 stored, 8 deflated
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t local_header_offset = 0;
};

// The read-only mapping of the whole file; shared so that zero-copy views
// (tensor storages) can keep it alive after the reader is gone.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Bytes of one record: a view into the mapping (stored) or an owned buffer
// (inflated). `keep_alive` owns whichever backs `bytes`.
struct RecordBytes {
  std::span<const uint8_t> bytes;
  std::shared_ptr<const void> keep_alive;
  bool isView() const { return owned_ == nullptr; }
  std::shared_ptr<std::vector<uint8_t>> owned_;
};

class ZipReader {
 public:
  explicit ZipReader(const std::string& path);
  // Reads the archive in `bytes`; `name` stands for the file in messages.
  // Stored records are views into the buffer, which they keep alive. (Their
  // addresses are 64-byte aligned only if the buffer's start is.)
  static ZipReader fromBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, std::string name);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;
  bool has(const std::string& name) const { return find(name) != nullptr; }
  // Throws ArchiveError for a missing entry, bad CRC, or broken data.
  RecordBytes read(const std::string& name) const;
  // Note [Unread records]: like read, but a stored record comes back as a
  // view of the mapping without computing its CRC, since that would read
  // every byte of it now (45 MB for a resnet18, more than the rest of a
  // load). For tensor data, which torch.jit.load never checks either;
  // verify() or verifyAll() check such records when asked.
  RecordBytes view(const std::string& name) const;
  // Throws ArchiveError naming the first entry whose data is broken or
  // whose CRC does not match.
  void verify(const std::string& name) const { read(name); }
  void verifyAll() const;
  // The file's path, or the name given to fromBuffer.
  const std::string& path() const { return name_; }

 private:
  ZipReader(std::span<const uint8_t> data, std::shared_ptr<const void> owner, std::string name);
  void readCentralDirectory();
  // The entry of that name; an ArchiveError when there is none.
  const ZipEntry& entryNamed(const std::string& name) const;
  RecordBytes read(const ZipEntry& e) const;
  RecordBytes view(const ZipEntry& e) const;
  [[noreturn]] void fail(const std::string& what) const;
  std::span<const uint8_t> dataOf(const ZipEntry& e) const;

  std::span<const uint8_t> data_;       // the whole archive
  std::shared_ptr<const void> owner_;   // keeps data_ alive: a MappedFile or a vector
  std::string name_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> index_;  // name -> position in entries_
};

uint32_t crc32Of(std::span<const uint8_t> bytes);

// Names a reader must refuse: empty, absolute, with '\\' or a ".." component
// (they could escape a folder when extracted). The writer refuses them too.
bool isUnsafeZipName(const std::string& name);

}  // namespace wick::serialize
