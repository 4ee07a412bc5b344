// Building torch.nn modules in scripts.
//
// Note [Module phases]
// PyTorch scripts a module in two steps: Python runs its __init__, then
// torch.jit.script types every attribute from the value __init__ left there
// (a Linear without bias has `bias : NoneType`, a Sequential has one
// attribute per layer, each of its own class) and compiles forward against
// those types. wick does the same with two compilers over the same source:
//
//   1. The construction compiler (builder()) compiles __init__ and what it
//      calls. Attributes are typed by assignment as in TorchScript classes,
//      loosened where a module needs it: a tensor or None, one module or
//      another (emitAssignTo), containers holding modules of any class
//      (`_modules`, a List[Any] or Dict[str, Any]; emit_nn.cpp).
//   2. This compiler runs __init__ (CompileOptions::run), then specialize()
//      gives each built object a class typed from its values: one class per
//      distinct attribute layout, named as PyTorch names them
//      (`__torch__.torch.nn.modules.linear.Linear`, then
//      `...linear.___torch_mangle_0.Linear`). forward and the exported
//      methods compile against those classes; containers are unrolled.
//
// Note [Module constants]
// As in TorchScript, the attributes a module class lists in `__constants__`
// are constants of the built class: forward reads the value, so
// `if self.return_indices:` is decided when compiling and only the branch
// taken is compiled (TorchScript's "meta-compile" of constant conditions; the
// other branch may return another type). wick folds the scalar ones (bool,
// int, float, str; None is a NoneType attribute already). Instances whose
// constants differ get different classes, as PyTorch's concrete types do, so
// a Linear(4, 3) and a Linear(3, 5) are `Linear` and a mangled
// `___torch_mangle_N.Linear`. The attributes stay in the class (state and
// archives keep them).
//
// A module constructed inside a function (`net = Net()` in main) is built
// while that function compiles and becomes a constant of it, so its
// arguments must be constants.
#include <string_view>

#include "frontend/emitter.h"
#include "frontend/prelude.h"
#include "lang/error.h"
#include "ops/tensor/tensor.h"

namespace wick::frontend {

using lang::ClassType;
using lang::IValue;
using lang::TypeKind;

namespace {

const char* containerName(ClassInfo::Container kind) {
  switch (kind) {
    case ClassInfo::ModuleList: return "ModuleList";
    case ClassInfo::Sequential: return "Sequential";
    case ClassInfo::ModuleDict: return "ModuleDict";
    default: return "";
  }
}

bool hasAny(const lang::TypePtr& t) {
  if (t->kind() == TypeKind::Any || t->kind() == TypeKind::Optional || t->kind() == TypeKind::Union) return true;
  for (const lang::TypePtr& c : t->contained())
    if (c && hasAny(c)) return true;
  return false;
}

// The names a class body's `__constants__ = [...]` lists (a list, tuple or set of strings).
std::set<std::string> constantNames(const ClassInfo& cls) {
  std::set<std::string> out;
  if (!cls.def) return out;
  for (const StmtPtr& s : cls.def->body) {
    if (s->kind != StmtKind::Assign || s->targets.size() != 1 || s->targets[0]->kind != ExprKind::Name ||
        s->targets[0]->name != "__constants__")
      continue;
    for (const ExprPtr& x : s->value->elts)
      if (x->kind == ExprKind::StrLit) out.insert(x->name);
  }
  return out;
}

bool sameConstants(const std::map<std::string, IValue>& a, const std::map<std::string, IValue>& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || lang::typeOf(ia->second)->kind() != lang::typeOf(ib->second)->kind() ||
        !lang::equals(ia->second, ib->second))
      return false;
  return true;
}

bool sameLayout(const std::vector<ClassType::Attribute>& a, const std::vector<ClassType::Attribute>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || *a[i].type != *b[i].type || a[i].is_parameter != b[i].is_parameter ||
        a[i].is_buffer != b[i].is_buffer || a[i].is_module != b[i].is_module)
      return false;
  return true;
}

