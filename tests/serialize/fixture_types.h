#pragma once
// Test helper: the class, enum and NamedTuple types of a real archive, read
// from the class headers in its code/ records (spec §7.2), so the unpickler
// can be tested on fixtures without the frontend. Only headers are read:
//
//   class Linear(Module):
//     __parameters__ = ["weight", "bias", ]
//     weight : Tensor                          -> attribute
//     __annotations__["0"] = __torch__.X       -> attribute "0"
//     out_features : Final[int] = 2            -> constant, skipped
//   class Color(Enum):
//     RED = 1                                  -> member
//
// Types are made on first use, and type strings ("Dict[str, List[int]]")
// are parsed by a small recursive-descent parser.
#include <cctype>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lang/types.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"

namespace wick::serialize::testing {

class FixtureTypes {
 public:
  // Only type strings of builtin types, no classes.
  FixtureTypes() = default;
  // `prefix` is the archive's top folder with its slash ("linear_buffer/").
  FixtureTypes(const ZipReader& zip, const std::string& prefix) {
    std::string code = prefix + "code/";
    for (const auto& e : zip.entries()) {
      const std::string& n = e.name;
      if (n.rfind(code, 0) != 0 || n.size() < 3 || n.compare(n.size() - 3, 3, ".py") != 0) continue;
      std::string module = n.substr(code.size(), n.size() - 3 - code.size());
      for (char& c : module)
        if (c == '/') c = '.';
      auto rec = zip.read(n);
      scan(module, std::string(rec.bytes.begin(), rec.bytes.end()));
    }
  }

  UnpickleHooks hooks() {
    UnpickleHooks h;
    h.resolve_class = [this](const std::string& q) { return resolve(q); };
    h.parse_type = [this](const std::string& s) { return parse(s); };
    return h;
  }

  lang::TypePtr resolve(const std::string& qualname) {
    if (auto it = made_.find(qualname); it != made_.end()) return it->second;
    auto it = decls_.find(qualname);
    if (it == decls_.end()) throw ArchiveError("no class " + qualname + " in code/");
    const Decl& d = it->second;
    if (d.base == "Enum") {
      std::vector<std::string> names;
      std::vector<lang::EnumMemberValue> values;
      lang::TypePtr value_type = lang::intType();
      for (const auto& [name, text] : d.members) {
        names.push_back(name);
        if (text[0] == '"') {
          values.emplace_back(text.substr(1, text.size() - 2));
          value_type = lang::strType();
        } else if (text.find('.') != std::string::npos) {
          values.emplace_back(std::stod(text));
          value_type = lang::floatType();
        } else {
          values.emplace_back(int64_t(std::stoll(text)));
        }
      }
      return made_[qualname] = std::make_shared<lang::EnumType>(qualname, value_type, names, values);
    }
    if (d.base == "NamedTuple") {
      std::vector<std::string> names;
      std::vector<lang::TypePtr> types;
      for (const auto& [name, type] : d.attributes) {
        names.push_back(name);
        types.push_back(parse(type));
      }
      return made_[qualname] = lang::namedTupleType(qualname, names, types);
    }
    // Registered before its attributes are parsed: a class may name itself.
    auto cls = lang::ClassType::create(qualname, d.base == "Module");
    made_[qualname] = cls;
    for (const auto& [name, type] : d.attributes) {
      bool param = d.parameters.count(name) > 0, buffer = d.buffers.count(name) > 0;
      cls->addAttribute(name, parse(type), param, buffer);
    }
    return cls;
  }

  lang::TypePtr parse(const std::string& text) {
    size_t pos = 0;
    lang::TypePtr t = parseAt(text, pos);
    if (pos != text.size()) throw ArchiveError("junk after type in '" + text + "'");
    return t;
  }

 private:
  struct Decl {
    std::string base;
    std::vector<std::pair<std::string, std::string>> attributes;  // name, type text
    std::vector<std::pair<std::string, std::string>> members;     // enum name, value text
    std::map<std::string, int> parameters, buffers;
  };

  static std::vector<std::string> quotedNames(const std::string& line) {
    std::vector<std::string> out;
    for (size_t q = line.find('"'); q != std::string::npos; q = line.find('"', q)) {
      size_t e = line.find('"', q + 1);
      out.push_back(line.substr(q + 1, e - q - 1));
      q = e + 1;
    }
    return out;
  }

