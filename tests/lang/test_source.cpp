#include <doctest/doctest.h>

#include "lang/source.h"

using namespace wick::lang;

TEST_CASE("diagnostics name file, line and column and underline the range") {
  auto src = std::make_shared<const Source>("bad.py", "def f():\n    x = (1 + )\n");
  uint32_t paren = static_cast<uint32_t>(src->text().rfind(')'));
  Diagnostic d{SourceRange(src, paren, paren + 1), "expected an expression, found ')'", {}};
  std::string text = d.format();
  CHECK(text.rfind("bad.py:2:14: error: expected an expression, found ')'\n", 0) == 0);
  CHECK(text.find("    x = (1 + )\n") != std::string::npos);
  CHECK(text.find("             ^") != std::string::npos);
}

TEST_CASE("line and column of offsets") {
  Source s("a.py", "ab\ncd\n\nef");
  CHECK(s.line(0) == 1);
  CHECK(s.column(1) == 2);
  CHECK(s.line(3) == 2);
  CHECK(s.column(4) == 2);
  CHECK(s.line(7) == 4);
  CHECK(s.lineText(3) == "");
  CHECK(s.lineText(4) == "ef");
}
