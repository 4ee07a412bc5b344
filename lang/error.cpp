#include "lang/error.h"

#include <cstdio>
#include <cstdlib>

namespace wick::lang {

void Error::refresh() { text_ = kind_ + ": " + message_; }

std::string Error::format() const {
  std::string out = "Traceback (most recent call last):\n";
  // Frames are recorded innermost first; print outermost first, as Python does.
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    out += "  File \"" + (it->range.valid() ? it->range.source->path() : std::string("<unknown>")) + "\", line " +
           std::to_string(it->range.line()) + ", in " + it->function + "\n";
    if (it->range.valid()) {
      std::string_view line = it->range.source->lineText(it->range.line());
      size_t b = line.find_first_not_of(" \t");
      if (b != std::string_view::npos) out += "    " + std::string(line.substr(b)) + "\n";
    }
  }
  return out + kind_ + ": " + message_ + "\n";
}

void assertFail(const char* expr, const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "wick internal error: %s:%d: assertion '%s' failed%s%s\n", file, line, expr,
               msg.empty() ? "" : ": ", msg.c_str());
  throw Error("InternalError", std::string("internal assertion failed: ") + expr + (msg.empty() ? "" : ": " + msg));
}

}  // namespace wick::lang
