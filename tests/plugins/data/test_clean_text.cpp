// test_clean_text.cpp: the clean transform's text logic, without a host:
// escapes, controls, normalization, URLs, whitespace, CJK safety, invalid
// UTF-8, newlines, and a pass over the real Debian Chinese fortune file.
#include <fstream>
#include <iterator>

#include "catch.hpp"
#include "clean_steps.hpp"
#include "clean_text.hpp"
#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

using namespace dsforge::data;

namespace {

CleanOptions only_defaults() { return CleanOptions{}; }

CleanOptions with_urls() {
  CleanOptions o;
  o.strip_urls = true;
  return o;
}

CleanOptions with_normalize(Normalization n) {
  CleanOptions o;
  o.normalize = n;
  return o;
}

CleanOptions nothing() {
  CleanOptions o;
  o.strip_ansi = false;
  o.strip_control = false;
  o.whitespace = WhitespaceMode::keep;
  return o;
}

size_t count_ideographs(std::string_view s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size();) {
    const Utf8Step step = utf8_decode(s, pos);
    if (step.ok && step.code_point >= 0x4E00 && step.code_point <= 0x9FFF) ++n;
    pos += step.length;
  }
  return n;
}

}  // namespace

TEST_CASE("defaults match the documented settings", "[clean]") {
  const CleanOptions o;
  CHECK(o.strip_ansi);
  CHECK(o.strip_control);
  CHECK_FALSE(o.strip_urls);
  CHECK(o.normalize == Normalization::none);
  CHECK(o.whitespace == WhitespaceMode::collapse);
}

TEST_CASE("ANSI colours in the Debian Chinese fortune line are removed", "[clean][ansi]") {
  const std::string line = "\x1b[33m    -- Debian \x1b[32m《行为准则》\x1b[m第一条\x1b[m";
  CHECK(clean_text(line, only_defaults()) == "-- Debian 《行为准则》第一条");
  // Without whitespace collapse only the escapes go.
  CleanOptions keep;
  keep.whitespace = WhitespaceMode::keep;
  CHECK(clean_text(line, keep) == "    -- Debian 《行为准则》第一条");
}

