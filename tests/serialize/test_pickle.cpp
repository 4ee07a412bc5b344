#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "fixture_types.h"
#include "ops/tensor/tensor.h"
#include "serialize/pickler.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"

using namespace wick;
using namespace wick::serialize;
using lang::IValue;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& name) { return fs::path(WICK_SHARED_DIR) / "fixtures" / (name + ".pt"); }

std::vector<std::string> fixtureNames() {
  std::vector<std::string> out;
  fs::path dir = fs::path(WICK_SHARED_DIR) / "fixtures";
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pt") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

// One fixture opened with hooks that read its classes from code/ and its
// storages from data/ (or constants/).
struct Archive {
  explicit Archive(const std::string& name)
      : name(name), zip(fixture(name).string()), types(zip, name + "/") {}
  std::vector<uint8_t> record(const std::string& r) const {
    auto rec = zip.read(name + "/" + r);
    return {rec.bytes.begin(), rec.bytes.end()};
  }
  // data.pkl or constants.pkl, unpickled.
  IValue load(const std::string& pkl, std::vector<std::string>* loaded = nullptr) {
    UnpickleHooks hooks = types.hooks();
    std::string folder = name + (pkl == "data.pkl" ? "/data/" : "/constants/");
    hooks.load_storage = testing::recordStorages(zip, folder, loaded);
    auto bytes = record(pkl);
    return unpickle(bytes, hooks, name + ".pt: " + name + "/" + pkl);
  }
  std::string name;
  ZipReader zip;
  testing::FixtureTypes types;
};

const IValue& attr(const IValue& obj, const std::string& name) {
  REQUIRE(obj.isObject());
  auto slot = obj.toObject()->type->findAttribute(name);
  REQUIRE_MESSAGE(slot, "no attribute " << name);
  return obj.toObject()->slots[*slot];
}

ops::Tensor tensor(const IValue& v) {
  REQUIRE(v.isTensor());
  return ops::Tensor::fromIValue(v);
}

// A tensor's elements in C order, as doubles.
std::vector<double> values(const ops::Tensor& t) {
  ops::Tensor c = t.contiguous().to(ops::ScalarType::Double);
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}

}  // namespace

// Expected numbers in these tests were printed by PyTorch 1.13 (/usr/bin/python3):
//   m = torch.jit.load('linear_buffer.pt'); print(m.offset.tolist(), m.lin.weight.tolist(), ...)
// and, for constants.pkl, by Python's pickle module with a persistent_load
// that reads constants/<key> with torch.frombuffer.

TEST_CASE("linear_buffer's data.pkl: objects, parameters and buffers from data/ records") {
  if (!fs::exists(fixture("linear_buffer"))) return;
  Archive a("linear_buffer");
  std::vector<std::string> loaded;
  IValue root = a.load("data.pkl", &loaded);
  REQUIRE(root.isObject());
  CHECK(root.toObject()->type->name() == "__torch__.LinearBuffer");
  CHECK(attr(root, "training").toBool() == true);
  CHECK(attr(root, "_is_full_backward_hook").isNone());
  CHECK(values(tensor(attr(root, "offset"))) == std::vector<double>{0, 1, 2, 3});
  const IValue& lin = attr(root, "lin");
  CHECK(lin.toObject()->type->name() == "__torch__.torch.nn.modules.linear.Linear");
  ops::Tensor w = tensor(attr(lin, "weight"));
  CHECK(w.sizes() == ops::IntArray{2, 3});
  CHECK(w.strides() == ops::IntArray{3, 1});
  CHECK(w.dtype() == ops::ScalarType::Float);
  auto wv = values(w);
  std::vector<double> expect_w = {-0.004322517663240433, 0.3097158372402191, -0.4751853346824646,
                                  -0.4248946011066437, -0.2223689705133438, 0.15482072532176971};
  for (size_t i = 0; i < 6; ++i) CHECK(wv[i] == doctest::Approx(expect_w[i]).epsilon(1e-7));
  auto bv = values(tensor(attr(lin, "bias")));
  CHECK(bv[0] == doctest::Approx(-0.011439144611358643).epsilon(1e-7));
  CHECK(bv[1] == doctest::Approx(0.45777493715286255).epsilon(1e-7));
  CHECK(loaded == std::vector<std::string>{"0", "1", "2"});
}