// Whether `word` is one of the space-separated words of `words`.
bool hasWord(std::string_view words, std::string_view word) {
  for (size_t at = words.find(word); at != std::string_view::npos; at = words.find(word, at + 1)) {
    size_t end = at + word.size();
    if ((at == 0 || words[at - 1] == ' ') && (end == words.size() || words[end] == ' ')) return true;
  }
  return false;
}

}  // namespace

void ModuleCompiler::addPrelude(const std::string& ns) {
  if (!prelude_loaded_.insert(ns).second) return;
  for (const PreludeFile& f : preludeFiles())
    if (f.ns == ns) {
      auto src = std::make_shared<const lang::Source>("<wick prelude>/" + std::string(f.path), std::string(f.source));
      addModule(parseModule(src), ns + ".", "__torch__." + ns + ".");
    }
}

bool ModuleCompiler::loadPreludeOf(const std::string& qualname) {
  bool found = false;
  for (const PreludeFile& f : preludeFiles()) {
    std::string ns(f.ns);
    if (qualname.size() > ns.size() && qualname.compare(0, ns.size(), ns) == 0 && qualname[ns.size()] == '.') {
      addPrelude(ns);
      found = true;
    }
  }
  return found;
}

ClassInfo* ModuleCompiler::nnClass(const std::string& qualname) {
  // torch.nn.Linear is torch.nn.modules.linear.Linear, as torch/nn/__init__.py re-exports it.
  std::string last = qualname.substr(qualname.rfind('.') + 1);
  for (const PreludeFile& f : preludeFiles()) {
    std::string ns(f.ns);
    bool named = qualname == ns + "." + last || qualname == "torch.nn." + last;
    if (!named || !hasWord(f.classes, last)) continue;
    addPrelude(ns);
    return findClass(ns + "." + last);
  }
  return nullptr;
}

ClassInfo& ModuleCompiler::containerClass(ClassInfo::Container kind) {
  std::string q = std::string("torch.nn.modules.container.") + containerName(kind);
  if (!construction_phase_) {
    // The compiled phase's containers are the prelude's classes (Sequential has its forward there).
    ClassInfo* c = nnClass(q);
    WICK_ASSERT(c, "the prelude lacks " + q);
    c->container = kind;
    return *c;
  }
  std::string key = "$" + q;
  if (auto it = classes_.find(key); it != classes_.end()) return it->second;
  ClassInfo info;
  info.key = key;
  info.kind = ClassInfo::Module;
  info.container = kind;
  info.methods_compiled = true;  // no methods: append and friends are emitted on `_modules`
  auto type = ClassType::create("__torch__." + q, true);
  type->addAttribute("training", lang::boolType());
  type->addAttribute("_modules", kind == ClassInfo::ModuleDict ? lang::dictType(lang::strType(), lang::anyType())
                                                               : lang::listType(lang::anyType()));
  info.type = type;
  key_of_type_[type.get()] = key;
  return storeClass(key, std::move(info));
}

ModuleCompiler& ModuleCompiler::builder() {
  if (!builder_) {
    builder_ = std::make_unique<ModuleCompiler>(source() ? parseModule(source()) : nullptr, options_, true);
  }
  return *builder_;
}

std::string ModuleCompiler::freshClassName(const std::string& qualname) {
  if (class_names_.insert(qualname).second) return qualname;
  static int counter = 0;  // PyTorch numbers its mangled names globally too
  size_t dot = qualname.rfind('.');
  std::string name;
  do {
    name = qualname.substr(0, dot + 1) + "___torch_mangle_" + std::to_string(counter++) + qualname.substr(dot);
  } while (!class_names_.insert(name).second);
  return name;
}

