// Builtins that archives' code calls by their aten/prim names: torch.device(str),
// warnings, and tensor properties wick answers statically (no nested tensors).
#include <iostream>
#include <mutex>
#include <set>

#include "ops/builtins/kernel_util.h"

namespace wick::ops {
namespace {

// torch's grad mode, kept per thread as torch keeps it (wick computes no gradients).
thread_local bool t_grad_enabled = true;

// "cpu", "cuda", "cuda:N" as torch.device parses them; device codes as lang::IValue::device.
void deviceFromString(Stack& s) {
  const std::string& d = s.back().toStr();
  int64_t code = -1;
  if (d == "cpu" || d == "cpu:0") code = 0;
  else if (d == "cuda") code = 1;
  else if (d.rfind("cuda:", 0) == 0 && d.size() > 5 && d.find_first_not_of("0123456789", 5) == std::string::npos)
    code = std::stoll(d.substr(5)) + 1;
  if (code < 0) lang::raise("RuntimeError", "Expected one of cpu, cuda device type at start of device string: " + d);
  s.back() = IValue::device(code);
}

// warnings.warn: printed once per message, as Python's default filter does.
void warn(Stack& s) {
  static std::mutex mu;
  static std::set<std::string> seen;
  std::string msg = arg(s, 2, 0).toStr();
  s.resize(s.size() - 2);
  std::lock_guard<std::mutex> lock(mu);
  if (seen.insert(msg).second) std::cerr << "UserWarning: " << msg << "\n";
}

lang::RegisterOps reg({
    {"aten::device(str a) -> Device", deviceFromString},
    // device.type and device.index (code 0 is the CPU, k + 1 is cuda:k).
    {"prim::type(Device self) -> str", [](Stack& s) { s.back() = IValue(std::string(s.back().toDeviceCode() == 0 ? "cpu" : "cuda")); }},
    {"prim::index(Device self) -> int?", [](Stack& s) {
       int64_t code = s.back().toDeviceCode();
       s.back() = code == 0 ? IValue() : IValue(code - 1);
     }},
    {"aten::warn(str message, int stacklevel=2) -> ()", warn, lang::OpClass::Other, false},
    {"prim::is_nested(Tensor a) -> bool", [](Stack& s) { s.back() = IValue(false); }},
    // Grad mode is on by default in torch; wick records no graph either way.
    // wick computes no gradients; the mode is kept per thread, as torch keeps
    // it, for code that tests it (torch.nn's inference fast paths).
    {"aten::is_grad_enabled() -> bool", [](Stack& s) { s.push_back(IValue(t_grad_enabled)); }, lang::OpClass::Other, false},
    {"aten::set_grad_enabled(bool val) -> ()", [](Stack& s) { t_grad_enabled = s.back().toBool(); s.pop_back(); },
     lang::OpClass::Other, false},
    {"aten::is_autocast_enabled() -> bool", [](Stack& s) { s.push_back(IValue(false)); }},
});

}  // namespace
}  // namespace wick::ops
