#include "serialize/zip_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace wick::serialize {
namespace {

constexpr uint32_t kEocdSignature = 0x06054b50;
constexpr uint32_t kZip64EocdSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;

// Little-endian reads with bounds checks against the whole mapping.
struct Cursor {
  std::span<const uint8_t> data;
  const ZipReader* reader;
  bool fits(uint64_t offset, uint64_t n) const {
    return offset <= data.size() && n <= data.size() - offset;
  }
  uint64_t le(uint64_t offset, int n) const {
    uint64_t v = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, data.data() + offset, n);  // one load: the central directory is read field by field
      return v;
    }
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | data[offset + i];
    return v;
  }
};

}  // namespace

bool isUnsafeZipName(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos) return true;
  if (name.find("..") == std::string::npos) return false;  // most names: no component can be ".."
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return true;
    start = end + 1;
  }
  return false;
}

// libdeflate's (folded with carry-less multiplies where the CPU has them).
// Loads check the records they read, never the tensor records (Note
// [Unread records]); `wick inspect` and saves read whole models' bytes.
uint32_t crc32Of(std::span<const uint8_t> bytes) { return libdeflate_crc32(0, bytes.data(), bytes.size()); }

MappedFile::MappedFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw ArchiveError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw ArchiveError(path + ": cannot stat");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    // Private and writable: tensors borrow stored records in place, and an
    // in-place op on one writes a copy-on-write page, never the file.
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw ArchiveError(path + ": cannot mmap");
    }
    data_ = static_cast<const uint8_t*>(p);
    // A hint: where the page cache holds the file in 2 MiB folios, tensor
    // data is mapped a huge page at a time (fewer faults, and a cheaper exit).
    ::madvise(p, size_, MADV_HUGEPAGE);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

ZipReader::ZipReader(std::span<const uint8_t> data, std::shared_ptr<const void> owner, std::string name)
    : data_(data), owner_(std::move(owner)), name_(std::move(name)) {
  readCentralDirectory();
}

ZipReader::ZipReader(const std::string& path) {
  auto file = std::make_shared<MappedFile>(path);
  data_ = file->bytes();
  owner_ = file;
  name_ = path;
  readCentralDirectory();
}

ZipReader ZipReader::fromBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, std::string name) {
  std::span<const uint8_t> data(bytes->data(), bytes->size());
  return ZipReader(data, std::move(bytes), std::move(name));
}

void ZipReader::fail(const std::string& what) const {
  throw ArchiveError(path() + ": " + what);
}

void ZipReader::readCentralDirectory() {
  Cursor c{data_, this};
  size_t n = c.data.size();
  if (n < 22) fail("not a zip archive (file is " + std::to_string(n) + " bytes)");
  // The EOCD sits in the last 22 + 65535 (max comment) bytes.
  int64_t eocd = -1;
  for (int64_t i = int64_t(n) - 22; i >= 0 && i >= int64_t(n) - 22 - 65535; --i)
    if (c.le(i, 4) == kEocdSignature) { eocd = i; break; }
  if (eocd < 0) fail("not a zip archive (no end of central directory record)");
  uint64_t count = c.le(eocd + 10, 2);
  uint64_t cd_size = c.le(eocd + 12, 4);
  uint64_t cd_offset = c.le(eocd + 16, 4);
  if (eocd >= 20 && c.le(eocd - 20, 4) == kZip64LocatorSignature) {
    uint64_t z = c.le(eocd - 20 + 8, 8);
    if (!c.fits(z, 56) || c.le(z, 4) != kZip64EocdSignature) fail("bad zip64 end of central directory");
    count = c.le(z + 32, 8);
    cd_size = c.le(z + 40, 8);
    cd_offset = c.le(z + 48, 8);
  }
  if (!c.fits(cd_offset, cd_size)) fail("central directory lies outside the file");
  // Each entry needs at least 46 bytes: bounds an absurd declared count.
  if (count > cd_size / 46) fail("central directory declares " + std::to_string(count) + " entries, more than fit");
  uint64_t at = cd_offset;
  entries_.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (!c.fits(at, 46) || c.le(at, 4) != kCentralSignature) fail("broken central directory entry " + std::to_string(i));
    ZipEntry e;
    e.method = uint16_t(c.le(at + 10, 2));
    e.crc32 = uint32_t(c.le(at + 16, 4));
    e.compressed_size = c.le(at + 20, 4);
    e.size = c.le(at + 24, 4);
    uint64_t name_len = c.le(at + 28, 2), extra_len = c.le(at + 30, 2), comment_len = c.le(at + 32, 2);
    e.local_header_offset = c.le(at + 42, 4);
    if (!c.fits(at + 46, name_len + extra_len + comment_len)) fail("central directory entry " + std::to_string(i) + " is truncated");
    e.name.assign(reinterpret_cast<const char*>(&c.data[at + 46]), name_len);
    // zip64 extra: only the fields that are 0xFFFFFFFF in the header follow, in order.
    uint64_t x = at + 46 + name_len, x_end = x + extra_len;
    while (x + 4 <= x_end) {
      uint64_t id = c.le(x, 2), len = c.le(x + 2, 2);
      if (x + 4 + len > x_end) fail("entry '" + e.name + "': broken extra field");
      if (id == 1) {
        uint64_t f = x + 4, f_end = f + len;
        auto next = [&](uint64_t& field) {
          if (field != 0xFFFFFFFFu) return;
          if (f + 8 > f_end) fail("entry '" + e.name + "': short zip64 extra field");
          field = c.le(f, 8);
          f += 8;
        };
        next(e.size);
        next(e.compressed_size);
        next(e.local_header_offset);
      }
      x += 4 + len;
    }
    if (isUnsafeZipName(e.name)) fail("entry '" + e.name + "': unsafe name (absolute or containing '..')");
    if (e.method != 0 && e.method != 8) fail("entry '" + e.name + "': unsupported compression method " + std::to_string(e.method));
    // A name listed twice: the first wins, as with the linear search before.
    index_.emplace(e.name, entries_.size());
    entries_.push_back(std::move(e));
    at += 46 + name_len + extra_len + comment_len;
  }
}