TEST_CASE("attributes.pt: every attribute type of spec §6") {
  if (!fs::exists(fixture("attributes"))) return;
  Archive a("attributes");
  IValue root = a.load("data.pkl");
  CHECK(attr(root, "count").toInt() == 7);
  CHECK(attr(root, "ratio").toDouble() == 0.25);
  CHECK(attr(root, "enabled").toBool());
  CHECK(attr(root, "label").toStr() == "wick");

  const IValue& names = attr(root, "names");
  REQUIRE(names.isList());
  CHECK(names.toList()->elem_type->str() == "str");
  REQUIRE(names.toList()->items.size() == 3);
  CHECK(names.toList()->items[2].toStr() == "ccc");

  const IValue& table = attr(root, "table");
  REQUIRE(table.isDict());
  CHECK(table.toDict()->key_type->str() == "str");
  CHECK(table.toDict()->value_type->str() == "int");
  CHECK(table.toDict()->find(IValue("y"))->toInt() == 2);
  CHECK(attr(root, "int_keys").toDict()->find(IValue(3))->toStr() == "three");

  const IValue& pair = attr(root, "pair");
  REQUIRE(pair.isTuple());
  CHECK(pair.toTuple()->items[0].toInt() == 3);
  CHECK(pair.toTuple()->items[1].toStr() == "three");  // (3, h 19): the memoized 'three'
  CHECK(attr(root, "maybe").isNone());
  CHECK(attr(root, "maybe_tensor").isNone());
  CHECK(attr(root, "some").toInt() == 5);

  const IValue& weights = attr(root, "weights");
  CHECK(weights.toList()->elem_type->str() == "float");
  CHECK(weights.toList()->items[1].toDouble() == 1.5);
  const IValue& flags = attr(root, "flags");
  CHECK(flags.toList()->elem_type->str() == "bool");
  CHECK(flags.toList()->items[1].toBool() == false);

  const IValue& nested = attr(root, "nested");
  CHECK(nested.toDict()->value_type->str() == "List[int]");
  const IValue* empty = nested.toDict()->find(IValue("empty"));
  REQUIRE(empty);
  CHECK(empty->toList()->items.empty());
  CHECK(empty->toList()->elem_type->str() == "int");
  CHECK(nested.toDict()->find(IValue("k"))->toList()->items[1].toInt() == 2);

  CHECK(attr(root, "big").toInt() == 1099511627776);  // LONG1
  CHECK(attr(root, "negative").toInt() == -100000);   // BININT

  const IValue& tensors = attr(root, "tensors");
  CHECK(tensors.toList()->elem_type->str() == "Tensor");
  CHECK(values(tensor(tensors.toList()->items[0])) == std::vector<double>{1, 1});
  CHECK(values(tensor(tensors.toList()->items[1])) == std::vector<double>{0, 1, 2});
  CHECK(values(tensor(*attr(root, "named").toDict()->find(IValue("w")))) == std::vector<double>{3, 3});
  const IValue& device = attr(root, "device");
  REQUIRE(device.isDevice());
  CHECK(device.toDeviceCode() == ops::kCPU);
}

TEST_CASE("classes_enums.pt: enum members by value, interface-typed attributes") {
  if (!fs::exists(fixture("classes_enums"))) return;
  Archive a("classes_enums");
  IValue root = a.load("data.pkl");
  const IValue& color = attr(root, "color");
  REQUIRE(color.isEnum());
  CHECK(color.toEnum()->name == "GREEN");
  CHECK(color.toEnum()->value.toInt() == 2);
  CHECK(color.toEnum()->type->name() == "__torch__.Color");
  // Declared `scaler : __torch__.Scaler` (an interface); holds a Doubler.
  CHECK(attr(root, "scaler").toObject()->type->name() == "__torch__.Doubler");
}

