// Bad archives fail with ArchiveError naming the archive and the record,
// never a crash: each case rebuilds a real fixture with one thing broken.
#include <doctest/doctest.h>

#include <filesystem>

#include "serialize/archive.h"
#include "serialize/zip_writer.h"

using namespace wick;
using serialize::ArchiveError;

namespace {

// The records of linear_buffer.pt, renamed by `rename` (empty name: dropped)
// and edited by `edit`, written into a new in-memory archive.
std::shared_ptr<const std::vector<uint8_t>> rebuilt(const std::function<std::string(const std::string&)>& rename,
                                                    const std::function<void(const std::string&, std::vector<uint8_t>&)>& edit = {}) {
  serialize::ZipReader zip(std::string(WICK_SHARED_DIR) + "/fixtures/linear_buffer.pt");
  serialize::ZipWriter out;
  for (const auto& e : zip.entries()) {
    std::string name = rename(e.name);
    if (name.empty()) continue;
    auto b = zip.read(e.name);
    std::vector<uint8_t> bytes(b.bytes.begin(), b.bytes.end());
    if (edit) edit(name, bytes);
    out.add(name, bytes, false);
  }
  out.finish();
  return std::make_shared<const std::vector<uint8_t>>(out.buffer());
}

std::string loadError(std::shared_ptr<const std::vector<uint8_t>> bytes) {
  try {
    serialize::loadArchive(std::move(bytes), "bad.pt");
  } catch (const ArchiveError& e) {
    return e.what();
  }
  return "";
}

auto same = [](const std::string& n) { return n; };

}  // namespace

TEST_CASE("archive errors name the archive and the record") {
  if (!std::filesystem::exists(std::string(WICK_SHARED_DIR) + "/fixtures/linear_buffer.pt")) return;
  CHECK(loadError(rebuilt(same)).empty());  // the unbroken rebuild loads

  std::string e = loadError(rebuilt(same, [](const std::string& n, std::vector<uint8_t>& b) {
    if (n.ends_with("/version")) b = {'1', '1', '\n'};
  }));
  CHECK(e.find("version 11 is not supported") != std::string::npos);
  CHECK(e.find("bad.pt") != std::string::npos);

  e = loadError(rebuilt([](const std::string& n) { return n.ends_with("constants.pkl") ? "" : n; }));
  CHECK(e.find("constants.pkl") != std::string::npos);

  e = loadError(rebuilt([](const std::string& n) { return n.ends_with("/data/1") ? "" : n; }));
  CHECK(e.find("data/1") != std::string::npos);

  // A storage record shorter than its tensor needs.
  e = loadError(rebuilt(same, [](const std::string& n, std::vector<uint8_t>& b) {
    if (n.ends_with("/data/0")) b.resize(b.size() / 2);
  }));
  CHECK(e.find("data/0") != std::string::npos);

  // data.pkl cut short.
  e = loadError(rebuilt(same, [](const std::string& n, std::vector<uint8_t>& b) {
    if (n.ends_with("/data.pkl")) b.resize(b.size() - 7);
  }));
  CHECK(e.find("data.pkl") != std::string::npos);

  // Code that does not define the class data.pkl names.
  e = loadError(rebuilt([](const std::string& n) { return n.ends_with("code/__torch__.py") ? "" : n; }));
  CHECK(e.find("__torch__.LinearBuffer") != std::string::npos);
}

TEST_CASE("tensor data is mapped unread unless verification is asked for") {
  if (!std::filesystem::exists(std::string(WICK_SHARED_DIR) + "/fixtures/linear_buffer.pt")) return;
  auto good = rebuilt(same);
  // Flip one byte inside the data of the first storage record, after its CRC was written.
  auto zip = serialize::ZipReader::fromBuffer(good, "good.pt");
  std::string storage;
  for (const auto& e : zip.entries())
    if (e.name.ends_with("/data/0")) storage = e.name;
  REQUIRE(!storage.empty());
  size_t at = zip.view(storage).bytes.data() - good->data();
  auto bad = std::make_shared<std::vector<uint8_t>>(*good);
  (*bad)[at] ^= 0x40;

  auto bad_zip = serialize::ZipReader::fromBuffer(bad, "bad.pt");
  CHECK(bad_zip.view(storage).bytes.size() == zip.view(storage).bytes.size());
  CHECK_THROWS_WITH_AS(bad_zip.read(storage), doctest::Contains((storage + "': CRC-32 mismatch").c_str()), ArchiveError);
  CHECK_THROWS_WITH_AS(bad_zip.verifyAll(), doctest::Contains(storage.c_str()), ArchiveError);

  // As torch.jit.load: the archive loads, its tensor holds the changed byte.
  CHECK_NOTHROW(serialize::loadArchive(bad, "bad.pt"));
  CHECK_THROWS_WITH_AS(serialize::loadArchive(bad, "bad.pt", {.verify_tensor_data = true}),
                       doctest::Contains("CRC-32 mismatch"), ArchiveError);
  CHECK_NOTHROW(serialize::loadArchive(good, "good.pt", {.verify_tensor_data = true}));
}
