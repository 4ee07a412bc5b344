#include "serialize/python_printer.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "lang/error.h"

namespace wick::serialize {

using lang::Block;
using lang::IValue;
using lang::Node;
using lang::Symbol;
using lang::TypeKind;
using lang::TypePtr;
using lang::Value;
namespace prim = lang::prim;
namespace attr = lang::attr;

size_t ConstantTable::add(const IValue& v) {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].is(v)) return i;
  values.push_back(v);
  return values.size() - 1;
}

namespace {

std::string qualify(const std::string& name) {
  return name.rfind("__torch__", 0) == 0 ? name : "__torch__." + name;
}

std::string joinTypes(const std::vector<TypePtr>& ts) {
  std::string out;
  for (size_t i = 0; i < ts.size(); ++i) out += (i ? ", " : "") + serializedTypeName(ts[i]);
  return out;
}

bool isIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 bytes pass through
        }
    }
  }
  return out + "\"";
}

std::string floatLiteral(double d) {
  if (std::isnan(d)) return "float(\"nan\")";
  if (std::isinf(d)) return d > 0 ? "float(\"inf\")" : "float(\"-inf\")";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".";
  return s;
}

// Prints one function body. Names every non-constant value once, uniquely.
class FunctionPrinter {
 public:
  FunctionPrinter(ConstantTable& constants, std::ostringstream& out) : constants_(constants), out_(out) {}

  void printDef(const lang::Function& fn, int indent) {
    const lang::Graph& g = fn.graph();
    const auto& args = fn.schema().arguments;
    line(indent) << "def " << fn.name() << "(";
    for (size_t i = 0; i < g.inputs().size(); ++i) {
      Value* v = g.inputs()[i];
      std::string pname = i < args.size() ? args[i].name : nameOf(v);
      names_[v] = pname;
      used_.insert(pname);
      if (i) out_ << ",\n" << std::string(2 * (indent + 1), ' ');
      out_ << pname << ": " << serializedTypeName(v->type());
      if (i < args.size() && args[i].default_value) out_ << "=" << literal(*args[i].default_value);
    }
    out_ << ") -> " << returnType(g) << ":\n";
    printBlock(g.block(), indent + 1, /*is_graph=*/true);
  }

 private:
  std::ostream& line(int indent) { return out_ << std::string(2 * indent, ' '); }

  static std::string returnType(const lang::Graph& g) {
    if (g.outputs().size() == 1) return serializedTypeName(g.outputs()[0]->type());
    std::vector<TypePtr> ts;
    for (Value* v : g.outputs()) ts.push_back(v->type());
    return "Tuple[" + joinTypes(ts) + "]";
  }

  std::string freshName(std::string base) {
    static const std::unordered_set<std::string> reserved = {
        "torch", "ops", "annotate", "uninitialized", "unchecked_cast", "CONSTANTS", "self", "print",
        "int", "float", "bool", "str", "len", "range", "getattr", "isinstance", "None", "True", "False",
        "if", "else", "for", "while", "in", "is", "not", "and", "or", "return", "def", "class", "pass"};
    if (base.empty() || !isIdentifier(base)) base = "_";
    std::string name = base == "_" ? "_" + std::to_string(counter_++) : base;
    while (used_.count(name) || reserved.count(name)) name = base + std::to_string(counter_++);
    used_.insert(name);
    return name;
  }

  const std::string& nameOf(Value* v) {
    auto it = names_.find(v);
    if (it != names_.end()) return it->second;
    std::string base = v->debugName();
    if (auto dot = base.find('.'); dot != std::string::npos) base = base.substr(0, dot);
    return names_[v] = freshName(base);
  }

  std::string literal(const IValue& v) {
    switch (v.tag()) {
      case lang::Tag::None: return "None";
      case lang::Tag::Bool: return v.toBool() ? "True" : "False";
      case lang::Tag::Int:
        if (v.toInt() == std::numeric_limits<int64_t>::min()) return "-9223372036854775807 - 1";
        return std::to_string(v.toInt());
      case lang::Tag::Float: return floatLiteral(v.toDouble());
      case lang::Tag::Str: return quote(v.toStrView());
      case lang::Tag::Tensor: return "CONSTANTS.c" + std::to_string(constants_.add(v));
      case lang::Tag::Device: return "torch.device(" + quote(lang::toStr(v)) + ")";
      case lang::Tag::List: {
        std::string s = "[";
        const auto& items = v.toList()->items;
        for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + literal(items[i]);
        return s + "]";
      }
      case lang::Tag::Tuple: {
        const auto& items = v.toTuple()->items;
        std::string s = "(";
        for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + literal(items[i]);
        return s + (items.size() == 1 ? ",)" : ")");
      }
      default:
        lang::raise("RuntimeError", "cannot serialize a constant of type " + lang::typeOf(v)->str());
    }
  }