TEST_CASE("views_shared.pt: views keep sharing one storage") {
  if (!fs::exists(fixture("views_shared"))) return;
  Archive a("views_shared");
  std::vector<std::string> loaded;
  IValue root = a.load("data.pkl", &loaded);
  ops::Tensor w = tensor(attr(root, "w")), row0 = tensor(attr(root, "row0")), rows12 = tensor(attr(root, "rows12"));
  ops::Tensor every_other = tensor(attr(root, "every_other")), broadcast = tensor(attr(root, "broadcast"));
  ops::Tensor empty = tensor(attr(root, "empty")), scalar = tensor(attr(root, "scalar"));

  CHECK(w.storage().get() == row0.storage().get());
  CHECK(w.storage().get() == rows12.storage().get());
  CHECK(w.storage().get() == every_other.storage().get());
  CHECK(w.strides() == ops::IntArray{1, 3});
  CHECK(rows12.storageOffset() == 3);
  CHECK(rows12.strides() == ops::IntArray{3, 1});
  CHECK(every_other.strides() == ops::IntArray{3, 2});
  CHECK(broadcast.strides() == ops::IntArray{1, 0});
  CHECK(empty.sizes() == ops::IntArray{0, 3});
  CHECK(scalar.dim() == 0);
  CHECK(values(scalar) == std::vector<double>{2.5});

  auto r = values(row0);
  CHECK(r[0] == doctest::Approx(1.5409960746765137));
  CHECK(r[2] == doctest::Approx(-2.1787893772125244));
  auto rr = values(rows12);  // [[0.568.., -1.084.., -1.398..], [0.403.., 0.838.., -0.719..]]
  CHECK(rr[0] == doctest::Approx(0.5684312582015991));
  CHECK(rr[5] == doctest::Approx(-0.7192575931549072));
  auto eo = values(every_other);
  CHECK(eo[1] == doctest::Approx(-2.1787893772125244));
  CHECK(eo[7] == doctest::Approx(0.18203648924827576));
  auto bc = values(broadcast);
  CHECK(bc[4] == doctest::Approx(1.1006041765213013));
  CHECK(bc[7] == doctest::Approx(1.1006041765213013));
  // Storage "2" has numel 0: never read (its record is empty).
  CHECK(std::find(loaded.begin(), loaded.end(), "2") == loaded.end());
  CHECK(std::find(loaded.begin(), loaded.end(), "0") != loaded.end());
}

TEST_CASE("dtypes.pt: one buffer of every storage class") {
  if (!fs::exists(fixture("dtypes"))) return;
  Archive a("dtypes");
  IValue root = a.load("data.pkl");
  struct Expect {
    const char* name;
    ops::ScalarType dtype;
    std::vector<double> values;
  };
  std::vector<Expect> expected = {
      {"f32", ops::ScalarType::Float, {1.5, -2.25, 3.0}},
      {"f64", ops::ScalarType::Double, {0.3333333333333333, -1e300}},
      {"f16", ops::ScalarType::Half, {0.5, -1.25, 65504.0}},
      {"bf16", ops::ScalarType::BFloat16, {1.0, -3.5, 1.0002555517425873e+30}},
      {"i64", ops::ScalarType::Long, {1099511627776.0, -7}},
      {"i32", ops::ScalarType::Int, {2147483647, -5}},
      {"i16", ops::ScalarType::Short, {-32768, 300}},
      {"i8", ops::ScalarType::Char, {-128, 127}},
      {"u8", ops::ScalarType::Byte, {0, 200, 255}},
      {"b", ops::ScalarType::Bool, {1, 0, 1}},
  };
  for (const auto& e : expected) {
    CAPTURE(e.name);
    ops::Tensor t = tensor(attr(root, e.name));
    CHECK(t.dtype() == e.dtype);
    CHECK(values(t) == e.values);
  }
}

TEST_CASE("constants.pkl of traced and frozen modules: a tuple of tensors from constants/") {
  if (!fs::exists(fixture("frozen"))) return;
  {
    Archive a("traced_constants");
    IValue c = a.load("constants.pkl");
    REQUIRE(c.isTuple());
    REQUIRE(c.toTuple()->items.size() == 1);
    auto v = values(tensor(c.toTuple()->items[0]));
    REQUIRE(v.size() == 3);
    CHECK(v[0] == doctest::Approx(1.5409960746765137));
    CHECK(v[2] == doctest::Approx(-2.1787893772125244));
  }
  Archive a("frozen");
  IValue c = a.load("constants.pkl");
  REQUIRE(c.toTuple()->items.size() == 6);
  ops::Tensor conv = tensor(c.toTuple()->items[0]);
  CHECK(conv.sizes() == ops::IntArray{4, 1, 3, 3});
  CHECK(conv.strides() == ops::IntArray{9, 9, 3, 1});
  CHECK(values(conv)[1] == doctest::Approx(0.2747122347354889));
  ops::Tensor fc = tensor(c.toTuple()->items[4]);
  CHECK(fc.sizes() == ops::IntArray{3, 8});
  CHECK(values(fc)[0] == doctest::Approx(0.26699206233024597));
  CHECK(values(tensor(c.toTuple()->items[5]))[2] == doctest::Approx(-0.28392308950424194));
  // frozen: the root object has no attributes at all.
  IValue root = a.load("data.pkl");
  CHECK(root.toObject()->slots.empty());
}

