// Saving compiled code: the root object's class and everything it reaches,
// printed back to the serialized dialect, with the object itself as data.pkl.
#include <unordered_set>

#include "lang/error.h"
#include "serialize/archive.h"
#include "serialize/archive_writer.h"
#include "serialize/python_printer.h"
#include "serialize/reachable_code.h"
#include "serialize/savable.h"

namespace wick::serialize {

namespace {

// "__torch__.a.B" lives in code/__torch__/a.py; "__torch__.B" in code/__torch__.py (spec §7.1).
std::string codeFileFor(const std::string& printed_qualname) {
  std::string ns = printed_qualname.substr(0, printed_qualname.rfind('.'));
  for (char& c : ns)
    if (c == '.') c = '/';
  return "code/" + ns + ".py";
}

// Static methods have no owner and print as free functions, named as torch
// names them: the method's name in its class's namespace (`__torch__.make`
// for `__torch__.Box.make`), or a numbered variant when that name is taken.
void nameStaticMethods(const ReachableCode& code, PrintContext& ctx) {
  std::unordered_set<std::string> taken;
  for (const CodeItem& item : code.items)
    taken.insert(item.function ? serializedQualifiedName(item.function->qualname()) : serializedQualifiedName(item.type->name()));
  std::unordered_set<std::string> classes;
  for (const CodeItem& item : code.items)
    if (item.type) classes.insert(serializedQualifiedName(item.type->name()));
  for (const CodeItem& item : code.items) {
    if (!item.function) continue;
    std::string q = serializedQualifiedName(item.function->qualname());
    std::string owner = q.substr(0, q.rfind('.'));
    if (!classes.count(owner)) continue;
    std::string base = owner.substr(0, owner.rfind('.')) + "." + item.function->name();
    std::string name = base;
    for (int n = 0; taken.count(name); ++n) name = base + "_" + std::to_string(n);
    taken.insert(name);
    ctx.function_names[item.function] = name;
  }
}

}  // namespace

void saveCompiled(const lang::IValue& root, const std::map<std::string, std::string>& extra_files, const std::string& path) {
  WICK_ASSERT(root.isObject(), "saveCompiled needs an object as the root");
  ReachableCode code = collectReachableCode(root.toObject()->type);
  checkSavable(code.functions);
  PrintContext ctx;
  nameStaticMethods(code, ctx);
  // One file per namespace, items in the order they were met (torch's order).
  std::vector<std::pair<std::string, std::string>> files;
  auto fileText = [&files](const std::string& name) -> std::string& {
    for (auto& [n, text] : files)
      if (n == name) return text;
    return files.emplace_back(name, "").second;
  };
  for (const CodeItem& item : code.items) {
    if (item.function) {
      std::string name = ctx.functionName(*item.function);
      fileText(codeFileFor(name)) += printFunction(*item.function, ctx);
      continue;
    }
    const lang::TypePtr& t = item.type;
    std::string& text = fileText(codeFileFor(serializedQualifiedName(t->name())));
    if (t->kind() == lang::TypeKind::Class) text += printClass(static_cast<const lang::ClassType&>(*t), ctx);
    else if (t->kind() == lang::TypeKind::Enum) text += printEnum(static_cast<const lang::EnumType&>(*t));
    else text += printNamedTuple(*t);
  }
  ArchiveRecords r;
  r.root = root;
  r.code = std::move(files);
  r.constants = std::move(ctx.constants);
  r.version = ctx.version.value();
  r.extra_files = extra_files;
  writeArchive(r, path);
}

lang::IValue functionAsModule(lang::CompilationUnit& cu, const lang::Function& fn) {
  const std::string name = "__torch__.PlaceholderModule";
  if (cu.findType(name))
    throw lang::CompileError(fn.range(), "cannot save: the script defines a class named PlaceholderModule, the name "
                                         "torch.jit.save gives the module around a saved function");
  auto cls = lang::ClassType::create(name, /*is_module=*/true);
  cls->addAttribute("training", lang::boolType());
  std::shared_ptr<lang::Graph> g = fn.graph().copy();
  g->block()->insertInput(0, "self")->setType(cls);
  lang::FunctionSchema schema = fn.schema();
  schema.name = "forward";
  schema.arguments.insert(schema.arguments.begin(), lang::Argument{"self", cls});
  auto forward = std::make_unique<lang::Function>(name + ".forward", g, schema);
  forward->setOwner(cls);
  forward->setRange(fn.range());
  cls->addMethod(cu.addFunction(std::move(forward)));
  cu.addType(cls);
  auto object = lang::Ref<lang::Object>::make(cls, 1);
  object->slots[0] = lang::IValue(true);  // `training`, as torch pickles it
  return lang::IValue(object);
}

}  // namespace wick::serialize
