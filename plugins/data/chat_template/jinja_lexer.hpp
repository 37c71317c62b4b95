// jinja_lexer.hpp: template source -> tokens, following jinja2's lexer rules:
// `{{ }}`, `{% %}`, `{# #}`, `{% raw %}`; whitespace control with `-` (strip
// all whitespace on that side) and `+` (keep it, overriding lstrip_blocks on
// the left and trim_blocks on the right); trim_blocks (drop the first newline
// after a block or comment tag) and lstrip_blocks (drop spaces and tabs from
// the start of a line up to a block or comment tag); newlines normalized to
// "\n"; one trailing newline dropped unless keep_trailing_newline.
//
// Whitespace control is resolved here, so the parser sees data tokens with
// their final text. Line statements (`# for`) are not supported.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dsforge::data::jinja {

struct LexOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
  bool keep_trailing_newline = false;
};

enum class TokenType {
  data,         // text between tags (value: the text)
  var_begin,    // {{
  var_end,      // }}
  block_begin,  // {%
  block_end,    // %}
  name,         // identifier or keyword (value: the name)
  string,       // string literal (value: unescaped text)
  integer,      // integer literal (int_value)
  floating,     // float literal (float_value)
  op,           // operator (value: "+", "//", "==", "(", ...)
  eof,
};

struct Token {
  TokenType type = TokenType::eof;
  std::string value;
  int64_t int_value = 0;
  double float_value = 0;
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in code points
};

const char* token_type_name(TokenType t);
// How a token reads in an error message: "'endfor'", "end of print statement", ...
std::string describe_token(const Token& t);

// Throws Failure (kind syntax) with a line and column.
std::vector<Token> tokenize(const std::string& source, const LexOptions& options);

}  // namespace dsforge::data::jinja
