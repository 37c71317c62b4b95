// tokenizer_pattern.hpp: the `pattern` of Split, Replace and friends: a regex
// ({"Regex": ...}) or a literal ({"String": ...}), and the way `tokenizers`
// walks its matches.
//
// `tokenizers` compiles regexes with Oniguruma; we use PCRE2 (UTF, UCP, JIT
// when available, MATCH_INVALID_UTF so ill-formed input is safe) after
// translating the few escapes whose meaning differs: `\s` (Oniguruma: the
// White_Space property; PCRE2 adds U+180E and misses nothing else), `\w`
// (Oniguruma includes marks and connector punctuation), `\h` (Oniguruma: a
// hex digit), and `^`/`$` match at line breaks (Oniguruma's Ruby syntax).
// Not translated: `\S`, `\W` inside a character class, nested classes,
// `\Q..\E`; none occurs in published tokenizers we know of.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::tokenizer {

class JsonNode;

// A part of a string: [begin, end) bytes, a match of the pattern or a gap.
struct Span {
  uint32_t begin;
  uint32_t end;
  bool match;
};

class Pattern {
 public:
  // Compiles an Oniguruma-syntax regex; a bad one fails at `where`.
  static Pattern regex(std::string_view pattern, const JsonNode& where);
  static Pattern literal(std::string text);
  // {"Regex": "..."} or {"String": "..."}.
  static Pattern from_json(const JsonNode& node);

  // Appends spans covering s[0, n): matches and the gaps between them, in
  // order, exactly as `tokenizers`' Pattern::find_matches (an empty input
  // gives one empty gap; an empty match right after a match is skipped).
  void find_matches(const char* s, size_t n, std::vector<Span>& out) const;

  // The first match starting at or after `from`: true and [*mb, *me).
  bool find_at(const char* s, size_t n, size_t from, size_t* mb, size_t* me) const;

  bool is_regex() const { return code_ != nullptr; }

 private:
  struct Code;
  std::shared_ptr<const Code> code_;  // null for a literal
  std::string literal_;
};

// Rewrites an Oniguruma pattern into PCRE2 syntax with the same meaning (see
// the top of this file). Exposed for the unit tests.
std::string translate_oniguruma(std::string_view pattern);

}  // namespace dsforge::tokenizer
