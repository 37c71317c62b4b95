// test_fields_mapping.cpp: "{field}" templates and the sources' `fields`
// mapping for instruction data: text = prompt + response, meta keeps the
// original fields plus prompt_chars / prompt_bytes; a missing field is a bad
// line with file:line.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catch.hpp"
#include "dsforge/dsforge.hpp"
#include "fake_host.hpp"
#include "field_template.hpp"
#include "json_source.hpp"
#include "jsonl_schemas.hpp"
#include "jsonl_source.hpp"
#include "record_mapping.hpp"
#include "temp_dir.hpp"

using namespace dsforge::data;
using fake::Record;
using nlohmann::json;

namespace {

std::string template_error(const std::string& text) {
  try {
    FieldTemplate t(text);
    return "";
  } catch (const ds::Error& e) {
    return e.what();
  }
}

const json kQaFields = {{"prompt", "Context: {context}\nQuestion: {question}\nAnswer: "},
                        {"response", "{answer}"}};

}  // namespace

TEST_CASE("field templates: placeholders, escaped braces, errors with offsets", "[fields]") {
  const FieldTemplate t("{{literal}} {a}-{b}-{a}");
  CHECK(t.fields() == std::vector<std::string>{"a", "b"});
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "a") return std::string("甲");
    if (name == "b") return std::string("乙");
    return std::nullopt;
  };
  CHECK(*t.render(lookup) == "{literal} 甲-乙-甲");
  std::string missing;
  CHECK_FALSE(FieldTemplate("{a}{c}").render(lookup, &missing));
  CHECK(missing == "c");
  CHECK(*FieldTemplate("").render(lookup) == "");
  CHECK(template_error("a {b") ==
        "unclosed '{' at byte 2 of template \"a {b\" (write \"{{\" or \"}}\" for a literal brace)");
  CHECK(template_error("a } b").find("lone '}' at byte 2") == 0);
  CHECK(template_error("{}").find("empty placeholder '{}' at byte 0") == 0);
  CHECK(template_error("{a{b}}").find("unclosed '{' at byte 0") == 0);
}

TEST_CASE("json_field_text: strings as they are, other values as JSON", "[fields]") {
  const nlohmann::ordered_json obj = {
      {"s", "文本"}, {"n", 3}, {"f", 0.5}, {"b", true}, {"z", nullptr}, {"a", {1, 2}}};
  CHECK(*json_field_text(obj, "s") == "文本");
  CHECK(*json_field_text(obj, "n") == "3");
  CHECK(*json_field_text(obj, "f") == "0.5");
  CHECK(*json_field_text(obj, "b") == "true");
  CHECK(*json_field_text(obj, "a") == "[1,2]");
  CHECK_FALSE(json_field_text(obj, "z"));
  CHECK_FALSE(json_field_text(obj, "nope"));
}

TEST_CASE("map_json_value with fields: prompt + response, lengths in meta", "[fields]") {
  RecordMapping m;
  m.fields = FieldsMapping{FieldTemplate("问题：{question}\n回答："), FieldTemplate("{answer}")};
  const MappedRecord r = map_json_value(
      nlohmann::ordered_json::parse(R"({"question": "天为什么是蓝的？", "answer": "瑞利散射。", "id": 7})"), m);
  REQUIRE(r.ok);
  const std::string prompt = "问题：天为什么是蓝的？\n回答：";
  CHECK(r.text == prompt + "瑞利散射。");
  const json meta = json::parse(r.meta);
  CHECK(meta.at("prompt_chars") == 15);
  CHECK(meta.at("prompt_bytes") == prompt.size());
  CHECK(r.text.substr(0, meta.at("prompt_bytes").get<size_t>()) == prompt);
  CHECK(r.meta.find(R"({"question":"天为什么是蓝的？","answer":"瑞利散射。","id":7,)") == 0);

  const MappedRecord missing =
      map_json_value(nlohmann::ordered_json::parse(R"({"question": "q", "answer": null})"), m);
  CHECK_FALSE(missing.ok);
  CHECK(missing.drop_reason == std::string("missing_field"));
  CHECK(missing.why == "field \"answer\" (used by fields.response) is null");
  const MappedRecord absent = map_json_value(nlohmann::ordered_json::parse(R"({"answer": "a"})"), m);
  CHECK(absent.why == "field \"question\" (used by fields.prompt) is missing");
}

