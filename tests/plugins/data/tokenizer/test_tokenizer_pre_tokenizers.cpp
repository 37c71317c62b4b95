// test_tokenizer_pre_tokenizers.cpp: pre-tokenizers on their own (Split and
// its five behaviors with and without invert, empty matches, Digits,
// Metaspace, ByteLevel) and the Oniguruma-compatible regex translation.
// Expected pieces are what `tokenizers` 0.23 gives (checked with its
// pre_tokenize_str).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catch.hpp"
#include "tokenizer_byte_level.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_pattern.hpp"
#include "tokenizer_pieces.hpp"
#include "tokenizer_pre_tokenizers.hpp"

using namespace dsforge::tokenizer;
using nlohmann::json;
using Pieces = std::vector<std::string>;

namespace {

Pieces pre_tokenize(const json& pre, std::string_view text) {
  const std::string file = "tokenizer.json";
  const PreTokenizerChain chain = make_pre_tokenizer(JsonNode(pre, "pre_tokenizer", file));
  Work w;
  w.reset(text);
  chain.run(w);
  Pieces out;
  for (const Piece& p : w.pieces) {
    std::string s(w.view(p));
    if (chain.bytes_left_raw) {  // show what the model sees
      std::string mapped;
      byte_level_map(s, mapped);
      s = mapped;
    }
    out.push_back(s);
  }
  return out;
}

json split(const json& pattern, const char* behavior, bool invert = false) {
  return json{{"type", "Split"}, {"pattern", pattern}, {"behavior", behavior}, {"invert", invert}};
}

}  // namespace

TEST_CASE("Split behaviors on a String pattern", "[tokenizer][unit]") {
  const json dash = {{"String", "-"}};
  const std::string s = "the-final--countdown";
  CHECK(pre_tokenize(split(dash, "Removed"), s) == Pieces{"the", "final", "countdown"});
  CHECK(pre_tokenize(split(dash, "Isolated"), s) == Pieces{"the", "-", "final", "-", "-", "countdown"});
  CHECK(pre_tokenize(split(dash, "MergedWithPrevious"), s) == Pieces{"the-", "final-", "-", "countdown"});
  CHECK(pre_tokenize(split(dash, "MergedWithNext"), s) == Pieces{"the", "-final", "-", "-countdown"});
  CHECK(pre_tokenize(split(dash, "Contiguous"), s) == Pieces{"the", "-", "final", "--", "countdown"});
  SECTION("invert") {
    CHECK(pre_tokenize(split(dash, "Removed", true), s) == Pieces{"-", "-", "-"});
    CHECK(pre_tokenize(split(dash, "Isolated", true), s) ==
          Pieces{"the", "-", "final", "-", "-", "countdown"});
    CHECK(pre_tokenize(split(dash, "MergedWithPrevious", true), s) ==
          Pieces{"the", "-final", "-", "-countdown"});
    CHECK(pre_tokenize(split(dash, "MergedWithNext", true), s) == Pieces{"the-", "final-", "-", "countdown"});
    CHECK(pre_tokenize(split(dash, "Contiguous", true), s) == Pieces{"the", "-", "final", "--", "countdown"});
  }
}

TEST_CASE("Split with regexes, empty matches and lookahead", "[tokenizer][unit]") {
  CHECK(pre_tokenize(split({{"Regex", "\\s+"}}, "MergedWithNext"), "  a b  c ") ==
        Pieces{"  a", " b", "  c", " "});
  // Empty matches: one at each boundary not right after a match, as Oniguruma iterates.
  CHECK(pre_tokenize(split({{"Regex", "x*"}}, "Isolated"), "abxxc") == Pieces{"a", "b", "xx", "c"});
  CHECK(pre_tokenize(split({{"String", ""}}, "Isolated"), "ab€") == Pieces{"a", "b", "€"});
  // A lookahead sees only its piece, never the text after it.
  const json seq = {
      {"type", "Sequence"},
      {"pretokenizers",
       {split({{"String", "|"}}, "Removed"), split({{"Regex", "\\s+(?!\\S)|\\s+"}}, "Isolated")}}};
  CHECK(pre_tokenize(seq, "a  |b") == Pieces{"a", "  ", "b"});
  CHECK(pre_tokenize(split({{"Regex", "\\p{N}{1,3}"}}, "Isolated"), "12345678.90") ==
        Pieces{"123", "456", "78", ".", "90"});
}

