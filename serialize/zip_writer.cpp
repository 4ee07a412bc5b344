#include "serialize/zip_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace wick::serialize {
namespace {

constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint32_t kDataDescriptorSignature = 0x08074b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kZip64EocdSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kEocdSignature = 0x06054b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kPaddingExtraId = 0x4246;  // "FB": torch's alignment padding
constexpr uint64_t kAlignment = 64;
constexpr uint16_t kFlagDataDescriptor = 0x0008;
constexpr uint16_t kFlagUtf8 = 0x0800;

// Little-endian field builder for headers.
struct Fields {
  std::vector<uint8_t> bytes;
  Fields& u16(uint64_t v) { return le(v, 2); }
  Fields& u32(uint64_t v) { return le(v, 4); }
  Fields& u64(uint64_t v) { return le(v, 8); }
  Fields& text(const std::string& s) {
    bytes.insert(bytes.end(), s.begin(), s.end());
    return *this;
  }
  Fields& raw(const std::vector<uint8_t>& b) {
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  Fields& le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
    return *this;
  }
};

uint32_t clamp32(uint64_t v) { return v >= ZipWriter::kZip64Limit ? 0xFFFFFFFFu : uint32_t(v); }

// Raw deflate (no zlib header), as zip method 8 stores it; empty on failure.
std::vector<uint8_t> deflateRaw(std::span<const uint8_t> in) {
  // Level 9 as torch's miniz uses (MZ_BEST_COMPRESSION); the bytes differ from
  // miniz's, which no reader cares about.
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(libdeflate_alloc_compressor(9),
                                                                            libdeflate_free_compressor);
  if (!c) return {};
  std::vector<uint8_t> out(libdeflate_deflate_compress_bound(c.get(), in.size()));
  size_t n = libdeflate_deflate_compress(c.get(), in.data(), in.size(), out.data(), out.size());
  if (n == 0) return {};
  out.resize(n);
  return out;
}

}  // namespace

ZipWriter::ZipWriter() : path_("<memory>") {}

ZipWriter::ZipWriter(std::string path) : path_(std::move(path)) {
  // O_EXCL on a fresh name in the target's folder: rename() into place is
  // then atomic (same filesystem), and two savers never share a temp file.
  static std::atomic<unsigned> counter{0};
  int err = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = path_ + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    err = errno;
    if (err != EEXIST) break;
  }
  std::string tried = temp_path_;
  temp_path_.clear();  // nothing of ours to remove
  fail("cannot create " + tried + ": " + std::strerror(err));
}

ZipWriter::~ZipWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!finished_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void ZipWriter::fail(const std::string& what) const { throw ArchiveError(path_ + ": " + what); }

void ZipWriter::write(const void* data, size_t n) {
  if (fd_ < 0) {
    auto p = static_cast<const uint8_t*>(data);
    memory_.insert(memory_.end(), p, p + n);
  } else {
    auto p = static_cast<const char*>(data);
    size_t left = n;
    while (left > 0) {
      ssize_t w = ::write(fd_, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        failed_ = true;
        fail(std::string("cannot write: ") + std::strerror(errno));
      }
      p += w;
      left -= size_t(w);
    }
  }
  offset_ += n;
}

