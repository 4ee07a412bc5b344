#include "cli/value_json.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <sstream>

#include "ops/tensor/tensor.h"

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <map>
#include <variant>

namespace wick::cli {

using lang::IValue;
using lang::TypeKind;
using lang::TypePtr;

namespace {

void escape(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void writeFloat(std::string& out, double d) {
  if (std::isnan(d)) out += "NaN";
  else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
  else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    out += s;
  }
}

// {"tensor": {"dtype": "float32", "shape": [2, 3], "data": [...]}}, data row-major.
void writeTensor(std::string& out, const ops::Tensor& t) {
  if (ops::isComplexType(t.dtype()))
    throw std::runtime_error(std::string("a ") + ops::dtypeName(t.dtype()) +
                             " tensor (values.md has no encoding for complex numbers; torch.view_as_real gives one)");
  ops::Tensor c = t.contiguous();
  out += "{\"tensor\": {\"dtype\": \"";
  out += ops::dtypeName(c.dtype());
  out += "\", \"shape\": [";
  for (size_t i = 0; i < c.sizes().size(); ++i) out += (i ? ", " : "") + std::to_string(c.sizes()[i]);
  out += "], \"data\": [";
  int64_t n = c.numel();
  ops::dispatchType(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = static_cast<const T*>(c.data_ptr());
    for (int64_t i = 0; i < n; ++i) {
      if (i) out += ", ";
      if constexpr (std::is_same_v<T, bool>) out += p[i] ? "true" : "false";
      else if constexpr (std::is_integral_v<T>) out += std::to_string(static_cast<int64_t>(p[i]));
      else writeFloat(out, static_cast<double>(static_cast<ops::opmath_t<T>>(p[i])));
    }
  });
  out += "]}}";
}

void write(std::string& out, const IValue& v) {
  switch (v.tag()) {
    case lang::Tag::None: out += "null"; return;
    case lang::Tag::Bool: out += v.toBool() ? "true" : "false"; return;
    case lang::Tag::Int: out += std::to_string(v.toInt()); return;
    case lang::Tag::Float: writeFloat(out, v.toDouble()); return;
    case lang::Tag::Str: escape(out, v.toStrView()); return;
    case lang::Tag::List: {
      out += '[';
      const auto& items = v.toList()->items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        write(out, items[i]);
      }
      out += ']';
      return;
    }
    case lang::Tag::Tuple: {
      out += "{\"tuple\": [";
      const auto& items = v.toTuple()->items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        write(out, items[i]);
      }
      out += "]}";
      return;
    }
    case lang::Tag::Dict: {
      out += "{\"dict\": [";
      bool first = true;
      v.toDict()->forEach([&](const IValue& k, const IValue& x) {
        if (!first) out += ", ";
        first = false;
        out += '[';
        write(out, k);
        out += ", ";
        write(out, x);
        out += ']';
      });
      out += "]}";
      return;
    }
    case lang::Tag::Tensor: writeTensor(out, ops::Tensor::fromIValue(v)); return;
    case lang::Tag::Device: out += "{\"device\": "; escape(out, lang::toStr(v)); out += "}"; return;
    case lang::Tag::Enum:
    case lang::Tag::Object: out += "{\"object\": "; escape(out, lang::typeOf(v)->str()); out += "}"; return;
    default: out += "{\"object\": "; escape(out, lang::typeOf(v)->str()); out += "}"; return;
  }
}

// A minimal JSON reader: enough for argument files (with NaN/Infinity).
struct Json {
  enum Kind { Null, Bool, Int, Float, Str, Arr, Obj } kind = Null;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<Json> arr;
  std::vector<std::pair<std::string, Json>> obj;
};

class Reader {
 public:
  Reader(const std::string& text, const std::string& path) : t_(text), path_(path) {}
  Json parseAll() {
    Json j = value();
    ws();
    if (p_ != t_.size()) fail("unexpected text after the JSON value");
    return j;
  }

