// test_tokenizer_errors.cpp: bad files give one clear error naming the file,
// the JSON path and what was expected; nothing crashes.
#include <stdexcept>
#include <string>

#include "../temp_dir.hpp"
#include "catch.hpp"
#include "tiny_tokenizer.hpp"
#include "tokenizer.hpp"

using dsforge::tokenizer::Tokenizer;
using nlohmann::json;

namespace {

std::string load_error(const std::string& text, const std::string& name = "tokenizer.json") {
  try {
    Tokenizer::from_json(text, name);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string load_error(const tiny::Doc& doc) { return load_error(doc.str()); }

// CHECK that `text` starts with `prefix`, printing both when it does not.
#define CHECK_PREFIX(text, prefix)                                  \
  do {                                                              \
    const std::string check_text_ = (text);                         \
    const std::string check_prefix_ = (prefix);                     \
    CHECK(tiny::head(check_text_, check_prefix_) == check_prefix_); \
  } while (0)

tiny::Doc good() {
  tiny::Doc doc;
  doc.model = tiny::bpe({"a", "b", "ab"}, {"a b"});
  return doc;
}

}  // namespace

TEST_CASE("A good tiny tokenizer loads", "[tokenizer][unit]") {
  CHECK(good().load().encode("ab", false) == std::vector<uint32_t>{2});
}

TEST_CASE("Missing and unreadable files", "[tokenizer][unit]") {
  CHECK(tiny::error_of([] { Tokenizer::from_file("/nonexistent/tokenizer.json"); }) ==
        "cannot open /nonexistent/tokenizer.json");
  TempDir dir;
  const std::string tok = dir.write("tokenizer.json", good().str());
  CHECK(tiny::error_of([&] { Tokenizer::from_file(tok, dir / "missing_config.json"); }) ==
        "cannot open " + (dir / "missing_config.json"));
  const std::string cfg = dir.write("tokenizer_config.json", R"({"bos_token": 42})");
  CHECK(tiny::error_of([&] { Tokenizer::from_file(tok, cfg); }) ==
        cfg + ": bos_token: expected a string, an AddedToken object or null, got 42");
}

TEST_CASE("Syntax errors name the file and the line", "[tokenizer][unit]") {
  const std::string syntax =
      tiny::error_of([] { Tokenizer::from_json("{\n  \"model\": [1, 2,\n}", "my/tokenizer.json"); });
  const std::string want = "my/tokenizer.json: invalid JSON: parse error at line 3";
  CHECK(tiny::head(syntax, want) == want);
  CHECK(load_error("[]") == "tokenizer.json: (root): expected an object, got [...]");
  CHECK(load_error("{}") == "tokenizer.json: (root): missing \"model\"");
}

TEST_CASE("Model errors carry the JSON path", "[tokenizer][unit]") {
  tiny::Doc doc = good();
  doc.model["merges"] = {"a b", "ab"};
  CHECK(load_error(doc) == "tokenizer.json: model.merges[1]: expected \"a b\", got \"ab\"");
  doc.model["merges"] = {"a b", 42};
  CHECK(load_error(doc) == "tokenizer.json: model.merges[1]: expected \"a b\" or [\"a\", \"b\"], got 42");
  doc.model["merges"] = {"a zz"};
  CHECK(load_error(doc) == "tokenizer.json: model.merges[0]: \"zz\" is not in model.vocab");
  doc.model["merges"] = {"b a"};
  CHECK(load_error(doc) == "tokenizer.json: model.merges[0]: the merged token \"ba\" is not in model.vocab");

  doc = good();
  doc.model["vocab"]["c"] = -1;
  CHECK(load_error(doc) == "tokenizer.json: model.vocab[\"c\"]: expected an id in [0, 2147483647], got -1");
  doc = good();
  doc.model["vocab"] = json::array();
  CHECK(load_error(doc) == "tokenizer.json: model.vocab: expected an object of token -> id, got [...]");
  doc = good();
  doc.model["type"] = "WordPiece";
  CHECK(load_error(doc) ==
        "tokenizer.json: model.type: unsupported model type \"WordPiece\" (supported: BPE)");
  doc = good();
  doc.model["dropout"] = 0.1;
  CHECK(load_error(doc) == "tokenizer.json: model.dropout: dropout is not supported (BPE dropout is random)");
  doc = good();
  doc.model.erase("merges");
  CHECK(load_error(doc) == "tokenizer.json: model: missing \"merges\"");
}

TEST_CASE("Unsupported or malformed parts carry the JSON path", "[tokenizer][unit]") {
  tiny::Doc doc = good();
  doc.pre_tokenizer = {{"type", "Sequence"},
                       {"pretokenizers", {tiny::byte_level(false, true), {{"type", "UnicodeScripts"}}}}};
  CHECK_PREFIX(load_error(doc), ("tokenizer.json: pre_tokenizer.pretokenizers[1].type: "
                                 "unsupported pre_tokenizer type \"UnicodeScripts\""));
  doc = good();
  doc.pre_tokenizer = {
      {"type", "Split"}, {"pattern", {{"Regex", "(ab"}}}, {"behavior", "Isolated"}, {"invert", false}};
  CHECK_PREFIX(load_error(doc), ("tokenizer.json: pre_tokenizer.pattern.Regex: invalid regex \"(ab\": "
                                 "missing closing parenthesis"));
  doc.pre_tokenizer = {
      {"type", "Split"}, {"pattern", {{"Regex", "a"}}}, {"behavior", "Sideways"}, {"invert", false}};
  CHECK_PREFIX(load_error(doc), ("tokenizer.json: pre_tokenizer.behavior: expected one of \"Removed\""));
  doc.pre_tokenizer = {{"type", "Split"}, {"pattern", "a"}, {"behavior", "Isolated"}};
  CHECK_PREFIX(load_error(doc), ("tokenizer.json: pre_tokenizer.pattern: expected {\"Regex\""));
  doc = good();
  doc.normalizer = {{"type", "Sequence"},
                    {"normalizers", {{{"type", "Precompiled"}, {"precompiled_charsmap", "x"}}}}};
  CHECK_PREFIX(load_error(doc), ("tokenizer.json: normalizer.normalizers[0].type: "
                                 "unsupported normalizer type \"Precompiled\""));
  doc = good();
  doc.decoder = {{"type", "CTC"}};
  CHECK_PREFIX(load_error(doc), ("tokenizer.json: decoder.type: unsupported decoder type \"CTC\""));
  doc = good();
  doc.post_processor = {{"type", "TemplateProcessing"}, {"single", {{{"SpecialToken", {{"id", "<s>"}}}}}}};
  CHECK(load_error(doc) ==
        "tokenizer.json: post_processor.single[0].SpecialToken.id: \"<s>\" is not in special_tokens");
  doc = good();
  doc.added_tokens = {{{"id", 5}, {"special", true}}};
  CHECK(load_error(doc) == "tokenizer.json: added_tokens[0]: missing \"content\"");
  doc = good();
  doc.pre_tokenizer = {{"type", "Metaspace"}, {"replacement", "ab"}};
  CHECK(load_error(doc) ==
        "tokenizer.json: pre_tokenizer.replacement: expected a single character, got \"ab\"");
}