// Local header + data + data descriptor, laid out as torch's writer does
// (getPadding in caffe2/serialize/inline_container.cc, spec §1.4-§1.6).
void ZipWriter::add(const std::string& name, std::span<const uint8_t> bytes, bool compress) {
  if (finished_) fail("add('" + name + "') after finish()");
  if (failed_) fail("add('" + name + "') after a failed write");
  if (name.size() > 0xFFFF || isUnsafeZipName(name)) fail("bad record name '" + name + "'");
  if (!names_.insert(name).second) fail("record '" + name + "' written twice");

  Record r{name, 0, kFlagUtf8, crc32Of(bytes), bytes.size(), bytes.size(), offset_};
  std::vector<uint8_t> deflated;
  if (compress && !bytes.empty()) {
    deflated = deflateRaw(bytes);
    if (deflated.empty()) fail("cannot deflate record '" + name + "'");
    r.method = 8;
    r.compressed_size = deflated.size();
  }
  if (!bytes.empty()) r.flags |= kFlagDataDescriptor;  // empty records get no descriptor

  bool big_size = r.size >= kZip64Limit, big_offset = r.offset >= kZip64Limit;
  Fields zip64;
  if (big_size) zip64.u64(r.size).u64(0);  // the compressed size follows in the descriptor
  if (big_offset) zip64.u64(r.offset);
  uint64_t zip64_extra = zip64.bytes.empty() ? 0 : 4 + zip64.bytes.size();
  uint64_t start = r.offset + 30 + name.size() + zip64_extra + 4;
  uint64_t pad = (kAlignment - start % kAlignment) % kAlignment;

  Fields h;
  h.u32(kLocalSignature).u16(r.method == 8 ? 20 : 0).u16(r.flags).u16(r.method);
  h.u16(0).u16(0);          // time, date: zero, so archives are reproducible
  h.u32(0).u32(0).u32(0);   // CRC and sizes follow in the data descriptor
  h.u16(name.size()).u16(zip64_extra + 4 + pad).text(name);
  if (zip64_extra) h.u16(kZip64ExtraId).u16(zip64.bytes.size()).raw(zip64.bytes);
  h.u16(kPaddingExtraId).u16(pad).text(std::string(pad, 'Z'));
  write(h.bytes);
  if (r.method == 8) write(deflated);
  else if (!bytes.empty()) write(bytes.data(), bytes.size());
  if (r.flags & kFlagDataDescriptor) {
    Fields d;
    d.u32(kDataDescriptorSignature).u32(r.crc32);
    if (zip64_extra) d.u64(r.compressed_size).u64(r.size);
    else d.u32(r.compressed_size).u32(r.size);
    write(d.bytes);
  }
  records_.push_back(std::move(r));
}

void ZipWriter::writeCentralDirectory() {
  uint64_t cd_offset = offset_;
  for (const Record& r : records_) {
    bool big_size = r.size >= kZip64Limit || r.compressed_size >= kZip64Limit, big_offset = r.offset >= kZip64Limit;
    Fields zip64;  // only the fields that are 0xFFFFFFFF in the entry, in this order
    if (big_size) zip64.u64(r.size).u64(r.compressed_size);
    if (big_offset) zip64.u64(r.offset);
    Fields c;
    c.u32(kCentralSignature).u16(0).u16(r.method == 8 ? 20 : 0).u16(r.flags).u16(r.method);
    c.u16(0).u16(0).u32(r.crc32);
    c.u32(big_size ? 0xFFFFFFFFu : r.compressed_size).u32(big_size ? 0xFFFFFFFFu : r.size);
    c.u16(r.name.size()).u16(zip64.bytes.empty() ? 0 : 4 + zip64.bytes.size()).u16(0);  // name, extra, comment
    c.u16(0).u16(0).u32(0);  // disk, internal and external attributes
    c.u32(big_offset ? 0xFFFFFFFFu : r.offset).text(r.name);
    if (!zip64.bytes.empty()) c.u16(kZip64ExtraId).u16(zip64.bytes.size()).raw(zip64.bytes);
    write(c.bytes);
  }
  uint64_t cd_size = offset_ - cd_offset, count = records_.size(), zip64_eocd = offset_;
  // Torch always ends with the zip64 records, however small the archive (spec §1.5).
  Fields e;
  e.u32(kZip64EocdSignature).u64(44).u16(0x031e).u16(45).u32(0).u32(0);
  e.u64(count).u64(count).u64(cd_size).u64(cd_offset);
  e.u32(kZip64LocatorSignature).u32(0).u64(zip64_eocd).u32(1);
  e.u32(kEocdSignature).u16(0).u16(0);
  e.u16(std::min<uint64_t>(count, 0xFFFF)).u16(std::min<uint64_t>(count, 0xFFFF));
  e.u32(clamp32(cd_size)).u32(clamp32(cd_offset)).u16(0);
  write(e.bytes);
}

void ZipWriter::finish() {
  if (finished_) fail("finish() called twice");
  if (failed_) fail("finish() after a failed write");
  writeCentralDirectory();
  if (fd_ >= 0) {
    int fd = fd_;
    fd_ = -1;
    // fsync before rename: otherwise a crash can leave the new name holding
    // an empty file on some filesystems, which is the damage we promise not to do.
    bool ok = ::fsync(fd) == 0;
    int err = errno;
    ok = (::close(fd) == 0) && ok;
    if (!ok) fail(std::string("cannot write: ") + std::strerror(err ? err : errno));
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
      fail("cannot rename " + temp_path_ + " to it: " + std::strerror(errno));
  }
  finished_ = true;
}

}  // namespace wick::serialize
