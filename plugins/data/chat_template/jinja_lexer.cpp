// jinja_lexer.cpp: the tokenizer (see jinja_lexer.hpp). Mirrors the order in
// which jinja2's regular expressions are tried, written as plain scanning.
#include "jinja_lexer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "common/utf8.hpp"
#include "jinja_text.hpp"
#include "jinja_value.hpp"

namespace dsforge::data::jinja {

const char* token_type_name(TokenType t) {
  switch (t) {
    case TokenType::data: return "template data";
    case TokenType::var_begin: return "begin of print statement";
    case TokenType::var_end: return "end of print statement";
    case TokenType::block_begin: return "begin of statement block";
    case TokenType::block_end: return "end of statement block";
    case TokenType::name: return "name";
    case TokenType::string: return "string";
    case TokenType::integer: return "integer";
    case TokenType::floating: return "float";
    case TokenType::op: return "operator";
    case TokenType::eof: return "end of template";
  }
  return "token";
}

std::string describe_token(const Token& t) {
  switch (t.type) {
    case TokenType::name:
    case TokenType::op: return "'" + t.value + "'";
    case TokenType::string: return "string " + py_repr_string(t.value);
    case TokenType::integer: return "integer " + std::to_string(t.int_value);
    case TokenType::floating: return "float " + py_float_repr(t.float_value);
    default: return token_type_name(t.type);
  }
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

std::string normalize_newlines(const std::string& src, bool keep_trailing_newline) {
  std::string out;
  out.reserve(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
    } else {
      out.push_back(src[i]);
    }
  }
  if (!keep_trailing_newline && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

[[noreturn]] void escape_error(const std::string& message) {
  throw Failure(Failure::Kind::syntax, message);
}

// Python's unicode-escape decoding of a string literal's body. Errors carry
// no location; the caller adds the literal's.
std::string unescape(std::string_view s) {
  const auto error = escape_error;
  std::string out;
  auto hex = [&](size_t at, size_t count) -> char32_t {
    if (at + count > s.size()) error("truncated escape sequence in string literal");
    char32_t v = 0;
    for (size_t i = at; i < at + count; ++i) {
      const char c = s[i];
      int d = 0;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        error("truncated escape sequence in string literal");
      v = v * 16 + static_cast<char32_t>(d);
    }
    return v;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    if (static_cast<unsigned char>(s[i + 1]) >= 0x80) {
      // jinja2 encodes the literal with backslashreplace before decoding, so
      // a backslash before a non-ASCII character yields "\xce" as text.
      const Utf8Step step = utf8_decode(s, i + 1);
      const unsigned cp = step.ok ? step.code_point : 0xFFFD;
      char buf[16];
      std::snprintf(buf, sizeof buf, cp < 0x100 ? "\\x%02x" : cp < 0x10000 ? "\\u%04x" : "\\U%08x", cp);
      out += buf;
      i += step.length;
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case '\n': break;
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case '"': out.push_back('"'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case 'x': append_utf8(out, hex(i + 1, 2)); i += 2; break;
      case 'u': append_utf8(out, hex(i + 1, 4)); i += 4; break;
      case 'U': {
        const char32_t cp = hex(i + 1, 8);
        if (cp > 0x10FFFF) error("illegal Unicode character in string literal");
        append_utf8(out, cp);
        i += 8;
        break;
      }
      case 'N': error("\\N{...} escapes are not supported in string literals");
      default:
        if (c >= '0' && c <= '7') {
          char32_t v = 0;
          size_t n = 0;
          while (n < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7') {
            v = v * 8 + static_cast<char32_t>(s[i] - '0');
            ++i;
            ++n;
          }
          --i;
          append_utf8(out, v);
        } else {
          out.push_back('\\');
          out.push_back(c);
        }
    }
  }
  return out;
}

class Lexer {
 public:
  Lexer(const std::string& source, const LexOptions& options)
      : src_(normalize_newlines(source, options.keep_trailing_newline)), opt_(options) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::vector<Token> run() {
    const size_t n = src_.size();
    while (pos_ < n) {
      const size_t tag = find_tag(pos_);
      if (tag == std::string::npos) {
        emit_data(std::string_view(src_).substr(pos_), pos_);
        break;
      }
      const char kind = src_[tag + 1];
      size_t body = tag + 2;
      char sign = 0;
      if (body < n && (src_[body] == '-' || src_[body] == '+')) sign = src_[body++];
      size_t raw_body = 0;
      const bool raw = kind == '%' && match_raw_begin(body, &raw_body);
      emit_data(strip_before(std::string_view(src_).substr(pos_, tag - pos_), sign, kind == '{'),
                pos_);
      if (raw) {
        pos_ = raw_body;
        line_starting_ = src_[raw_body - 1] == '\n';
        lex_raw(tag);
      } else if (kind == '#') {
        lex_comment(tag, body);
      } else {
        lex_tag(kind == '%', tag, body);
      }
    }
    Token eof = make(TokenType::eof, src_.size());
    out_.push_back(eof);
    return std::move(out_);
  }

 private:
  std::string src_;
  LexOptions opt_;
  std::vector<size_t> line_starts_;
  std::vector<Token> out_;
  size_t pos_ = 0;
  bool line_starting_ = true;
  mutable size_t cache_line_ = SIZE_MAX;  // make()'s memo: line index, offset, column
  mutable size_t cache_at_ = 0;
  mutable int cache_column_ = 1;

  // Line and column of byte offset `at`. Tokens come in source order, so the
  // column is counted on from the previous token's when on the same line
  // (linear, not quadratic, on a long one-line template).
  Token make(TokenType type, size_t at) const {
    Token t;
    t.type = type;
    size_t lo = 0, hi = line_starts_.size();
    while (hi - lo > 1) {
      const size_t mid = (lo + hi) / 2;
      if (line_starts_[mid] <= at)
        lo = mid;
      else
        hi = mid;
    }
    size_t from = line_starts_[lo];
    int column = 1;
    if (cache_line_ == lo && cache_at_ <= at) {
      from = cache_at_;
      column = cache_column_;
    }
    for (size_t i = from; i < at && i < src_.size(); ++i)
      if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) ++column;
    cache_line_ = lo;
    cache_at_ = at;
    cache_column_ = column;
    t.line = static_cast<int>(lo + 1);
    t.column = column;
    return t;
  }

  [[noreturn]] void error(const std::string& message, size_t at) const {
    const Token t = make(TokenType::eof, at);
    throw Failure(Failure::Kind::syntax, message, t.line, t.column);
  }

  bool starts(size_t at, const char* s) const {
    return src_.compare(at, std::strlen(s), s) == 0;
  }

  size_t skip_space(size_t at) const {
    while (at < src_.size()) {
      const Utf8Step step = utf8_decode(src_, at);
      if (!step.ok || !py_isspace(step.code_point)) break;
      at += step.length;
    }
    return at;
  }

  size_t find_tag(size_t from) const {
    for (size_t p = src_.find('{', from); p != std::string::npos; p = src_.find('{', p + 1)) {
      if (p + 1 < src_.size() && (src_[p + 1] == '{' || src_[p + 1] == '%' || src_[p + 1] == '#'))
        return p;
    }
    return std::string::npos;
  }

  // `\s*raw\s*(-%}\s*|%})` right after "{%" and its sign.
  bool match_raw_begin(size_t at, size_t* end) const {
    size_t p = skip_space(at);
    if (!starts(p, "raw")) return false;
    p = skip_space(p + 3);
    if (starts(p, "-%}")) {
      *end = skip_space(p + 3);
      return true;
    }
    if (starts(p, "%}")) {
      *end = p + 2;
      return true;
    }
    return false;
  }

  std::string_view strip_before(std::string_view text, char sign, bool is_variable) const {
    if (sign == '-') {
      std::string_view t = text;
      while (!t.empty()) {
        size_t start = t.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(t[start]) & 0xC0) == 0x80) --start;
        const Utf8Step step = utf8_decode(t, start);
        if (!step.ok || !py_isspace(step.code_point)) break;
        t = t.substr(0, start);
      }
      return t;
    }
    if (sign != '+' && opt_.lstrip_blocks && !is_variable) {
      const size_t nl = text.rfind('\n');
      const size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
      if ((l_pos > 0 || line_starting_) && l_pos < text.size()) {
        const std::string_view tail = text.substr(l_pos);
        bool all_space = true;
        for (size_t i = 0; i < tail.size() && all_space;) {
          const Utf8Step step = utf8_decode(tail, i);
          all_space = step.ok && py_isspace(step.code_point);
          i += step.length;
        }
        if (all_space) return text.substr(0, l_pos);
      }
    }
    return text;
  }

  void emit_data(std::string_view text, size_t at) {
    if (text.empty()) return;
    Token t = make(TokenType::data, at);
    t.value = std::string(text);
    out_.push_back(std::move(t));
  }

  void lex_raw(size_t open_at) {
    if (pos_ >= src_.size()) return;  // jinja2 quirk: nothing left, nothing to complain about
    for (size_t p = src_.find("{%", pos_); p != std::string::npos; p = src_.find("{%", p + 1)) {
      size_t r = p + 2;
      char sign = 0;
      if (r < src_.size() && (src_[r] == '-' || src_[r] == '+')) sign = src_[r++];
      r = skip_space(r);
      if (!starts(r, "endraw")) continue;
      r = skip_space(r + 6);
      if (starts(r, "+%}")) {
        r += 3;
      } else if (starts(r, "-%}")) {
        r = skip_space(r + 3);
      } else if (starts(r, "%}")) {
        r += 2;
        if (opt_.trim_blocks && r < src_.size() && src_[r] == '\n') ++r;
      } else {
        continue;
      }
      emit_data(strip_before(std::string_view(src_).substr(pos_, p - pos_), sign, false), pos_);
      pos_ = r;
      line_starting_ = src_[r - 1] == '\n';
      return;
    }
    error("missing end of raw directive ({% endraw %})", open_at);
  }

  void lex_comment(size_t open_at, size_t body) {
    if (body >= src_.size()) {  // jinja2 quirk: "{#" as the very last thing is accepted
      pos_ = body;
      return;
    }
    const size_t q = src_.find("#}", body);
    if (q == std::string::npos) error("missing end of comment tag (#})", open_at);
    size_t end = q + 2;
    if (q > body && src_[q - 1] == '-') {
      end = skip_space(end);
    } else if (q > body && src_[q - 1] == '+') {
      // keep what follows
    } else if (opt_.trim_blocks && end < src_.size() && src_[end] == '\n') {
      ++end;
    }
    pos_ = end;
    line_starting_ = src_[end - 1] == '\n';
  }

  // `(\d+_)*\d+` at p, or npos.
  size_t scan_digits(size_t p) const {
    if (p >= src_.size() || !is_digit(src_[p])) return std::string::npos;
    size_t q = p;
    while (true) {
      while (q < src_.size() && is_digit(src_[q])) ++q;
      if (q + 1 < src_.size() && src_[q] == '_' && is_digit(src_[q + 1])) {
        ++q;
        continue;
      }
      return q;
    }
  }

  size_t scan_exponent(size_t p) const {
    if (p >= src_.size() || (src_[p] != 'e' && src_[p] != 'E')) return std::string::npos;
    ++p;
    if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
    return scan_digits(p);
  }

  size_t scan_float(size_t p) const {
    if (p > 0 && src_[p - 1] == '.') return std::string::npos;
    const size_t d = scan_digits(p);
    if (d == std::string::npos) return d;
    const size_t frac =
        d < src_.size() && src_[d] == '.' ? scan_digits(d + 1) : std::string::npos;
    if (frac != std::string::npos) {
      const size_t e = scan_exponent(frac);
      if (e != std::string::npos) return e;
    }
    const size_t e = scan_exponent(d);
    if (e != std::string::npos) return e;
    return frac;
  }

  size_t scan_integer(size_t p, int* base) const {
    const size_t n = src_.size();
    auto valid = [](char c, int b) {
      if (b == 2) return c == '0' || c == '1';
      if (b == 8) return c >= '0' && c <= '7';
      return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    };
    if (src_[p] == '0' && p + 1 < n) {
      const char x = src_[p + 1];
      const int b = (x == 'b' || x == 'B') ? 2 : (x == 'o' || x == 'O') ? 8
                                                : (x == 'x' || x == 'X') ? 16 : 0;
      if (b) {
        size_t q = p + 2;
        while (q < n) {
          if (src_[q] == '_' && q + 1 < n && valid(src_[q + 1], b))
            q += 2;
          else if (valid(src_[q], b))
            ++q;
          else
            break;
        }
        if (q > p + 2) {
          *base = b;
          return q;
        }
      }
    }
    *base = 10;
    const bool zero = src_[p] == '0';
    size_t q = p + 1;
    while (q < n) {
      const bool ok1 = zero ? src_[q] == '0' : is_digit(src_[q]);
      const bool ok2 = src_[q] == '_' && q + 1 < n && (zero ? src_[q + 1] == '0' : is_digit(src_[q + 1]));
      if (ok2)
        q += 2;
      else if (ok1)
        ++q;
      else
        break;
    }
    return q;
  }

  void lex_tag(bool block, size_t open_at, size_t body) {
    out_.push_back(make(block ? TokenType::block_begin : TokenType::var_begin, open_at));
    std::string balance;
    size_t p = body;
    const size_t n = src_.size();
    while (true) {
      if (p >= n)
        error(std::string("unexpected end of template: tag opened here is not closed with '") +
                  (block ? "%}" : "}}") + "'",
              open_at);
      if (balance.empty()) {
        size_t end = std::string::npos;
        if (block) {
          if (starts(p, "+%}")) {
            end = p + 3;
          } else if (starts(p, "-%}")) {
            end = skip_space(p + 3);
          } else if (starts(p, "%}")) {
            end = p + 2;
            if (opt_.trim_blocks && end < n && src_[end] == '\n') ++end;
          }
        } else {
          if (starts(p, "-}}"))
            end = skip_space(p + 3);
          else if (starts(p, "}}"))
            end = p + 2;
        }
        if (end != std::string::npos) {
          out_.push_back(make(block ? TokenType::block_end : TokenType::var_end, p));
          pos_ = end;
          line_starting_ = src_[end - 1] == '\n';
          return;
        }
      }
      const char c = src_[p];
      const Utf8Step step = utf8_decode(src_, p);
      if (step.ok && py_isspace(step.code_point)) {
        p += step.length;
        continue;
      }
      if (is_digit(c)) {
        const size_t f = scan_float(p);
        if (f != std::string::npos) {
          std::string text;
          for (size_t i = p; i < f; ++i)
            if (src_[i] != '_') text.push_back(src_[i]);
          Token t = make(TokenType::floating, p);
          t.float_value = std::strtod(text.c_str(), nullptr);
          out_.push_back(std::move(t));
          p = f;
          continue;
        }
        int base = 10;
        const size_t e = scan_integer(p, &base);
        std::string digits;
        for (size_t i = (base == 10 ? p : p + 2); i < e; ++i)
          if (src_[i] != '_') digits.push_back(src_[i]);
        errno = 0;
        char* endp = nullptr;
        const unsigned long long v = std::strtoull(digits.c_str(), &endp, base);
        if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX))
          error("integer literal is too large: " + src_.substr(p, e - p), p);
        Token t = make(TokenType::integer, p);
        t.int_value = static_cast<int64_t>(v);
        out_.push_back(std::move(t));
        p = e;
        continue;
      }
      // Identifiers: ASCII, or non-ASCII letters (jinja2 accepts Python's
      // Unicode identifiers; letters here are approximated by py_isalpha).
      auto name_char_at = [&](size_t at, bool start) -> size_t {
        if (at >= n) return 0;
        const unsigned char b = static_cast<unsigned char>(src_[at]);
        if (b < 0x80) return (start ? is_name_start(src_[at]) : is_name_char(src_[at])) ? 1 : 0;
        const Utf8Step u = utf8_decode(src_, at);
        return u.ok && py_isalpha(u.code_point) ? u.length : 0;
      };
      if (name_char_at(p, true) > 0) {
        size_t e = p + name_char_at(p, true);
        while (size_t len = name_char_at(e, false)) e += len;
        Token t = make(TokenType::name, p);
        t.value = src_.substr(p, e - p);
        out_.push_back(std::move(t));
        p = e;
        continue;
      }
      if (c == '\'' || c == '"') {
        size_t e = p + 1;
        while (e < n && src_[e] != c) e += src_[e] == '\\' ? 2 : 1;
        if (e >= n) error("unterminated string literal", p);
        Token t = make(TokenType::string, p);
        try {
          t.value = unescape(std::string_view(src_).substr(p + 1, e - p - 1));
        } catch (const Failure& f) {
          error(f.message, p);
        }
        out_.push_back(std::move(t));
        p = e + 1;
        continue;
      }
      static const char* const two_char_ops[] = {"//", "**", "==", "!=", ">=", "<="};
      std::string op;
      for (const char* two : two_char_ops)
        if (starts(p, two)) op = two;
      if (op.empty() && std::strchr("+-/*%~[](){}><=.:|,;", c) != nullptr && c != '\0')
        op = std::string(1, c);
      if (op.empty()) {
        std::string shown;
        if (step.ok) append_utf8(shown, step.code_point);
        error("unexpected character " + py_repr_string(shown) + " in tag", p);
      }
      if (op == "{" || op == "(" || op == "[") {
        balance.push_back(op == "{" ? '}' : op == "(" ? ')' : ']');
      } else if (op == "}" || op == ")" || op == "]") {
        if (balance.empty()) error("unexpected '" + op + "'", p);
        const char expected = balance.back();
        balance.pop_back();
        if (expected != op[0])
          error("unexpected '" + op + "', expected '" + std::string(1, expected) + "'", p);
      }
      Token t = make(TokenType::op, p);
      t.value = op;
      out_.push_back(std::move(t));
      p += op.size();
    }
  }
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, const LexOptions& options) {
  return Lexer(source, options).run();
}

}  // namespace dsforge::data::jinja