 private:
  [[noreturn]] void fail(const std::string& m) {
    size_t line = 1, col = 1;
    for (size_t k = 0; k < p_ && k < t_.size(); ++k) {
      if (t_[k] == '\n') ++line, col = 1;
      else ++col;
    }
    throw std::runtime_error(path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": error: " + m);
  }
  void ws() {
    while (p_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[p_]))) ++p_;
  }
  bool word(const char* w) {
    size_t n = std::char_traits<char>::length(w);
    if (t_.compare(p_, n, w) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }
  Json value() {
    ws();
    if (p_ >= t_.size()) fail("unexpected end of JSON");
    Json j;
    char c = t_[p_];
    if (c == '[') {
      ++p_;
      j.kind = Json::Arr;
      ws();
      if (p_ < t_.size() && t_[p_] == ']') return ++p_, j;
      for (;;) {
        j.arr.push_back(value());
        ws();
        if (p_ < t_.size() && t_[p_] == ',') { ++p_; continue; }
        if (p_ < t_.size() && t_[p_] == ']') return ++p_, j;
        fail("expected ',' or ']'");
      }
    }
    if (c == '{') {
      ++p_;
      j.kind = Json::Obj;
      ws();
      if (p_ < t_.size() && t_[p_] == '}') return ++p_, j;
      for (;;) {
        ws();
        Json k = value();
        if (k.kind != Json::Str) fail("object keys must be strings");
        ws();
        if (p_ >= t_.size() || t_[p_] != ':') fail("expected ':'");
        ++p_;
        j.obj.emplace_back(k.s, value());
        ws();
        if (p_ < t_.size() && t_[p_] == ',') { ++p_; continue; }
        if (p_ < t_.size() && t_[p_] == '}') return ++p_, j;
        fail("expected ',' or '}'");
      }
    }
    if (c == '"') return string();
    if (word("null")) return j;
    if (word("true")) { j.kind = Json::Bool; j.b = true; return j; }
    if (word("false")) { j.kind = Json::Bool; return j; }
    if (word("NaN")) { j.kind = Json::Float; j.d = NAN; return j; }
    if (word("Infinity")) { j.kind = Json::Float; j.d = INFINITY; return j; }
    if (word("-Infinity")) { j.kind = Json::Float; j.d = -INFINITY; return j; }
    size_t b = p_;
    while (p_ < t_.size() && (std::isdigit(static_cast<unsigned char>(t_[p_])) || std::strchr("+-.eE", t_[p_]))) ++p_;
    std::string num = t_.substr(b, p_ - b);
    if (num.empty()) fail("unexpected character '" + std::string(1, c) + "'");
    if (num.find_first_of(".eE") == std::string::npos) {
      j.kind = Json::Int;
      auto r = std::from_chars(num.data(), num.data() + num.size(), j.i);
      if (r.ec != std::errc()) fail("bad integer '" + num + "'");
    } else {
      j.kind = Json::Float;
      j.d = std::strtod(num.c_str(), nullptr);
    }
    return j;
  }
  Json string() {
    Json j;
    j.kind = Json::Str;
    ++p_;
    while (p_ < t_.size() && t_[p_] != '"') {
      char c = t_[p_++];
      if (c != '\\') { j.s += c; continue; }
      if (p_ >= t_.size()) break;
      char e = t_[p_++];
      switch (e) {
        case 'n': j.s += '\n'; break;
        case 't': j.s += '\t'; break;
        case 'r': j.s += '\r'; break;
        case 'b': j.s += '\b'; break;
        case 'f': j.s += '\f'; break;
        case 'u': {
          uint32_t cp = static_cast<uint32_t>(std::stoul(t_.substr(p_, 4), nullptr, 16));
          p_ += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && t_.compare(p_, 2, "\\u") == 0) {
            uint32_t lo = static_cast<uint32_t>(std::stoul(t_.substr(p_ + 2, 4), nullptr, 16));
            p_ += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          if (cp < 0x80) j.s += static_cast<char>(cp);
          else if (cp < 0x800) { j.s += static_cast<char>(0xC0 | (cp >> 6)); j.s += static_cast<char>(0x80 | (cp & 0x3F)); }
          else if (cp < 0x10000) { j.s += static_cast<char>(0xE0 | (cp >> 12)); j.s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); j.s += static_cast<char>(0x80 | (cp & 0x3F)); }
          else { j.s += static_cast<char>(0xF0 | (cp >> 18)); j.s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)); j.s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); j.s += static_cast<char>(0x80 | (cp & 0x3F)); }
          break;
        }
        default: j.s += e;
      }
    }
    if (p_ >= t_.size()) fail("unterminated string");
    ++p_;
    return j;
  }
  const std::string& t_;
  const std::string& path_;
  size_t p_ = 0;
};

const Json* member(const Json& j, const char* key) {
  if (j.kind != Json::Obj || j.obj.size() != 1 || j.obj[0].first != key) return nullptr;
  return &j.obj[0].second;
}

// The folder of the arguments file: {"npy": PATH} is relative to it.
thread_local std::string g_base_dir;

// A file mapped private and writable (copy on write), unmapped by its last user.
struct MappedNpy {
  void* base = nullptr;
  size_t size = 0;
  ~MappedNpy() {
    if (base) munmap(base, size);
  }
};