TEST_CASE("every fixture's data.pkl and constants.pkl unpickle") {
  for (const auto& name : fixtureNames()) {
    CAPTURE(name);
    Archive a(name);
    IValue root = a.load("data.pkl");
    CHECK(root.isObject());
    CHECK(a.load("constants.pkl").isTuple());
  }
}

// Torch's own data.pkl, read and written again, comes out byte for byte:
// the strongest check that the pickler writes what torch writes (spec §4.2,
// Note [What the pickler memoizes]).
TEST_CASE("pickling an unpickled fixture reproduces torch's bytes exactly") {
  for (const auto& name : fixtureNames()) {
    for (const char* pkl : {"data.pkl", "constants.pkl"}) {
      CAPTURE(name);
      CAPTURE(pkl);
      Archive a(name);
      IValue v = a.load(pkl);
      std::vector<std::string> keys;
      PickleHooks hooks;
      hooks.storage_key = [&](const ops::Tensor&) {
        keys.push_back(std::to_string(keys.size()));
        return keys.back();
      };
      std::vector<uint8_t> out = pickle(v, hooks);
      std::vector<uint8_t> original = a.record(pkl);
      if (name == "traced_constants" && std::string(pkl) == "data.pkl") {
        // The one exception: a traced module's tensors are held by nothing in
        // Python, so torch wrote no BINPUT after them and ours has one more
        // each (Note [What the pickler memoizes]). The values are the same.
        CHECK(out.size() == original.size() + 4);
        continue;
      }
      CHECK(out.size() == original.size());
      auto diff = std::mismatch(out.begin(), out.end(), original.begin(), original.end());
      CHECK_MESSAGE(diff.first == out.end(), "first difference at byte " << (diff.first - out.begin()));
    }
  }
}

// ---- round trips of values made in C++ ----

namespace {

IValue roundTrip(const IValue& v, std::map<std::string, lang::Ref<ops::Storage>>* storages = nullptr) {
  std::map<std::string, lang::Ref<ops::Storage>> local;
  if (!storages) storages = &local;
  PickleHooks ph;
  ph.storage_key = [&](const ops::Tensor& t) {
    std::string key = std::to_string(storages->size());
    (*storages)[key] = t.storage();
    return key;
  };
  std::vector<uint8_t> bytes = pickle(v, ph);
  testing::FixtureTypes types;
  UnpickleHooks uh = types.hooks();
  uh.load_storage = [&](const std::string& key, ops::ScalarType, int64_t, const std::string&) {
    return storages->at(key);
  };
  return unpickle(bytes, uh, "roundtrip");
}

IValue intList(std::vector<int64_t> xs) {
  std::vector<IValue> items(xs.begin(), xs.end());
  return IValue(lang::Ref<lang::ListObj>::make(lang::intType(), items));
}

}  // namespace