const ZipEntry* ZipReader::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::span<const uint8_t> ZipReader::dataOf(const ZipEntry& e) const {
  Cursor c{data_, this};
  uint64_t h = e.local_header_offset;
  if (!c.fits(h, 30) || c.le(h, 4) != kLocalSignature) fail("entry '" + e.name + "': bad local header");
  uint64_t start = h + 30 + c.le(h + 26, 2) + c.le(h + 28, 2);
  if (!c.fits(start, e.compressed_size)) fail("entry '" + e.name + "': data runs past the end of the file (truncated?)");
  return c.data.subspan(start, e.compressed_size);
}

const ZipEntry& ZipReader::entryNamed(const std::string& name) const {
  const ZipEntry* e = find(name);
  if (!e) fail("missing record '" + name + "'");
  return *e;
}

RecordBytes ZipReader::view(const std::string& name) const { return view(entryNamed(name)); }

RecordBytes ZipReader::view(const ZipEntry& e) const {
  if (e.method != 0) return read(e);
  auto raw = dataOf(e);
  if (e.compressed_size != e.size) fail("entry '" + e.name + "': stored sizes differ");
  RecordBytes out;
  out.bytes = raw;
  out.keep_alive = owner_;
  return out;
}

void ZipReader::verifyAll() const {
  for (const ZipEntry& e : entries_) read(e);
}

RecordBytes ZipReader::read(const std::string& name) const { return read(entryNamed(name)); }

RecordBytes ZipReader::read(const ZipEntry& e) const {
  RecordBytes out;
  if (e.method == 0) {
    out = view(e);
  } else {
    auto raw = dataOf(e);
    // The declared size cannot exceed deflate's maximum ratio (1032:1).
    if (e.size / 1032 > raw.size() + 1) fail("entry '" + e.name + "': absurd declared size " + std::to_string(e.size));
    // Whole-buffer inflating (libdeflate): a record's declared size is its
    // output buffer, and a stream that does not fill it exactly is corrupt.
    // One decompressor per thread: making one costs more than inflating a
    // small code record.
    thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> inflater(
        libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
    if (!inflater) fail("entry '" + e.name + "': out of memory for inflating");
    auto buf = std::make_shared<std::vector<uint8_t>>(e.size);
    if (libdeflate_deflate_decompress(inflater.get(), raw.data(), raw.size(), buf->data(), e.size, nullptr) !=
        LIBDEFLATE_SUCCESS)
      fail("entry '" + e.name + "': corrupt deflate data");
    out.bytes = {buf->data(), e.size};
    out.owned_ = buf;
    out.keep_alive = buf;
  }
  if (crc32Of(out.bytes) != e.crc32) fail("entry '" + e.name + "': CRC-32 mismatch");
  return out;
}

}  // namespace wick::serialize
