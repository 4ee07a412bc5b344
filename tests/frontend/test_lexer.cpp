// The Flex scanner and the indentation filter, seen as the token stream the
// parser receives (frontend/scanner.h).
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "frontend/quick_scan.h"
#include "frontend/scanner.h"

using namespace wick;
using namespace wick::frontend;

namespace {
using SK = parser::symbol_kind;

// Token kinds of the whole text, with the filter's NEWLINE/INDENT/DEDENT.
std::vector<parser::symbol_kind_type> kinds(const std::string& text) {
  auto src = std::make_shared<const lang::Source>("t.py", text);
  Lexer lexer(src, 0, static_cast<uint32_t>(text.size()));
  std::vector<parser::symbol_kind_type> out;
  for (;;) {
    Token t = lexer.next();
    out.push_back(t.kind);
    if (t.kind == SK::S_YYEOF) return out;
  }
}

std::string lexError(const std::string& text) {
  try {
    kinds(text);
  } catch (const lang::CompileError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("indentation becomes INDENT and DEDENT; blank and comment lines do not count") {
  auto k = kinds("if x:\n    y\n\n  # comment\n    z\nw\n");
  std::vector<parser::symbol_kind_type> want = {
      SK::S_IF, SK::S_NAME, SK::S_COLON, SK::S_NEWLINE, SK::S_INDENT, SK::S_NAME, SK::S_NEWLINE,
      SK::S_NAME, SK::S_NEWLINE, SK::S_DEDENT, SK::S_NAME, SK::S_NEWLINE, SK::S_YYEOF};
  CHECK(k == want);
}

TEST_CASE("brackets and backslashes join lines") {
  auto k = kinds("x = (1,\n        2)\ny = 1 + \\\n  2\n");
  std::vector<parser::symbol_kind_type> want = {
      SK::S_NAME, SK::S_EQUAL, SK::S_LPAREN, SK::S_INTEGER, SK::S_COMMA, SK::S_INTEGER, SK::S_RPAREN,
      SK::S_NEWLINE, SK::S_NAME, SK::S_EQUAL, SK::S_INTEGER, SK::S_PLUS, SK::S_INTEGER, SK::S_NEWLINE,
      SK::S_YYEOF};
  CHECK(k == want);
}

TEST_CASE("open blocks close at end of input without a final newline") {
  auto k = kinds("def f():\n    if x:\n        pass");
  int dedents = 0;
  for (auto t : k) dedents += t == SK::S_DEDENT;
  CHECK(dedents == 2);
  CHECK(k.back() == SK::S_YYEOF);
}

TEST_CASE("a tab advances to the next multiple of 8, as in CPython") {
  // One tab and eight spaces are the same indentation.
  CHECK(lexError("if x:\n\ty\n        z\n") == "");
  CHECK(lexError("if x:\n\ty\n    z\n").find("unindent does not match") != std::string::npos);
}

TEST_CASE("tokens carry byte offsets") {
  auto src = std::make_shared<const lang::Source>("t.py", "ab = 0x1F  # c\n");
  Lexer lexer(src, 0, static_cast<uint32_t>(src->text().size()));
  Token name = lexer.next();
  CHECK(name.location.begin == 0);
  CHECK(name.location.end == 2);
  lexer.next();
  Token number = lexer.next();
  CHECK(number.location.begin == 5);
  CHECK(number.location.end == 9);
  CHECK(number.kind == parser::symbol_kind::S_INTEGER);
  CHECK(lexer.range(number.location).text() == "0x1F");  // the parser reads a literal's text there
}

TEST_CASE("lexical errors point at the offending text") {
  CHECK(lexError("  x = 1\n").rfind("t.py:1:3: error: unexpected indent", 0) == 0);
  CHECK(lexError("x = ?\n").rfind("t.py:1:5: error: invalid character '?'", 0) == 0);
  CHECK(lexError("x = (1,\n  2]\n").find("closing bracket ']' does not match opening parenthesis '(' on line 1") !=
        std::string::npos);
  CHECK(lexError("x = f(1\n").rfind("t.py:1:6: error: '(' was never closed", 0) == 0);
  CHECK(lexError("s = '''abc\n").find("unterminated triple-quoted string") != std::string::npos);
}

TEST_CASE("a token that only looked longer ends where the longest real token does (Note [No backing up])") {
  // Flex's longest match: `1e` is the integer 1 and the name e; `0x` is 0
  // and x; `1_` is 1 and _; `..` is two dots.
  using V = std::vector<parser::symbol_kind_type>;
  CHECK(kinds("1e\n") == V{SK::S_INTEGER, SK::S_NAME, SK::S_NEWLINE, SK::S_YYEOF});
  CHECK(kinds("1.5e+\n") == V{SK::S_FLOATNUM, SK::S_NAME, SK::S_PLUS, SK::S_NEWLINE, SK::S_YYEOF});
  CHECK(kinds("0x\n") == V{SK::S_INTEGER, SK::S_NAME, SK::S_NEWLINE, SK::S_YYEOF});
  CHECK(kinds("1_\n") == V{SK::S_INTEGER, SK::S_NAME, SK::S_NEWLINE, SK::S_YYEOF});
  CHECK(kinds("a..b\n") == V{SK::S_NAME, SK::S_DOT, SK::S_DOT, SK::S_NAME, SK::S_NEWLINE, SK::S_YYEOF});
  // An unterminated string is reported at its prefix and opening quote.
  CHECK(lexError("s = rb'abc\n").rfind("t.py:1:5: error: unterminated string literal", 0) == 0);
  CHECK(lexError("s = \"abc\\").rfind("t.py:1:5: error: unterminated string literal", 0) == 0);
}

TEST_CASE("the quick scan knows every keyword scanner.l has (Note [Quick scan])") {
  // The two lists are kept by hand; a keyword missing from the quick one
  // would lex as a NAME whenever the Lexer reads the name itself.
  std::ifstream in(std::string(WICK_SOURCE_DIR) + "/frontend/scanner.l");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  std::string rules = text.str();
  std::regex rule("\n\"([A-Za-z]+)\"\\s+TOK\\(");
  size_t seen = 0;
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), rule); it != std::sregex_iterator(); ++it, ++seen) {
    std::string word = (*it)[1];
    CAPTURE(word);
    CHECK(quick::nameKind(word.data(), static_cast<uint32_t>(word.size())) != SK::S_NAME);
    CHECK(kinds(word).front() != SK::S_NAME);
  }
  CHECK(seen == std::size(quick::kKeywordList));
  CHECK(quick::nameKind("define", 6) == SK::S_NAME);
}