TEST_CASE("round trip: ints, floats, strings, tuples, lists and dicts") {
  std::vector<int64_t> ints = {0, 1, 255, 256, 65535, 65536, -1, -256, 2147483647, 2147483648LL, -2147483648LL,
                               -2147483649LL, 1LL << 40, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max()};
  IValue back = roundTrip(intList(ints));
  REQUIRE(back.isList());
  CHECK(back.toList()->elem_type->str() == "int");
  REQUIRE(back.toList()->items.size() == ints.size());
  for (size_t i = 0; i < ints.size(); ++i) CHECK(back.toList()->items[i].toInt() == ints[i]);

  std::vector<double> floats = {0.0, -0.0, 1.5, -2.25, 1e-300, 1e300, std::numeric_limits<double>::infinity(),
                                0.1};
  std::vector<IValue> fitems(floats.begin(), floats.end());
  back = roundTrip(IValue(lang::Ref<lang::ListObj>::make(lang::floatType(), fitems)));
  for (size_t i = 0; i < floats.size(); ++i) {
    CHECK(back.toList()->items[i].toDouble() == floats[i]);
    CHECK(std::signbit(back.toList()->items[i].toDouble()) == std::signbit(floats[i]));
  }
  IValue nan = roundTrip(IValue(std::nan("")));
  CHECK(std::isnan(nan.toDouble()));

  for (size_t n = 0; n <= 5; ++n) {  // EMPTY_TUPLE, TUPLE1-3, MARK..TUPLE
    std::vector<IValue> items;
    for (size_t i = 0; i < n; ++i) items.push_back(IValue("s" + std::to_string(i % 2)));  // repeats hit the memo
    IValue t = roundTrip(IValue(lang::Ref<lang::TupleObj>::make(items)));
    REQUIRE(t.toTuple()->items.size() == n);
    for (size_t i = 0; i < n; ++i) CHECK(t.toTuple()->items[i].toStr() == items[i].toStr());
  }

  CHECK(roundTrip(IValue("")).toStr().empty());
  CHECK(roundTrip(IValue("caf\xc3\xa9")).toStr() == "caf\xc3\xa9");
  CHECK(roundTrip(IValue()).isNone());
  CHECK(roundTrip(IValue(true)).toBool() == true);
  CHECK(roundTrip(IValue::device(ops::kCPU)).isDevice());

  // List[List[str]] and Dict[str, List[int]] keep their static types.
  auto inner = lang::Ref<lang::ListObj>::make(lang::strType(), std::vector<IValue>{IValue("a"), IValue("b")});
  auto outer = lang::Ref<lang::ListObj>::make(lang::listType(lang::strType()), std::vector<IValue>{IValue(inner)});
  back = roundTrip(IValue(outer));
  CHECK(back.toList()->elem_type->str() == "List[str]");
  CHECK(back.toList()->items[0].toList()->elem_type->str() == "str");
  CHECK(back.toList()->items[0].toList()->items[1].toStr() == "b");

  auto d = lang::Ref<lang::DictObj>::make(lang::strType(), lang::listType(lang::intType()));
  d->set(IValue("x"), intList({1, 2}));
  d->set(IValue("y"), intList({}));
  back = roundTrip(IValue(d));
  REQUIRE(back.isDict());
  CHECK(back.toDict()->value_type->str() == "List[int]");
  auto items = back.toDict()->items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].first.toStr() == "x");  // insertion order kept
  CHECK(items[0].second.toList()->items[1].toInt() == 2);
  CHECK(items[1].second.toList()->elem_type->str() == "int");
}

TEST_CASE("round trip: aliasing survives, a shared list comes back as one list") {
  IValue shared = intList({1, 2, 3});
  IValue t(lang::Ref<lang::TupleObj>::make(std::vector<IValue>{shared, shared, intList({1, 2, 3})}));
  IValue back = roundTrip(t);
  const auto& items = back.toTuple()->items;
  CHECK(items[0].heapPtr() == items[1].heapPtr());
  CHECK(items[0].heapPtr() != items[2].heapPtr());
}

