// Golden tests of the chat template engine:
// - every row of the DeepSeek-V3 tokenizer fixture
//   (../shared/fixtures/tokenizer_deepseek_v3/chat_template_expected.jsonl,
//   rendered by transformers) renders exactly, through the tokenizer_config
//   loader;
// - expected_renders.jsonl (this folder): the Qwen2-style, Llama-3-style and
//   stress templates over conversations.jsonl as Python jinja2 renders them
//   (jinja2_crosscheck.py --write-expected), so the comparison also runs
//   where no Python is installed.
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "catch.hpp"
#include "chat_template.hpp"

using dsforge::data::ChatTemplate;
using dsforge::data::TemplateError;
using json = nlohmann::ordered_json;

namespace {

const std::string kHere = DSFORGE_SOURCE_DIR "/tests/plugins/data/chat_template";

std::vector<json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<json> rows;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(json::parse(line));
  return rows;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("DeepSeek-V3 chat template renders every fixture row exactly", "[golden]") {
  const std::string dir = DSFORGE_FIXTURES_DIR "/tokenizer_deepseek_v3";
  const auto config = dsforge::data::load_tokenizer_chat_config(dir + "/tokenizer_config.json");
  REQUIRE(config.templates.size() == 1);
  CHECK(config.special_tokens["bos_token"] == "<｜begin▁of▁sentence｜>");
  CHECK(config.special_tokens["eos_token"] == "<｜end▁of▁sentence｜>");
  const ChatTemplate tmpl = ChatTemplate::parse(config.template_source());

  const std::vector<json> rows = read_jsonl(dir + "/chat_template_expected.jsonl");
  REQUIRE(rows.size() >= 5);
  for (size_t i = 0; i < rows.size(); ++i) {
    const json& row = rows[i];
    INFO("fixture row " << i + 1 << ": " << row["messages"].dump());
    const bool agp = row["add_generation_prompt"].get<bool>();
    CHECK(tmpl.apply(row["messages"], agp, config.special_tokens) == row["text"].get<std::string>());
    // The one-call helpers agree with the parsed template.
    CHECK(config.apply(row["messages"], agp) == row["text"].get<std::string>());
    CHECK(dsforge::data::apply_chat_template(config.template_source(), row["messages"], agp,
                                             config.special_tokens) == row["text"].get<std::string>());
  }
}

TEST_CASE("Qwen2, Llama-3 and stress templates match jinja2's renders", "[golden]") {
  std::map<std::string, json> cases;
  for (const json& c : read_jsonl(kHere + "/conversations.jsonl")) cases[c["id"].get<std::string>()] = c;
  std::map<std::string, ChatTemplate> templates;
  for (const char* name : {"qwen2_tools.jinja", "llama3.jinja", "stress.jinja"})
    templates.emplace(name, ChatTemplate::parse(read_text(kHere + "/templates/" + name)));

  const std::vector<json> rows = read_jsonl(kHere + "/expected_renders.jsonl");
  REQUIRE(rows.size() >= 40);
  size_t rendered = 0, raised = 0;
  for (const json& row : rows) {
    const std::string name = row["template"].get<std::string>();
    const std::string id = row["case"].get<std::string>();
    INFO(name << " / " << id);
    REQUIRE(templates.count(name) == 1);
    REQUIRE(cases.count(id) == 1);
    const json& c = cases[id];
    const ChatTemplate& tmpl = templates.at(name);
    if (row.contains("text")) {
      CHECK(tmpl.apply(c["messages"], c["add_generation_prompt"].get<bool>(), c["extra"]) ==
            row["text"].get<std::string>());
      ++rendered;
    } else {
      try {
        tmpl.apply(c["messages"], c["add_generation_prompt"].get<bool>(), c["extra"]);
        FAIL("expected an error like jinja2's: " << row["error"].get<std::string>());
      } catch (const TemplateError& e) {
        if (row["error_kind"] == "raised") {
          CHECK(e.kind() == TemplateError::Kind::raised);
          CHECK(e.message() == row["error"].get<std::string>());
        }
        ++raised;
      }
    }
  }
  CHECK(rendered > 30);
  CHECK(raised >= 1);
}
