// sensitive_words.cpp: word lists and the matcher. See sensitive_words.hpp.
#include "sensitive_words.hpp"

#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

bool is_ascii_word_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
}

// Trims ASCII whitespace and U+3000 IDEOGRAPHIC SPACE (common in hand-made
// Chinese lists) from both ends.
std::string_view trim(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
      s.remove_prefix(1);
    } else if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      return s;
    }
  }
}

}  // namespace

std::vector<std::string> parse_word_list(std::string_view content, const std::string& origin) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  std::vector<std::string> words;
  int64_t line_no = 0;
  while (!content.empty()) {
    const size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_no;
    if (const std::optional<size_t> bad = first_invalid_utf8(line))
      throw ds::Error(DS_ERR_BAD_DATA, origin + ":" + std::to_string(line_no) + ": " +
                                           describe_invalid_utf8(line, *bad) +
                                           " (word lists must be UTF-8)");
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    words.emplace_back(line);
  }
  return words;
}

SensitiveMatcher::SensitiveMatcher(const std::vector<std::string>& words, SensitiveOptions options)
    : options_(std::move(options)), automaton_(options_.ignore_case) {
  if (options_.mask_char.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "mask_char must not be empty");
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty())
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "word " + std::to_string(i) + " is empty");
    automaton_.add(words[i]);
  }
  automaton_.build();
}

bool SensitiveMatcher::at_boundaries(std::string_view text, const AhoCorasick::Match& m) const {
  // Only ASCII word characters have boundaries to respect; a CJK word, or a
  // word that ends in punctuation, matches wherever it occurs.
  if (is_ascii_word_byte(text[m.begin]) && m.begin > 0 && is_ascii_word_byte(text[m.begin - 1]))
    return false;
  if (is_ascii_word_byte(text[m.end - 1]) && m.end < text.size() && is_ascii_word_byte(text[m.end]))
    return false;
  return true;
}

std::vector<AhoCorasick::Match> SensitiveMatcher::find(std::string_view text) const {
  std::vector<AhoCorasick::Match> all = automaton_.find_all(text);
  if (options_.whole_words) {
    size_t kept = 0;
    for (const AhoCorasick::Match& m : all)
      if (at_boundaries(text, m)) all[kept++] = m;
    all.resize(kept);
  }
  return AhoCorasick::select_leftmost_longest(std::move(all));
}

std::string SensitiveMatcher::mask(std::string_view text,
                                   const std::vector<AhoCorasick::Match>& matches) const {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const AhoCorasick::Match& m : matches) {
    out.append(text.data() + pos, m.begin - pos);
    const size_t chars = utf8_length(text.substr(m.begin, m.end - m.begin));
    for (size_t i = 0; i < chars; ++i) out += options_.mask_char;
    pos = m.end;
  }
  out.append(text.data() + pos, text.size() - pos);
  return out;
}

}  // namespace dsforge::data
