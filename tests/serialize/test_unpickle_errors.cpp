// Malformed pickles: each must be an ArchiveError naming the record and the
// byte offset, never a crash, a hang or a huge allocation.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fixture_types.h"
#include "serialize/pickle_opcodes.h"
#include "serialize/unpickler.h"

using namespace wick;
using namespace wick::serialize;
using namespace std::string_literals;
using lang::IValue;
namespace fs = std::filesystem;

namespace {

// Hooks for hand-made pickles: a class __torch__.Point(x: int, y: Optional[int]),
// an enum __torch__.Color(RED = 1, GREEN = 2), a NamedTuple __torch__.Pair(a: int,
// b: str), and storages of 16 bytes under any key.
struct Hand {
  Hand() {
    point = lang::ClassType::create("__torch__.Point");
    point->addAttribute("x", lang::intType());
    point->addAttribute("y", lang::optionalType(lang::intType()));
    color = std::make_shared<lang::EnumType>("__torch__.Color", lang::intType(), std::vector<std::string>{"RED", "GREEN"},
                                             std::vector<lang::EnumMemberValue>{int64_t(1), int64_t(2)});
    pair = lang::namedTupleType("__torch__.Pair", {"a", "b"}, {lang::intType(), lang::strType()});
    hooks.resolve_class = [this](const std::string& q) -> lang::TypePtr {
      if (q == "__torch__.Point") return point;
      if (q == "__torch__.Color") return color;
      if (q == "__torch__.Pair") return pair;
      throw ArchiveError("no class " + q);
    };
    hooks.parse_type = [this](const std::string& s) { return types.parse(s); };
    hooks.load_storage = [](const std::string&, ops::ScalarType, int64_t, const std::string& location) {
      if (location != "cpu") throw ArchiveError("location " + location);
      auto s = ops::Storage::allocate(16);
      std::fill_n(static_cast<uint8_t*>(s->data()), 16, uint8_t(0));
      return s;
    };
  }
  IValue load(const std::string& bytes) {
    std::vector<uint8_t> b(bytes.begin(), bytes.end());
    return unpickle(b, hooks, "t.pt: t/data.pkl");
  }
  // The ArchiveError text for `bytes` ("" if it loads).
  std::string error(const std::string& bytes) {
    try {
      load(bytes);
    } catch (const ArchiveError& e) {
      return e.what();
    }
    return "";
  }
  lang::ClassTypePtr point;
  lang::TypePtr color, pair;
  testing::FixtureTypes types;
  UnpickleHooks hooks;
};

const std::string P = "\x80\x02"s;  // PROTO 2
// The persistent id of storage '0': `numel` float32 elements on the cpu.
std::string storage(int numel) {
  return "(X\x07\x00\x00\x00storage"s "ctorch\nFloatStorage\n" "X\x01\x00\x00\x00"s "0" "X\x03\x00\x00\x00"s "cpu" "K"s +
         char(numel) + "tQ";
}

}  // namespace

TEST_CASE("hand-made pickles that load") {
  Hand h;
  CHECK(h.load(P + "K\x07.").toInt() == 7);
  // LIST, DICT, SETITEM: opcodes torch reads though it never writes them.
  IValue l = h.load(P + "(K\x01K\x02l.");
  CHECK(l.toList()->items.size() == 2);
  CHECK(l.toList()->elem_type->str() == "Any");  // untagged
  IValue d = h.load(P + "(X\x01\x00\x00\x00kK\x01"s "d.");
  CHECK(d.toDict()->find(IValue("k"))->toInt() == 1);
  d = h.load(P + "}X\x01\x00\x00\x00kK\x02s."s);
  CHECK(d.toDict()->find(IValue("k"))->toInt() == 2);
  // LONG_BINPUT/LONG_BINGET with a sparse index.
  CHECK(h.load(P + "K\x05r\x00\x00\x00\x7fj\x00\x00\x00\x7f\x86."s).toTuple()->items[1].toInt() == 5);
  // A class object, attributes by name in any order; an untagged list attribute takes its declared type.
  IValue obj = h.load(P + "c__torch__\nPoint\n)\x81}(X\x01\x00\x00\x00yNX\x01\x00\x00\x00xK\x03ub."s);
  CHECK(obj.toObject()->slots[0].toInt() == 3);
  CHECK(obj.toObject()->slots[1].isNone());
  CHECK(h.load(P + "c__torch__\nColor\nK\x01R.").toEnum()->name == "RED");
  // NamedTuples from REDUCE or NEWOBJ with the fields.
  IValue nt = h.load(P + "c__torch__\nPair\nK\x01X\x01\x00\x00\x00z\x86R."s);
  CHECK(nt.toTuple()->type->name() == "__torch__.Pair");
  CHECK(h.load(P + "c__torch__\nPair\nK\x01X\x01\x00\x00\x00z\x86\x81."s).toTuple()->items[1].toStr() == "z");
}