TEST_CASE("jsonl source with fields: instruction records, missing fields skipped with file:line", "[fields]") {
  fake::Host host;
  TempDir dir;
  const std::string path = dir.write(
      "qa.jsonl",
      "{\"context\": \"Paris is in France.\", \"question\": \"Where is Paris?\", \"answer\": \"France\"}\n"
      "{\"context\": \"北京是中国的首都。\", \"question\": \"中国的首都是哪里？\", \"answer\": \"北京\"}\n"
      "{\"context\": \"x\", \"answer\": \"no question\"}\n");
  fake::Settings s(kJsonlSourceSchema, {{"path", path}, {"fields", kQaFields}});
  JsonlSource src(s.config());
  fake::Output out;
  const auto records = fake::read_source(src, 10, &out);
  REQUIRE(records.size() == 2);
  CHECK(records[0].text == "Context: Paris is in France.\nQuestion: Where is Paris?\nAnswer: France");
  CHECK(records[0].line == 1);
  const std::string zh_prompt = "Context: 北京是中国的首都。\nQuestion: 中国的首都是哪里？\nAnswer: ";
  CHECK(records[1].text == zh_prompt + "北京");
  const json meta = json::parse(records[1].meta);
  CHECK(meta.at("prompt_bytes") == zh_prompt.size());
  CHECK(meta.at("prompt_chars") == 9 + 9 + 1 + 10 + 9 + 1 + 8);
  CHECK(meta.at("context") == "北京是中国的首都。");
  CHECK(meta.at("answer") == "北京");
  CHECK(out.dropped("missing_field") == 1);
  CHECK(host.logged(path + ":3: field \"question\" (used by fields.prompt) is missing (line skipped)"));

  fake::Settings fail(kJsonlSourceSchema, {{"path", path}, {"fields", kQaFields}, {"on_error", "fail"}});
  JsonlSource strict(fail.config());
  CHECK_THROWS_WITH(fake::read_source(strict),
                    path + ":3: field \"question\" (used by fields.prompt) is missing");
}

TEST_CASE("json source with fields, response only, and settings errors", "[fields]") {
  fake::Host host;
  TempDir dir;
  const std::string path =
      dir.write("d.json", R"({"train": [{"title": "标题", "body": "正文"}, {"title": "t"}]})");
  fake::Settings s(kJsonSourceSchema,
                   {{"path", path}, {"key", "train"}, {"fields", {{"response", "{title}\n\n{body}"}}}});
  JsonSource src(s.config());
  fake::Output out;
  const auto records = fake::read_source(src, 10, &out);
  REQUIRE(records.size() == 1);
  CHECK(records[0].text == "标题\n\n正文");
  CHECK(records[0].meta == R"({"title":"标题","body":"正文","prompt_chars":0,"prompt_bytes":0})");
  CHECK(host.logged(path + ":1: train[1]: field \"body\" (used by fields.response) is missing"));

  fake::Settings bad(kJsonlSourceSchema, {{"path", path}, {"fields", {{"response", "{answer"}}}});
  CHECK_THROWS_WITH(JsonlSource(bad.config()), Catch::StartsWith("jsonl: fields.response: unclosed '{'"));
  fake::Settings no_response(kJsonSourceSchema, {{"path", path}, {"fields", {{"prompt", "{q}"}}}});
  CHECK_THROWS_WITH(JsonSource(no_response.config()), Catch::StartsWith("json: fields needs `response`"));
}
