// bpe_pre_tokenizer.cpp: the Split regexes and their PCRE2 matcher. See
// bpe_pre_tokenizer.hpp.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "bpe_pre_tokenizer.hpp"

#include <pcre2.h>

#include "dsforge/dsforge.hpp"

namespace dsforge::data::bpe {
namespace {

// DeepSeek-V3 (tokenizer.json of the fixture, byte for byte: the \r and \n
// inside the third regex are the characters themselves there).
const std::vector<std::string> kDeepSeekV3 = {
    "\\p{N}{1,3}",
    "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
    "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
    "| ?[\\p{P}\\p{S}]+[\r\n]*"
    "|\\s*[\r\n]+"
    "|\\s+(?!\\S)"
    "|\\s+",
};

// GPT-2 (the regex `tokenizers`' ByteLevel pre-tokenizer uses).
const std::vector<std::string> kGpt2 = {
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
};

// Llama 3.
const std::vector<std::string> kLlama3 = {
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
    "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

// Oniguruma's \s (Unicode): tab..CR, NEL, and Zs/Zl/Zp.
constexpr const char* kSpaceClassBody = "\\x{09}-\\x{0D}\\x{85}\\p{Z}";

size_t utf8_char_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  return 2;
}

}  // namespace

PreTokenizerStyle pre_tokenizer_style(std::string_view name) {
  if (name == "deepseek_v3") return PreTokenizerStyle::deepseek_v3;
  if (name == "gpt2") return PreTokenizerStyle::gpt2;
  if (name == "llama3") return PreTokenizerStyle::llama3;
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, "pre_tokenizer must be one of \"deepseek_v3\", "
                                           "\"gpt2\", \"llama3\", got \"" +
                                               std::string(name) + "\"");
}

const char* pre_tokenizer_name(PreTokenizerStyle style) {
  switch (style) {
    case PreTokenizerStyle::gpt2:
      return "gpt2";
    case PreTokenizerStyle::llama3:
      return "llama3";
    case PreTokenizerStyle::deepseek_v3:
      break;
  }
  return "deepseek_v3";
}

const std::vector<std::string>& split_patterns(PreTokenizerStyle style) {
  switch (style) {
    case PreTokenizerStyle::gpt2:
      return kGpt2;
    case PreTokenizerStyle::llama3:
      return kLlama3;
    case PreTokenizerStyle::deepseek_v3:
      break;
  }
  return kDeepSeekV3;
}

std::string onig_to_pcre2(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() + 64);
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[++i];
      if (e == 's') {
        out += in_class ? std::string(kSpaceClassBody) : "[" + std::string(kSpaceClassBody) + "]";
      } else if (e == 'S') {
        if (in_class)
          throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                          "pre-tokenizer regex: \\S inside a character class is not supported: " +
                              std::string(pattern));
        out += "[^" + std::string(kSpaceClassBody) + "]";
      } else {
        out += c;
        out += e;
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal, not the end.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

struct PreTokenizer::Impl {
  std::vector<pcre2_code*> codes;
  pcre2_match_data* match = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;

  ~Impl() {
    for (pcre2_code* c : codes) pcre2_code_free(c);
    pcre2_match_data_free(match);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
  }
};

PreTokenizer::PreTokenizer(PreTokenizerStyle style) : style_(style), impl_(std::make_unique<Impl>()) {
  for (const std::string& onig : split_patterns(style)) {
    const std::string pattern = onig_to_pcre2(onig);
    int err = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     PCRE2_UTF | PCRE2_UCP, &err, &offset, nullptr);
    if (code == nullptr) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(err, msg, sizeof msg);
      throw ds::Error(DS_ERR_INTERNAL, "pre-tokenizer regex does not compile at offset " +
                                           std::to_string(offset) + ": " +
                                           reinterpret_cast<const char*>(msg) + ": " + pattern);
    }
    impl_->codes.push_back(code);
    // JIT is an optimization only: without it (no JIT on this CPU) the
    // interpreter gives the same matches.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  }
  impl_->match = pcre2_match_data_create(4, nullptr);
  impl_->context = pcre2_match_context_create(nullptr);
  impl_->jit_stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
  if (!impl_->match || !impl_->context || !impl_->jit_stack) throw std::bad_alloc();
  pcre2_jit_stack_assign(impl_->context, nullptr, impl_->jit_stack);
}

PreTokenizer::~PreTokenizer() = default;
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& out) {
  if (!text.empty()) split_level(text, 0, out);
}

void PreTokenizer::split_level(std::string_view piece, size_t level,
                               std::vector<std::string_view>& out) {
  if (level == impl_->codes.size()) {
    out.push_back(piece);
    return;
  }
  pcre2_code* code = impl_->codes[level];
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
  size_t prev = 0;  // end of the last match
  size_t pos = 0;   // where the next search starts
  while (pos < piece.size()) {
    const int rc = pcre2_match(code, subject, piece.size(), pos, PCRE2_NO_UTF_CHECK, impl_->match,
                               impl_->context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(rc, msg, sizeof msg);
      throw ds::Error(DS_ERR_INTERNAL, std::string("pre-tokenizer regex failed on a ") +
                                           std::to_string(piece.size()) + "-byte piece: " +
                                           reinterpret_cast<const char*>(msg));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(impl_->match);
    const size_t start = ov[0], end = ov[1];
    if (end == start) {  // an empty match (none of our regexes has one): step one character
      pos = start + utf8_char_length(static_cast<unsigned char>(piece[start]));
      continue;
    }
    // ov is read before recursing: the deeper levels reuse the match data.
    if (start > prev) split_level(piece.substr(prev, start - prev), level + 1, out);
    split_level(piece.substr(start, end - start), level + 1, out);
    prev = pos = end;
  }
  if (prev < piece.size()) split_level(piece.substr(prev), level + 1, out);
}

}  // namespace dsforge::data::bpe