  void scan(const std::string& module, const std::string& text) {
    Decl* cur = nullptr;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      start = end + 1;
      if (line.rfind("class ", 0) == 0) {
        size_t paren = line.find('('), colon = line.rfind(':');
        std::string name = line.substr(6, (paren == std::string::npos ? colon : paren) - 6);
        cur = &decls_[module + "." + name];
        if (paren != std::string::npos) cur->base = line.substr(paren + 1, line.find(')') - paren - 1);
        continue;
      }
      if (!cur || line.size() < 3 || line.compare(0, 2, "  ") != 0 || line[2] == ' ') continue;
      line = line.substr(2);
      if (line.rfind("def ", 0) == 0) continue;
      if (line.rfind("__parameters__", 0) == 0) {
        for (auto& n : quotedNames(line)) cur->parameters[n] = 1;
      } else if (line.rfind("__buffers__", 0) == 0) {
        for (auto& n : quotedNames(line)) cur->buffers[n] = 1;
      } else if (line.rfind("__annotations__[\"", 0) == 0) {
        size_t close = line.find("\"]");
        cur->attributes.push_back({line.substr(17, close - 17), line.substr(line.find("= ") + 2)});
      } else if (size_t c = line.find(" : "); c != std::string::npos) {
        std::string type = line.substr(c + 3);
        if (type.rfind("Final[", 0) == 0) continue;  // a constant, not in the pickle
        cur->attributes.push_back({line.substr(0, c), type});
      } else if (size_t eq = line.find(" = "); eq != std::string::npos && cur->base == "Enum") {
        cur->members.push_back({line.substr(0, eq), line.substr(eq + 3)});
      }
    }
  }

  lang::TypePtr parseAt(const std::string& s, size_t& pos) {
    size_t start = pos;
    while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '_' || s[pos] == '.')) ++pos;
    std::string name = s.substr(start, pos - start);
    std::vector<lang::TypePtr> args;
    if (pos < s.size() && s[pos] == '[') {
      ++pos;
      while (pos < s.size() && s[pos] != ']') {
        args.push_back(parseAt(s, pos));
        if (pos < s.size() && s[pos] == ',') pos += 2;  // ", "
      }
      ++pos;
    }
    if (name == "Tensor") return lang::tensorType();
    if (name == "int") return lang::intType();
    if (name == "float") return lang::floatType();
    if (name == "bool") return lang::boolType();
    if (name == "str") return lang::strType();
    if (name == "NoneType") return lang::noneType();
    if (name == "Device") return lang::deviceType();
    if (name == "Any") return lang::anyType();
    if (name == "List" && args.size() == 1) return lang::listType(args[0]);
    if (name == "Dict" && args.size() == 2) return lang::dictType(args[0], args[1]);
    if (name == "Optional" && args.size() == 1) return lang::optionalType(args[0]);
    if (name == "Tuple") return lang::tupleType(args);
    if (name == "Union") return lang::unionType(args);
    if (name.rfind("__torch__.", 0) == 0) return resolve(name);
    throw ArchiveError("unknown type '" + name + "' in '" + s + "'");
  }

  std::map<std::string, Decl> decls_;
  std::map<std::string, lang::TypePtr> made_;
};

// A load_storage hook reading `<prefix>data/<key>` (or constants/), checking its length.
inline auto recordStorages(const ZipReader& zip, std::string folder, std::vector<std::string>* loaded = nullptr) {
  return [&zip, folder, loaded](const std::string& key, ops::ScalarType dtype, int64_t numel,
                                const std::string& location) -> lang::Ref<ops::Storage> {
    if (location != "cpu") throw ArchiveError("storage location '" + location + "' is not cpu");
    auto rec = zip.read(folder + key);
    size_t need = size_t(numel) * ops::elementSize(dtype);
    if (rec.bytes.size() < need) throw ArchiveError("record " + folder + key + " is too short");
    if (loaded) loaded->push_back(key);
    auto keep = rec.keep_alive;
    return ops::Storage::borrow(const_cast<uint8_t*>(rec.bytes.data()), need, [keep](void*) {});
  };
}

}  // namespace wick::serialize::testing
