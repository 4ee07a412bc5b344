// AST builders used by the grammar actions, string literal decoding, and the
// parse entry points.
#include "frontend/parse_context.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "frontend/scanner.h"

namespace wick::frontend {

ExprPtr ParseContext::name(const std::string& id, Loc l) const {
  ExprPtr e = expr(ExprKind::Name, l);
  e->name = id;
  return e;
}

ExprPtr ParseContext::binop(BinOpKind op, ExprPtr a, ExprPtr b, Loc l) const {
  ExprPtr e = expr(ExprKind::BinOp, l);
  e->bin_op = op;
  e->a = std::move(a);
  e->b = std::move(b);
  return e;
}

ExprPtr ParseContext::unary(UnaryOpKind op, ExprPtr a, Loc l) const {
  ExprPtr e = expr(ExprKind::UnaryOp, l);
  e->unary_op = op;
  e->a = std::move(a);
  return e;
}

ExprPtr ParseContext::boolop(BoolOpKind op, ExprPtr a, ExprPtr b, Loc l) const {
  if (a->kind == ExprKind::BoolOp && a->bool_op == op && a->range.start == l.begin) {
    a->elts.push_back(std::move(b));
    a->range = range(l);
    return a;
  }
  ExprPtr e = expr(ExprKind::BoolOp, l);
  e->bool_op = op;
  e->elts.push_back(std::move(a));
  e->elts.push_back(std::move(b));
  return e;
}

ExprPtr ParseContext::compare(ExprPtr a, CmpOpKind op, ExprPtr b, Loc l) const {
  // The grammar is left-recursive, so a chain a < b < c arrives as (a < b) < c:
  // extend the existing Compare node instead of nesting.
  if (a->kind == ExprKind::Compare && a->range.start == l.begin && !a->comparisons.empty()) {
    a->comparisons.push_back({op, std::move(b)});
    a->range = range(l);
    return a;
  }
  ExprPtr e = expr(ExprKind::Compare, l);
  e->a = std::move(a);
  e->comparisons.push_back({op, std::move(b)});
  return e;
}

ExprPtr ParseContext::integer(const std::string& text, Loc l) const {
  ExprPtr e = expr(ExprKind::IntLit, l);
  std::string digits;
  for (char c : text)
    if (c != '_') digits += c;
  int base = 10;
  size_t skip = 0;
  if (digits.size() > 1 && digits[0] == '0' && std::isalpha(static_cast<unsigned char>(digits[1]))) {
    char p = static_cast<char>(std::tolower(digits[1]));
    base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
    skip = 2;
  } else if (digits.size() > 1 && digits[0] == '0' && digits.find_first_not_of('0') != std::string::npos) {
    fail(l, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
  }
  unsigned __int128 v = 0;
  for (size_t i = skip; i < digits.size(); ++i) {
    int d = std::isdigit(static_cast<unsigned char>(digits[i])) ? digits[i] - '0' : std::tolower(digits[i]) - 'a' + 10;
    v = v * base + d;
    if (v > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max()) + 1) {
      e->int_overflow = true;
      break;
    }
  }
  // 9223372036854775808 is only valid under a unary minus; the emitter folds that.
  if (v == static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max()) + 1) e->int_overflow = true;
  e->int_value = static_cast<int64_t>(static_cast<uint64_t>(v));
  e->name = text;
  return e;
}

ExprPtr ParseContext::floating(const std::string& text, Loc l) const {
  ExprPtr e = expr(ExprKind::FloatLit, l);
  std::string digits;
  for (char c : text)
    if (c != '_') digits += c;
  e->float_value = std::strtod(digits.c_str(), nullptr);
  return e;
}

namespace {

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes backslash escapes as Python does for a non-raw literal.
std::string decodeEscapes(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 == body.size()) {
      out += c;
      continue;
    }
    char n = body[++i];
    auto hex = [&](size_t count) {
      uint32_t v = 0;
      size_t k = 0;
      for (; k < count && i + 1 < body.size() && std::isxdigit(static_cast<unsigned char>(body[i + 1])); ++k) {
        char h = body[++i];
        v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : std::tolower(h) - 'a' + 10);
      }
      return v;
    };
    switch (n) {
      case '\n': break;
      case '\r': if (i + 1 < body.size() && body[i + 1] == '\n') ++i; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'x': out += static_cast<char>(hex(2)); break;
      case 'u': appendUtf8(out, hex(4)); break;
      case 'U': appendUtf8(out, hex(8)); break;
      default:
        if (n >= '0' && n <= '7') {
          uint32_t v = n - '0';
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k)
            v = v * 8 + (body[++i] - '0');
          appendUtf8(out, v);
        } else {
          out += '\\';
          out += n;
        }
    }
  }
  return out;
}