TEST_CASE("malformed pickles are ArchiveErrors with the record and byte offset") {
  Hand h;
  struct Case {
    const char* what;
    std::string bytes;
    const char* message;  // a part of the error text
  };
  std::vector<Case> cases = {
      {"empty", "", "t.pt: t/data.pkl: byte 0: empty pickle"},
      {"no PROTO", "K\x01.", "must start with PROTO 2"},
      {"protocol 3", "\x80\x03K\x01.", "protocol 3"},
      {"no STOP", P + "K\x01", "byte 4: truncated: the pickle ends without STOP"},
      {"SHORT_BINUNICODE (protocol 4)", P + "\x8c\x01" "a.", "byte 2: unknown opcode 0x8c"},
      {"text opcode", P + "I1\n.", "unknown opcode 0x49 'I'"},
      {"PROTO twice", P + "\x80\x02K\x01.", "byte 2 (PROTO): PROTO may only come first"},
      {"LONG1 of 4 bytes", P + "\x8a\x04\x01\x00\x00\x00."s, "byte 2 (LONG1): a LONG1 of 4 bytes"},
      {"truncated BININT", P + "J\x01\x02", "byte 2 (BININT): truncated: needs 4 more bytes, the pickle has 2"},
      {"absurd string length", P + "X\xff\xff\xff\xff" "abc.", "needs 4294967295 more bytes"},
      {"TUPLE without MARK", P + "K\x01t.", "byte 4 (TUPLE): no MARK before it"},
      {"TUPLE2 on one item", P + "K\x01\x86.", "(TUPLE2): needs 2 items, the stack has 1"},
      {"underflow past a MARK", P + "K\x01(\x85.", "needs 1 items, the stack has 0"},
      {"REDUCE on an empty stack", P + "R.", "stack underflow"},
      {"BINGET of an unset entry", P + "h\x05.", "byte 2 (BINGET): memo entry 5 was never set"},
      {"BINPUT on an empty stack", P + "q\x00."s, "nothing to memoize"},
      {"two results", P + "K\x01K\x02.", "the stack holds 2 items, expected 1"},
      {"open MARK", P + "(K\x01.", "a MARK is still open"},
      {"unknown global", P + "cos\nsystem\n)R.", "byte 2 (GLOBAL): unknown global os.system"},
      {"unknown torch global", P + "ctorch\nload\n.", "unknown global torch.load"},
      {"global without newline", P + "cos\nsys", "the global's name has no end of line"},
      {"complex", P + "cbuiltins\ncomplex\nG\x3f\xf0\x00\x00\x00\x00\x00\x00G\x00\x00\x00\x00\x00\x00\x00\x00\x86R."s,
       "complex values are not supported"},
      {"quantized tensor", P + "ctorch._utils\n_rebuild_qtensor\n.", "quantized tensors"},
      {"quantized storage", P + "ctorch\nQInt8Storage\n.", "quantized storages"},
      {"cuda device", P + "ctorch\ndevice\nX\x06\x00\x00\x00"s "cuda:0\x85R.", "device 'cuda:0' is not supported"},
      {"result is a global", P + "ctorch\ndevice\n.", "the result is the global torch.device"},
      {"global inside a tuple", P + "ccollections\nOrderedDict\n\x85.", "the global collections.OrderedDict cannot be an element"},
      {"REDUCE on a value", P + "K\x01)R.", "REDUCE applies a global, found an int"},
      {"OrderedDict with items", P + "ccollections\nOrderedDict\nK\x01\x85R.", "only the empty one"},
      {"BUILD without NEWOBJ", P + "c__torch__\nPoint\n}b.", "BUILD sets the state of a NEWOBJ instance"},
      {"unbuilt object", P + "c__torch__\nPoint\n)\x81.", "the result is an unbuilt __torch__.Point"},
      {"class by REDUCE", P + "c__torch__\nPoint\n)R.", "is built with NEWOBJ and BUILD, not REDUCE"},
      {"unknown class", P + "c__torch__\nNope\n.", "no class __torch__.Nope"},
      {"attribute not declared",
       P + "c__torch__\nPoint\n)\x81}(X\x01\x00\x00\x00xK\x01X\x01\x00\x00\x00yNX\x01\x00\x00\x00zK\x01ub."s,
       "__torch__.Point has no attribute 'z', which the pickle sets"},
      {"attribute missing", P + "c__torch__\nPoint\n)\x81}(X\x01\x00\x00\x00xK\x01ub."s,
       "attribute 'y' of __torch__.Point is missing from the pickle"},
      {"attribute of the wrong type", P + "c__torch__\nPoint\n)\x81}(X\x01\x00\x00\x00xX\x00\x00\x00\x00X\x01\x00\x00\x00yNub."s,
       "attribute 'x' of __torch__.Point is a str, expected int"},
      {"state not a dict", P + "c__torch__\nPoint\n)\x81K\x01\x85" "b.", "not a dict of attributes"},
      {"enum value not a member", P + "c__torch__\nColor\nK\x07R.", "enum __torch__.Color has no member with the value 7"},
      {"named tuple of the wrong arity", P + "c__torch__\nPair\nK\x01\x85R.", "is a tuple of 1 items, expected __torch__.Pair"},
      {"named tuple field type", P + "c__torch__\nPair\nK\x01K\x02\x86R.", "[1] is an int, expected str"},
      {"build_intlist of strs", P + "ctorch.jit._pickle\nbuild_intlist\n(](X\x00\x00\x00\x00"s "et" "R.",
       "item 0 of a List[int] is a str, expected int"},
      {"restore_type_tag mismatch",
       P + "ctorch.jit._pickle\nrestore_type_tag\n](K\x01" "eX\x09\x00\x00\x00List[str]\x86R."s,
       "restore_type_tag: the List[str] [0] is an int, expected str"},
      {"restore_type_tag on a dict with a list type",
       P + "ctorch.jit._pickle\nrestore_type_tag\n}X\x09\x00\x00\x00List[str]\x86R."s, "a List[str] tag on a dict"},
      {"restore_type_tag with a bad type", P + "ctorch.jit._pickle\nrestore_type_tag\n]X\x03\x00\x00\x00int\x86R."s,
       "is not a List or Dict type"},
      {"a list appended to itself", P + "]q\x00(h\x00" "e."s, "filled with itself"},
      {"a dict holding itself", P + "}q\x00(K\x01](h\x00" "eu."s, "filled with itself"},
      {"APPENDS into a tuple", P + ")(K\x01" "e.", "APPENDS fills a list, found a tuple"},
      {"SETITEMS with an odd count", P + "}(K\x01u.", "odd number of items"},
      {"list as a dict key", P + "}(]K\x01u.", "a dict key is a list"},
      {"persistent id not a storage", P + "(X\x01\x00\x00\x00xtQ."s, "a persistent id must be ('storage'"},
      {"persistent id of a negative numel",
       P + "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00"s "0X\x03\x00\x00\x00"s "cpuJ\xff\xff\xff\xfftQ.",
       "impossible element count -1"},
      {"a storage from another device",
       P + "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00"s "0X\x04\x00\x00\x00"s "cudaK\x04tQ.",
       "location cuda"},
      {"tensor past the end of its storage",
       P + "ctorch._utils\n_rebuild_tensor_v2\n(" + storage(4) + "K\x01(K\x04t(K\x01t\x89NtR.",
       "a tensor of size [4], stride [1] at offset 1 reaches outside its storage of 4 elements"},
      {"tensor with a negative stride", P + "ctorch._utils\n_rebuild_tensor_v2\n(" + storage(4) + "K\x00(K\x02t(J\xff\xff\xff\xfft\x89NtR."s,
       "reaches outside its storage"},
      {"tensor size and stride of different lengths",
       P + "ctorch._utils\n_rebuild_tensor_v2\n(" + storage(4) + "K\x00(K\x02t(t\x89NtR."s, "_rebuild_tensor_v2 takes"},
      {"tensor from a non-storage", P + "ctorch._utils\n_rebuild_tensor_v2\n(K\x01K\x00(t(t\x89NtR."s,
       "_rebuild_tensor_v2's storage is an int"},
      {"deep nesting", P + "N" + std::string(1500, '\x85') + ".", "values nest deeper than 1000 levels"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    std::string err = h.error(c.bytes);
    CHECK_MESSAGE(err.find(c.message) != std::string::npos, "got: " << err);
    CHECK(err.rfind("t.pt: t/data.pkl: byte ", 0) == 0);
  }
}

TEST_CASE("a storage record shorter than its numel is refused") {
  Hand h;
  h.hooks.load_storage = [](const std::string&, ops::ScalarType, int64_t, const std::string&) {
    return ops::Storage::allocate(8);  // a hook that forgot to check the length
  };
  std::string err = h.error(P + "ctorch._utils\n_rebuild_tensor_v2\n(" + storage(4) + "K\x00(K\x04t(K\x01t\x89NtR."s);
  CHECK(err.find("storage '0' is shorter than its 4 elements") != std::string::npos);
  // One key, two meanings.
  Hand h2;
  std::string again = "(X\x07\x00\x00\x00storagectorch\nLongStorage\nX\x01\x00\x00\x00"s "0X\x03\x00\x00\x00"s "cpuK\x02tQ"s;
  err = h2.error(P + "(" + storage(4) + again + "t.");
  CHECK(err.find("storage '0' appears with two dtypes or sizes") != std::string::npos);
}

namespace {
std::vector<std::pair<std::string, std::vector<uint8_t>>> fixturePickles() {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
  fs::path dir = fs::path(WICK_SHARED_DIR) / "fixtures";
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".pt") continue;
    std::string name = e.path().stem().string();
    ZipReader zip(e.path().string());
    for (const char* pkl : {"/data.pkl", "/constants.pkl"}) {
      auto rec = zip.read(name + pkl);
      out.push_back({e.path().string() + ":" + name + pkl, {rec.bytes.begin(), rec.bytes.end()}});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Unpickles `bytes` with the fixture's own hooks; true if it loaded, false on
// an ArchiveError. Anything else escapes and fails the test.
bool tryLoad(const std::string& archive, const std::vector<uint8_t>& bytes, const UnpickleHooks& hooks) {
  try {
    unpickle(bytes, hooks, archive);
    return true;
  } catch (const ArchiveError&) {
    return false;
  }
}

struct FixtureHooks {
  explicit FixtureHooks(const std::string& where)
      : path(where.substr(0, where.find(':'))), zip(path), name(fs::path(path).stem().string()),
        types(zip, name + "/") {
    hooks = types.hooks();
    bool data = where.ends_with("/data.pkl");
    hooks.load_storage = testing::recordStorages(zip, name + (data ? "/data/" : "/constants/"));
  }
  std::string path;
  ZipReader zip;
  std::string name;
  testing::FixtureTypes types;
  UnpickleHooks hooks;
};
}  // namespace

TEST_CASE("every fixture pickle truncated at every byte offset is an ArchiveError") {
  for (const auto& [where, bytes] : fixturePickles()) {
    CAPTURE(where);
    FixtureHooks f(where);
    REQUIRE(tryLoad(where, bytes, f.hooks));
    size_t loaded = 0;
    for (size_t n = 0; n < bytes.size(); ++n)
      loaded += tryLoad(where, std::vector<uint8_t>(bytes.begin(), bytes.begin() + n), f.hooks);
    CHECK(loaded == 0);
  }
}

// Every byte of real pickles replaced by bytes that matter (each opcode,
// 0, 0xff, ...): the result loads or is an ArchiveError, never a crash. Run
// under -Db_sanitize=address,undefined to see memory errors too.
TEST_CASE("every fixture pickle with any one byte changed loads or is an ArchiveError") {
  std::vector<uint8_t> replacements = {0x00, 0x01, 0x02, 0x07, 0x7f, 0x80, 0xfe, 0xff};
#define WICK_PICKLE_OP_BYTE(name, byte, written) replacements.push_back(byte);
  WICK_PICKLE_OPCODES(WICK_PICKLE_OP_BYTE)
#undef WICK_PICKLE_OP_BYTE
  // A few fixtures that between them use every opcode torch writes, classes,
  // enums, typed containers and shared storages (all fixtures would take
  // several times as long for little more coverage).
  const char* chosen[] = {"linear_buffer/data.pkl", "attributes/data.pkl", "classes_enums/data.pkl",
                          "views_shared/data.pkl", "frozen/constants.pkl"};
  size_t tried = 0, loaded = 0;
  for (const auto& [where, bytes] : fixturePickles()) {
    if (std::none_of(std::begin(chosen), std::end(chosen), [&](const char* c) { return where.ends_with(c); }))
      continue;
    CAPTURE(where);
    FixtureHooks f(where);
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t r : replacements) {
        if (r == bytes[i]) continue;
        std::vector<uint8_t> changed = bytes;
        changed[i] = r;
        ++tried;
        loaded += tryLoad(where, changed, f.hooks);
      }
    }
  }
  MESSAGE(tried << " variants, " << loaded << " still loaded");
  CHECK(tried > 0);
}
