// test_aho_corasick.cpp: the matcher against a brute-force search, on
// overlapping patterns, Chinese words and case folding.
#include <algorithm>
#include <string>
#include <vector>

#include "aho_corasick.hpp"
#include "catch.hpp"
#include "filter_random.hpp"

using dsforge::data::AhoCorasick;
using Match = AhoCorasick::Match;

namespace {

AhoCorasick automaton(const std::vector<std::string>& words, bool ignore_case = false) {
  AhoCorasick ac(ignore_case);
  for (const auto& w : words) ac.add(w);
  ac.build();
  return ac;
}

// Every (begin, end, pattern) by trying each pattern at each position.
std::vector<Match> brute_force(const std::vector<std::string>& words, const std::string& text) {
  std::vector<Match> out;
  for (size_t end = 1; end <= text.size(); ++end)
    for (uint32_t p = 0; p < words.size(); ++p) {
      const std::string& w = words[p];
      if (w.size() <= end && text.compare(end - w.size(), w.size(), w) == 0)
        out.push_back(Match{end - w.size(), end, p});
    }
  return out;
}

std::vector<std::string> matched(const AhoCorasick& ac, const std::string& text,
                                 const std::vector<Match>& ms) {
  std::vector<std::string> out;
  for (const Match& m : ms) {
    CHECK(text.substr(m.begin, m.end - m.begin).size() == ac.pattern(m.pattern).size());
    out.push_back(text.substr(m.begin, m.end - m.begin));
  }
  return out;
}

auto by_position = [](const Match& a, const Match& b) {
  return std::tie(a.end, a.begin, a.pattern) < std::tie(b.end, b.begin, b.pattern);
};

}  // namespace

TEST_CASE("overlapping patterns: every occurrence is found, longest first per end", "[aho_corasick]") {
  // The classic example from Aho and Corasick's paper.
  const AhoCorasick ac = automaton({"he", "she", "his", "hers"});
  const std::string text = "ushers";
  const std::vector<Match> all = ac.find_all(text);
  CHECK(matched(ac, text, all) == std::vector<std::string>{"she", "he", "hers"});
  CHECK(all[0] == Match{1, 4, 1});
  CHECK(all[1] == Match{2, 4, 0});
  CHECK(all[2] == Match{2, 6, 3});
  // Leftmost wins ("she" starts first); "hers" overlaps it and is skipped.
  CHECK(matched(ac, text, ac.find_leftmost_longest(text)) == std::vector<std::string>{"she"});
}

TEST_CASE("leftmost-longest prefers the earliest start, then the longest", "[aho_corasick]") {
  const AhoCorasick ac = automaton({"abc", "abcd", "bcde", "e", "cd"});
  const std::string text = "abcdef";
  CHECK(matched(ac, text, ac.find_leftmost_longest(text)) == std::vector<std::string>{"abcd", "e"});
  const AhoCorasick aa = automaton({"a", "aa", "aaa"});
  CHECK(matched(aa, "aaaaaaa", aa.find_leftmost_longest("aaaaaaa")) ==
        std::vector<std::string>{"aaa", "aaa", "a"});
  CHECK(aa.find_all("aaaa").size() == 4 + 3 + 2);
}

TEST_CASE("Chinese words match at character boundaries, longest first", "[aho_corasick]") {
  const AhoCorasick ac = automaton({"中华", "中华人民共和国", "人民", "共和国", "民共"});
  const std::string text = "中华人民共和国成立于1949年，人民万岁";
  const std::vector<Match> all = ac.find_all(text);
  CHECK(matched(ac, text, all) ==
        std::vector<std::string>{"中华", "人民", "民共", "中华人民共和国", "共和国", "人民"});
  CHECK(matched(ac, text, ac.find_leftmost_longest(text)) ==
        std::vector<std::string>{"中华人民共和国", "人民"});
  // Matches start and end at code point boundaries (no continuation byte).
  for (const Match& m : all) {
    CHECK((static_cast<unsigned char>(text[m.begin]) & 0xC0) != 0x80);
    CHECK((m.end == text.size() || (static_cast<unsigned char>(text[m.end]) & 0xC0) != 0x80));
  }
  CHECK_FALSE(ac.contains_any("中国银行"));
  CHECK(ac.contains_any("全国人民"));
}

TEST_CASE("ASCII case folding is optional and leaves other bytes alone", "[aho_corasick]") {
  const AhoCorasick exact = automaton({"Spam", "ÄRGER"});
  CHECK(exact.find_all("spam SPAM Spam").size() == 1);
  const AhoCorasick folded = automaton({"Spam", "ÄRGER"}, true);
  CHECK(folded.find_all("spam SPAM Spam sPaM").size() == 4);
  CHECK(folded.find_all("ärger").empty());  // only ASCII folds: Ä and ä differ
  CHECK(folded.find_all("ÄrGeR").size() == 1);
  CHECK(folded.pattern(0) == "Spam");  // reported as given
}

TEST_CASE("duplicate patterns share one id; empty patterns are refused", "[aho_corasick]") {
  AhoCorasick ac(true);
  CHECK(ac.add("word") == 0);
  CHECK(ac.add("other") == 1);
  CHECK(ac.add("WORD") == 0);
  CHECK_THROWS(ac.add(""));
  ac.build();
  CHECK(ac.pattern_count() == 2);
  CHECK_THROWS(ac.add("late"));
}

TEST_CASE("longest_at finds the longest pattern starting at a position", "[aho_corasick]") {
  const AhoCorasick ac = automaton({"自然", "自然语言", "自然语言处理", "语言"});
  const std::string text = "自然语言处理很有趣";
  Match m = ac.longest_at(text, 0);
  CHECK(ac.pattern(m.pattern) == "自然语言处理");
  CHECK(m.end == 18);
  CHECK(ac.pattern(ac.longest_at(text, 6).pattern) == "语言");
  CHECK(ac.longest_at(text, 3).pattern == AhoCorasick::kNone);  // "然..." starts nothing
  CHECK(ac.longest_at("自然语", 0).end == 6);                    // "自然语言" cut short
}

TEST_CASE("find_all agrees with brute force on random texts", "[aho_corasick]") {
  dsforge::data::Rng rng(7);
  // Small alphabets make many overlaps; include a multi-byte character.
  const std::vector<std::string> alphabet = {"a", "b", "c", "中"};
  auto random_string = [&](size_t max_len) {
    std::string s;
    const size_t n = 1 + rng.below(max_len);
    for (size_t i = 0; i < n; ++i) s += alphabet[rng.below(alphabet.size())];
    return s;
  };
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> words;
    const size_t count = 1 + rng.below(12);
    for (size_t i = 0; i < count; ++i) {
      std::string w = random_string(5);
      if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
    }
    const AhoCorasick ac = automaton(words);
    const std::string text = random_string(60);
    std::vector<Match> got = ac.find_all(text), want = brute_force(words, text);
    std::sort(got.begin(), got.end(), by_position);
    std::sort(want.begin(), want.end(), by_position);
    INFO("round " << round << " text " << text);
    REQUIRE(got == want);
    // Leftmost-longest: non-overlapping, ordered, and each one is the
    // longest match starting at its position.
    const std::vector<Match> ll = ac.find_leftmost_longest(text);
    for (size_t i = 0; i < ll.size(); ++i) {
      if (i > 0) {
        CHECK(ll[i].begin >= ll[i - 1].end);
      }
      for (const Match& w : want) {
        if (w.begin == ll[i].begin) {
          CHECK(w.end <= ll[i].end);
        }
      }
    }
  }
}