  // An input as an expression: constants inline, everything else by name.
  std::string use(Value* v) {
    Node* n = v->node();
    if (n->kind() == prim::Constant) {
      if (!n->hasAttribute(attr::value)) return "None";
      return literal(n->ival(attr::value));
    }
    return nameOf(v);
  }

  std::string useList(const std::vector<Value*>& vs, size_t from = 0) {
    std::string s;
    for (size_t i = from; i < vs.size(); ++i) s += (i > from ? ", " : "") + use(vs[i]);
    return s;
  }

  // "a, b = " for the node's outputs ("" when it has none).
  std::string assignTargets(Node* n) {
    if (n->outputs().empty()) return "";
    std::string s;
    for (size_t i = 0; i < n->outputs().size(); ++i) s += (i ? ", " : "") + nameOf(n->output(i));
    return s + " = ";
  }

  void assignValues(const std::vector<Value*>& targets, const std::vector<Value*>& values, int indent) {
    if (targets.empty()) return;
    line(indent);
    for (size_t i = 0; i < targets.size(); ++i) out_ << (i ? ", " : "") << nameOf(targets[i]);
    out_ << " = " << useList(values) << "\n";
  }

  void printBlock(const Block* b, int indent, bool is_graph) {
    bool any = false;
    for (Node* n : *b) any |= printNode(n, indent);
    if (is_graph) {
      const auto& outs = b->outputs();
      line(indent) << "return " << (outs.size() == 1 ? use(outs[0]) : "(" + useList(outs) + ")") << "\n";
    } else if (!any) {
      line(indent) << "pass\n";
    }
  }

  // Returns false for nodes that print nothing (constants).
  bool printNode(Node* n, int indent) {
    Symbol k = n->kind();
    if (k == prim::Constant) return false;
    if (k == prim::If) return printIf(n, indent), true;
    if (k == prim::Loop) return printLoop(n, indent), true;
    if (k == prim::TupleUnpack || k == prim::ListUnpack) {
      line(indent) << assignTargets(n) << use(n->input()) << "\n";
      return true;
    }
    if (k == prim::SetAttr) {
      line(indent) << attribute(use(n->input(0)), n->s(attr::name)) << " = " << use(n->input(1)) << "\n";
      return true;
    }
    line(indent) << assignTargets(n) << expression(n) << "\n";
    return true;
  }

  static std::string attribute(const std::string& obj, const std::string& name) {
    return isIdentifier(name) ? obj + "." + name : "getattr(" + obj + ", " + quote(name) + ")";
  }

  std::string typeOfOutput(Node* n) { return serializedTypeName(n->output()->type()); }

