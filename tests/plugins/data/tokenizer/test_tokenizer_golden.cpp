// test_tokenizer_golden.cpp: the DeepSeek-V3 tokenizer against the reference
// ids made with Hugging Face `tokenizers` (../shared/fixtures/
// tokenizer_deepseek_v3/expected.jsonl): every row's `ids` (no special
// tokens), `ids_with_special` and `decoded` must match exactly. A mismatch
// names the row, its text and the first differing position.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "tokenizer.hpp"

using dsforge::tokenizer::Tokenizer;

namespace {

const std::string kDir = std::string(DSFORGE_FIXTURES_DIR) + "/tokenizer_deepseek_v3";

struct Row {
  std::string text;
  std::vector<uint32_t> ids, ids_with_special;
  std::string decoded;
};

std::vector<Row> read_expected() {
  std::ifstream in(kDir + "/expected.jsonl");
  REQUIRE(in.good());
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    rows.push_back({j.at("text").get<std::string>(), j.at("ids").get<std::vector<uint32_t>>(),
                    j.at("ids_with_special").get<std::vector<uint32_t>>(),
                    j.at("decoded").get<std::string>()});
  }
  return rows;
}

const Tokenizer& deepseek() {
  static const Tokenizer t = Tokenizer::from_file(kDir + "/tokenizer.json", kDir + "/tokenizer_config.json");
  return t;
}

template <class Seq>
size_t first_difference(const Seq& a, const Seq& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

template <class Seq>
std::string around(const Seq& s, size_t at) {
  std::ostringstream out;
  out << "[";
  const size_t from = at >= 3 ? at - 3 : 0;
  for (size_t i = from; i < s.size() && i < at + 5; ++i) out << (i > from ? ", " : "") << s[i];
  out << "]";
  return out.str();
}

std::string around(const std::string& s, size_t at) {
  const size_t from = at >= 12 ? at - 12 : 0;
  return "\"" + s.substr(from, 40) + "\"";
}

// Empty when equal, else where and how they differ.
template <class Seq>
std::string describe(const char* what, const Seq& got, const Seq& want) {
  if (got == want) return {};
  const size_t at = first_difference(got, want);
  std::ostringstream out;
  out << what << " differ at position " << at << " (sizes " << got.size() << " vs " << want.size()
      << "): ours " << around(got, at) << ", expected " << around(want, at);
  return out.str();
}

}  // namespace

TEST_CASE("DeepSeek-V3 tokenizer reproduces expected.jsonl exactly", "[tokenizer][golden]") {
  const Tokenizer& tok = deepseek();
  const std::vector<Row> rows = read_expected();
  REQUIRE(rows.size() == 370);
  size_t matching = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::string problems;
    for (const std::string& p : {describe("ids", tok.encode(r.text, false), r.ids),
                                 describe("ids_with_special", tok.encode(r.text, true), r.ids_with_special),
                                 describe("decoded", tok.decode(r.ids, false), r.decoded)}) {
      if (!p.empty()) problems += "\n  " + p;
    }
    if (problems.empty()) {
      ++matching;
    } else {
      INFO("row " << i << " text \"" << r.text.substr(0, 200) << "\"" << problems);
      CHECK(problems.empty());
    }
  }
  INFO(matching << "/" << rows.size() << " rows match");
  CHECK(matching == rows.size());
}

TEST_CASE("DeepSeek-V3 special tokens and vocabulary", "[tokenizer][golden]") {
  const Tokenizer& tok = deepseek();
  CHECK(tok.vocab_size() == 128815);  // 128000 model tokens + 815 added beyond them
  CHECK(tok.bos_id() == 0u);
  CHECK(tok.eos_id() == 1u);
  CHECK(tok.pad_id() == 1u);
  CHECK_FALSE(tok.unk_id().has_value());
  CHECK(tok.add_bos_token());
  CHECK_FALSE(tok.add_eos_token());
  CHECK(tok.id_to_token(0) == "<｜begin▁of▁sentence｜>");
  CHECK(tok.token_to_id("<｜User｜>") == 128803u);
  CHECK(tok.is_special(0));
  CHECK_FALSE(tok.is_special(128803));  // <｜User｜> is an added token but not special
  CHECK(tok.id_to_token(999999).empty());
  CHECK(tok.decode({0, 19923, 1}, true) == "Hello");
  CHECK(tok.decode({0, 19923, 1}, false) == "<｜begin▁of▁sentence｜>Hello<｜end▁of▁sentence｜>");
}

TEST_CASE("DeepSeek-V3 with tokenizer_config's add_bos_token applied", "[tokenizer][golden]") {
  // Not the reference behavior (the post-processor adds nothing), but what
  // transformers 4's LlamaTokenizerFast would do: "<bos> $A".
  dsforge::tokenizer::TokenizerOptions options;
  options.config_adds_bos_eos = true;
  const Tokenizer tok =
      Tokenizer::from_file(kDir + "/tokenizer.json", kDir + "/tokenizer_config.json", options);
  CHECK(tok.encode("Hello", true) == std::vector<uint32_t>{0, 19923});
  CHECK(tok.encode("Hello", false) == std::vector<uint32_t>{19923});
}

TEST_CASE("DeepSeek-V3 chat template texts keep their special tokens", "[tokenizer][golden]") {
  const Tokenizer& tok = deepseek();
  std::ifstream in(kDir + "/chat_template_expected.jsonl");
  REQUIRE(in.good());
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string text = nlohmann::json::parse(line).at("text").get<std::string>();
    const auto ids = tok.encode(text, false);
    INFO(text);
    REQUIRE(!ids.empty());
    CHECK(ids.front() == 0u);  // the rendered text starts with <｜begin▁of▁sentence｜>
    CHECK(tok.decode(ids, false) == text);
    ++n;
  }
  CHECK(n > 0);
}

TEST_CASE("DeepSeek-V3 encode_batch on threads equals encode", "[tokenizer][golden]") {
  const Tokenizer& tok = deepseek();
  std::vector<std::string> texts;
  for (int round = 0; round < 8; ++round) {
    for (const Row& r : read_expected()) texts.push_back(r.text);
  }
  const auto batch = tok.encode_batch(texts, true, 4);
  REQUIRE(batch.size() == texts.size());
  size_t same = 0;
  for (size_t i = 0; i < texts.size(); ++i) same += batch[i] == tok.encode(texts[i], true);
  CHECK(same == texts.size());
}

TEST_CASE("DeepSeek-V3 round-trips arbitrary bytes", "[tokenizer][golden]") {
  const Tokenizer& tok = deepseek();
  const std::vector<std::string> samples = {"😀🚀 emoji 👨‍👩‍👧‍👦",
                                            "中文English混排 123abc",
                                            "\xff\xfe bad \xc3(",
                                            "\xed\xa0\x80 surrogate",
                                            std::string("nul\0byte", 8),
                                            "\r\n\r\n  \t"};
  for (const std::string& s : samples) {
    INFO(s);
    CHECK(tok.decode_bytes(tok.encode(s, false), false) == s);
  }
  uint32_t state = 12345;
  for (int n = 0; n < 500; ++n) {
    std::string s(n % 97, '\0');
    for (char& c : s) {
      state = state * 1664525u + 1013904223u;
      c = static_cast<char>(state >> 24);
    }
    CHECK(tok.decode_bytes(tok.encode(s, false), false) == s);
  }
}
