// dedup_shingle.cpp: tokenizer choice, tokens, shingles; rules in the header.
#include "dedup_shingle.hpp"

#include <algorithm>
#include <stdexcept>

#include "common/utf8.hpp"
#include "dedup_hash.hpp"
#include "dedup_text.hpp"

namespace dsforge::data::dedup {
namespace {

// Code point classes, computed once per code point.
enum : uint8_t {
  kWord = 1,       // is_word_char
  kCjk = 2,        // is_cjk
  kUnspaced = 4,   // is_unspaced_cjk
  kHasLower = 8    // to_lower(cp) != cp
};

uint8_t classify_slow(char32_t cp) {
  uint8_t c = 0;
  if (is_word_char(cp)) c |= kWord;
  if (is_cjk(cp)) c |= kCjk;
  if (is_unspaced_cjk(cp)) c |= kUnspaced;
  if (to_lower(cp) != cp) c |= kHasLower;
  return c;
}

// The classes of the Basic Multilingual Plane as a 64 KiB table, built on
// first use (about a millisecond): the same answers as classify_slow without
// a utf8proc lookup per character.
const uint8_t* bmp_classes() {
  static const std::vector<uint8_t> table = [] {
    std::vector<uint8_t> t(0x10000);
    for (char32_t cp = 0; cp < 0x10000; ++cp) t[cp] = classify_slow(cp);
    return t;
  }();
  return table.data();
}

inline uint8_t classify(const uint8_t* bmp, char32_t cp) {
  return cp < 0x10000 ? bmp[cp] : classify_slow(cp);
}

// Calls f(code_point) for each well-formed code point; ill-formed bytes are
// reported as U+FFFD (a symbol, hence a separator). Well-formed 2- and
// 3-byte sequences are decoded inline; anything else goes through
// utf8_decode.
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t pos = 0;
  while (pos < n) {
    const unsigned char b = p[pos];
    if (b < 0x80) {
      f(char32_t(b));
      ++pos;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF && pos + 1 < n && (p[pos + 1] & 0xC0) == 0x80) {
      f(char32_t((b & 0x1F) << 6 | (p[pos + 1] & 0x3F)));
      pos += 2;
      continue;
    }
    // E1..EC and EE..EF: any continuation bytes are well formed (no
    // overlong or surrogate forms start there).
    if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) && pos + 2 < n &&
        (p[pos + 1] & 0xC0) == 0x80 && (p[pos + 2] & 0xC0) == 0x80) {
      f(char32_t((b & 0x0F) << 12 | (p[pos + 1] & 0x3F) << 6 | (p[pos + 2] & 0x3F)));
      pos += 3;
      continue;
    }
    const Utf8Step step = utf8_decode(s, pos);
    f(step.ok ? step.code_point : char32_t(0xFFFD));
    pos += step.length;
  }
}

// The text as classified code points, separators collapsed to one 0 entry.
void classify_text(std::string_view text, Tokens& t, size_t* word, size_t* cjk) {
  const uint8_t* bmp = bmp_classes();
  t.cps.clear();
  t.classes.clear();
  size_t w = 0, c = 0;
  for_each_code_point(text, [&](char32_t cp) {
    const uint8_t cls = classify(bmp, cp);
    if (!(cls & kWord)) {
      if (!t.classes.empty() && t.classes.back() != 0) {
        t.cps.push_back(0);
        t.classes.push_back(0);
      }
      return;
    }
    ++w;
    c += (cls & kCjk) != 0;
    t.cps.push_back((cls & kHasLower) ? to_lower(cp) : cp);
    t.classes.push_back(cls);
  });
  *word = w;
  *cjk = c;
}

Tokenizer decide(Tokenizer t, size_t word, size_t cjk, double cjk_min_share) {
  if (t != Tokenizer::automatic) return t;
  const double share = word == 0 ? 0.0 : double(cjk) / double(word);
  return share >= cjk_min_share ? Tokenizer::chars : Tokenizer::words;
}

