// test_tokenizer_parts.cpp: normalizers, post-processors, decoders and
// tokenizer_config.json, each through a whole small tokenizer.
#include <string>
#include <vector>

#include "../temp_dir.hpp"
#include "catch.hpp"
#include "tiny_tokenizer.hpp"
#include "tokenizer.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_normalizers.hpp"

using dsforge::tokenizer::Tokenizer;
using nlohmann::json;
using Ids = std::vector<uint32_t>;

namespace {

std::string normalize(const json& n, const std::string& text) {
  const std::string file = "tokenizer.json";
  const auto normalizer =
      dsforge::tokenizer::make_normalizer(dsforge::tokenizer::JsonNode(n, "normalizer", file));
  if (!normalizer) return text;
  std::string out;
  normalizer->normalize(text, out);
  return out;
}

}  // namespace

TEST_CASE("Normalizers", "[tokenizer][unit]") {
  CHECK(normalize({{"type", "Lowercase"}}, "ÀBÇ İ ΣΑΣ x") == "àbç i\u0307 σασ x");
  CHECK(normalize({{"type", "NFKC"}}, "ＡＢＣ１２３ ﬁ") == "ABC123 fi");
  CHECK(normalize({{"type", "NFC"}}, "e\u0301") == "é");
  CHECK(normalize({{"type", "NFD"}}, "é") == "e\u0301");
  CHECK(normalize({{"type", "NFKD"}}, "ﬁé") == "fie\u0301");
  CHECK(normalize({{"type", "Prepend"}, {"prepend", "▁"}}, "hi") == "▁hi");
  CHECK(normalize({{"type", "Prepend"}, {"prepend", "▁"}}, "") == "");
  CHECK(normalize({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}, " a b ") ==
        "▁a▁b▁");
  CHECK(normalize({{"type", "Replace"}, {"pattern", {{"Regex", "\\d+"}}}, {"content", "#"}}, "a12b3") ==
        "a#b#");
  CHECK(normalize({{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}}, "\u3000 a b\t\n") ==
        "a b");
  CHECK(normalize({{"type", "Strip"}, {"strip_left", false}, {"strip_right", true}}, " a ") == " a");
  CHECK(normalize({{"type", "StripAccents"}}, "e\u0301a\u0308") == "ea");
  CHECK(normalize({{"type", "Sequence"},
                   {"normalizers", {{{"type", "NFD"}}, {{"type", "StripAccents"}}, {{"type", "Lowercase"}}}}},
                  "ÉCOLE") == "ecole");
  CHECK(normalize({{"type", "Sequence"}, {"normalizers", json::array()}}, "Same") == "Same");
  // Ill-formed bytes pass through.
  CHECK(normalize({{"type", "NFC"}},
                  "a\xff"
                  "e\u0301") ==
        "a\xff"
        "é");
  CHECK(normalize({{"type", "Lowercase"}},
                  "A\xff"
                  "B") ==
        "a\xff"
        "b");
}

TEST_CASE("Llama-2 style pipeline: Prepend + Replace, byte fallback, Metaspace-like decoders",
          "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"<unk>", "<s>", "</s>", "▁", "h", "i", "▁h", "▁hi", "<0xE2>", "<0x82>", "<0xAC>"},
                        {"▁ h", "▁h i"});
  doc.model["byte_fallback"] = true;
  doc.model["unk_token"] = "<unk>";
  doc.normalizer = {{"type", "Sequence"},
                    {"normalizers",
                     {{{"type", "Prepend"}, {"prepend", "▁"}},
                      {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}};
  doc.decoder = {{"type", "Sequence"},
                 {"decoders",
                  {{{"type", "Replace"}, {"pattern", {{"String", "▁"}}}, {"content", " "}},
                   {{"type", "ByteFallback"}},
                   {{"type", "Fuse"}},
                   {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  doc.added_tokens = {tiny::added(0, "<unk>", true), tiny::added(1, "<s>", true),
                      tiny::added(2, "</s>", true)};
  doc.post_processor = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
  const Tokenizer tok = doc.load();
  CHECK(tok.encode("hi hi€", false) == Ids{7, 7, 8, 9, 10});
  CHECK(tok.encode("hi", true) == Ids{1, 7});
  CHECK(tok.decode({1, 7, 7, 8, 9, 10}, true) == "hi hi€");
  CHECK(tok.decode({7, 8, 9}, true) == "hi\uFFFD\uFFFD");
  // Each text piece between added tokens gets its own "▁".
  CHECK(tok.encode("hi</s>hi", false) == Ids{7, 2, 7});
}

TEST_CASE("Metaspace decoder and the Bert/Roberta/Sequence post-processors", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"[CLS]", "[SEP]", "▁a", "▁b", "c", "▁", "a", "b"}, {"▁ a", "▁ b"});
  doc.pre_tokenizer = {
      {"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "always"}, {"split", true}};
  doc.decoder = {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "always"}, {"split", true}};
  doc.post_processor = {
      {"type", "Sequence"},
      {"processors",
       {{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}},
        {{"type", "BertProcessing"}, {"sep", {"[SEP]", 1}}, {"cls", {"[CLS]", 0}}}}}};
  const Tokenizer tok = doc.load();
  CHECK(tok.encode("a bc", true) == Ids{0, 2, 3, 4, 1});
  CHECK(tok.decode({2, 3, 4}, false) == "a bc");  // the first token's "▁" goes
  doc.post_processor = {{"type", "RobertaProcessing"},
                        {"sep", {"[SEP]", 1}},
                        {"cls", {"[CLS]", 0}},
                        {"trim_offsets", true},
                        {"add_prefix_space", true}};
  CHECK(doc.load().encode("a", true) == Ids{0, 2, 1});
  CHECK(doc.load().encode("a", false) == Ids{2});
}

TEST_CASE("tokenizer_config.json: special token ids and add_bos/add_eos", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"<s>", "</s>", "a"});
  doc.added_tokens = {tiny::added(0, "<s>", true), tiny::added(1, "</s>", true)};
  const json config = {{"add_bos_token", true},
                       {"add_eos_token", true},
                       {"bos_token", {{"__type", "AddedToken"}, {"content", "<s>"}, {"lstrip", false}}},
                       {"eos_token", "</s>"},
                       {"pad_token", nullptr}};
  TempDir dir;
  const std::string tok_path = dir.write("tokenizer.json", doc.str());
  const std::string cfg_path = dir.write("tokenizer_config.json", config.dump());

  const Tokenizer plain = Tokenizer::from_file(tok_path, cfg_path);
  CHECK(plain.bos_id() == 0u);
  CHECK(plain.eos_id() == 1u);
  CHECK_FALSE(plain.pad_id().has_value());
  CHECK(plain.add_bos_token());
  CHECK(plain.add_eos_token());
  CHECK(plain.encode("a", true) == Ids{2});  // tokenizer.json has no post-processor

  dsforge::tokenizer::TokenizerOptions options;
  options.config_adds_bos_eos = true;
  const Tokenizer llama = Tokenizer::from_file(tok_path, cfg_path, options);
  CHECK(llama.encode("a", true) == Ids{0, 2, 1});
  CHECK(llama.encode("a", false) == Ids{2});
}