struct StringPiece {
  bool raw = false;
  bool fstring = false;
  uint32_t body_begin = 0;  // absolute offsets of the text between the quotes
  uint32_t body_end = 0;
};

StringPiece splitLiteral(const std::string& tok, Loc l) {
  StringPiece p;
  size_t q = tok.find_first_of("'\"");
  for (size_t i = 0; i < q; ++i) {
    char c = static_cast<char>(std::tolower(tok[i]));
    p.raw |= c == 'r';
    p.fstring |= c == 'f';
  }
  size_t quote_len = tok.compare(q, 3, std::string(3, tok[q])) == 0 && tok.size() >= q + 6 ? 3 : 1;
  p.body_begin = l.begin + static_cast<uint32_t>(q + quote_len);
  p.body_end = l.end - static_cast<uint32_t>(quote_len);
  return p;
}

}  // namespace

ExprPtr parseExpressionRange(std::shared_ptr<const lang::Source> source, uint32_t begin, uint32_t end);

ExprPtr ParseContext::strings(std::vector<std::pair<std::string, Loc>> pieces) const {
  Loc all{pieces.front().second.begin, pieces.back().second.end};
  bool any_f = false;
  for (auto& [tok, l] : pieces)
    if (splitLiteral(tok, l).fstring) any_f = true;
  const std::string& text = source->text();
  if (!any_f) {
    ExprPtr e = expr(ExprKind::StrLit, all);
    for (auto& [tok, l] : pieces) {
      StringPiece p = splitLiteral(tok, l);
      std::string_view body(text.data() + p.body_begin, p.body_end - p.body_begin);
      e->name += p.raw ? std::string(body) : decodeEscapes(body);
    }
    return e;
  }
  ExprPtr f = expr(ExprKind::FStr, all);
  auto addText = [&](std::string s, Loc l) {
    if (s.empty()) return;
    if (!f->elts.empty() && f->format_specs.back().empty()) {
      f->elts.back()->name += s;
      return;
    }
    ExprPtr lit = expr(ExprKind::StrLit, l);
    lit->name = std::move(s);
    f->elts.push_back(std::move(lit));
    f->format_specs.emplace_back();
  };
  for (auto& [tok, l] : pieces) {
    StringPiece p = splitLiteral(tok, l);
    std::string_view body(text.data() + p.body_begin, p.body_end - p.body_begin);
    if (!p.fstring) {
      addText(p.raw ? std::string(body) : decodeEscapes(body), l);
      continue;
    }
    std::string pending;
    for (size_t i = 0; i < body.size(); ++i) {
      char c = body[i];
      if ((c == '{' || c == '}') && i + 1 < body.size() && body[i + 1] == c) {
        pending += c;
        ++i;
        continue;
      }
      if (c == '}') fail(Loc{p.body_begin + uint32_t(i), p.body_begin + uint32_t(i) + 1}, "f-string: single '}' is not allowed");
      if (c != '{') {
        pending += c;
        continue;
      }
      addText(p.raw ? pending : decodeEscapes(pending), l);
      pending.clear();
      // Find the end of the expression: a top-level '!', ':' or '}'.
      size_t j = i + 1;
      int depth = 0;
      char in_str = 0;
      for (; j < body.size(); ++j) {
        char d = body[j];
        if (in_str) {
          if (d == in_str) in_str = 0;
          continue;
        }
        if (d == '\'' || d == '"') in_str = d;
        else if (d == '(' || d == '[' || d == '{') ++depth;
        else if (d == ')' || d == ']' || (d == '}' && depth > 0)) --depth;
        else if (depth == 0 && (d == '}' || d == ':' || (d == '!' && j + 1 < body.size() && body[j + 1] != '='))) break;
      }
      if (j >= body.size()) fail(Loc{p.body_begin + uint32_t(i), p.body_begin + uint32_t(i) + 1}, "f-string: expecting '}'");
      size_t k = j;
      int spec_depth = 0;
      for (; k < body.size(); ++k) {
        if (body[k] == '{') ++spec_depth;
        else if (body[k] == '}' && spec_depth-- == 0) break;
      }
      if (k >= body.size()) fail(Loc{p.body_begin + uint32_t(i), p.body_begin + uint32_t(i) + 1}, "f-string: expecting '}'");
      uint32_t eb = p.body_begin + uint32_t(i + 1), ee = p.body_begin + uint32_t(j);
      if (std::string_view(text.data() + eb, ee - eb).find_first_not_of(" \t") == std::string_view::npos)
        fail(Loc{eb - 1, ee + 1}, "f-string: empty expression not allowed");
      f->elts.push_back(parseExpressionRange(source, eb, ee));
      f->format_specs.push_back("{" + std::string(body.substr(j, k - j)) + "}");
      i = k;
    }
    addText(p.raw ? pending : decodeEscapes(pending), l);
  }
  return f;
}