  std::string expression(Node* n) {
    Symbol k = n->kind();
    const auto& in = n->inputs();
    if (k == prim::GetAttr) return attribute(use(in[0]), n->s(attr::name));
    if (k == prim::TupleConstruct) {
      const auto& t = n->output()->type();
      if (!t->name().empty()) return qualify(t->name()) + "(" + useList(in) + ")";
      return in.size() == 1 ? "(" + use(in[0]) + ",)" : "(" + useList(in) + ")";
    }
    if (k == prim::NamedTupleConstruct) return qualify(n->output()->type()->name()) + "(" + useList(in) + ")";
    if (k == prim::ListConstruct) {
      if (in.empty()) return "annotate(" + typeOfOutput(n) + ", [])";
      return "[" + useList(in) + "]";
    }
    if (k == prim::DictConstruct) {
      if (in.empty()) return "annotate(" + typeOfOutput(n) + ", {})";
      std::string s = "{";
      for (size_t i = 0; i + 1 < in.size(); i += 2) s += (i ? ", " : "") + use(in[i]) + ": " + use(in[i + 1]);
      return s + "}";
    }
    if (k == prim::TupleIndex) {
      std::string idx = n->hasAttribute(attr::index) ? std::to_string(n->i(attr::index)) : use(in.at(1));
      return use(in[0]) + "[" + idx + "]";
    }
    if (k == prim::TupleSlice) {
      return use(in[0]) + "[" + std::to_string(n->i(attr::start)) + ":" + std::to_string(n->i(attr::end)) + "]";
    }
    if (k == prim::CreateObject) {
      std::string t = typeOfOutput(n);
      return t + ".__new__(" + t + ")";
    }
    if (k == prim::CallFunction) return qualify(n->callee()->qualname()) + "(" + useList(in) + ")";
    if (k == prim::CallMethod) return "(" + use(in[0]) + ")." + n->s(attr::name) + "(" + useList(in, 1) + ")";
    if (k == prim::Print) return "print(" + useList(in) + ")";
    if (k == prim::Uninitialized) return "uninitialized(" + typeOfOutput(n) + ")";
    if (k == prim::unchecked_cast) return "unchecked_cast(" + typeOfOutput(n) + ", " + use(in[0]) + ")";
    if (k == prim::isinstance) {
      const auto& ts = n->tys(attr::types);
      return "isinstance(" + use(in[0]) + ", " + (ts.size() == 1 ? serializedTypeName(ts[0]) : "(" + joinTypes(ts) + ")") + ")";
    }
    if (k == prim::RaiseException) {
      std::string kind = n->hasAttribute(attr::name) ? n->s(attr::name) : "Exception";
      return "ops.prim.RaiseException(" + useList(in) + ", " + quote("builtins." + kind) + ")";
    }
    if (k == prim::EnumValue) return use(in[0]) + ".value";
    if (k == prim::EnumName) return use(in[0]) + ".name";
    if (n->op()) return opCall(n);
    lang::raise("RuntimeError", "cannot print node " + k.str() + " as TorchScript source");
  }

  // `torch.name(positional..., kwonly=...)`, and the few ops that have syntax.
  std::string opCall(Node* n) {
    const lang::FunctionSchema& schema = n->op()->schema;
    const auto& in = n->inputs();
    std::string_view ns = Symbol::intern(schema.name).ns();
    std::string name(Symbol::intern(schema.name).name());
    if (name == "__getitem__" && in.size() == 2) return use(in[0]) + "[" + use(in[1]) + "]";
    static const std::unordered_map<std::string, std::string> conversions = {
        {"Int", "int"}, {"Float", "float"}, {"Bool", "bool"}, {"str", "str"}, {"len", "len"}};
    if (ns == "aten") {
      if (auto it = conversions.find(name); it != conversions.end() && in.size() == 1)
        return it->second + "(" + use(in[0]) + ")";
    }
    std::string s = (ns == "aten" ? "torch." : "ops." + std::string(ns) + ".") + name + "(";
    for (size_t i = 0; i < in.size(); ++i) {
      if (i) s += ", ";
      if (i < schema.arguments.size() && schema.arguments[i].kwarg_only) s += schema.arguments[i].name + "=";
      s += use(in[i]);
    }
    return s + ")";
  }

  void printIf(Node* n, int indent) {
    line(indent) << "if " << use(n->input()) << ":\n";
    for (size_t b = 0; b < 2; ++b) {
      if (b == 1) line(indent) << "else:\n";
      const Block* blk = n->block(b);
      bool any = false;
      for (Node* inner : *blk) any |= printNode(inner, indent + 1);
      if (!n->outputs().empty()) assignValues(n->outputs(), blk->outputs(), indent + 1);
      else if (!any) line(indent + 1) << "pass\n";
    }
  }

  static bool isConstantTrue(Value* v) {
    Node* n = v->node();
    return n->kind() == prim::Constant && n->hasAttribute(attr::value) && n->ival(attr::value).isBool() &&
           n->ival(attr::value).toBool();
  }
  static bool isMaxTripCount(Value* v) {
    Node* n = v->node();
    return n->kind() == prim::Constant && n->hasAttribute(attr::value) && n->ival(attr::value).isInt() &&
           n->ival(attr::value).toInt() == std::numeric_limits<int64_t>::max();
  }

