#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "serialize/zip_reader.h"
#include "serialize/zip_writer.h"

using namespace wick::serialize;
namespace fs = std::filesystem;

namespace {

std::span<const uint8_t> bytesOf(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

std::vector<uint8_t> fromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

uint64_t le(const std::vector<uint8_t>& b, size_t at, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[at + i];
  return v;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A fresh folder for one test, removed at the end.
struct TempDir {
  TempDir() : path(fs::temp_directory_path() / ("wick_zip_writer_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path path;
};

// What `python3 -c zipfile` says about an archive: "ok <names>" or the error; "" without python.
std::string pythonZipfile(const fs::path& p) {
  if (!fs::exists("/usr/bin/python3")) return "";
  std::string cmd = "/usr/bin/python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); "
                    "bad=z.testzip(); print('ok' if bad is None else 'bad '+bad, ' '.join(z.namelist()))\" '" +
                    p.string() + "' 2>&1";
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return "";
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) out += buf;
  pclose(f);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Where a record's data starts, from its local header.
uint64_t dataStart(const std::vector<uint8_t>& archive, const ZipEntry& e) {
  uint64_t h = e.local_header_offset;
  return h + 30 + le(archive, h + 26, 2) + le(archive, h + 28, 2);
}

}  // namespace

// Made by torch 1.13's own writer (the one torch.jit.save uses):
//   w = torch._C.PyTorchFileWriter('small.pt')
//   w.write_record('data.pkl', b'\x80\x02K\x07.', 5)
//   w.write_record('data/0', b'\x01\x02\x03\x04', 4)
//   w.write_record('extra/empty', b'', 0)
//   w.write_end_of_file()          # adds small/version = "3\n"
//   print(open('small.pt', 'rb').read().hex())
const char* kTorchSmallArchive =
    "504b0304000008080000000000000000000000000000000000000e001400736d616c6c2f646174612e706b6c464210005a5a5a5a5a5a5a5a5a5a5a5a"
    "5a5a5a5a80024b072e504b07082d7695320500000005000000504b0304000008080000000000000000000000000000000000000c004100736d616c6c"
    "2f646174612f3046423d005a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
    "5a5a5a5a5a5a5a5a5a5a5a5a01020304504b0708cdfb3cb60400000004000000504b0304000000080000000000000000000000000000000000001100"
    "3d00736d616c6c2f65787472612f656d707479464239005a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a504b0304000008080000000000000000000000000000000000000d001500736d616c6c2f76657273"
    "696f6e464211005a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a330a504b0708d19e67550200000002000000504b01020000000008080000000000002d76"
    "953205000000050000000e0000000000000000000000000000000000736d616c6c2f646174612e706b6c504b0102000000000808000000000000cdfb"
    "3cb604000000040000000c0000000000000000000000000055000000736d616c6c2f646174612f30504b010200000000000800000000000000000000"
    "00000000000000001100000000000000000000000000d4000000736d616c6c2f65787472612f656d707479504b0102000000000808000000000000d1"
    "9e675502000000020000000d0000000000000000000000000040010000736d616c6c2f76657273696f6e504b06062c000000000000001e032d000000"
    "00000000000004000000000000000400000000000000f0000000000000009201000000000000504b060700000000820200000000000001000000504b"
    "05060000000004000400f0000000920100000000";

TEST_CASE("stored records come out byte for byte as torch's writer writes them") {
  ZipWriter zip;
  const uint8_t pkl[] = {0x80, 0x02, 'K', 0x07, '.'};
  const uint8_t data[] = {1, 2, 3, 4};
  zip.add("small/data.pkl", pkl, false);
  zip.add("small/data/0", data, false);
  zip.add("small/extra/empty", {}, true);  // empty: stored whatever is asked, no data descriptor
  zip.add("small/version", bytesOf("3\n"), false);
  zip.finish();
  std::vector<uint8_t> expected = fromHex(kTorchSmallArchive);
  REQUIRE(zip.buffer().size() == expected.size());
  auto diff = std::mismatch(zip.buffer().begin(), zip.buffer().end(), expected.begin());
  CHECK_MESSAGE(diff.first == zip.buffer().end(), "first difference at byte " << (diff.first - zip.buffer().begin()));
}

TEST_CASE("every fixture's records copied by ZipWriter read back the same, 64-byte aligned") {
  fs::path dir = fs::path(WICK_SHARED_DIR) / "fixtures";
  if (!fs::exists(dir)) return;
  for (auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() != ".pt") continue;
    CAPTURE(f.path());
    ZipReader original(f.path().string());
    ZipWriter copy;
    for (const auto& e : original.entries()) {
      auto rec = original.read(e.name);
      copy.add(e.name, rec.bytes, e.method == 8);
    }
    copy.finish();
    auto buffer = std::make_shared<const std::vector<uint8_t>>(copy.buffer());
    ZipReader back = ZipReader::fromBuffer(buffer, "copy of " + f.path().filename().string());
    REQUIRE(back.entries().size() == original.entries().size());
    for (size_t i = 0; i < back.entries().size(); ++i) {
      const ZipEntry &a = original.entries()[i], &b = back.entries()[i];
      CAPTURE(a.name);
      CHECK(b.name == a.name);
      CHECK(b.method == a.method);
      CHECK(b.crc32 == a.crc32);
      CHECK(b.size == a.size);
      auto ra = original.read(a.name), rb = back.read(b.name);
      CHECK(std::equal(ra.bytes.begin(), ra.bytes.end(), rb.bytes.begin(), rb.bytes.end()));
      // Spec §1.4: data at a multiple of 64 from the start of the file; stored records are views.
      CHECK(dataStart(*buffer, b) % 64 == 0);
      if (b.method == 0) CHECK(rb.isView());
      // Spec §1.5: the header fields torch writes.
      const auto& out = *buffer;
      uint64_t h = b.local_header_offset;
      CHECK(le(out, h + 4, 2) == (b.method == 8 ? 20u : 0u));                 // version needed
      CHECK(le(out, h + 6, 2) == (b.size == 0 ? 0x0800u : 0x0808u));          // flags
      CHECK(le(out, h + 10, 4) == 0u);                                         // time, date
      CHECK(le(out, h + 14, 4) == 0u);                                         // CRC in the descriptor
      uint64_t extra = h + 30 + le(out, h + 26, 2);
      CHECK(le(out, extra, 2) == 0x4246u);                                     // 'FB'
      if (b.size > 0) {
        uint64_t desc = dataStart(out, b) + b.compressed_size;
        CHECK(le(out, desc, 4) == 0x08074b50u);
        CHECK(le(out, desc + 4, 4) == b.crc32);
      }
    }
    // Always the zip64 end records, then the classic one (spec §1.5).
    const auto& out = *buffer;
    size_t eocd = out.size() - 22;
    CHECK(le(out, eocd, 4) == 0x06054b50u);
    CHECK(le(out, eocd - 20, 4) == 0x07064b50u);
    CHECK(le(out, eocd - 20 - 56, 4) == 0x06064b50u);
    CHECK(le(out, eocd - 20 - 56 + 12, 2) == 0x031eu);
  }
}

TEST_CASE("Python's zipfile reads what ZipWriter writes, deflated records too") {
  TempDir tmp;
  fs::path path = tmp.path / "py.pt";
  std::string code(1000, 'x');  // compressible
  for (size_t i = 0; i < code.size(); i += 7) code[i] = char('a' + i % 26);
  {
    ZipWriter zip(path.string());
    zip.add("py/data.pkl", bytesOf("\x80\x02K\x07."), false);
    zip.add("py/code/__torch__.py", bytesOf(code), true);
    zip.add("py/extra/empty", {}, false);
    zip.add("py/version", bytesOf("3\n"), false);
    zip.finish();
  }
  ZipReader back(path.string());
  CHECK(back.find("py/code/__torch__.py")->method == 8);
  CHECK(back.find("py/code/__torch__.py")->compressed_size < code.size());
  auto rec = back.read("py/code/__torch__.py");
  CHECK(std::string(rec.bytes.begin(), rec.bytes.end()) == code);
  std::string py = pythonZipfile(path);
  if (py.empty()) {
    MESSAGE("skipped the Python check: no /usr/bin/python3");
    return;
  }
  CHECK(py == "ok py/data.pkl py/code/__torch__.py py/extra/empty py/version");
}

TEST_CASE("ZipWriter replaces the target only on finish()") {
  TempDir tmp;
  fs::path target = tmp.path / "net.pt";
  {
    std::ofstream(target) << "the old archive";
  }
  SUBCASE("destroyed without finish(): the old file stays, no temporary is left") {
    {
      ZipWriter zip(target.string());
      zip.add("net/data.pkl", bytesOf("\x80\x02N."), false);
      CHECK(tmp.files().size() == 2);  // net.pt and the temporary
      CHECK(slurp(target) == "the old archive");
    }
    CHECK(slurp(target) == "the old archive");
    CHECK(tmp.files() == std::vector<std::string>{"net.pt"});
  }
  SUBCASE("an exception while saving leaves the old file") {
    try {
      ZipWriter zip(target.string());
      zip.add("net/data.pkl", bytesOf("\x80\x02N."), false);
      zip.add("net/data.pkl", bytesOf("again"), false);  // a repeated name throws
      zip.finish();
    } catch (const ArchiveError& e) {
      CHECK(std::string(e.what()).find("record 'net/data.pkl' written twice") != std::string::npos);
    }
    CHECK(slurp(target) == "the old archive");
    CHECK(tmp.files() == std::vector<std::string>{"net.pt"});
  }
  SUBCASE("finish() renames the new archive into place") {
    ZipWriter zip(target.string());
    zip.add("net/data.pkl", bytesOf("\x80\x02N."), false);
    zip.add("net/version", bytesOf("3\n"), false);
    zip.finish();
    CHECK(tmp.files() == std::vector<std::string>{"net.pt"});
    ZipReader back(target.string());
    CHECK(back.entries().size() == 2);
    CHECK_THROWS_AS(zip.add("net/late", bytesOf("x"), false), ArchiveError);
    CHECK_THROWS_AS(zip.finish(), ArchiveError);
  }
}

TEST_CASE("ZipWriter refuses what a reader would refuse, and unwritable places") {
  ZipWriter zip;
  CHECK_THROWS_AS(zip.add("../evil", bytesOf("x"), false), ArchiveError);
  CHECK_THROWS_AS(zip.add("/abs", bytesOf("x"), false), ArchiveError);
  CHECK_THROWS_AS(zip.add("", bytesOf("x"), false), ArchiveError);
  CHECK_THROWS_WITH_AS(ZipWriter("/nonexistent-dir/x.pt"), doctest::Contains("/nonexistent-dir/x.pt"), ArchiveError);
}

TEST_CASE("ZipReader::fromBuffer reads an archive in memory and keeps it alive") {
  ZipWriter zip;
  zip.add("m/data/0", bytesOf("abcd"), false);
  zip.finish();
  auto buffer = std::make_shared<const std::vector<uint8_t>>(zip.buffer());
  RecordBytes rec;
  {
    ZipReader reader = ZipReader::fromBuffer(buffer, "in-memory.pt");
    CHECK(reader.path() == "in-memory.pt");
    rec = reader.read("m/data/0");
    CHECK_THROWS_WITH_AS(reader.read("m/nope"), doctest::Contains("in-memory.pt: missing record"), ArchiveError);
  }
  buffer.reset();  // the view keeps the bytes alive
  CHECK(std::string(rec.bytes.begin(), rec.bytes.end()) == "abcd");
  CHECK(rec.isView());
  auto junk = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>{1, 2, 3});
  CHECK_THROWS_WITH_AS(ZipReader::fromBuffer(junk, "junk.pt"), doctest::Contains("junk.pt: not a zip archive"), ArchiveError);
}
