// test_tokenizer_added_tokens.cpp: added tokens found in text: leftmost
// longest, lstrip / rstrip, single_word, normalized vs raw matching, special
// tokens in decode, and ids assigned as `tokenizers` assigns them. The
// scenarios are the ones `tokenizers` tests its AddedVocabulary with.
#include <string>
#include <vector>

#include "catch.hpp"
#include "tiny_tokenizer.hpp"
#include "tokenizer.hpp"
#include "tokenizer_unicode.hpp"

using dsforge::tokenizer::Tokenizer;
using Ids = std::vector<uint32_t>;

namespace {

// Expected ids: added tokens by content, other text character by character
// (the models here have no merges).
struct Expect {
  const Tokenizer& t;
  Ids ids;
  Expect& token(const std::string& content) {
    const auto id = t.token_to_id(content);
    REQUIRE(id.has_value());
    ids.push_back(*id);
    return *this;
  }
  Expect& text(const std::string& s) {
    for (size_t pos = 0; pos < s.size();) {
      const auto c = dsforge::tokenizer::utf8_next(s.data(), s.size(), pos);
      token(s.substr(pos, c.len));
      pos += c.len;
    }
    return *this;
  }
};

const char* kLower = " abcdefghijklmnopqrstuvwxyz";

tiny::Doc lowercase_doc(const std::string& extra_chars) {
  tiny::Doc doc;
  doc.model = tiny::bpe(tiny::chars(kLower + extra_chars));
  doc.normalizer = {{"type", "Lowercase"}};
  return doc;
}

}  // namespace

TEST_CASE("Added tokens: lstrip, rstrip, normalized, single_word together", "[tokenizer][unit]") {
  tiny::Doc doc = lowercase_doc("");
  doc.added_tokens = {tiny::added(27, "[CLS]", true), tiny::added(28, "[SEP]", true),
                      tiny::added(29, "my", false, true, true, false, true),
                      tiny::added(30, "name", false, false, false, false, true),
                      tiny::added(31, "ony", false, false, false, true, true)};
  const Tokenizer tok = doc.load();
  // "[CLS]" | " my " (my, both spaces swallowed) | "name" | " is anthony " (ony is not a word there) |
  // "[SEP]"
  CHECK(tok.encode("[CLS] My name is Anthony [SEP]", false) ==
        Expect{tok, {}}.token("[CLS]").token("my").token("name").text(" is anthony ").token("[SEP]").ids);
  CHECK(tok.token_to_id("[CLS]") == 27u);
  CHECK(tok.token_to_id("ony") == 31u);
}

TEST_CASE("Added tokens: single_word", "[tokenizer][unit]") {
  tiny::Doc doc = lowercase_doc("<>,-\u25cc\u0330");
  doc.added_tokens = {tiny::added(34, "<mask>", false, false, false, true, true)};
  const Tokenizer tok = doc.load();
  CHECK(tok.encode("<mask> My name <mask> A<mask> <mask>ony <mask>", false) ==
        Expect{tok, {}}
            .token("<mask>")
            .text(" my name ")
            .token("<mask>")
            .text(" a<mask> <mask>ony ")
            .token("<mask>")
            .ids);
  // Punctuation is not a word character; a combining mark is.
  CHECK(tok.encode("<mask>, <mask>- \u25cc\u0330<mask>", false) ==
        Expect{tok, {}}.token("<mask>").text(", ").token("<mask>").text("- \u25cc\u0330<mask>").ids);
}

TEST_CASE("Added tokens: lstrip and rstrip take Unicode whitespace", "[tokenizer][unit]") {
  tiny::Doc doc = lowercase_doc("<>\t\u2000");
  doc.added_tokens = {tiny::added(31, "<mask>", false, true, true, true, true)};
  const Tokenizer tok = doc.load();
  // "hi" | " <mask> " | "there" | "\t<mask>\t" | "<mask>\u2000" (the tab before it is already taken)
  CHECK(tok.encode("Hi <mask> there\t<mask>\t<mask>\u2000", false) ==
        Expect{tok, {}}.text("hi").token("<mask>").text("there").token("<mask>").token("<mask>").ids);
}

TEST_CASE("Added tokens: leftmost longest, raw vs normalized matching", "[tokenizer][unit]") {
  tiny::Doc doc = lowercase_doc("<>");
  doc.added_tokens = {tiny::added(29, "<a>", false), tiny::added(30, "<a><b>", false),
                      tiny::added(31, "<a><b>c", false), tiny::added(32, "<B>", true),
                      tiny::added(33, "<C>", false, false, false, false, true)};
  const Tokenizer tok = doc.load();
  CHECK(tok.encode("<a><b>cd<a><b>x<a>", false) ==
        Expect{tok, {}}.token("<a><b>c").text("d").token("<a><b>").text("x").token("<a>").ids);
  // <B> is not normalized: matched in the raw text only. <C> is normalized:
  // its lowercased content is matched in the lowercased text.
  CHECK(tok.encode("<B><b><C><c>", false) ==
        Expect{tok, {}}.token("<B>").text("<b>").token("<C>").token("<C>").ids);
}

TEST_CASE("Added tokens: special ones are skipped by decode, found without add_special_tokens",
          "[tokenizer][unit]") {
  tiny::Doc doc = lowercase_doc("");
  doc.added_tokens = {tiny::added(27, "<s>", true), tiny::added(28, "<x>", false)};
  doc.post_processor = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"pair", nlohmann::json::array()},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {27}}, {"tokens", {"<s>"}}}}}}};
  const Tokenizer tok = doc.load();
  const Ids plain = tok.encode("a<s>b<x>", false);
  CHECK(plain == Expect{tok, {}}.text("a").token("<s>").text("b").token("<x>").ids);
  const Ids with = tok.encode("a<s>b<x>", true);
  CHECK(with.front() == 27u);
  CHECK(Ids(with.begin() + 1, with.end()) == plain);
  CHECK(tok.decode(with, false) == "<s> a <s> b <x>");  // no decoder: tokens joined by spaces
  CHECK(tok.decode(with, true) == "a b <x>");
  CHECK(tok.is_special(27));
  CHECK_FALSE(tok.is_special(28));
}

TEST_CASE("Added token ids are assigned as `tokenizers` assigns them", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"a", "b", "c"});
  // "b" is in the model: it keeps id 1. The others follow the model (3, 4)
  // whatever their "id" field says.
  doc.added_tokens = {tiny::added(1, "b", true), tiny::added(20, "<p>", false), tiny::added(21, "<q>", true)};
  const Tokenizer tok = doc.load();
  CHECK(tok.token_to_id("b") == 1u);
  CHECK(tok.token_to_id("<p>") == 3u);
  CHECK(tok.token_to_id("<q>") == 4u);
  CHECK(tok.vocab_size() == 5);
  CHECK(tok.encode("a<q>b<p>", false) == Ids{0, 4, 1, 3});
  CHECK(tok.id_to_token(4) == "<q>");
}