TEST_CASE("round trip: tensors sharing a storage keep sharing it") {
  ops::Tensor base = ops::Tensor::empty({3, 4}, ops::ScalarType::Float);
  for (int i = 0; i < 12; ++i) base.data<float>()[i] = float(i) * 0.5f;
  ops::Tensor other = ops::Tensor::full({2}, 7.0, ops::ScalarType::Long);
  std::vector<IValue> views = {base.toIValue(),
                               base.transpose(0, 1).toIValue(),
                               base.select(0, 1).toIValue(),
                               base.slice(1, 1, 4, 2).toIValue(),
                               base.select(1, 2).unsqueeze(1).expand({3, 5}).toIValue(),
                               base.slice(0, 3, 3).toIValue(),
                               other.toIValue(),
                               base.select(0, 2).select(0, 3).toIValue()};
  auto list = lang::Ref<lang::ListObj>::make(lang::tensorType(), views);
  std::map<std::string, lang::Ref<ops::Storage>> storages;
  IValue back = roundTrip(IValue(list), &storages);
  CHECK(storages.size() == 2);  // one key per distinct storage
  const auto& got = back.toList()->items;
  REQUIRE(got.size() == views.size());
  for (size_t i = 0; i < views.size(); ++i) {
    CAPTURE(i);
    ops::Tensor a = tensor(views[i]), b = tensor(got[i]);
    CHECK(a.sizes() == b.sizes());
    CHECK(a.strides() == b.strides());
    CHECK(a.storageOffset() == b.storageOffset());
    CHECK(a.dtype() == b.dtype());
    CHECK(values(a) == values(b));
  }
  CHECK(tensor(got[0]).storage().get() == tensor(got[3]).storage().get());
  CHECK(tensor(got[0]).storage().get() != tensor(got[6]).storage().get());
}

TEST_CASE("round trip: objects, parameters, enums") {
  auto color = std::make_shared<lang::EnumType>("__torch__.Color", lang::intType(), std::vector<std::string>{"RED", "GREEN"},
                                                std::vector<lang::EnumMemberValue>{int64_t(1), int64_t(2)});
  auto cls = lang::ClassType::create("__torch__.foo.Net", true);
  cls->addAttribute("weight", lang::tensorType(), /*is_parameter=*/true);
  cls->addAttribute("training", lang::boolType());
  cls->addAttribute("color", color);
  cls->addAttribute("names", lang::listType(lang::strType()));
  auto obj = lang::Ref<lang::Object>::make(cls, 4);
  obj->slots[0] = ops::Tensor::full({2}, 1.5, ops::ScalarType::Float).toIValue();
  obj->slots[1] = IValue(false);
  obj->slots[2] = IValue(lang::Ref<lang::EnumValue>::make(color, "GREEN", IValue(2)));
  obj->slots[3] = IValue(lang::Ref<lang::ListObj>::make(lang::strType(), std::vector<IValue>{IValue("a")}));

  std::map<std::string, lang::Ref<ops::Storage>> storages;
  PickleHooks ph;
  ph.storage_key = [&](const ops::Tensor& t) {
    storages["w"] = t.storage();
    return std::string("w");
  };
  std::vector<uint8_t> bytes = pickle(IValue(obj), ph);
  std::string text(bytes.begin(), bytes.end());
  using namespace std::string_literals;
  CHECK(text.find("\x80\x02\x63__torch__.foo\nNet\nq\x00)\x81}(X\x06\x00\x00\x00weightq\x01"s) == 0);
  CHECK(text.find("c__torch__\nColor\n"s) != std::string::npos);
  CHECK(text.find("(K\x01t\x88"s) != std::string::npos);  // the parameter's requires_grad is True

  UnpickleHooks uh;
  uh.resolve_class = [&](const std::string& q) -> lang::TypePtr {
    if (q == "__torch__.foo.Net") return cls;
    if (q == "__torch__.Color") return color;
    throw ArchiveError("unknown " + q);
  };
  testing::FixtureTypes types;
  uh.parse_type = [&](const std::string& s) { return types.parse(s); };
  uh.load_storage = [&](const std::string& key, ops::ScalarType, int64_t, const std::string&) { return storages.at(key); };
  IValue back = unpickle(bytes, uh, "net");
  REQUIRE(back.isObject());
  CHECK(back.toObject()->type == cls);
  CHECK(values(tensor(back.toObject()->slots[0])) == std::vector<double>{1.5, 1.5});
  CHECK(back.toObject()->slots[1].toBool() == false);
  CHECK(back.toObject()->slots[2].toEnum()->name == "GREEN");
  CHECK(back.toObject()->slots[3].toList()->items[0].toStr() == "a");
}

// ---- exact bytes for small values (spec §4.2) ----