// Reads a NumPy .npy file (format 1.0/2.0, little-endian, C order). The file
// is mapped, not read: where its data starts on a 64-byte boundary (numpy
// pads headers to 64 bytes) the tensor uses the mapping in place, as an
// archive's tensors do, so a large input costs no copy and no fresh memory.
ops::Tensor readNpy(const std::string& path, const std::string& where) {
  auto mapped = std::make_shared<MappedNpy>();
  {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(where + ": cannot read " + path);
    struct stat st;
    bool ok = ::fstat(fd, &st) == 0;
    if (ok && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
      ok = p != MAP_FAILED;
      if (ok) {
        mapped->base = p;
        mapped->size = static_cast<size_t>(st.st_size);
      }
    }
    ::close(fd);
    if (!ok) throw std::runtime_error(where + ": cannot read " + path);
  }
  std::string_view bytes(static_cast<const char*>(mapped->base), mapped->size);
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw std::runtime_error(path + ": not a .npy file");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else {
    if (bytes.size() < 12) throw std::runtime_error(path + ": truncated .npy header");
    header_len = 0;
    for (int k = 3; k >= 0; --k) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + k]);
    offset = 12;
  }
  if (offset + header_len > bytes.size()) throw std::runtime_error(path + ": truncated .npy header");
  std::string header(bytes.substr(offset, header_len));
  auto field = [&](const std::string& key) {
    size_t p = header.find("'" + key + "'");
    if (p == std::string::npos) throw std::runtime_error(path + ": .npy header lacks " + key);
    return header.substr(header.find(':', p) + 1);
  };
  std::string descr = field("descr");
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  if (field("fortran_order").find("True") < field("fortran_order").find(','))
    throw std::runtime_error(path + ": Fortran-ordered .npy files are not supported");
  static const std::map<std::string, ops::ScalarType> types = {
      {"<f4", ops::ScalarType::Float}, {"<f8", ops::ScalarType::Double}, {"<f2", ops::ScalarType::Half},
      {"<i8", ops::ScalarType::Long},  {"<i4", ops::ScalarType::Int},    {"<i2", ops::ScalarType::Short},
      {"|i1", ops::ScalarType::Char},  {"|u1", ops::ScalarType::Byte},   {"|b1", ops::ScalarType::Bool}};
  auto it = types.find(descr);
  if (it == types.end()) throw std::runtime_error(path + ": unsupported .npy dtype '" + descr + "'");
  std::string shape = field("shape");
  shape = shape.substr(shape.find('(') + 1, shape.find(')') - shape.find('(') - 1);
  std::vector<int64_t> sizes;
  std::stringstream sh(shape);
  for (std::string part; std::getline(sh, part, ',');)
    if (part.find_first_of("0123456789") != std::string::npos) sizes.push_back(std::stoll(part));
  int64_t numel = 1;
  for (int64_t n : sizes) {
    if (n < 0 || (n > 0 && numel > INT64_MAX / n)) throw std::runtime_error(path + ": .npy shape is impossible");
    numel *= n;
  }
  size_t itemsize = ops::elementSize(it->second);
  if (static_cast<uint64_t>(numel) > (bytes.size() - offset - header_len) / itemsize)
    throw std::runtime_error(path + ": .npy data is truncated");
  char* data = static_cast<char*>(mapped->base) + offset + header_len;
  if (reinterpret_cast<uintptr_t>(data) % 64 == 0)
    return ops::Tensor::fromBlob(data, sizes, it->second, [mapped](void*) {});
  ops::Tensor t = ops::Tensor::empty(sizes, it->second);
  std::memcpy(t.data_ptr(), data, static_cast<size_t>(numel) * itemsize);
  return t;
}

IValue tensorFromJson(const Json& j, const std::string& where);

