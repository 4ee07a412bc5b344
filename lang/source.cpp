#include "lang/source.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace wick::lang {

Source::Source(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  // memchr finds each newline a vector at a time: an archive load makes a
  // Source of every code file.
  line_starts_.push_back(0);
  const char* base = text_.data();
  const char* end = base + text_.size();
  for (const char* p = base; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p)
    line_starts_.push_back(static_cast<uint32_t>(p - base + 1));
}

std::shared_ptr<const Source> Source::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::make_shared<const Source>(path, ss.str());
}

int Source::line(uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<int>(it - line_starts_.begin());
}

int Source::column(uint32_t offset) const { return static_cast<int>(offset - lineStart(line(offset))) + 1; }

uint32_t Source::lineStart(int line) const {
  if (line < 1) return 0;
  if (static_cast<size_t>(line) > line_starts_.size()) return static_cast<uint32_t>(text_.size());
  return line_starts_[line - 1];
}

std::string_view Source::lineText(int line) const {
  uint32_t b = lineStart(line);
  uint32_t e = b;
  while (e < text_.size() && text_[e] != '\n' && text_[e] != '\r') ++e;
  return std::string_view(text_).substr(b, e - b);
}

SourceRange SourceRange::merge(const SourceRange& o) const {
  if (!valid()) return o;
  if (!o.valid()) return *this;
  return SourceRange(source, std::min(start, o.start), std::max(end, o.end));
}

std::string SourceRange::str() const {
  if (!source) return "<unknown>";
  return source->path() + ":" + std::to_string(line()) + ":" + std::to_string(column());
}

std::string_view SourceRange::text() const {
  if (!source) return {};
  return std::string_view(source->text()).substr(start, end > start ? end - start : 0);
}

namespace {
// The source line and a caret (or ~~~ underline) under the range.
void appendExcerpt(std::ostringstream& os, const SourceRange& r) {
  if (!r.valid()) return;
  int line = r.line();
  std::string_view text = r.source->lineText(line);
  os << "    " << text << "\n    ";
  int col = r.column() - 1;
  for (int i = 0; i < col && i < static_cast<int>(text.size()); ++i) os << (text[i] == '\t' ? '\t' : ' ');
  int width = static_cast<int>(r.end > r.start ? r.end - r.start : 1);
  width = std::max(1, std::min(width, static_cast<int>(text.size()) - col));
  if (width <= 1) os << "^";
  else os << std::string(width, '~');
  os << "\n";
}
}  // namespace

std::string Diagnostic::format() const {
  std::ostringstream os;
  os << range.str() << ": error: " << message << "\n";
  appendExcerpt(os, range);
  for (const Note& n : notes) {
    os << "note: " << n.message;
    if (n.range.valid()) os << ", line " << n.range.line() << " column " << n.range.column();
    os << "\n";
    appendExcerpt(os, n.range);
  }
  return os.str();
}

CompileError::CompileError(std::vector<Diagnostic> diags) : diags_(std::move(diags)) {
  for (const Diagnostic& d : diags_) text_ += d.format();
}

CompileError::CompileError(SourceRange range, std::string message, std::vector<Note> notes)
    : CompileError(std::vector<Diagnostic>{Diagnostic{std::move(range), std::move(message), std::move(notes)}}) {}

}  // namespace wick::lang
