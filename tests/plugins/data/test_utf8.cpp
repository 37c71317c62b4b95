// test_utf8.cpp: UTF-8 validation offsets (overlong, surrogate, out of
// range, truncated), U+FFFD replacement by maximal subpart, helpers.
#include "catch.hpp"
#include "common/utf8.hpp"

using dsforge::data::describe_invalid_utf8;
using dsforge::data::first_invalid_utf8;
using dsforge::data::is_unicode_space;
using dsforge::data::replace_invalid_utf8;
using dsforge::data::utf8_append;
using dsforge::data::utf8_length;

static const std::string kFFFD = "\xEF\xBF\xBD";

TEST_CASE("valid UTF-8 has no invalid offset", "[utf8]") {
  CHECK_FALSE(first_invalid_utf8("").has_value());
  CHECK_FALSE(first_invalid_utf8("plain ASCII\n\t").has_value());
  CHECK_FALSE(first_invalid_utf8("你好，世界《行为准则》").has_value());
  CHECK_FALSE(first_invalid_utf8("emoji \xF0\x9F\x98\x80 and ZWJ \xE2\x80\x8D").has_value());
  SECTION("boundaries of each sequence length are accepted") {
    CHECK_FALSE(first_invalid_utf8("\xC2\x80").has_value());          // U+0080
    CHECK_FALSE(first_invalid_utf8("\xDF\xBF").has_value());          // U+07FF
    CHECK_FALSE(first_invalid_utf8("\xE0\xA0\x80").has_value());      // U+0800
    CHECK_FALSE(first_invalid_utf8("\xED\x9F\xBF").has_value());      // U+D7FF
    CHECK_FALSE(first_invalid_utf8("\xEE\x80\x80").has_value());      // U+E000
    CHECK_FALSE(first_invalid_utf8("\xEF\xBF\xBF").has_value());      // U+FFFF
    CHECK_FALSE(first_invalid_utf8("\xF0\x90\x80\x80").has_value());  // U+10000
    CHECK_FALSE(first_invalid_utf8("\xF4\x8F\xBF\xBF").has_value());  // U+10FFFF
  }
  SECTION("NUL is a valid code point") {
    CHECK_FALSE(first_invalid_utf8(std::string("a\0b", 3)).has_value());
  }
}

TEST_CASE("first_invalid_utf8 returns the byte offset of the bad sequence", "[utf8]") {
  CHECK(first_invalid_utf8("abc\xFF") == 3u);
  CHECK(first_invalid_utf8("\x80xyz") == 0u);  // lone continuation byte
  CHECK(first_invalid_utf8("你\xFE") == 3u);   // never-valid byte
  SECTION("overlong forms") {
    CHECK(first_invalid_utf8("a\xC0\xAF") == 1u);  // '/' in two bytes
    CHECK(first_invalid_utf8("ab\xC1\xBF") == 2u);
    CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0u);        // '/' in three bytes
    CHECK(first_invalid_utf8("ok\xF0\x80\x80\xAF") == 2u);  // '/' in four bytes
  }
  SECTION("surrogates") {
    CHECK(first_invalid_utf8("x\xED\xA0\x80") == 1u);   // U+D800
    CHECK(first_invalid_utf8("xy\xED\xBF\xBF") == 2u);  // U+DFFF
  }
  SECTION("above U+10FFFF") {
    CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);
    CHECK(first_invalid_utf8("a\xF5\x80\x80\x80") == 1u);
  }
  SECTION("truncated sequences") {
    CHECK(first_invalid_utf8("ab\xE4\xBD") == 2u);   // "你" cut at the end
    CHECK(first_invalid_utf8("ab\xE4\xBDz") == 2u);  // cut in the middle
    CHECK(first_invalid_utf8("\xF0\x9F\x98") == 0u);
    CHECK(first_invalid_utf8("\xC3") == 0u);
  }
}

TEST_CASE("replace_invalid_utf8 uses one U+FFFD per maximal subpart", "[utf8]") {
  CHECK(replace_invalid_utf8("valid 你好") == "valid 你好");
  CHECK(replace_invalid_utf8("a\xFF"
                             "b") == "a" + kFFFD + "b");
  // A truncated three-byte sequence is one subpart.
  CHECK(replace_invalid_utf8("\xE4\xBDx") == kFFFD + "x");
  // A surrogate's lead byte cannot be followed by A0: three subparts.
  CHECK(replace_invalid_utf8("\xED\xA0\x80") == kFFFD + kFFFD + kFFFD);
  // Overlong: C0 is never a lead byte, AF a lone continuation.
  CHECK(replace_invalid_utf8("\xC0\xAF") == kFFFD + kFFFD);
  CHECK(replace_invalid_utf8("\xF1\x80\x80") == kFFFD);
  CHECK_FALSE(first_invalid_utf8(replace_invalid_utf8("\xF0\x80\x80\xFF\xC3")).has_value());
}

TEST_CASE("describe_invalid_utf8 names offset and bytes", "[utf8]") {
  CHECK(describe_invalid_utf8("abc\xFF", 3) == "invalid UTF-8 at byte 3 (0xff)");
  CHECK(describe_invalid_utf8("ab\xE4\xBDz", 2) == "invalid UTF-8 at byte 2 (0xe4 0xbd)");
}

TEST_CASE("utf8_append and utf8_length round-trip", "[utf8]") {
  std::string s;
  for (char32_t cp : {char32_t(0x41), char32_t(0xE9), char32_t(0x4F60), char32_t(0x1F600)})
    utf8_append(s, cp);
  CHECK(s == "A\xC3\xA9你\xF0\x9F\x98\x80");
  CHECK(utf8_length(s) == 4u);
  CHECK(utf8_length("") == 0u);
  CHECK(utf8_length("《行为准则》") == 6u);
}

TEST_CASE("is_unicode_space covers ASCII and Zs", "[utf8]") {
  for (char32_t cp : {char32_t(' '), char32_t('\t'), char32_t('\n'), char32_t(0xA0),
                      char32_t(0x2003), char32_t(0x202F), char32_t(0x3000)})
    CHECK(is_unicode_space(cp));
  for (char32_t cp : {char32_t('a'), char32_t(0x200B), char32_t(0x200D), char32_t(0x4E00)})
    CHECK_FALSE(is_unicode_space(cp));
}