ExprPtr ParseContext::tupleOrSingle(std::vector<ExprPtr> items, bool trailing_comma, Loc l) const {
  if (items.size() == 1 && !trailing_comma) return std::move(items[0]);
  ExprPtr e = expr(ExprKind::TupleLit, l);
  e->elts = std::move(items);
  return e;
}

ExprPtr ParseContext::call(ExprPtr fn, CallArgs args, Loc l) const {
  ExprPtr e = expr(ExprKind::Call, l);
  e->a = std::move(fn);
  e->elts = std::move(args.args);
  e->keywords = std::move(args.keywords);
  return e;
}

StmtPtr ParseContext::assign(std::vector<ExprPtr> chain, Loc l) const {
  StmtPtr s = stmt(StmtKind::Assign, l);
  s->value = std::move(chain.back());
  chain.pop_back();
  s->targets = std::move(chain);
  return s;
}

StmtPtr ParseContext::augAssign(ExprPtr target, BinOpKind op, ExprPtr value, Loc l) const {
  StmtPtr s = stmt(StmtKind::AugAssign, l);
  s->targets.push_back(std::move(target));
  s->bin_op = op;
  s->value = std::move(value);
  return s;
}

StmtPtr ParseContext::ifChain(ExprPtr cond, StmtList body, StmtList orelse, Loc l) const {
  StmtPtr s = stmt(StmtKind::If, l);
  s->value = std::move(cond);
  s->body = std::move(body);
  // An `else:` arrives as a marker statement holding the else body.
  if (orelse.size() == 1 && orelse[0]->kind == StmtKind::Pass && orelse[0]->name == "else")
    s->orelse = std::move(orelse[0]->body);
  else
    s->orelse = std::move(orelse);
  return s;
}

namespace {
// Bison prints token aliases without their quotes ("unexpected )"); quote
// the punctuation and keywords, keep the token classes ("newline") plain.
std::string quoteToken(std::string name) {
  static const char* kClasses[] = {"newline", "indent", "unindent", "name", "integer", "float", "string",
                                   "end of file", "end of file or newline"};
  if (name.size() > 1 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  for (const char* c : kClasses)
    if (name == c) return name;
  return "'" + name + "'";
}
}  // namespace

namespace {
bool contains(const std::vector<std::string>& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
std::string joinAlternatives(const std::vector<std::string>& names) {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + quoteToken(names[i]);
  return list;
}
}  // namespace

std::string describeSyntaxError(const SyntaxErrorFacts& facts) {
  const auto& expected = facts.expected;
  if (facts.found == "indent") return "unexpected indent";
  std::string found = ", found " + quoteToken(facts.found);
  if (contains(expected, "indent") && expected.size() == 1) return "expected an indented block" + found;
  // A block header missing its colon: the newline came where ':' could.
  if (contains(expected, ":") && facts.found == "newline") return "expected ':'" + found;
  if (expected.size() <= 4 && !expected.empty()) return "expected " + joinAlternatives(expected) + found;
  if (facts.open_bracket) {
    std::string close(1, facts.open_bracket == '(' ? ')' : facts.open_bracket == '[' ? ']' : '}');
    if (contains(expected, ",") && contains(expected, close.c_str()))
      return "expected ',' or '" + close + "'" + found;
  }
  // Every place an expression may start accepts a name and a '('.
  if (contains(expected, "name") && contains(expected, "(")) return "expected an expression" + found;
  return "invalid syntax: unexpected " + quoteToken(facts.found);
}

std::unique_ptr<Module> parseModule(std::shared_ptr<const lang::Source> source) {
  Lexer lexer(source, 0, static_cast<uint32_t>(source->text().size()));
  ParseContext ctx{&lexer, source, std::make_unique<Module>(), nullptr};
  ctx.module->source = source;
  parser p(ctx);
  p.parse();
  return std::move(ctx.module);
}

ExprPtr parseExpressionRange(std::shared_ptr<const lang::Source> source, uint32_t begin, uint32_t end) {
  Lexer lexer(source, begin, end);
  lexer.startWithExpression();
  ParseContext ctx{&lexer, source, std::make_unique<Module>(), nullptr};
  parser p(ctx);
  p.parse();
  return std::move(ctx.expression);
}

ExprPtr parseExpression(std::shared_ptr<const lang::Source> source) {
  return parseExpressionRange(source, 0, static_cast<uint32_t>(source->text().size()));
}

}  // namespace wick::frontend
