#include "serialize/torch_spelling.h"

#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "lang/operator.h"
#include "lang/source.h"

namespace wick::serialize {

using Args = std::vector<std::string>;

namespace {

// wick ops (name.overload) that torch registers under prim.
const std::unordered_set<std::string>& primInTorch() {
  static const std::unordered_set<std::string> ops = {
      "aten::min.int", "aten::min.float", "aten::min.int_float", "aten::min.float_int", "aten::min.list",
      "aten::max.int", "aten::max.float", "aten::max.int_float", "aten::max.float_int", "aten::max.list",
      "aten::abs.int", "aten::abs.float", "aten::tolist"};
  return ops;
}

// Tensor conversion methods, which torch.jit.script turns into `to` with
// the dtype's ScalarType number (spec §5).
const std::unordered_map<std::string, int>& conversionDtypes() {
  static const std::unordered_map<std::string, int> dtypes = {
      {"aten::byte", 0}, {"aten::char", 1},  {"aten::short", 2}, {"aten::int", 3},  {"aten::long", 4},
      {"aten::half", 5}, {"aten::float", 6}, {"aten::double", 7}, {"aten::bool", 11}, {"aten::bfloat16", 15}};
  return dtypes;
}

// `s op t` with a scalar on the left, as torch's reflected Tensor operators
// write it (Tensor.__rsub__ is `neg(t) + s`, __rtruediv__ `reciprocal(t) * s`,
// comparisons swap sides).
std::optional<std::string> reflected(const std::string& name, const Args& a) {
  const std::string& s = a[0];
  const std::string& t = a[1];
  if ((name == "aten::add" || name == "aten::sub") && a.size() > 2 && a[2] != "1") return std::nullopt;  // alpha
  static const std::unordered_map<std::string, std::string> swapped = {
      {"aten::add", "add"}, {"aten::mul", "mul"}, {"aten::eq", "eq"},   {"aten::ne", "ne"},
      {"aten::lt", "gt"},   {"aten::less", "gt"}, {"aten::le", "ge"},   {"aten::gt", "lt"},
      {"aten::greater", "lt"}, {"aten::ge", "le"}};
  if (auto it = swapped.find(name); it != swapped.end()) return "torch." + it->second + "(" + t + ", " + s + ")";
  if (name == "aten::sub") return "torch.add(torch.neg(" + t + "), " + s + ")";
  if (name == "aten::div" || name == "aten::true_divide") return "torch.mul(torch.reciprocal(" + t + "), " + s + ")";
  return std::nullopt;
}

// Functional forms torch.jit.script inlines from Python source.
const std::unordered_map<std::string, std::function<std::string(const Args&)>>& formulas() {
  static const std::unordered_map<std::string, std::function<std::string(const Args&)>> f = {
      {"aten::ndimension", [](const Args& a) { return "torch.dim(" + a[0] + ")"; }},
      {"prim::ndim", [](const Args& a) { return "torch.dim(" + a[0] + ")"; }},
      {"aten::nelement", [](const Args& a) { return "torch.numel(" + a[0] + ")"; }},
      {"aten::logsigmoid", [](const Args& a) { return "torch.log_sigmoid(" + a[0] + ")"; }},
      {"aten::softsign", [](const Args& a) { return "torch.div(" + a[0] + ", torch.add(torch.abs(" + a[0] + "), 1))"; }},
      {"aten::tanhshrink", [](const Args& a) { return "torch.sub(" + a[0] + ", torch.tanh(" + a[0] + "))"; }},
      {"aten::softmin",
       [](const Args& a) { return "torch.softmax(torch.neg(" + a[0] + "), " + a[1] + ", " + a.at(2) + ")"; }},
      {"aten::mathpow", [](const Args& a) { return "torch.pow(" + a[0] + ", " + a[1] + ")"; }},
      // F.softmin(input, dim, _stacklevel, dtype): the functional signature.
      {"functional::softmin",
       [](const Args& a) { return "torch.softmax(torch.neg(" + a[0] + "), " + a[1] + ", " + (a.size() > 3 ? a[3] : "None") + ")"; }},
  };
  return f;
}

// Ops with no PyTorch operator, and why.
const std::unordered_map<std::string, std::string>& unsavable() {
  static const std::unordered_map<std::string, std::string> ops = {
      {"aten::interpolate", "torch.nn.functional.interpolate is Python code in PyTorch"},
      {"aten::cross_entropy", "torch.nn.functional.cross_entropy is Python code in PyTorch"},
      {"aten::normalize", "torch.nn.functional.normalize is Python code in PyTorch"},
      {"aten::new_tensor", "torch.jit.script does not accept Tensor.new_tensor"},
      {"aten::data_ptr", "torch.jit.script does not accept Tensor.data_ptr"},
      {"aten::repr", "torch.jit.script does not accept repr()"},
  };
  return ops;
}

}  // namespace

std::string torchCallee(const lang::FunctionSchema& schema) {
  lang::Symbol sym = lang::Symbol::intern(schema.name);
  std::string ns(sym.ns()), name(sym.name());
  if (primInTorch().count(schema.qualifiedName())) return "ops.prim." + name;
  return ns == "aten" ? "torch." + name : "ops." + ns + "." + name;
}

std::optional<std::string> torchRewrite(const lang::Node& node, const Args& args) {
  const lang::FunctionSchema& schema = node.op()->schema;
  if (auto it = unsavable().find(schema.name); it != unsavable().end())
    throw lang::CompileError(node.sourceRange(), "cannot save: PyTorch has no operator " + schema.name + " (" +
                                                     it->second + "; wick runs it as a builtin)");
  // wick's kernels for torch.nn.functional's Python functions (F.interpolate,
  // the losses, ...): PyTorch has no operator of that name.
  if (schema.name.rfind("functional::", 0) == 0) {
    std::string f = schema.name.substr(12);
    if (auto it = formulas().find(schema.name); it != formulas().end()) return it->second(args);
    // The aten spelling, where the functional signature is the aten op's
    // (or wick has no aten op of that name to differ from).
    const lang::Operator* aten = lang::OperatorRegistry::global().find("aten::" + f);
    if (auto it = formulas().find("aten::" + f);
        it != formulas().end() && (!aten || aten->schema.arguments.size() == schema.arguments.size()))
      return it->second(args);
    throw lang::CompileError(node.sourceRange(), "cannot save: PyTorch has no operator aten::" + f +
                                                     " (torch.nn.functional." + f + " is Python code in PyTorch; wick runs it as a builtin)");
  }
  if (auto it = conversionDtypes().find(schema.name); it != conversionDtypes().end() && !args.empty()) {
    std::string call = "torch.to(" + args[0] + ", " + std::to_string(it->second);
    if (args.size() > 1 && args[1] != "None") call += ", False, False, " + args[1];
    return call + ")";
  }
  if (auto it = formulas().find(schema.name); it != formulas().end()) return it->second(args);
  if (schema.overload == "Scalar_Tensor" && args.size() >= 2) return reflected(schema.name, args);
  return std::nullopt;
}

}  // namespace wick::serialize