ClassInfo& ModuleCompiler::specializedClass(const ClassInfo& generic, std::vector<ClassType::Attribute> attrs,
                                            std::map<std::string, IValue> constant_values) {
  for (auto& [key, info] : classes_)
    if (info.specialized && info.def == generic.def && info.container == generic.container &&
        sameLayout(static_cast<const ClassType&>(*info.type).attributes(), attrs) &&
        sameConstants(info.constant_values, constant_values))
      return info;
  ClassInfo spec = generic;
  spec.specialized = true;
  spec.methods_compiled = false;
  spec.constant_values = std::move(constant_values);
  auto type = ClassType::create(freshClassName(generic.type->name()), true);
  for (const auto& a : attrs) {
    type->addAttribute(a.name, a.type, a.is_parameter, a.is_buffer);
    type->attributes().back().is_module = a.is_module;
  }
  spec.type = type;
  spec.key = generic.key + "#" + std::to_string(classes_.size());  // no dots: the namespace is the generic key's
  key_of_type_[type.get()] = spec.key;
  std::string key = spec.key;
  return storeClass(key, std::move(spec));
}

IValue ModuleCompiler::specialize(const IValue& v, ModuleCompiler& from) {
  if (!v.isObject()) return v;
  lang::Object* o = v.toObject();
  if (auto it = specialized_objects_.find(o); it != specialized_objects_.end()) return it->second;
  ClassInfo* src = from.classOfType(o->type);
  if (!src) return v;
  const auto& src_attrs = o->type->attributes();
  auto slot = [&](size_t i) { return i < o->slots.size() ? o->slots[i] : IValue(); };
  std::vector<ClassType::Attribute> attrs;
  std::vector<IValue> values;
  auto add = [&](std::string name, const IValue& x, lang::TypePtr declared, bool is_buffer, const SourceRange& r) {
    IValue y = specialize(x, from);
    lang::TypePtr t = declared;
    if (y.isTensor()) t = lang::tensorType();
    else if (y.isNone()) t = lang::noneType();
    else if (y.isObject()) t = y.toObject()->type;
    else if (!t || hasAny(t)) t = lang::typeOf(y);
    if (hasAny(t)) errorAt(r, "cannot tell the type of attribute '" + name + "' from its value; annotate it in the class body");
    bool is_param = y.isTensor() && y.toTensorImpl()->requires_grad_ && !is_buffer;
    bool is_module = y.isObject() && y.toObject()->type->isModule();
    attrs.push_back({std::move(name), t, is_param, is_buffer && y.isTensor(), is_module});
    values.push_back(y);
  };
  const ClassInfo* generic = nullptr;
  SourceRange where = src->def ? src->def->range : SourceRange{};
  if (src->container != ClassInfo::NoContainer) {
    generic = &containerClass(src->container);
    add("training", slot(*o->type->findAttribute("training")), lang::boolType(), false, where);
    IValue mods = slot(*o->type->findAttribute("_modules"));
    if (mods.isList()) {
      const auto& items = mods.toList()->items;
      for (size_t i = 0; i < items.size(); ++i) add(std::to_string(i), items[i], nullptr, false, where);
    } else if (mods.isDict()) {
      mods.toDict()->forEach([&](const IValue& k, const IValue& m) { add(k.toStr(), m, nullptr, false, where); });
    }
    for (const auto& a : attrs)
      if (a.name != "training" && !a.is_module) errorAt(where, std::string(containerName(src->container)) + " holds modules only; found a " + a.type->str());
  } else {
    generic = findClass(src->key);
    if (!generic) loadPreludeOf(src->key), generic = findClass(src->key);
    WICK_ASSERT(generic, "no class " + src->key + " to build");
    for (size_t i = 0; i < src_attrs.size(); ++i)
      add(src_attrs[i].name, slot(i), src_attrs[i].type, src_attrs[i].is_buffer, where);
  }
  lang::ClassTypePtr type;
  if (generic->kind == ClassInfo::Module) {
    std::map<std::string, IValue> constants;  // Note [Module constants]
    std::set<std::string> names = constantNames(*generic);
    for (size_t i = 0; i < attrs.size(); ++i) {
      const IValue& x = values[i];
      if (names.count(attrs[i].name) && (x.isBool() || x.isInt() || x.isFloat() || x.isStr())) constants[attrs[i].name] = x;
    }
    ClassInfo& spec = specializedClass(*generic, attrs, std::move(constants));
    type = std::const_pointer_cast<ClassType>(std::static_pointer_cast<const ClassType>(spec.type));
  } else {
    // A plain class instance inside a module: the same class of this compiler, same layout.
    ClassInfo& plain = *findClass(src->key);
    compileClass(plain);
    type = std::const_pointer_cast<ClassType>(std::static_pointer_cast<const ClassType>(plain.type));
    if (type->attributes().size() != values.size()) errorAt(where, "class " + type->str() + " changed its attributes while building");
  }
  auto obj = lang::Ref<lang::Object>::make(type, values.size());
  for (size_t i = 0; i < values.size(); ++i) obj->slots[i] = values[i];
  IValue out(obj);
  specialized_objects_[o] = out;
  return out;
}