// Tokens from t.cps / t.classes (filled by classify_text).
void build_tokens(Tokenizer resolved, Tokens& out) {
  out.text.clear();
  out.start.clear();
  out.end.clear();
  out.mode = resolved == Tokenizer::chars ? Tokenizer::chars : Tokenizer::words;
  const bool words = out.mode == Tokenizer::words;
  bool in_token = false;
  auto open = [&] {
    if (words && !out.text.empty()) out.text.push_back(' ');
    out.start.push_back(static_cast<uint32_t>(out.text.size()));
    in_token = true;
  };
  auto close = [&] {
    if (!in_token) return;
    out.end.push_back(static_cast<uint32_t>(out.text.size()));
    in_token = false;
  };
  for (size_t i = 0; i < out.cps.size(); ++i) {
    const uint8_t cls = out.classes[i];
    if (cls == 0) {
      close();
      continue;
    }
    // A token of one code point: every character in char mode, unspaced
    // CJK in word mode.
    const bool single = !words || (cls & kUnspaced);
    if (single) close();
    if (!in_token) open();
    const char32_t cp = out.cps[i];
    if (cp < 0x80) {
      out.text.push_back(static_cast<char>(cp));
    } else {
      utf8_append(out.text, cp);
    }
    if (single) close();
  }
  close();
}

template <class Set>
double jaccard_sorted(const Set& a, const Set& b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return double(common) / double(a.size() + b.size() - common);
}

}  // namespace

Tokenizer parse_tokenizer(std::string_view name) {
  if (name == "auto") return Tokenizer::automatic;
  if (name == "words") return Tokenizer::words;
  if (name == "chars") return Tokenizer::chars;
  throw std::invalid_argument("tokenizer must be one of \"auto\", \"words\", \"chars\", got \"" +
                              std::string(name) + "\"");
}

const char* tokenizer_name(Tokenizer t) {
  switch (t) {
    case Tokenizer::words: return "words";
    case Tokenizer::chars: return "chars";
    default: return "auto";
  }
}

double cjk_share(std::string_view text) {
  Tokens t;
  size_t word = 0, cjk = 0;
  classify_text(text, t, &word, &cjk);
  return word == 0 ? 0.0 : double(cjk) / double(word);
}

Tokenizer resolve_tokenizer(std::string_view text, Tokenizer t, double cjk_min_share) {
  if (t != Tokenizer::automatic) return t;
  return cjk_share(text) >= cjk_min_share ? Tokenizer::chars : Tokenizer::words;
}

void Tokens::clear() {
  text.clear();
  start.clear();
  end.clear();
  cps.clear();
  classes.clear();
}

void tokenize(std::string_view text, Tokenizer resolved, Tokens& out) {
  size_t word = 0, cjk = 0;
  classify_text(text, out, &word, &cjk);
  build_tokens(decide(resolved, word, cjk, 0.3), out);
}

namespace {

// Calls f(slice) for each shingle of `t` (with repeats).
template <class F>
void for_each_shingle(const Tokens& t, size_t ngram, F&& f) {
  const size_t n = t.size();
  if (n == 0) return;
  if (n < ngram) {
    f(std::string_view(t.text).substr(t.start[0], t.end[n - 1] - t.start[0]));
    return;
  }
  for (size_t i = 0; i + ngram <= n; ++i) {
    f(std::string_view(t.text).substr(t.start[i], t.end[i + ngram - 1] - t.start[i]));
  }
}

void check_ngram(size_t ngram) {
  if (ngram == 0) throw std::invalid_argument("ngram must be >= 1, got 0");
}

}  // namespace

std::vector<std::string> shingles(std::string_view text, const ShingleOptions& opt) {
  check_ngram(opt.ngram);
  Tokens t;
  size_t word = 0, cjk = 0;
  classify_text(text, t, &word, &cjk);
  build_tokens(decide(opt.tokenizer, word, cjk, opt.cjk_min_share), t);
  std::vector<std::string> out;
  for_each_shingle(t, opt.ngram, [&](std::string_view s) { out.emplace_back(s); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Tokenizer shingle_hashes(std::string_view text, const ShingleOptions& opt, Tokens& scratch,
                         std::vector<uint64_t>& out) {
  check_ngram(opt.ngram);
  size_t word = 0, cjk = 0;
  classify_text(text, scratch, &word, &cjk);
  const Tokenizer mode = decide(opt.tokenizer, word, cjk, opt.cjk_min_share);
  build_tokens(mode, scratch);
  out.clear();
  for_each_shingle(scratch, opt.ngram,
                   [&](std::string_view s) { out.push_back(hash64(s, kShingleHashSeed)); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return mode;
}

double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  return jaccard_sorted(a, b);
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return jaccard_sorted(a, b);
}

}  // namespace dsforge::data::dedup
