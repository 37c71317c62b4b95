// test_dedup_shingle.cpp: tokenizer choice and shingles of English and
// Chinese text, and that the hashed form matches the string form.
#include <algorithm>
#include <string>
#include <vector>

#include "catch.hpp"
#include "common/utf8.hpp"
#include "dedup_hash.hpp"
#include "dedup_shingle.hpp"
#include "dedup_text.hpp"
#include "fortune_corpus.hpp"

using namespace dsforge::data::dedup;

namespace {

ShingleOptions opts(size_t n, Tokenizer t = Tokenizer::automatic) {
  ShingleOptions o;
  o.ngram = n;
  o.tokenizer = t;
  return o;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("English: lowercased word n-grams; punctuation and spacing do not matter",
          "[dedup][shingle]") {
  const std::string text = "The quick, brown fox -- jumps over\nthe lazy dog.";
  CHECK(shingles(text, opts(3)) == sorted({"the quick brown", "quick brown fox", "brown fox jumps",
                                           "fox jumps over", "jumps over the", "over the lazy",
                                           "the lazy dog"}));
  CHECK(shingles("the QUICK brown   fox!!!", opts(2)) == shingles("The quick\n\nbrown fox", opts(2)));
  SECTION("repeated shingles count once") {
    CHECK(shingles("a b a b a b", opts(2)) == sorted({"a b", "b a"}));
  }
  SECTION("fewer tokens than ngram: one shingle of all of them") {
    CHECK(shingles("Hello, World", opts(5)) == std::vector<std::string>{"hello world"});
  }
  SECTION("no word characters: no shingles") {
    CHECK(shingles("... --- !!!", opts(5)).empty());
    CHECK(shingles("", opts(5)).empty());
  }
  SECTION("non-ASCII letters are word characters and are lowercased") {
    CHECK(shingles("École NATIONALE Supérieure", opts(2)) ==
          sorted({"école nationale", "nationale supérieure"}));
    CHECK(shingles("don't stop", opts(1)) == sorted({"don", "t", "stop"}));
  }
  CHECK(resolve_tokenizer(text, Tokenizer::automatic) == Tokenizer::words);
}

TEST_CASE("Chinese: character n-grams without punctuation or spaces", "[dedup][shingle]") {
  const std::string text = "言简意赅，请时刻留心。";
  CHECK(cjk_share(text) == 1.0);
  CHECK(resolve_tokenizer(text, Tokenizer::automatic) == Tokenizer::chars);
  CHECK(shingles(text, opts(3)) == sorted({"言简意", "简意赅", "意赅请", "赅请时", "请时刻",
                                           "时刻留", "刻留心"}));
  SECTION("spaces and punctuation between characters change nothing") {
    CHECK(shingles("言简 意赅。请时刻留心", opts(3)) == shingles(text, opts(3)));
  }
  SECTION("mixed text: Latin runs become single characters in char mode") {
    CHECK(shingles("用Go写", opts(2)) == sorted({"用g", "go", "o写"}));
  }
  SECTION("word mode keeps each Han character a token of its own") {
    CHECK(shingles("我爱 dsforge 框架", opts(2, Tokenizer::words)) ==
          sorted({"我 爱", "爱 dsforge", "dsforge 框", "框 架"}));
  }
}

TEST_CASE("auto decides per document by the share of CJK code points", "[dedup][shingle]") {
  // 30% of word characters or more: chars.
  CHECK(resolve_tokenizer("Linus Torvalds 说：talk is cheap, show me the code", Tokenizer::automatic) ==
        Tokenizer::words);
  CHECK(resolve_tokenizer("Linus 说：空谈是廉价的，给我看代码", Tokenizer::automatic) ==
        Tokenizer::chars);
  CHECK(resolve_tokenizer("한국어 문장입니다", Tokenizer::automatic) == Tokenizer::chars);
  CHECK(resolve_tokenizer("日本語のテキスト", Tokenizer::automatic) == Tokenizer::chars);
  CHECK(resolve_tokenizer("", Tokenizer::automatic) == Tokenizer::words);
  CHECK(resolve_tokenizer("中文", Tokenizer::words) == Tokenizer::words);
  CHECK(cjk_share("ab中文") == 0.5);
}

TEST_CASE("hashed shingles are hash64 of the string shingles", "[dedup][shingle]") {
  const std::vector<std::string> samples = {
      "The quick brown fox jumps over the lazy dog, again and again.",
      "言简意赅，请时刻留心您所写的内容，它会被成百上千的人阅读。", "short", ""};
  for (const std::string& s : samples) {
    for (size_t n : {1, 3, 5}) {
      std::vector<uint64_t> expect;
      for (const std::string& sh : shingles(s, opts(n))) expect.push_back(hash64(sh, kShingleHashSeed));
      std::sort(expect.begin(), expect.end());
      Tokens scratch;
      std::vector<uint64_t> got;
      shingle_hashes(s, opts(n), scratch, got);
      INFO(s << " n=" << n);
      CHECK(got == expect);
    }
  }
}

TEST_CASE("the real fortune files shingle as expected", "[dedup][shingle][fortune]") {
  const auto en = dedup_test::read_fortunes(dedup_test::fortune_path("fortunes"));
  const auto zh = dedup_test::read_fortunes(dedup_test::fortune_path("chinese"));
  if (en.empty() || zh.empty()) {
    WARN("fortunes / fortunes-zh not installed; skipped");
    return;
  }
  CHECK(en.size() > 400);
  CHECK(zh.size() > 5000);
  size_t en_words = 0, zh_chars = 0;
  for (const auto& f : en) en_words += resolve_tokenizer(f, Tokenizer::automatic) == Tokenizer::words;
  for (const auto& f : zh) zh_chars += resolve_tokenizer(f, Tokenizer::automatic) == Tokenizer::chars;
  // Every English fortune is word-tokenized; nearly every Chinese one (a few
  // are mostly English quotations) is char-tokenized.
  CHECK(en_words == en.size());
  CHECK(double(zh_chars) / double(zh.size()) > 0.95);
  // The escapes of the Chinese file are gone.
  for (const auto& f : zh) REQUIRE(f.find('\x1b') == std::string::npos);
}

namespace {

// The shingler's rules written the slow, obvious way: decode with the
// common UTF-8 helper, classify each code point through utf8proc.
std::vector<std::string> reference_shingles(const std::string& text, size_t n) {
  std::vector<char32_t> cps;
  size_t word = 0, cjk = 0;
  for (size_t pos = 0; pos < text.size();) {
    const dsforge::data::Utf8Step st = dsforge::data::utf8_decode(text, pos);
    const char32_t cp = st.ok ? st.code_point : 0xFFFD;
    pos += st.length;
    cps.push_back(cp);
    if (is_word_char(cp)) {
      ++word;
      cjk += is_cjk(cp);
    }
  }
  const bool chars = word > 0 && double(cjk) / double(word) >= 0.3;
  std::vector<std::string> tokens;
  std::string cur;
  for (char32_t cp : cps) {
    if (!is_word_char(cp)) {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
      continue;
    }
    if (chars || is_unspaced_cjk(cp)) {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
      dsforge::data::utf8_append(cur, to_lower(cp));
      tokens.push_back(cur);
      cur.clear();
      continue;
    }
    dsforge::data::utf8_append(cur, to_lower(cp));
  }
  if (!cur.empty()) tokens.push_back(cur);
  std::vector<std::string> out;
  const std::string sep = chars ? "" : " ";
  auto join = [&](size_t from, size_t count) {
    std::string s;
    for (size_t i = 0; i < count; ++i) s += (i ? sep : "") + tokens[from + i];
    return s;
  };
  if (tokens.empty()) return out;
  if (tokens.size() < n) {
    out.push_back(join(0, tokens.size()));
  } else {
    for (size_t i = 0; i + n <= tokens.size(); ++i) out.push_back(join(i, n));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

TEST_CASE("the fast shingler agrees with the rules written out plainly", "[dedup][shingle]") {
  std::vector<std::string> texts = {
      "Ünïcödé ΣΊΣΥΦΟΣ straße İstanbul ǅemal", "𠀀𠀁𠀂 emoji 😀 here", "ｆｕｌｌｗｉｄｔｈ，全角！",
      "한국어 문장입니다 그리고 더", "ＡＢＣ abc 123 ٣٤٥", "\xed\xa0\x80 bad \xc0\xaf bytes \xf4\x90\x80\x80"};
  SplitMix64 rng(42);
  for (int i = 0; i < 300; ++i) {  // random bytes, mostly ill-formed
    std::string s;
    for (int k = 0; k < 40; ++k) s.push_back(static_cast<char>(rng.below(256)));
    texts.push_back(s);
  }
  for (const char* file : {"fortunes", "chinese"}) {
    for (const auto& f : dedup_test::read_fortunes(dedup_test::fortune_path(file))) texts.push_back(f);
  }
  size_t mismatches = 0;
  for (const std::string& t : texts) {
    for (size_t n : {1, 5}) {
      if (shingles(t, opts(n)) != reference_shingles(t, n)) {
        ++mismatches;
        INFO(t);
        CHECK(shingles(t, opts(n)) == reference_shingles(t, n));
      }
    }
  }
  CHECK(mismatches == 0);
}