IValue ModuleCompiler::buildModule(const ClassInfo& cls, std::vector<IValue> args,
                                   std::vector<std::pair<std::string, IValue>> kwargs, const SourceRange& r) {
  if (!options_.run) errorAt(r, "building a module needs wick's interpreter, which this compiler was not given");
  ModuleCompiler& a = builder();
  a.loadPreludeOf(cls.key);
  ClassInfo* acls = a.findClass(cls.key);
  WICK_ASSERT(acls, "the construction compiler lacks " + cls.key);
  lang::Function* init = a.method(*acls, "__init__");
  auto type = std::const_pointer_cast<ClassType>(std::static_pointer_cast<const ClassType>(acls->type));
  auto obj = lang::Ref<lang::Object>::make(type, type->attributes().size());
  obj->slots[*type->findAttribute("training")] = IValue(true);
  if (init) {
    const auto& formals = init->schema().arguments;
    std::vector<std::optional<IValue>> in(formals.size());
    in[0] = IValue(obj);
    std::string name = cls.type->str();
    if (args.size() + 1 > formals.size())
      errorAt(r, name + "() takes " + std::to_string(formals.size() - 1) + " arguments but " + std::to_string(args.size()) + " were given");
    for (size_t i = 0; i < args.size(); ++i) in[i + 1] = args[i];
    for (auto& [k, v] : kwargs) {
      size_t i = 1;
      while (i < formals.size() && formals[i].name != k) ++i;
      if (i == formals.size()) errorAt(r, name + "() got an unexpected keyword argument '" + k + "'");
      in[i] = v;
    }
    std::vector<IValue> inputs;
    for (size_t i = 0; i < formals.size(); ++i) {
      if (!in[i] && formals[i].default_value) in[i] = *formals[i].default_value;
      if (!in[i]) errorAt(r, name + "() is missing a value for argument '" + formals[i].name + "'");
      if (in[i]->isInt() && formals[i].type->kind() == TypeKind::Float) in[i] = IValue(static_cast<double>(in[i]->toInt()));
      if (!lang::isSubtypeOf(lang::typeOf(*in[i]), formals[i].type))
        errorAt(r, name + "() expected a value of type " + formals[i].type->str() + " for argument '" + formals[i].name +
                       "' but found " + lang::typeOf(*in[i])->str());
      inputs.push_back(*in[i]);
    }
    try {
      options_.run(*init, std::move(inputs));
    } catch (const lang::Error& e) {
      errorAt(r, "building " + name + " failed: " + e.kind() + ": " + e.message() + "\n" + e.format());
    }
  }
  IValue built = specialize(IValue(obj), a);
  specialized_objects_.clear();
  return built;
}