TEST_CASE("Digits, Punctuation, Whitespace, WhitespaceSplit", "[tokenizer][unit]") {
  CHECK(pre_tokenize({{"type", "Digits"}, {"individual_digits", false}}, "ab123c4²") ==
        Pieces{"ab", "123", "c", "4²"});
  CHECK(pre_tokenize({{"type", "Digits"}, {"individual_digits", true}}, "a12") == Pieces{"a", "1", "2"});
  CHECK(pre_tokenize({{"type", "Punctuation"}, {"behavior", "Isolated"}}, "hi!? there.") ==
        Pieces{"hi", "!", "?", " there", "."});
  CHECK(pre_tokenize({{"type", "Whitespace"}}, "Hey  man!! x_y") == Pieces{"Hey", "man", "!!", "x_y"});
  CHECK(pre_tokenize({{"type", "WhitespaceSplit"}}, " a\u3000b\tc ") == Pieces{"a", "b", "c"});
}

TEST_CASE("Metaspace prepend schemes", "[tokenizer][unit]") {
  const auto meta = [](const char* scheme, bool split_on) {
    return json{{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", scheme}, {"split", split_on}};
  };
  CHECK(pre_tokenize(meta("first", true), "hello  world") == Pieces{"▁hello", "▁", "▁world"});
  CHECK(pre_tokenize(meta("always", false), "hello world") == Pieces{"▁hello▁world"});
  CHECK(pre_tokenize(meta("never", true), "hello world") == Pieces{"hello", "▁world"});
  // "first" prepends only to the piece at the start of the input.
  const json seq = {{"type", "Sequence"},
                    {"pretokenizers", {split({{"String", "|"}}, "Removed"), meta("first", true)}}};
  CHECK(pre_tokenize(seq, "a|b") == Pieces{"▁a", "b"});
  const json always = {{"type", "Sequence"},
                       {"pretokenizers", {split({{"String", "|"}}, "Removed"), meta("always", true)}}};
  CHECK(pre_tokenize(always, "a|b") == Pieces{"▁a", "▁b"});
}

TEST_CASE("ByteLevel pre-tokenizer", "[tokenizer][unit]") {
  const json bl = {
      {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  CHECK(pre_tokenize(bl, "Hello world's 123!!  \n") == Pieces{"ĠHello", "Ġworld", "'s", "Ġ123", "!!", "ĠĠĊ"});
  // Not the last step: the mapping is written into the text for the next one.
  const json seq = {{"type", "Sequence"},
                    {"pretokenizers", {bl, split({{"String", "Ġ"}}, "MergedWithNext")}}};
  CHECK(pre_tokenize(seq, "a b") == Pieces{"Ġa", "Ġb"});
  // The prefix space goes in front of every piece that lacks one.
  const json per_piece = {{"type", "Sequence"},
                          {"pretokenizers",
                           {split({{"String", "X"}}, "Isolated"),
                            {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", false}}}}};
  CHECK(pre_tokenize(per_piece, "abcXabc") == Pieces{"Ġabc", "ĠX", "Ġabc"});
}

TEST_CASE("Oniguruma escapes mean what they mean in `tokenizers`", "[tokenizer][unit]") {
  const std::string file = "tokenizer.json";
  const json where = "x";
  const JsonNode node(where, "pattern", file);
  const auto matches = [&](const char* re, const std::string& s) {
    const Pattern p = Pattern::regex(re, node);
    std::vector<Span> spans;
    p.find_matches(s.data(), s.size(), spans);
    Pieces out;
    for (const Span& sp : spans) {
      if (sp.match) out.push_back(s.substr(sp.begin, sp.end - sp.begin));
    }
    return out;
  };
  // \s: White_Space, so U+0085 and U+3000 yes, U+180E and U+200B no.
  CHECK(matches("\\s+", "a\u0085b\u180ec\u200bd\u3000e") == Pieces{"\u0085", "\u3000"});
  CHECK(matches("[\\s]+", "a\u0085b\u180ec") == Pieces{"\u0085"});
  CHECK(matches("\\S+", "a\u0085b") == Pieces{"a", "b"});
  // \w includes combining marks and numbers of every kind.
  CHECK(matches("\\w+", "x_\u0301z g\u00b2h-") == Pieces{"x_\u0301z", "g\u00b2h"});
  // \d is decimal digits only.
  CHECK(matches("\\d+", "1\u00b2\u0663") == Pieces{"1", "\u0663"});
  // \h is a hex digit; ^ and $ work per line.
  CHECK(matches("\\h+", "0xBEEF zz") == Pieces{"0", "BEEF"});
  CHECK(matches("^a|b$", "a\nab\nb") == Pieces{"a", "a", "b", "b"});
  CHECK(translate_oniguruma("[^\\s\\p{L}]") ==
        "[^\\t\\n\\x{0B}\\f\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}"
        "\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\p{L}]");
  // Ill-formed UTF-8 is matched by nothing but does not break matching.
  CHECK(matches("\\p{L}+", std::string("ab\xff\xfe"
                                       "cd")) == Pieces{"ab", "cd"});
}
