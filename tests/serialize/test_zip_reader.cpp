#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "serialize/zip_reader.h"

using namespace wick::serialize;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> fixtures() {
  std::vector<fs::path> out;
  fs::path dir = fs::path(WICK_SHARED_DIR) / "fixtures";
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Names as Python's zipfile lists them, one per line; empty without python.
std::vector<std::string> pythonNames(const fs::path& p) {
  std::string cmd = "/usr/bin/python3 -c \"import zipfile,sys; "
                    "print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))\" '" + p.string() + "' 2>/dev/null";
  std::vector<std::string> names;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return names;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    std::string s(line);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    names.push_back(s);
  }
  pclose(f);
  return names;
}

std::vector<char> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& p, const char* data, size_t n) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data, std::streamsize(n));
}

}  // namespace

TEST_CASE("every fixture opens and every record reads with a correct CRC") {
  auto all = fixtures();
  if (all.empty()) {
    MESSAGE("skipped: no fixtures under " WICK_SHARED_DIR);
    return;
  }
  for (auto& p : all) {
    CAPTURE(p);
    ZipReader zip(p.string());
    REQUIRE(!zip.entries().empty());
    auto expected = pythonNames(p);
    if (!expected.empty()) {
      REQUIRE(zip.entries().size() == expected.size());
      for (size_t i = 0; i < expected.size(); ++i) CHECK(zip.entries()[i].name == expected[i]);
    }
    for (auto& e : zip.entries()) {
      auto rec = zip.read(e.name);
      CHECK(rec.bytes.size() == e.size);
      // Spec §1.4: torch aligns every record's data to 64 bytes; stored records are views.
      if (e.method == 0) {
        CHECK(rec.isView());
        CHECK(reinterpret_cast<uintptr_t>(rec.bytes.data()) % 64 == 0);
      }
    }
    std::string prefix = zip.entries()[0].name.substr(0, zip.entries()[0].name.find('/') + 1);
    CHECK((zip.has(prefix + "version") || zip.has(prefix + ".data/version")));
    CHECK(zip.has(prefix + "data.pkl"));
    // A pickle ends with STOP ('.').
    auto pkl = zip.read(prefix + "data.pkl");
    CHECK(pkl.bytes.back() == '.');
  }
}

TEST_CASE("missing records and non-zip files are clear errors naming the file") {
  auto all = fixtures();
  if (all.empty()) return;
  ZipReader zip(all[0].string());
  CHECK_THROWS_WITH_AS(zip.read("nope/data.pkl"), doctest::Contains("missing record 'nope/data.pkl'"), ArchiveError);
  fs::path tmp = fs::temp_directory_path() / "wick_not_a_zip.pt";
  spit(tmp, "hello", 5);
  CHECK_THROWS_WITH_AS(ZipReader(tmp.string()), doctest::Contains("wick_not_a_zip.pt"), ArchiveError);
  CHECK_THROWS_AS(ZipReader("/nonexistent/x.pt"), ArchiveError);
  fs::remove(tmp);
}

TEST_CASE("truncated and corrupted fixtures throw, never crash") {
  auto all = fixtures();
  if (all.empty()) return;
  fs::path tmp = fs::temp_directory_path() / ("wick_fuzz_" + std::to_string(::getpid()) + ".pt");
  for (auto& p : all) {
    CAPTURE(p);
    auto bytes = slurp(p);
    // Truncation always loses the end records or data: must throw.
    for (size_t cut = 0; cut < bytes.size(); cut += std::max<size_t>(1, bytes.size() / 37)) {
      spit(tmp, bytes.data(), cut);
      CHECK_THROWS_AS(({ ZipReader z(tmp.string()); for (auto& e : z.entries()) z.read(e.name); }), ArchiveError);
    }
    // A flipped byte may land in padding; then reading succeeds. Anything else must be an ArchiveError.
    for (size_t at = 0; at < bytes.size(); at += std::max<size_t>(1, bytes.size() / 53)) {
      auto bad = bytes;
      bad[at] ^= 0x5a;
      spit(tmp, bad.data(), bad.size());
      try {
        ZipReader z(tmp.string());
        for (auto& e : z.entries()) z.read(e.name);
      } catch (const ArchiveError&) {
      }
    }
  }
  fs::remove(tmp);
}