TEST_CASE("the bytes torch's pickler writes for small values") {
  auto pk = [](const IValue& v) {
    auto b = pickle(v, {});
    return std::string(b.begin(), b.end());
  };
  using namespace std::string_literals;
  CHECK(pk(IValue(7)) == "\x80\x02K\x07."s);
  CHECK(pk(IValue(255)) == "\x80\x02K\xff."s);
  CHECK(pk(IValue(256)) == "\x80\x02M\x00\x01."s);
  CHECK(pk(IValue(65536)) == "\x80\x02J\x00\x00\x01\x00."s);
  CHECK(pk(IValue(-1)) == "\x80\x02J\xff\xff\xff\xff."s);  // negatives are never K/M
  CHECK(pk(IValue(int64_t(1) << 31)) == "\x80\x02\x8a\x08\x00\x00\x00\x80\x00\x00\x00\x00."s);
  CHECK(pk(IValue(-(int64_t(1) << 31) - 1)) == "\x80\x02\x8a\x08\xff\xff\xff\x7f\xff\xff\xff\xff."s);
  CHECK(pk(IValue(1.5)) == "\x80\x02G\x3f\xf8\x00\x00\x00\x00\x00\x00."s);  // big-endian
  CHECK(pk(IValue()) == "\x80\x02N."s);
  CHECK(pk(IValue(false)) == "\x80\x02\x89."s);
  // Strings are memoized by value: the repeat is a BINGET.
  IValue t(lang::Ref<lang::TupleObj>::make(std::vector<IValue>{IValue("ab"), IValue("ab")}));
  CHECK(pk(t) == "\x80\x02X\x02\x00\x00\x00" "abq\x00h\x00\x86."s);
  CHECK(pk(IValue(lang::Ref<lang::TupleObj>::make(std::vector<IValue>{}))) == "\x80\x02)."s);
  CHECK(pk(intList({1, 2})) ==
        "\x80\x02\x63torch.jit._pickle\nbuild_intlist\nq\x00(](K\x01K\x02\x65tR."s);
  IValue strs(lang::Ref<lang::ListObj>::make(lang::strType(), std::vector<IValue>{IValue("a")}));
  CHECK(pk(strs) ==
        "\x80\x02\x63torch.jit._pickle\nrestore_type_tag\nq\x00](X\x01\x00\x00\x00\x61q\x01\x65X\x09\x00\x00\x00List[str]q\x02\x86R."s);
  auto d = lang::Ref<lang::DictObj>::make(lang::strType(), lang::intType());
  d->set(IValue("k"), IValue(1));
  CHECK(pk(IValue(d)) ==
        "\x80\x02\x63torch.jit._pickle\nrestore_type_tag\nq\x00}(X\x01\x00\x00\x00kq\x01K\x01uX\x0e\x00\x00\x00\x44ict[str, int]q\x02\x86R."s);
  CHECK(pk(IValue::device(ops::kCPU)) == "\x80\x02\x63torch\ndevice\nq\x00X\x03\x00\x00\x00\x63puq\x01\x85Rq\x02."s);
  // A tensor: _rebuild_tensor_v2 with its storage's persistent id (spec §4.4).
  ops::Tensor x = ops::Tensor::zeros({4}, ops::ScalarType::Float);
  CHECK(pk(x.toIValue()) ==
        "\x80\x02\x63torch._utils\n_rebuild_tensor_v2\nq\x00((X\x07\x00\x00\x00storageq\x01\x63torch\nFloatStorage\nq\x02"
        "X\x01\x00\x00\x00\x30q\x03X\x03\x00\x00\x00\x63puq\x04K\x04tQq\x05K\x00(K\x04t(K\x01t\x89\x63\x63ollections\n"
        "OrderedDict\nq\x06)RtRq\x07."s);
}

TEST_CASE("Python's pickler memoizes a dict before filling it (torch.save of a state_dict)") {
  using namespace std::string_literals;
  // PROTO 2, EMPTY_DICT, BINPUT 0, MARK, 'a' 1 'b' [BINGET 0's sibling list], SETITEMS, STOP
  std::string p = "\x80\x02}q\x00(X\x01\x00\x00\x00" "aK\x01X\x01\x00\x00\x00" "b]q\x01(K\x02" "eu."s;
  std::vector<uint8_t> bytes(p.begin(), p.end());
  testing::FixtureTypes types;
  IValue d = unpickle(bytes, types.hooks(), "state_dict");
  REQUIRE(d.isDict());
  CHECK(d.toDict()->find(IValue("a"))->toInt() == 1);
  CHECK(d.toDict()->find(IValue("b"))->toList()->items.at(0).toInt() == 2);
}
