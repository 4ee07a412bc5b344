#pragma once
// Source text, ranges into it, and user-facing diagnostics.
//
// A SourceRange is a shared Source plus byte offsets; line and column are
// computed only when printing. Every token, AST node and IR node carries one.
//
//   samples/bad.py:3:10: error: expected an expression, found ')'
//       x = (1 + )
//                ^
//   note: '(' opened here, line 3 column 5
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wick::lang {

class Source {
 public:
  Source(std::string path, std::string text);
  static std::shared_ptr<const Source> fromFile(const std::string& path);  // throws std::runtime_error

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based line and column of a byte offset.
  int line(uint32_t offset) const;
  int column(uint32_t offset) const;
  // Text of 1-based line `line`, without its newline.
  std::string_view lineText(int line) const;
  uint32_t lineStart(int line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

struct SourceRange {
  std::shared_ptr<const Source> source;
  uint32_t start = 0;
  uint32_t end = 0;  // one past the last byte

  SourceRange() = default;
  SourceRange(std::shared_ptr<const Source> s, uint32_t b, uint32_t e) : source(std::move(s)), start(b), end(e) {}
  bool valid() const { return source != nullptr; }
  int line() const { return source ? source->line(start) : 0; }
  int column() const { return source ? source->column(start) : 0; }
  // Smallest range covering both.
  SourceRange merge(const SourceRange& o) const;
  // "path:line:col"
  std::string str() const;
  std::string_view text() const;
};

struct Note {
  SourceRange range;
  std::string message;
};

struct Diagnostic {
  SourceRange range;
  std::string message;
  std::vector<Note> notes;
  // FILE:LINE:COL: error: MESSAGE, the source line, a caret or ~~~ underline, then notes.
  std::string format() const;
};

// Thrown by the frontend for syntax, name and type errors; carries one or more
// diagnostics (the lexer/parser/checker may collect several before throwing).
class CompileError : public std::exception {
 public:
  explicit CompileError(std::vector<Diagnostic> diags);
  CompileError(SourceRange range, std::string message, std::vector<Note> notes = {});
  const char* what() const noexcept override { return text_.c_str(); }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
  std::string text_;
};

}  // namespace wick::lang
