// The indentation filter between Flex and Bison (see scanner.h).
#include "frontend/scanner.h"

typedef void* yyscan_t;
int wick_yylex_init_extra(wick::frontend::ScanState* extra, yyscan_t* scanner);
int wick_yylex_destroy(yyscan_t scanner);
struct yy_buffer_state;
yy_buffer_state* wick_yy_scan_bytes(const char* bytes, int len, yyscan_t scanner);
wick::frontend::Token wick_raw_lex(yyscan_t yyscanner);

namespace wick::frontend {

using Kind = parser::symbol_kind_type;
using SK = parser::symbol_kind;

Lexer::Lexer(std::shared_ptr<const lang::Source> source, uint32_t begin, uint32_t end) {
  state_.source = std::move(source);
  state_.offset = begin;
  text_ = state_.source->text().substr(begin, end - begin);
  wick_yylex_init_extra(&state_, &scanner_);
  wick_yy_scan_bytes(text_.data(), static_cast<int>(text_.size()), scanner_);
}

Lexer::~Lexer() { wick_yylex_destroy(scanner_); }

void Lexer::fail(Loc loc, const std::string& message, std::vector<lang::Note> notes) {
  throw lang::CompileError(range(loc), message, std::move(notes));
}

namespace {
Token takeFront(std::deque<Token>& queue) {
  Token t = queue.front();
  queue.pop_front();
  return t;
}
}  // namespace

Token Lexer::raw() {
  if (!pushed_back_.empty()) return takeFront(pushed_back_);
  Token tok = wick_raw_lex(scanner_);
  if (tok.kind == SK::S_BADTOKEN) fail(tok.location, state_.bad_token);
  return tok;
}

namespace {
char openerOf(Kind k) {
  switch (k) {
    case SK::S_LPAREN: return '(';
    case SK::S_LBRACKET: return '[';
    case SK::S_LBRACE: return '{';
    default: return 0;
  }
}
char closerOf(Kind k) {
  switch (k) {
    case SK::S_RPAREN: return ')';
    case SK::S_RBRACKET: return ']';
    case SK::S_RBRACE: return '}';
    default: return 0;
  }
}
const char* bracketName(char c) {
  switch (c) {
    case '(': case ')': return "parenthesis";
    case '[': case ']': return "bracket";
    default: return "brace";
  }
}
char matching(char open) { return open == '(' ? ')' : open == '[' ? ']' : '}'; }
}  // namespace

void Lexer::trackBracket(const Token& tok) {
  if (char o = openerOf(tok.kind)) {
    brackets_.push_back({o, tok.location});
    return;
  }
  char c = closerOf(tok.kind);
  if (!c) return;
  if (brackets_.empty()) fail(tok.location, std::string("unmatched '") + c + "'");
  Opener open = brackets_.back();
  if (matching(open.ch) != c) {
    fail(tok.location,
         std::string("closing ") + bracketName(c) + " '" + c + "' does not match opening " + bracketName(open.ch) +
             " '" + open.ch + "' on line " + std::to_string(range(open.loc).line()),
         {{range(open.loc), std::string("'") + open.ch + "' opened here"}});
  }
  last_closed_ = std::make_pair(open.ch, open.loc);
  brackets_.pop_back();
}

// The scanner reports indentation with the NEWLINE before a line, so the
// first line of a file needs its own check (CPython: "unexpected indent").
void Lexer::checkFirstLineIndent(Loc first) {
  checked_first_line_ = true;
  const std::string& text = state_.source->text();
  uint32_t i = first.begin;
  while (i > 0 && text[i - 1] != '\n') --i;
  if (i < first.begin && (text[i] == ' ' || text[i] == '\t')) fail(first, "unexpected indent");
}

Token Lexer::next() {
  if (!queue_.empty()) return takeFront(queue_);
  for (;;) {
    Token tok = raw();
    Loc loc = tok.location;
    if (tok.kind == SK::S_NEWLINE) {
      if (!brackets_.empty()) continue;  // implicit line joining
      int width = tok.width;
      // The next token decides: at end of input indentation does not matter.
      Token after = raw();
      Loc after_loc = after.location;
      bool at_end = after.kind == SK::S_YYEOF;
      if (at_line_start_) {
        // Blank lines before the first token of the file.
        if (!at_end && width != indents_.back()) fail(after_loc, "unexpected indent");
        pushed_back_.push_back(after);
        continue;
      }
      at_line_start_ = true;
      if (!at_end && width > indents_.back()) {
        indents_.push_back(width);
        queue_.push_back(Token{SK::S_INDENT, Loc{after_loc.begin, after_loc.begin}});
      } else if (!at_end) {
        while (width < indents_.back()) {
          indents_.pop_back();
          queue_.push_back(Token{SK::S_DEDENT, Loc{after_loc.begin, after_loc.begin}});
        }
        if (width != indents_.back()) fail(after_loc, "unindent does not match any outer indentation level");
      }
      pushed_back_.push_back(after);
      return Token{SK::S_NEWLINE, loc};
    }
    if (tok.kind == SK::S_YYEOF) {
      if (!brackets_.empty()) {
        Opener o = brackets_.back();
        fail(o.loc, std::string("'") + o.ch + "' was never closed");
      }
      if (!at_line_start_) {
        at_line_start_ = true;
        pushed_back_.push_back(tok);
        return Token{SK::S_NEWLINE, Loc{loc.begin, loc.begin}};
      }
      if (indents_.size() > 1) {
        indents_.pop_back();
        pushed_back_.push_back(tok);
        return Token{SK::S_DEDENT, Loc{loc.begin, loc.begin}};
      }
      return tok;
    }
    if (!checked_first_line_) checkFirstLineIndent(loc);
    if (openerOf(tok.kind) || closerOf(tok.kind)) trackBracket(tok);
    at_line_start_ = false;
    return tok;
  }
}

}  // namespace wick::frontend