  // prim::Loop(max, cond, carried...) { block(i, carried...) -> (cond', carried'...) }
  void printLoop(Node* n, int indent) {
    const Block* body = n->block(0);
    std::vector<Value*> carried_in(n->inputs().begin() + 2, n->inputs().end());
    std::vector<Value*> carried_params(body->inputs().begin() + 1, body->inputs().end());
    std::vector<Value*> carried_next(body->outputs().begin() + 1, body->outputs().end());
    Value* iter = body->inputs()[0];
    assignValues(carried_params, carried_in, indent);
    bool for_range = !isMaxTripCount(n->input(0)) && isConstantTrue(n->input(1)) && isConstantTrue(body->outputs()[0]);
    if (for_range) {
      line(indent) << "for " << nameOf(iter) << " in range(" << use(n->input(0)) << "):\n";
      for (Node* inner : *body) printNode(inner, indent + 1);
      assignValues(carried_params, carried_next, indent + 1);
      line(indent + 1) << "pass\n";
    } else {
      // General form: an explicit trip counter and condition variable.
      std::string cond = freshName("_cond");
      line(indent) << nameOf(iter) << " = 0\n";
      line(indent) << cond << " = " << use(n->input(1)) << "\n";
      bool bounded = !isMaxTripCount(n->input(0));
      line(indent) << "while " << cond
                   << (bounded ? " and torch.lt(" + nameOf(iter) + ", " + use(n->input(0)) + ")" : "") << ":\n";
      for (Node* inner : *body) printNode(inner, indent + 1);
      std::vector<Value*> next = {body->outputs()[0]};
      next.insert(next.end(), carried_next.begin(), carried_next.end());
      line(indent + 1) << cond;
      for (Value* p : carried_params) out_ << ", " << nameOf(p);
      out_ << " = " << useList(next) << "\n";
      line(indent + 1) << nameOf(iter) << " = torch.add(" << nameOf(iter) << ", 1)\n";
    }
    assignValues(n->outputs(), carried_params, indent);
  }

  ConstantTable& constants_;
  std::ostringstream& out_;
  std::unordered_map<Value*, std::string> names_;
  std::unordered_set<std::string> used_;
  size_t counter_ = 0;
};

}  // namespace

std::string serializedTypeName(const TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::Class:
    case TypeKind::Enum: return qualify(t->name());
    case TypeKind::Tuple:
      if (!t->name().empty()) return qualify(t->name());
      return "Tuple[" + joinTypes(t->contained()) + "]";
    case TypeKind::List: return "List[" + serializedTypeName(t->elem()) + "]";
    case TypeKind::Dict: return "Dict[" + serializedTypeName(t->key()) + ", " + serializedTypeName(t->value()) + "]";
    case TypeKind::Optional: return "Optional[" + serializedTypeName(t->elem()) + "]";
    case TypeKind::Union: return "Union[" + joinTypes(t->contained()) + "]";
    case TypeKind::None: return "NoneType";
    case TypeKind::Device: return "Device";
    default: return t->str();
  }
}

std::string printFunction(const lang::Function& fn, ConstantTable& constants, int indent) {
  std::ostringstream out;
  FunctionPrinter(constants, out).printDef(fn, indent);
  return out.str();
}

std::string printClass(const lang::ClassType& cls, ConstantTable& constants) {
  std::ostringstream out;
  std::string short_name = cls.name().substr(cls.name().rfind('.') + 1);
  out << "class " << short_name << (cls.isModule() ? "(Module)" : "") << ":\n";
  if (cls.isModule()) {
    std::string params, buffers;
    for (const auto& a : cls.attributes()) {
      if (a.is_parameter) params += (params.empty() ? "\"" : ", \"") + a.name + "\"";
      if (a.is_buffer) buffers += (buffers.empty() ? "\"" : ", \"") + a.name + "\"";
    }
    out << "  __parameters__ = [" << params << "]\n  __buffers__ = [" << buffers << "]\n";
  }
  for (const auto& a : cls.attributes()) out << "  " << a.name << " : " << serializedTypeName(a.type) << "\n";
  for (lang::Function* m : cls.methods()) out << printFunction(*m, constants, 1);
  if (cls.attributes().empty() && cls.methods().empty() && !cls.isModule()) out << "  pass\n";
  return out.str();
}

std::map<std::string, std::string> printCompilationUnit(const lang::CompilationUnit& cu, ConstantTable& constants) {
  // One file per qualifier namespace: "__torch__.a.B" lives in "__torch__/a.py".
  auto fileFor = [](const std::string& qualname) {
    std::string q = qualify(qualname);
    std::string ns = q.substr(0, q.rfind('.'));
    for (char& c : ns)
      if (c == '.') c = '/';
    return ns + ".py";
  };
  std::map<std::string, std::string> files;
  for (const TypePtr& t : cu.types())
    if (t->kind() == TypeKind::Class) files[fileFor(t->name())] += printClass(static_cast<const lang::ClassType&>(*t), constants);
  for (const auto& fn : cu.functions())
    if (!fn->owner()) files[fileFor(fn->qualname())] += printFunction(*fn, constants, 0);
  return files;
}

}  // namespace wick::serialize