TEST_CASE("ANSI sequence forms", "[clean][ansi]") {
  SECTION("CSI with parameters, private markers and intermediates") {
    CHECK(strip_ansi_escapes("\x1b[1;31mred\x1b[0m") == "red");
    CHECK(strip_ansi_escapes("a\x1b[mb") == "ab");
    CHECK(strip_ansi_escapes("\x1b[?25lhidden cursor\x1b[?25h") == "hidden cursor");
    CHECK(strip_ansi_escapes("x\x1b[2 qy") == "xy");  // intermediate ' ' then final 'q'
    CHECK(strip_ansi_escapes("\x1b[2J\x1b[Hclear") == "clear");
  }
  SECTION("OSC ended by BEL or ST, e.g. titles and hyperlinks") {
    CHECK(strip_ansi_escapes("\x1b]0;window title\x07text") == "text");
    CHECK(strip_ansi_escapes("\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\") == "link");
  }
  SECTION("two-byte and nF sequences") {
    CHECK(strip_ansi_escapes("a\x1b=b\x1b>c") == "abc");
    CHECK(strip_ansi_escapes("\x1bMup\x1b"
                             "7saved\x1b"
                             "8") == "upsaved");
    CHECK(strip_ansi_escapes("\x1b(Bascii\x1b)0") == "ascii");
  }
  SECTION("8-bit C1 introducers") {
    CHECK(strip_ansi_escapes("\xC2\x9B"
                             "31mred") == "red");
    CHECK(strip_ansi_escapes("\xC2\x9D"
                             "0;t\x07ok") == "ok");
  }
  SECTION("malformed and truncated sequences stay local") {
    CHECK(strip_ansi_escapes("end\x1b") == "end");
    CHECK(strip_ansi_escapes("end\x1b[12") == "end");
    CHECK(strip_ansi_escapes("a\x1b[12\nb") == "a\nb");  // the newline survives
    CHECK(strip_ansi_escapes("\x1b]unterminated title\nnext line") == "\nnext line");
    CHECK(strip_ansi_escapes("\x1b你") == "你");  // only the ESC goes; UTF-8 intact
  }
  SECTION("text without escapes is untouched, byte for byte") {
    const std::string s = "[33m is not an escape; 中文 [m";
    CHECK(strip_ansi_escapes(s) == s);
  }
}

TEST_CASE("CJK text is preserved byte-exactly", "[clean][cjk]") {
  const std::string poem = "床前明月光，疑是地上霜。\n举头望明月，低头思故乡。";
  CHECK(clean_text(poem, only_defaults()) == poem);
  CHECK(clean_text(poem, with_urls()) == poem);
  CHECK(clean_text(poem, with_normalize(Normalization::nfc)) == poem);
  // NFKC keeps ideographs and "。" but folds fullwidth punctuation to ASCII.
  CHECK(clean_text(poem, with_normalize(Normalization::nfkc)) ==
        "床前明月光,疑是地上霜。\n举头望明月,低头思故乡。");
  CHECK(clean_text("日本語のテキスト、한국어 텍스트", only_defaults()) ==
        "日本語のテキスト、한국어 텍스트");
  SECTION("spaces between CJK characters are neither added nor removed") {
    CHECK(clean_text("你好 世界", only_defaults()) == "你好 世界");
    CHECK(clean_text("你好世界", only_defaults()) == "你好世界");
    CHECK(clean_text("你好   世界", only_defaults()) == "你好 世界");
    CHECK(clean_text("中文English混排", only_defaults()) == "中文English混排");
  }
}

TEST_CASE("Unicode normalization", "[clean][normalize]") {
  SECTION("NFKC folds fullwidth ASCII and keeps ideographs") {
    const auto nfkc = with_normalize(Normalization::nfkc);
    CHECK(clean_text("ＡＢＣ１２３", nfkc) == "ABC123");
    CHECK(clean_text("中文ＡＢＣ１２３汉字", nfkc) == "中文ABC123汉字");
    CHECK(clean_text("ｈｅｌｌｏ，世界", nfkc) == "hello,世界");  // fullwidth comma too
    CHECK(clean_text("ﾃｽﾄ", nfkc) == "テスト");                   // halfwidth katakana
  }
  SECTION("NFC composes but does not fold compatibility forms") {
    const auto nfc = with_normalize(Normalization::nfc);
    CHECK(clean_text("e\xCC\x81", nfc) == "\xC3\xA9");  // e + U+0301 -> é
    CHECK(clean_text("ＡＢＣ", nfc) == "ＡＢＣ");
  }
  SECTION("none leaves decomposed text alone") {
    CHECK(clean_text("e\xCC\x81", only_defaults()) == "e\xCC\x81");
  }
  SECTION("NFKC before URL stripping: a fullwidth URL is found") {
    CleanOptions o = with_normalize(Normalization::nfkc);
    o.strip_urls = true;
    CHECK(clean_text("见ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ。", o) == "见。");
  }
}

TEST_CASE("URL removal", "[clean][urls]") {
  const auto o = with_urls();
  SECTION("Chinese punctuation right after a URL ends it") {
    CHECK(clean_text("详见https://example.com/a?b=1，谢谢。", o) == "详见，谢谢。");
    CHECK(clean_text("官网：http://www.debian.org。", o) == "官网：。");
    CHECK(clean_text("链接“https://example.com/x”无效", o) == "链接“”无效");
    CHECK(clean_text("访问www.example.cn获取更多", o) == "访问获取更多");
    CHECK(clean_text("《https://a.example/b》", o) == "《》");
  }
  SECTION("trailing sentence punctuation is not part of the URL") {
    CHECK(clean_text("See http://example.com/foo.", o) == "See .");
    CHECK(clean_text("Go to https://example.com, then ftp://files.example.org/x; done!", o) ==
          "Go to , then ; done!");
    CHECK(clean_text("(see www.example.org)", o) == "(see )");
    CHECK(clean_text("Is it https://example.com/?q=1?", o) == "Is it ?");
  }
  SECTION("balanced brackets belong to the URL") {
    CHECK(clean_text("wiki https://en.wikipedia.org/wiki/Foo_(bar) ok", o) == "wiki ok");
  }
  SECTION("the gap a URL leaves is collapsed, never widened") {
    CHECK(clean_text("before  https://x.example/y  after", o) == "before after");
    CHECK(clean_text("https://x.example/y\nnext", o) == "next");
  }
  SECTION("things that are not URLs stay") {
    CHECK(clean_text("http:// alone", o) == "http:// alone");
    CHECK(clean_text("www. alone", o) == "www. alone");
    CHECK(clean_text("user@www.example.com", o) == "user@www.example.com");
    CHECK(clean_text("xhttp://not.a.url", o) == "xhttp://not.a.url");
    CHECK(clean_text("HTTPS://EXAMPLE.COM is loud", o) == "is loud");
  }
  SECTION("off by default") {
    CHECK(clean_text("详见https://example.com", only_defaults()) == "详见https://example.com");
  }
}

TEST_CASE("control characters", "[clean][control]") {
  SECTION("C0 (except newline and tab), DEL and C1 go") {
    CHECK(strip_control_chars("a\x01"
                              "b\x7f"
                              "c\xC2\x85"
                              "d\xC2\x9F"
                              "e") == "abcde");
    CHECK(strip_control_chars(std::string("nul\0byte", 8)) == "nulbyte");
    CHECK(strip_control_chars("keep\ttab\nand newline") == "keep\ttab\nand newline");
    CHECK(strip_control_chars("crlf\r\nline") == "crlf\nline");
  }
  SECTION("zero width space and BOM go, ZWJ stays") {
    CHECK(strip_control_chars("\xEF\xBB\xBFstart") == "start");
    CHECK(strip_control_chars("zero\xE2\x80\x8Bwidth") == "zerowidth");
    const std::string family =
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
    CHECK(strip_control_chars(family) == family);
  }
  SECTION("fortune overstrike backspaces are removed") {
    CHECK(clean_text("a *__\b\bUN*lucky week", only_defaults()) == "a *__UN*lucky week");
  }
  SECTION("can be switched off") {
    CleanOptions o = nothing();
    CHECK(clean_text("a\x01"
                     "b",
                     o) ==
          "a\x01"
          "b");
  }
}

TEST_CASE("whitespace collapse", "[clean][whitespace]") {
  const auto o = only_defaults();
  SECTION("runs of horizontal whitespace become one ASCII space") {
    CHECK(clean_text("a  \t b", o) == "a b");
    CHECK(clean_text("你好\xE3\x80\x80\xE3\x80\x80世界", o) == "你好 世界");  // U+3000
    CHECK(clean_text("100\xC2\xA0km", o) == "100 km");                        // NBSP
    CHECK(clean_text("thin\xE2\x80\x89space", o) == "thin space");            // U+2009
  }
  SECTION("lines keep their breaks but lose trailing whitespace") {
    CHECK(clean_text("line one  \nline two\t\n", o) == "line one\nline two");
    CHECK(clean_text("a\n  indented", o) == "a\n indented");
  }
  SECTION("three or more newlines become two") {
    CHECK(clean_text("a\n\nb", o) == "a\n\nb");
    CHECK(clean_text("a\n\n\n\n\nb", o) == "a\n\nb");
    CHECK(clean_text("a\n \n\t\n \nb", o) == "a\n\nb");  // blank lines with spaces count
  }
  SECTION("the document is trimmed") {
    CHECK(clean_text("\n\n  \xE3\x80\x80text\xE3\x80\x80 \n\n", o) == "text");
    CHECK(clean_text("   \n\t ", o).empty());
    CHECK(clean_text("", o).empty());
  }
  SECTION("keep leaves whitespace alone") {
    CleanOptions keep;
    keep.whitespace = WhitespaceMode::keep;
    CHECK(clean_text("  a  \n\n\n\nb  ", keep) == "  a  \n\n\n\nb  ");
  }
}

TEST_CASE("newlines of line-structured text survive every step", "[clean][newlines]") {
  CleanOptions all;
  all.strip_urls = true;
  all.normalize = Normalization::nfkc;
  const std::string verse = "Roses are red,\nViolets are blue,\n\nSugar is sweet.";
  CHECK(clean_text(verse, all) == verse);
  CHECK(clean_text("\x1b[1mtitle\x1b[0m\r\nbody\r\n", all) == "title\nbody");
}

TEST_CASE("invalid UTF-8 is rejected with its offset", "[clean][utf8]") {
  try {
    clean_text(
        "a\xFF"
        "b",
        only_defaults());
    FAIL("expected an error");
  } catch (const ds::Error& e) {
    CHECK(e.code() == DS_ERR_BAD_DATA);
    CHECK(std::string(e.what()) == "invalid UTF-8 at byte 1 (0xff)");
  }
  CHECK_THROWS(clean_text("\xED\xA0\x80", nothing()));  // even with every step off
  CHECK_THROWS(clean_text("cut \xE4\xBD", only_defaults()));
}

TEST_CASE("cleaning is idempotent", "[clean]") {
  CleanOptions all;
  all.strip_urls = true;
  all.normalize = Normalization::nfkc;
  for (const std::string s : {"\x1b[33m  -- Debian \x1b[32m《行为准则》\x1b[m第一条\x1b[m",
                              "see https://example.com/(a)).  ok\n\n\n\nnext　line",
                              "ＡＢＣ\xE2\x80\x8B１２３\r\n\r\n\r\n\r\nend"}) {
    const std::string once = clean_text(s, all);
    CHECK(clean_text(once, all) == once);
  }
}

TEST_CASE("the Debian Chinese fortunes clean to escape-free UTF-8", "[clean][fortune]") {
  std::ifstream in("/usr/share/games/fortunes/chinese", std::ios::binary);
  if (!in) {
    WARN("fortunes-zh not installed; skipped");
    return;
  }
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(first_invalid_utf8(all).has_value());
  const std::string cleaned = clean_text(all, only_defaults());
  CHECK(cleaned.find('\x1b') == std::string::npos);
  CHECK(cleaned.find("[m") == std::string::npos);
  CHECK(cleaned.find("-- Debian 《行为准则》第一条") != std::string::npos);
  CHECK_FALSE(first_invalid_utf8(cleaned).has_value());
  // Only escapes, controls and spaces went: every ideograph is still there.
  CHECK(count_ideographs(cleaned) == count_ideographs(all));
  CHECK(count_ideographs(all) > 100000);
}
