// The module level: imports, top-level defs, classes (plain, NamedTuple,
// Enum), global constants; functions compiled lazily on first use.
#include "frontend/emitter.h"

namespace wick::frontend {

void errorAt(const SourceRange& r, const std::string& msg) { throw lang::CompileError(r, msg); }

namespace {
std::string baseName(const Expr& e) {
  if (e.kind == ExprKind::Name) return e.name;
  if (e.kind == ExprKind::Attribute) return baseName(*e.a) + "." + e.name;
  return "";
}
}  // namespace

ModuleCompiler::ModuleCompiler(std::unique_ptr<Module> module, CompileOptions options, bool construction_phase)
    : options_(std::move(options)), construction_phase_(construction_phase) {
  if (module) addModule(std::move(module), "");
}

void ModuleCompiler::addModule(std::unique_ptr<Module> module, const std::string& prefix, const std::string& class_prefix) {
  for (const StmtPtr& s : module->body) {
    switch (s->kind) {
      case StmtKind::Def: defs_[prefix + s->extra().name] = s.get(); break;
      case StmtKind::ClassDef:
        declareClass(*s, prefix + s->extra().name,
                     (!class_prefix.empty() ? class_prefix : prefix.empty() ? options_.class_prefix : prefix) + s->extra().name);
        break;
      case StmtKind::Import:
        for (const auto& imp : s->extra().imports) {
          if (!imp.alias.empty()) alias(imp.alias, imp.name, class_prefix);
          else alias(imp.name.substr(0, imp.name.find('.')), imp.name.substr(0, imp.name.find('.')), class_prefix);
        }
        break;
      case StmtKind::ImportFrom:
        for (const auto& imp : s->extra().imports) alias(imp.alias.empty() ? imp.name : imp.alias, s->extra().name + "." + imp.name, class_prefix);
        break;
      case StmtKind::Assign:
        if (s->targets.size() == 1 && s->targets[0]->kind == ExprKind::Name) globals_[s->targets[0]->name] = s->value.get();
        break;
      case StmtKind::AnnAssign:
        if (s->targets[0]->kind == ExprKind::Name && s->value) globals_[s->targets[0]->name] = s->value.get();
        break;
      default: break;  // docstrings, `if __name__ == "__main__":` and the like are Python-only
    }
  }
  modules_.push_back(std::move(module));
}

void ModuleCompiler::alias(const std::string& name, const std::string& target, const std::string& class_prefix) {
  // The prelude's imports never replace the user's own.
  if (class_prefix.empty()) aliases_[name] = target;
  else aliases_.emplace(name, target);
}

bool ModuleCompiler::loadNamespaceOf(const std::string& qualname) {
  if (!options_.archive_dialect || !options_.load_namespace) return false;
  // The namespace is every prefix of the name: `__torch__.a.B.method` may be
  // asked for before `__torch__.a` is loaded, so try the prefixes in turn.
  bool loaded = false;
  for (size_t dot = qualname.find('.'); dot != std::string::npos; dot = qualname.find('.', dot + 1)) {
    std::string ns = qualname.substr(0, dot);
    if (!namespaces_.insert(ns).second) continue;
    if (auto src = options_.load_namespace(ns)) {
      addModule(parseModule(src), ns + ".");
      loaded = true;
    }
  }
  return loaded;
}

void ModuleCompiler::declareClass(const Stmt& def, const std::string& key, const std::string& qual) {
  ClassInfo info;
  info.def = &def;
  info.key = key;
  for (const ExprPtr& b : def.extra().bases) {
    std::string base = baseName(*b);
    std::string resolved = aliasOf(base.substr(0, base.find('.')));
    if (!resolved.empty()) base = resolved + base.substr(std::min(base.size(), base.find('.')));
    if (base.find("NamedTuple") != std::string::npos) info.kind = ClassInfo::NamedTuple;
    else if (base == "enum.Enum" || base == "Enum") info.kind = ClassInfo::Enum;
    else if (base == "ModuleInterface" || base == "Interface" || base == "torch.jit.interface") info.kind = ClassInfo::Interface;
    else if (base.find("Module") != std::string::npos) info.kind = ClassInfo::Module;
  }
  for (const ExprPtr& d : def.extra().decorators)
    if (baseName(*d) == "torch.jit.interface") info.kind = ClassInfo::Interface;
  for (const StmtPtr& s : def.body) {
    if (s->kind != StmtKind::Def) continue;
    const StmtExtra& method = s->extra();
    info.methods[method.name] = s.get();
    for (const ExprPtr& d : method.decorators) {
      std::string n = baseName(*d);
      if (n == "property") info.properties.insert(method.name);
      if (n == "staticmethod") info.static_methods.insert(method.name);
      if (n == "torch.jit.export") info.exported.insert(method.name);
    }
  }
  if (info.kind == ClassInfo::NamedTuple) {
    std::vector<std::string> names;
    std::vector<TypePtr> types;
    for (const StmtPtr& s : def.body) {
      if (s->kind != StmtKind::AnnAssign || s->targets[0]->kind != ExprKind::Name) continue;
      names.push_back(s->targets[0]->name);
      types.push_back(nullptr);  // resolved below, after every class is declared
      info.field_defaults.push_back(s->value.get());
    }
    info.type = lang::namedTupleType(qual, names, types);
  } else if (info.kind == ClassInfo::Enum) {
    std::vector<std::string> names;
    TypePtr value_type;
    for (const StmtPtr& s : def.body) {
      if (s->kind != StmtKind::Assign || s->targets[0]->kind != ExprKind::Name) continue;
      names.push_back(s->targets[0]->name);
      const Expr& v = *s->value;
      lang::IValue iv;
      if (v.kind == ExprKind::IntLit) iv = lang::IValue(v.int_value);
      else if (v.kind == ExprKind::FloatLit) iv = lang::IValue(v.float_value);
      else if (v.kind == ExprKind::StrLit) iv = lang::IValue(v.name);
      else if (v.kind == ExprKind::UnaryOp && v.a->kind == ExprKind::IntLit) iv = lang::IValue(-v.a->int_value);
      else if (v.kind == ExprKind::UnaryOp && v.a->kind == ExprKind::FloatLit) iv = lang::IValue(-v.a->float_value);
      else errorAt(v.range, "enum values must be int, float or str literals");
      if (!value_type) value_type = lang::typeOf(iv);
      info.enum_values.push_back(iv);
    }
    std::vector<lang::EnumMemberValue> values;
    for (const lang::IValue& v : info.enum_values) {
      if (v.isInt()) values.emplace_back(v.toInt());
      else if (v.isFloat()) values.emplace_back(v.toDouble());
      else values.emplace_back(v.toStr());
    }
    info.type = std::make_shared<lang::EnumType>(qual, value_type ? value_type : lang::intType(), names, values);
  } else {
    auto type = lang::ClassType::create(qual, info.kind == ClassInfo::Module);
    // Every module has `training` (nn.Module.__init__ sets it); built modules take it from the instance.
    if (info.kind == ClassInfo::Module && construction_phase_) type->addAttribute("training", lang::boolType());
    info.type = type;
  }
  key_of_type_[info.type.get()] = key;
  // The compiled phase never makes instances of a module's generic class, so
  // its name goes to the first class built from it (Note [Module phases]).
  if (info.kind != ClassInfo::Module || construction_phase_ || options_.archive_dialect) class_names_.insert(qual);
  storeClass(key, std::move(info));
}

ClassInfo& ModuleCompiler::storeClass(const std::string& key, ClassInfo info) {
  auto [it, fresh] = classes_.insert_or_assign(key, std::move(info));
  if (fresh) class_index_.emplace(it->first, &it->second);
  return it->second;
}

const Stmt* ModuleCompiler::findDef(const std::string& name) {
  auto it = defs_.find(name);
  // Inside a prelude namespace, its own names are found unqualified too.
  if (it == defs_.end() && !current_prefix_.empty()) it = defs_.find(current_prefix_ + name);
  if (it == defs_.end() && loadNamespaceOf(name)) it = defs_.find(name);
  return it == defs_.end() ? nullptr : it->second;
}

ClassInfo* ModuleCompiler::findClass(const std::string& name) {
  auto find = [&](std::string_view n) {
    auto it = class_index_.find(n);
    return it == class_index_.end() ? nullptr : it->second;
  };
  ClassInfo* found = find(name);
  if (!found && !current_prefix_.empty()) found = find(current_prefix_ + name);
  if (!found && loadNamespaceOf(name)) found = find(name);
  if (!found) return nullptr;
  ClassInfo& c = *found;
  // Named tuple field types need every class declared first, so resolve them on first use.
  if (c.kind == ClassInfo::NamedTuple && !c.type->contained().empty() && !c.type->contained()[0]) {
    std::vector<TypePtr> types;
    for (const StmtPtr& s : c.def->body)
      if (s->kind == StmtKind::AnnAssign && s->targets[0]->kind == ExprKind::Name) types.push_back(resolveType(*s->annotation));
    c.type = lang::namedTupleType(c.type->name(), c.type->fieldNames(), types);
  }
  return &c;
}

ClassInfo* ModuleCompiler::classOfType(const TypePtr& t) {
  if (!t) return nullptr;
  if (auto k = key_of_type_.find(t.get()); k != key_of_type_.end()) return findClass(k->second);
  for (auto& [name, info] : classes_)
    if (info.type->name() == t->name() && !t->name().empty()) return findClass(name);
  return nullptr;
}

std::string ModuleCompiler::aliasOf(const std::string& name) const {
  auto it = aliases_.find(name);
  return it == aliases_.end() ? "" : it->second;
}

const Expr* ModuleCompiler::globalConstant(const std::string& name) const {
  auto it = globals_.find(name);
  return it == globals_.end() ? nullptr : it->second;
}

lang::Function* ModuleCompiler::function(const std::string& name) {
  // Inside a prelude file, its own functions are named unqualified.
  std::string key = defs_.count(name) || current_prefix_.empty() ? name : current_prefix_ + name;
  if (auto it = compiled_.find(key); it != compiled_.end()) return it->second;
  const Stmt* def = findDef(key);
  if (!def) return nullptr;
  return compileDef(*def, key, nullptr, nullptr);
}

lang::Function* ModuleCompiler::compileDef(const Stmt& def, const std::string& qualname, ClassTypePtr self_class,
                                           ClassInfo* cls, bool signature_only) {
  if (auto it = compiled_.find(qualname); it != compiled_.end()) return it->second;
  // A prelude file's own names resolve unqualified inside it ("torch.nn.init." + "uniform_").
  struct PrefixGuard {
    std::string& prefix;
    std::string saved;
    ~PrefixGuard() { prefix = saved; }
  } guard{current_prefix_, current_prefix_};
  if (options_.archive_dialect) {
    current_prefix_.clear();
  } else {
    std::string key = cls ? cls->key.substr(0, cls->key.find('#')) : qualname;
    current_prefix_ = key.find('.') == std::string::npos ? "" : key.substr(0, key.rfind('.') + 1);
  }
  lang::FunctionSchema schema;
  schema.name = def.extra().name;
  auto fn = std::make_unique<lang::Function>(qualname, std::make_shared<Graph>(), std::move(schema));
  fn->setRange(def.range);
  lang::Function* raw = cu_.addFunction(std::move(fn));
  if (self_class) raw->setOwner(self_class);
  compiled_.emplace(qualname, raw);
  // Signature first, so calls (recursive ones included) can be checked.
  auto& args = raw->schema().arguments;
  const StmtExtra& sig = def.extra();  // name, params, returns
  for (size_t i = 0; i < sig.params.size(); ++i) {
    const Param& p = sig.params[i];
    if (p.is_vararg || p.is_kwarg) errorAt(p.range, "*args and **kwargs are not supported in TorchScript");
    if (p.name == "*") continue;
    lang::Argument a;
    a.name = p.name;
    if (i == 0 && self_class && !p.annotation) a.type = self_class;
    else a.type = p.annotation ? resolveType(*p.annotation) : lang::tensorType();
    a.kwarg_only = p.kwarg_only;
    args.push_back(std::move(a));
  }
  TypePtr declared = sig.returns ? resolveType(*sig.returns) : nullptr;
  if (sig.name == "__init__") declared = lang::noneType();
  if (declared) raw->schema().returns = {lang::Argument{"", declared}};
  if (signature_only) {
    // An interface method: callers dispatch on the object's class at run time.
    if (!declared) errorAt(def.range, "interface methods need a return type annotation");
    return raw;
  }
  try {
    FunctionEmitter emitter(*this, *raw, def, self_class);
    TypePtr ret = emitter.emit(declared);
    raw->schema().returns = {lang::Argument{"", ret}};
  } catch (...) {
    compiled_.erase(qualname);
    throw;
  }
  return raw;
}

lang::Function* ModuleCompiler::method(ClassInfo& cls, const std::string& name) {
  auto it = cls.methods.find(name);
  if (it == cls.methods.end()) return nullptr;
  auto class_type = std::const_pointer_cast<lang::ClassType>(std::static_pointer_cast<const lang::ClassType>(cls.type));
  if (name != "__init__" && !cls.methods_compiled) compileClass(cls);
  std::string qual = cls.type->name() + "." + name;
  if (auto f = cu_.findFunction(qual)) return f;
  bool is_static = cls.static_methods.count(name) > 0;
  lang::Function* f = compileDef(*it->second, qual, is_static ? nullptr : class_type, &cls,
                                 /*signature_only=*/cls.kind == ClassInfo::Interface);
  if (!is_static) class_type->addMethod(f);
  return f;
}

void ModuleCompiler::compileClass(ClassInfo& cls) {
  if (cls.methods_compiled || cls.kind == ClassInfo::NamedTuple || cls.kind == ClassInfo::Enum) return;
  cls.methods_compiled = true;
  if (cls.kind != ClassInfo::Module || cls.specialized || construction_phase_ || options_.archive_dialect) cu_.addType(cls.type);
  if (cls.kind == ClassInfo::Module && !options_.archive_dialect) {
    // As torch.jit.script compiles a module: forward and the exported methods,
    // and what they call, against the attributes of a built instance
    // (Note [Module phases]). The generic class only runs __init__.
    // Class-body annotations of a module (`bias: Optional[Tensor]`) only type
    // its attributes when __init__ sets them (classBodyType), so attributes
    // keep the order __init__ registers them in, as state_dict names them.
    if (!cls.specialized) return;
    declareFinalConstants(cls);
    if (cls.methods.count("forward")) method(cls, "forward");
    for (const std::string& name : cls.exported) method(cls, name);
    return;
  }
  declareClassBody(cls);
  if (cls.methods.count("__init__")) method(cls, "__init__");
  for (auto& [name, def] : cls.methods) {
    bool skip = false;
    for (const ExprPtr& d : def->extra().decorators) {
      std::string n = baseName(d->kind == ExprKind::Call ? *d->a : *d);
      skip |= n.find("unused") != std::string::npos || n.find("ignore") != std::string::npos;
    }
    if (!skip) method(cls, name);
  }
}

namespace {
bool isFinalConstant(const Stmt& s) {
  const Expr& ann = *s.annotation;
  return s.value && ann.kind == ExprKind::Subscript && baseName(*ann.a).ends_with("Final");
}
}  // namespace

// `name : Final[T] = v` in a class body: a constant of the class (modules too).
void ModuleCompiler::declareFinalConstants(ClassInfo& cls) {
  auto class_type = std::const_pointer_cast<lang::ClassType>(std::static_pointer_cast<const lang::ClassType>(cls.type));
  for (const StmtPtr& s : cls.def->body)
    if (s->kind == StmtKind::AnnAssign && s->targets[0]->kind == ExprKind::Name && isFinalConstant(*s) &&
        !cls.constants.count(s->targets[0]->name)) {
      cls.constants[s->targets[0]->name] = s->value.get();
      class_type->constants().push_back({s->targets[0]->name, resolveType(*s->annotation)});
    }
}

// The class body's declarations: `name : T` attributes, `name : Final[T] = v`
// constants, and what archives add: `__annotations__["0"] = T` for attribute
// names that are not identifiers, and the `__parameters__` / `__buffers__`
// lists that tell parameters and buffers from other tensor attributes.
void ModuleCompiler::declareClassBody(ClassInfo& cls) {
  auto class_type = std::const_pointer_cast<lang::ClassType>(std::static_pointer_cast<const lang::ClassType>(cls.type));
  std::set<std::string> parameters, buffers;
  auto names = [](const Expr& list, std::set<std::string>& out) {
    for (const ExprPtr& x : list.elts)
      if (x->kind == ExprKind::StrLit) out.insert(x->name);
  };
  for (const StmtPtr& s : cls.def->body) {
    if (s->kind == StmtKind::Assign && s->targets.size() == 1) {
      const Expr& t = *s->targets[0];
      if (t.kind == ExprKind::Name && t.name == "__parameters__") names(*s->value, parameters);
      if (t.kind == ExprKind::Name && t.name == "__buffers__") names(*s->value, buffers);
    }
  }
  auto add = [&](const std::string& name, TypePtr type) {
    if (!class_type->findAttribute(name))
      class_type->addAttribute(name, std::move(type), parameters.count(name) > 0, buffers.count(name) > 0);
  };
  declareFinalConstants(cls);
  for (const StmtPtr& s : cls.def->body) {
    if (s->kind == StmtKind::AnnAssign && s->targets[0]->kind == ExprKind::Name) {
      if (!isFinalConstant(*s)) add(s->targets[0]->name, resolveType(*s->annotation));
    } else if (s->kind == StmtKind::Assign && s->targets.size() == 1 && s->targets[0]->kind == ExprKind::Subscript) {
      const Expr& t = *s->targets[0];
      if (t.a->kind == ExprKind::Name && t.a->name == "__annotations__" && t.elts.size() == 1 &&
          t.elts[0]->kind == ExprKind::StrLit)
        add(t.elts[0]->name, resolveType(*s->value));
    }
  }
}

TypePtr ModuleCompiler::classBodyType(const ClassInfo& cls, const std::string& name) {
  if (!cls.def) return nullptr;
  for (const StmtPtr& s : cls.def->body)
    if (s->kind == StmtKind::AnnAssign && s->targets[0]->kind == ExprKind::Name && s->targets[0]->name == name && !s->value)
      return resolveType(*s->annotation);
  return nullptr;
}

void ModuleCompiler::compileAll() {
  for (auto& [name, def] : defs_) function(name);
  for (auto& [name, info] : classes_) compileClass(*findClass(name));
}

lang::TypePtr ModuleCompiler::findType(const std::string& qualname) {
  ClassInfo* c = findClass(qualname);
  if (!c) return nullptr;
  compileClass(*c);
  return c->type;
}

lang::TypePtr ModuleCompiler::parseType(const std::string& text) {
  auto src = std::make_shared<const lang::Source>("<type>", text);
  return resolveType(*parseExpression(src));
}

std::unique_ptr<CompiledModule> compileArchiveCode(CompileOptions options) {
  options.archive_dialect = true;
  return std::make_unique<ModuleCompiler>(nullptr, std::move(options));
}

std::unique_ptr<CompiledModule> compileSource(std::shared_ptr<const lang::Source> source, const CompileOptions& options) {
  return std::make_unique<ModuleCompiler>(parseModule(std::move(source)), options);
}

}  // namespace wick::frontend
