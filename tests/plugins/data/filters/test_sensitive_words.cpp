// test_sensitive_words.cpp: word list parsing, masking per code point,
// word boundaries, and the length rule.
#include <string>
#include <vector>

#include "catch.hpp"
#include "dsforge/dsforge.hpp"
#include "length_rule.hpp"
#include "sensitive_words.hpp"

using namespace dsforge::data;

TEST_CASE("word lists: comments, blank lines, BOM, CRLF and full-width spaces", "[sensitive]") {
  const std::string content =
      "\xEF\xBB\xBF# 敏感词表\r\n"
      "赌博\r\n"
      "\r\n"
      "  spam  \n"
      "\xE3\x80\x80代开发票\xE3\x80\x80\n"
      "   # indented comment\n"
      "last-without-newline";
  CHECK(parse_word_list(content, "words.txt") ==
        std::vector<std::string>{"赌博", "spam", "代开发票", "last-without-newline"});
  CHECK(parse_word_list("", "empty.txt").empty());
}

TEST_CASE("word lists with invalid UTF-8 name file and line", "[sensitive]") {
  try {
    parse_word_list("ok\nbad \xC3\x28 byte\n", "list.txt");
    FAIL("expected an error");
  } catch (const ds::Error& e) {
    CHECK(e.code() == DS_ERR_BAD_DATA);
    CHECK(std::string(e.what()).find("list.txt:2: invalid UTF-8 at byte 4") == 0);
  }
}

TEST_CASE("mask replaces each match by the mask once per code point", "[sensitive]") {
  const SensitiveMatcher m({"赌博", "网上赌博", "spam"}, SensitiveOptions{});
  CHECK(m.mask("禁止网上赌博和赌博网站") == "禁止****和**网站");
  CHECK(m.mask("no spam, only spammy ham") == "no ****, only ****my ham");
  CHECK(m.mask("干净的文本") == "干净的文本");
  SensitiveOptions wide;
  wide.mask_char = "＊";
  CHECK(SensitiveMatcher({"赌博"}, wide).mask("赌博") == "＊＊");
  SensitiveOptions multi;
  multi.mask_char = "[x]";
  CHECK(SensitiveMatcher({"ab"}, multi).mask("cabc") == "c[x][x]c");
}

TEST_CASE("overlapping words are masked leftmost-longest without gaps", "[sensitive]") {
  const SensitiveMatcher m({"she", "he", "hers", "his"}, SensitiveOptions{});
  // "she" wins at 1; "hers" overlaps it; nothing else starts later.
  CHECK(m.mask("ushers") == "u***rs");
  const std::vector<AhoCorasick::Match> found = m.find("ushers his");
  REQUIRE(found.size() == 2);
  CHECK(m.word(found[0].pattern) == "she");
  CHECK(m.word(found[1].pattern) == "his");
}

TEST_CASE("ignore_case folds ASCII; whole_words respects ASCII word edges only", "[sensitive]") {
  SensitiveOptions fold;
  fold.ignore_case = true;
  CHECK(SensitiveMatcher({"Viagra"}, fold).mask("buy VIAGRA now") == "buy ****** now");
  CHECK(SensitiveMatcher({"Viagra"}, SensitiveOptions{}).mask("buy VIAGRA now") == "buy VIAGRA now");

  SensitiveOptions words;
  words.whole_words = true;
  const SensitiveMatcher m({"ass", "赌"}, words);
  CHECK(m.mask("class assignment") == "class assignment");
  CHECK(m.mask("an ass, really") == "an ***, really");
  CHECK(m.mask("ass") == "***");
  CHECK(m.mask("赌钱assa") == "*钱assa");  // CJK words have no edges to respect
  // Without whole_words every substring counts.
  CHECK(SensitiveMatcher({"ass"}, SensitiveOptions{}).mask("class") == "cl***");
}

TEST_CASE("a matcher refuses empty words and an empty mask", "[sensitive]") {
  CHECK_THROWS_AS(SensitiveMatcher({"ok", ""}, SensitiveOptions{}), ds::Error);
  SensitiveOptions no_mask;
  no_mask.mask_char = "";
  CHECK_THROWS_AS(SensitiveMatcher({"ok"}, no_mask), ds::Error);
}

TEST_CASE("length limits count code points for characters and UTF-8 bytes for bytes", "[length]") {
  LengthLimits chars;
  chars.min_chars = 3;
  chars.max_chars = 4;
  CHECK(check_length("你好", chars) == LengthVerdict::too_short);  // 2 chars, 6 bytes
  CHECK(check_length("你好世", chars) == LengthVerdict::ok);
  CHECK(check_length("你好世界", chars) == LengthVerdict::ok);
  CHECK(check_length("你好，世界", chars) == LengthVerdict::too_long);
  CHECK(check_length("abcd", chars) == LengthVerdict::ok);
  CHECK(check_length("ab", chars) == LengthVerdict::too_short);
  CHECK(check_length("😀😀😀", chars) == LengthVerdict::ok);  // 12 bytes, 3 chars

  LengthLimits bytes;
  bytes.min_bytes = 4;
  bytes.max_bytes = 6;
  CHECK(check_length("abc", bytes) == LengthVerdict::too_short);
  CHECK(check_length("你好", bytes) == LengthVerdict::ok);        // 6 bytes
  CHECK(check_length("你好a", bytes) == LengthVerdict::too_long);  // 7 bytes
  CHECK(length_drop_reason(LengthVerdict::too_short) == std::string("too_short"));
  CHECK(length_drop_reason(LengthVerdict::too_long) == std::string("too_long"));
  CHECK(length_drop_reason(LengthVerdict::ok) == nullptr);
}
