// bpe_pre_tokenizer.hpp: splits a document into the words BPE is trained on,
// the way a `tokenizers` pre-tokenizer Sequence of Split(Regex, Isolated)
// steps does: each regex runs on every piece the previous one left, and
// both its matches and the text between them become pieces (empty ones are
// dropped). A regex sees one piece at a time, so a lookahead stops at the
// piece's end, as in `tokenizers`.
//
// Styles:
//   deepseek_v3  digits in runs of 1..3, CJK/kana runs, then DeepSeek-V3's
//                word/punctuation/space regex (the pre_tokenizer of
//                shared/fixtures/tokenizer_deepseek_v3/tokenizer.json)
//   gpt2         GPT-2's regex: contractions, " ?letters", " ?digits",
//                " ?other", whitespace not before a non-space
//   llama3       Llama 3's regex: case-insensitive contractions, letters with
//                one leading non-letter, digits in runs of 1..3, punctuation
//                with trailing newlines, newline runs, whitespace
//
// The regexes are kept in the `tokenizers` (Oniguruma) syntax, which is what
// tokenizer.json stores; they run on PCRE2 (UTF + UCP + JIT) after
// onig_to_pcre2() rewrites the one construct the two read differently: \s.
// Does not normalize, does not map bytes (that is ByteLevel, applied to the
// words later), does not know special tokens.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::data::bpe {

enum class PreTokenizerStyle { deepseek_v3, gpt2, llama3 };

// "deepseek_v3" | "gpt2" | "llama3"; anything else throws
// ds::Error(DS_ERR_INVALID_ARGUMENT) naming the value and the choices.
PreTokenizerStyle pre_tokenizer_style(std::string_view name);
const char* pre_tokenizer_name(PreTokenizerStyle style);

// The Split regexes of a style, in order, in Oniguruma syntax.
const std::vector<std::string>& split_patterns(PreTokenizerStyle style);

// The same regex for PCRE2: Oniguruma's Unicode \s is U+0009..U+000D,
// U+0085 and the Z categories, PCRE2's (with UCP) leaves out U+0085, so \s
// and \S are spelled out as classes. Other syntax is shared. Throws
// ds::Error(DS_ERR_INVALID_ARGUMENT) for \S inside a class (not needed).
std::string onig_to_pcre2(std::string_view pattern);

class PreTokenizer {
 public:
  // Compiles the style's regexes; throws ds::Error(DS_ERR_INTERNAL) with
  // PCRE2's message and offset if one does not compile.
  explicit PreTokenizer(PreTokenizerStyle style);
  ~PreTokenizer();
  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;

  PreTokenizerStyle style() const { return style_; }

  // Appends the pieces of `text` to `out` (views into text, in order, none
  // empty, together exactly text). `text` must be valid UTF-8: it is not
  // checked again. Not thread-safe (one match buffer per object).
  void split(std::string_view text, std::vector<std::string_view>& out);

 private:
  struct Impl;
  void split_level(std::string_view piece, size_t level, std::vector<std::string_view>& out);

  PreTokenizerStyle style_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsforge::data::bpe
