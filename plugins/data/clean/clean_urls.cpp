// clean_urls.cpp: strip_urls(). Finds URLs by their start (scheme or
// "www."), not by a full RFC 3986 grammar: in scraped text the question is
// where a URL ends, and the answer is whitespace, markup quotes, or the
// Chinese/Japanese/Korean text that often follows with no space at all.
#include <algorithm>
#include <cctype>

#include "clean_steps.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {
namespace {

constexpr std::string_view kPrefixes[] = {"https://", "http://", "ftp://", "www."};

bool starts_with_nocase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[pos + i])) != prefix[i]) return false;
  return true;
}

// A URL starts a word: "xhttp://" or "awww.b" is not one, "见https://" is.
bool at_word_start(std::string_view s, size_t pos) {
  if (pos == 0) return true;
  const auto prev = static_cast<unsigned char>(s[pos - 1]);
  if (prev >= 0x80) return true;
  return !std::isalnum(prev) && prev != '/' && prev != '@' && prev != '.' && prev != '-' &&
         prev != '_';
}

// Length of the URL prefix at pos, 0 if none.
size_t prefix_at(std::string_view s, size_t pos) {
  for (std::string_view p : kPrefixes)
    if (starts_with_nocase(s, pos, p)) return p.size();
  return 0;
}

// CJK scripts and the punctuation that surrounds them, fullwidth forms and
// general punctuation (quotes, dashes, ellipsis): none of these appears in a
// URL someone typed into Chinese text; all of them end one.
bool is_cjk_or_wide_punct(char32_t cp) {
  return (cp >= 0x2000 && cp <= 0x206F) ||  // general punctuation
         (cp >= 0x2E80 && cp <= 0xA4CF) ||  // radicals, CJK symbols/punct, kana, ideographs, Yi
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
         (cp >= 0xFE10 && cp <= 0xFE1F) ||  // vertical forms
         (cp >= 0xFE30 && cp <= 0xFE6F) ||  // CJK compatibility and small forms
         (cp >= 0xFF00 && cp <= 0xFFEF) ||  // fullwidth and halfwidth forms
         (cp >= 0x20000 && cp <= 0x3FFFF);  // CJK extension planes
}

bool ends_url(char32_t cp) {
  if (cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return true;
  if (cp == '<' || cp == '>' || cp == '"' || cp == '`') return true;
  return is_unicode_space(cp) || is_cjk_or_wide_punct(cp);
}

// Drops trailing characters that end the sentence rather than the URL.
// A closing bracket stays when the URL opened one: ".../Foo_(bar)".
size_t trim_url_end(std::string_view url, size_t min_end) {
  size_t end = url.size();
  while (end > min_end) {
    const char c = url[end - 1];
    const std::string_view body = url.substr(0, end);
    auto unbalanced = [&](char open, char close) {
      return std::count(body.begin(), body.end(), close) >
             std::count(body.begin(), body.end(), open);
    };
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
        c == '*' || (c == ')' && unbalanced('(', ')')) || (c == ']' && unbalanced('[', ']')) ||
        (c == '}' && unbalanced('{', '}')))
      --end;
    else
      break;
  }
  return end;
}

}  // namespace

std::string strip_urls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t prefix = at_word_start(s, pos) ? prefix_at(s, pos) : 0;
    if (prefix == 0) {
      out += s[pos++];
      continue;
    }
    size_t end = pos + prefix;
    while (end < s.size()) {
      const Utf8Step step = utf8_decode(s, end);
      if (!step.ok || ends_url(step.code_point)) break;
      end += step.length;
    }
    end = pos + trim_url_end(s.substr(pos, end - pos), prefix);
    if (end == pos + prefix) {  // "http://" or "www." with nothing after: not a URL
      out.append(s.data() + pos, prefix);
    }
    pos = end;
  }
  return out;
}

}  // namespace dsforge::data
