#pragma once
// wick's prelude: torch.nn written in TorchScript (lang/prelude/), embedded in
// the binary at build time by embed_prelude.py.
#include <span>
#include <string_view>

namespace wick::frontend {

struct PreludeFile {
  std::string_view path;     // "torch/nn/modules/linear.py"
  std::string_view ns;       // "torch.nn.modules.linear"
  std::string_view classes;  // the classes it defines, space-separated
  std::string_view source;
};

std::span<const PreludeFile> preludeFiles();

}  // namespace wick::frontend