// load_state_dict(strict=True): the same names, the same shapes; values copied in place.
void ModuleCompiler::loadWeights(const IValue& module, const SourceRange& r) {
  if (options_.weights.empty()) return;
  std::map<std::string, ops::Tensor> mine;
  std::function<void(const IValue&, const std::string&)> walk = [&](const IValue& m, const std::string& prefix) {
    const lang::Object& o = *m.toObject();
    const auto& attrs = o.type->attributes();
    for (size_t i = 0; i < attrs.size(); ++i) {
      if ((attrs[i].is_parameter || attrs[i].is_buffer) && o.slots[i].isTensor())
        mine[prefix + attrs[i].name] = ops::Tensor::fromIValue(o.slots[i]);
      else if (attrs[i].is_module) walk(o.slots[i], prefix + attrs[i].name + ".");
    }
  };
  walk(module, "");
  std::string missing, unexpected;
  std::set<std::string> seen;
  for (auto& [name, v] : options_.weights) {
    auto it = mine.find(name);
    if (it == mine.end()) {
      unexpected += " " + name;
      continue;
    }
    seen.insert(name);
    ops::Tensor src = ops::Tensor::fromIValue(v);
    if (src.sizes() != it->second.sizes())
      errorAt(r, "weights: '" + name + "' has shape " + ops::shapeStr(src.sizes()) + " in the weights file but " +
                     ops::shapeStr(it->second.sizes()) + " in " + module.toObject()->type->str());
    it->second.copy_(src);
  }
  for (auto& [name, t] : mine)
    if (!seen.count(name)) missing += " " + name;
  if (!missing.empty() || !unexpected.empty())
    errorAt(r, "weights do not match " + module.toObject()->type->str() + ":" +
                   (missing.empty() ? "" : " missing keys:" + missing + ".") + (unexpected.empty() ? "" : " unexpected keys:" + unexpected + "."));
}

IValue ModuleCompiler::buildContainer(ClassInfo::Container kind, std::vector<std::pair<std::string, IValue>> items) {
  std::vector<ClassType::Attribute> attrs{{"training", lang::boolType()}};
  std::vector<IValue> values{IValue(true)};
  for (auto& [name, m] : items) {
    attrs.push_back({name, m.toObject()->type, false, false, true});
    values.push_back(m);
  }
  ClassInfo& spec = specializedClass(containerClass(kind), attrs);
  auto type = std::const_pointer_cast<ClassType>(std::static_pointer_cast<const ClassType>(spec.type));
  auto obj = lang::Ref<lang::Object>::make(type, values.size());
  for (size_t i = 0; i < values.size(); ++i) obj->slots[i] = values[i];
  compileClass(spec);
  return IValue(obj);
}

// A module class named as a type (`def run(model: CharRNN)`) means the class
// its instances were built with; wick builds one per distinct attribute layout.
lang::TypePtr ModuleCompiler::moduleTypeFor(const ClassInfo& cls, const SourceRange& r) {
  if (cls.kind != ClassInfo::Module || cls.specialized || construction_phase_ || options_.archive_dialect) return cls.type;
  const ClassInfo* found = nullptr;
  for (auto& [key, info] : classes_) {
    if (!info.specialized || info.def != cls.def) continue;
    if (found) errorAt(r, "instances of " + cls.type->str() + " were built with different attributes (" + found->type->str() +
                              " and " + info.type->str() + "), so the type annotation is ambiguous");
    found = &info;
  }
  if (!found) errorAt(r, cls.type->str() + " is used as a type before any instance of it is built");
  return found->type;
}

IValue ModuleCompiler::constructModule(const std::string& class_name, std::vector<IValue> args) {
  ClassInfo* cls = findClass(class_name);
  if (!cls) cls = nnClass(class_name);
  if (!cls) throw lang::CompileError(SourceRange{source(), 0, 0}, "no class named '" + class_name + "'");
  if (cls->kind != ClassInfo::Module) errorAt(cls->def->range, "'" + class_name + "' is not a torch.nn.Module subclass");
  IValue m = buildModule(*cls, std::move(args), {}, cls->def->range);
  loadWeights(m, cls->def->range);
  // As torch.jit.script(CLASS()): every submodule's forward compiles now,
  // used or not. (A module built inside a function compiles what it calls.)
  for (auto& [key, info] : classes_)
    if (info.specialized && !info.methods_compiled) compileClass(info);
  return m;
}

}  // namespace wick::frontend
