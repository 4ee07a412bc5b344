// The indentation filter between Flex and Bison (see scanner.h).
#include "frontend/scanner.h"

typedef void* yyscan_t;
int wick_yylex_init_extra(wick::frontend::ScanState* extra, yyscan_t* scanner);
int wick_yylex_destroy(yyscan_t scanner);
struct yy_buffer_state;
yy_buffer_state* wick_yy_scan_buffer(char* base, size_t size, yyscan_t scanner);

namespace wick::frontend {

using Kind = parser::symbol_kind_type;
using SK = parser::symbol_kind;

Lexer::Lexer(std::shared_ptr<const lang::Source> source, uint32_t begin, uint32_t end) {
  state_.source = std::move(source);
  state_.offset = begin;
  // yy_scan_buffer wants two NULs at the end and then scans without a copy.
  text_.reserve(end - begin + 2);
  text_.assign(state_.source->text(), begin, end - begin);
  text_.append(2, '\0');
  text_begin_ = state_.source->text().data();
  end_ = end;
  state_.buffer = text_.data();
  state_.buffer_offset = begin;
  wick_yylex_init_extra(&state_, &scanner_);
  wick_yy_scan_buffer(text_.data(), text_.size(), scanner_);
}

Lexer::~Lexer() { wick_yylex_destroy(scanner_); }

void Lexer::fail(Loc loc, const std::string& message, std::vector<lang::Note> notes) {
  throw lang::CompileError(range(loc), message, std::move(notes));
}

Token Lexer::raw() {
  if (has_pushed_back_) {
    has_pushed_back_ = false;
    return pushed_back_;
  }
  Token tok = scan();
  if (tok.kind == SK::S_BADTOKEN) [[unlikely]] fail(tok.location, state_.bad_token);
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

Token Lexer::slowNext(const Token* scanned) {
  Token tok = filter(scanned);
  slow_ = pending_count_ > 0 || has_pushed_back_ || !checked_first_line_;
  return tok;
}

// The general path of next(), from the raw token `scanned` if not null.
Token Lexer::filter(const Token* scanned) {
  if (scanned && scanned->kind == SK::S_BADTOKEN) fail(scanned->location, state_.bad_token);
  for (;;) {
    if (!scanned && pending_count_) {
      --pending_count_;
      return pending_;
    }
    Token tok = scanned ? *scanned : raw();
    scanned = nullptr;
    switch (tok.kind) {
      case SK::S_NEWLINE:
        if (!brackets_.empty()) continue;  // implicit line joining
        if (at_line_start_) {
          // Blank lines before the first token of the file.
          Token after = raw();
          if (after.kind != SK::S_YYEOF && tok.width != indents_.back()) fail(after.location, "unexpected indent");
          pushBack(after);
          continue;
        }
        return lineEnd(tok);
      case SK::S_YYEOF:
        return end(tok);
      default:
        break;
    }
    if (!checked_first_line_) [[unlikely]] checkFirstLineIndent(tok.location);
    if (openerOf(tok.kind) || closerOf(tok.kind)) trackBracket(tok);
    at_line_start_ = false;
    return tok;
  }
}

// A NEWLINE that ends a logical line. The next token decides what follows
// it: INDENT or DEDENTs, or nothing at end of input, where indentation does
// not matter.
Token Lexer::lineEnd(Token newline) {
  Token after = raw();
  Loc after_loc = after.location;
  at_line_start_ = true;
  if (after.kind != SK::S_YYEOF) {
    int width = newline.width;
    if (width > indents_.back()) {
      indents_.push_back(width);
      repeat(Token{SK::S_INDENT, Loc{after_loc.begin, after_loc.begin}}, 1);
    } else {
      int dedents = 0;
      while (width < indents_.back()) {
        indents_.pop_back();
        ++dedents;
      }
      repeat(Token{SK::S_DEDENT, Loc{after_loc.begin, after_loc.begin}}, dedents);
      if (width != indents_.back()) fail(after_loc, "unindent does not match any outer indentation level");
    }
  }
  pushBack(after);
  return Token{SK::S_NEWLINE, newline.location};
}

// End of input: a NEWLINE if the last line has none, then a DEDENT per open
// block, then the end.
Token Lexer::end(Token eof) {
  Loc loc = eof.location;
  if (!brackets_.empty()) {
    Opener o = brackets_.back();
    fail(o.loc, std::string("'") + o.ch + "' was never closed");
  }
  if (!at_line_start_) {
    at_line_start_ = true;
    pushBack(eof);
    return Token{SK::S_NEWLINE, Loc{loc.begin, loc.begin}};
  }
  if (indents_.size() > 1) {
    indents_.pop_back();
    pushBack(eof);
    return Token{SK::S_DEDENT, Loc{loc.begin, loc.begin}};
  }
  return eof;
}

}  // namespace wick::frontend