IValue convert(const Json& j, const TypePtr& t, const std::string& where) {
  auto bad = [&]() -> IValue {
    throw std::runtime_error(where + ": expected a value of type " + t->str());
  };
  switch (t->kind()) {
    case TypeKind::Int: return j.kind == Json::Int ? IValue(j.i) : bad();
    case TypeKind::Float:
      if (j.kind == Json::Int) return IValue(static_cast<double>(j.i));
      return j.kind == Json::Float ? IValue(j.d) : bad();
    case TypeKind::Bool: return j.kind == Json::Bool ? IValue(j.b) : bad();
    case TypeKind::Str: return j.kind == Json::Str ? IValue(j.s) : bad();
    case TypeKind::None: return j.kind == Json::Null ? IValue() : bad();
    case TypeKind::Optional: return j.kind == Json::Null ? IValue() : convert(j, t->elem(), where);
    case TypeKind::Number:
      if (j.kind == Json::Int) return IValue(j.i);
      return j.kind == Json::Float ? IValue(j.d) : bad();
    case TypeKind::List: {
      if (j.kind != Json::Arr) return bad();
      std::vector<IValue> items;
      for (size_t i = 0; i < j.arr.size(); ++i) items.push_back(convert(j.arr[i], t->elem(), where + "[" + std::to_string(i) + "]"));
      return IValue(lang::Ref<lang::ListObj>::make(t->elem(), std::move(items)));
    }
    case TypeKind::Tuple: {
      const Json* items = member(j, "tuple");
      if (!items || items->kind != Json::Arr || items->arr.size() != t->contained().size()) return bad();
      std::vector<IValue> out;
      for (size_t i = 0; i < items->arr.size(); ++i) out.push_back(convert(items->arr[i], t->contained()[i], where));
      return IValue(lang::Ref<lang::TupleObj>::make(std::move(out), t->name().empty() ? nullptr : t));
    }
    case TypeKind::Dict: {
      const Json* pairs = member(j, "dict");
      if (!pairs || pairs->kind != Json::Arr) return bad();
      auto d = lang::Ref<lang::DictObj>::make(t->key(), t->value());
      for (const Json& p : pairs->arr) {
        if (p.kind != Json::Arr || p.arr.size() != 2) return bad();
        d->set(convert(p.arr[0], t->key(), where), convert(p.arr[1], t->value(), where));
      }
      return IValue(d);
    }
    case TypeKind::Union:
      for (const TypePtr& alt : t->contained()) {
        try {
          return convert(j, alt, where);
        } catch (const std::runtime_error&) {
        }
      }
      return bad();
    case TypeKind::Tensor: return tensorFromJson(j, where);
    case TypeKind::Any:
      switch (j.kind) {
        case Json::Null: return IValue();
        case Json::Bool: return IValue(j.b);
        case Json::Int: return IValue(j.i);
        case Json::Float: return IValue(j.d);
        case Json::Str: return IValue(j.s);
        default: return bad();
      }
    default:
      throw std::runtime_error(where + ": arguments of type " + t->str() + " are not supported yet");
  }
}

IValue tensorFromJson(const Json& j, const std::string& where) {
  if (const Json* npy = member(j, "npy")) {
    if (npy->kind != Json::Str) throw std::runtime_error(where + ": \"npy\" must name a file");
    std::string path = npy->s;
    if (!path.empty() && path[0] != '/' && !g_base_dir.empty()) path = g_base_dir + "/" + path;
    return readNpy(path, where).toIValue();
  }
  const Json* body = member(j, "tensor");
  if (!body || body->kind != Json::Obj) throw std::runtime_error(where + ": expected a tensor");
  const Json *dtype = nullptr, *shape = nullptr, *data = nullptr;
  for (const auto& [k, v] : body->obj) {
    if (k == "dtype") dtype = &v;
    if (k == "shape") shape = &v;
    if (k == "data") data = &v;
  }
  if (!dtype || !shape || !data || dtype->kind != Json::Str || shape->kind != Json::Arr || data->kind != Json::Arr)
    throw std::runtime_error(where + ": a tensor needs \"dtype\", \"shape\" and \"data\"");
  auto st = ops::dtypeFromName(dtype->s);
  if (!st) throw std::runtime_error(where + ": unknown dtype '" + dtype->s + "'");
  std::vector<int64_t> sizes;
  for (const Json& d : shape->arr) sizes.push_back(d.i);
  ops::Tensor t = ops::Tensor::empty(sizes, *st);
  if (static_cast<int64_t>(data->arr.size()) != t.numel())
    throw std::runtime_error(where + ": tensor data has " + std::to_string(data->arr.size()) + " elements, shape needs " +
                             std::to_string(t.numel()));
  ops::dispatchType(*st, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data_ptr());
    for (size_t i = 0; i < data->arr.size(); ++i) {
      const Json& x = data->arr[i];
      double d = x.kind == Json::Int ? static_cast<double>(x.i) : x.kind == Json::Bool ? (x.b ? 1.0 : 0.0) : x.d;
      if constexpr (std::is_same_v<T, bool>) p[i] = d != 0;
      else if constexpr (std::is_integral_v<T>) p[i] = static_cast<T>(x.kind == Json::Int ? x.i : static_cast<int64_t>(d));
      else p[i] = static_cast<T>(static_cast<ops::opmath_t<T>>(d));
    }
  });
  return t.toIValue();
}

}  // namespace

std::string toJson(const IValue& v) {
  std::string out;
  write(out, v);
  return out;
}

std::vector<IValue> argsFromJson(const std::string& text, const std::vector<TypePtr>& types, const std::string& path) {
  Json j = Reader(text, path).parseAll();
  g_base_dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  if (j.kind != Json::Arr) throw std::runtime_error(path + ": error: expected a JSON array of arguments");
  if (j.arr.size() > types.size())
    throw std::runtime_error(path + ": error: " + std::to_string(j.arr.size()) + " arguments given, the function takes " +
                             std::to_string(types.size()));
  std::vector<IValue> out;
  for (size_t i = 0; i < j.arr.size(); ++i) out.push_back(convert(j.arr[i], types[i], path + ": argument " + std::to_string(i + 1)));
  return out;
}

}  // namespace wick::cli
