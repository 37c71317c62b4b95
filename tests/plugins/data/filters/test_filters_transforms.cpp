// test_filters_transforms.cpp: the five transforms as the host drives them
// (settings with schema defaults, process() per batch, flush() at the end),
// through the stand-in host in fake_host.hpp.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catch.hpp"
#include "fake_host.hpp"
#include "filters_schemas.hpp"
#include "filters_transforms.hpp"
#include "temp_dir.hpp"

using namespace dsforge::data;
using fake::Record;
using nlohmann::json;

namespace {

std::vector<std::string> texts_of(const std::vector<Record>& rs) {
  std::vector<std::string> out;
  for (const Record& r : rs) out.push_back(r.text);
  return out;
}

std::vector<Record> numbered(size_t n, const std::string& prefix = "record ") {
  std::vector<Record> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(Record{prefix + std::to_string(i), "{\"id\":" + std::to_string(i) + "}",
                         "in.jsonl", static_cast<int64_t>(i + 1)});
  return out;
}

// Cuts records into batches of `size`.
std::vector<std::vector<Record>> batches_of(const std::vector<Record>& rs, size_t size) {
  std::vector<std::vector<Record>> out;
  for (size_t i = 0; i < rs.size(); i += size)
    out.emplace_back(rs.begin() + static_cast<std::ptrdiff_t>(i),
                     rs.begin() + static_cast<std::ptrdiff_t>(std::min(rs.size(), i + size)));
  return out;
}

template <class T>
std::string construct_error(const char* schema, json settings) {
  fake::Settings s(schema, std::move(settings));
  try {
    T t(s.config());
    return "";
  } catch (const ds::Error& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("every schema is valid JSON, closed, documented and has matching defaults", "[filters]") {
  fake::Host host;
  for (const char* schema : {kLengthFilterSchema, kSensitiveFilterSchema, kAugmentSchema,
                             kShuffleSchema, kSplitSchema}) {
    const json s = json::parse(schema);
    CHECK(s.at("additionalProperties") == false);
    for (const auto& [key, prop] : s.at("properties").items()) {
      INFO(key);
      CHECK(prop.contains("description"));
    }
  }
  // Components whose defaults alone are a valid config construct from them.
  fake::Settings shuffle(kShuffleSchema, json::object()), split(kSplitSchema, json::object());
  CHECK_NOTHROW(ShuffleTransform(shuffle.config()));
  CHECK_NOTHROW(SplitTransform(split.config()));
}

TEST_CASE("length_filter drops too_short and too_long by characters and bytes", "[filters]") {
  fake::Host host;
  fake::Settings s(kLengthFilterSchema, {{"min_chars", 3}, {"max_chars", 5}, {"max_bytes", 12}});
  LengthFilter f(s.config());
  fake::Output out;
  const auto kept = fake::run_transform(
      f, {fake::texts({"你好", "你好世界", "abcdef", "abc", "你好世界呀"})}, &out);
  // "你好世界呀" is 5 characters but 15 bytes.
  CHECK(texts_of(kept) == std::vector<std::string>{"你好世界", "abc"});
  CHECK(out.dropped("too_short") == 1);
  CHECK(out.dropped("too_long") == 2);

  CHECK(construct_error<LengthFilter>(kLengthFilterSchema, json::object())
            .find("length_filter: no limit set") == 0);
  CHECK(construct_error<LengthFilter>(kLengthFilterSchema, {{"min_chars", 9}, {"max_chars", 2}}) ==
        "length_filter: min_chars (9) is above max_chars (2)");
}

TEST_CASE("length_filter counts tokens with a Hugging Face tokenizer", "[filters]") {
  fake::Host host;
  const std::string tok = std::string(DSFORGE_FIXTURES_DIR) + "/tokenizer_deepseek_v3";
  // Token counts from the fixture (the tokenizers library): "你好，世界" is
  // [30594, 303, 3427], 3 tokens.
  fake::Settings s(kLengthFilterSchema, {{"tokenizer", tok}, {"min_tokens", 3}, {"max_tokens", 3}});
  LengthFilter f(s.config());
  fake::Output out;
  const auto kept = fake::run_transform(f, {fake::texts({"你好，世界", "你好", "你好，世界! Hello"})}, &out);
  CHECK(texts_of(kept) == std::vector<std::string>{"你好，世界"});
  CHECK(out.dropped("too_few_tokens") == 1);
  CHECK(out.dropped("too_many_tokens") == 1);
  CHECK(construct_error<LengthFilter>(kLengthFilterSchema, {{"min_tokens", 2}}).find("need `tokenizer`") !=
        std::string::npos);
}

TEST_CASE("sensitive_filter drop: records with a listed word go, counted as sensitive", "[filters]") {
  fake::Host host;
  TempDir dir;
  const std::string list = dir.write("words.txt", "# 词表\n赌博\nCasino\n");
  fake::Settings s(kSensitiveFilterSchema,
                   {{"words", {"代开发票"}}, {"words_file", list}, {"ignore_case", true}});
  SensitiveFilter f(s.config());
  fake::Output out;
  const std::vector<Record> in = {{"正常的句子", "{\"id\":1}", "a.jsonl", 1},
                                  {"网上赌博，赌博网站", "", "a.jsonl", 2},
                                  {"visit our CASINO", "", "a.jsonl", 3},
                                  {"可以代开发票", "", "a.jsonl", 4}};
  const auto kept = fake::run_transform(f, {in}, &out);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0] == in[0]);  // untouched records pass as they are
  CHECK(out.dropped("sensitive") == 3);
  CHECK(host.logged("INFO sensitive_filter: 4 matches of 3 words in 3 of 4 records (dropped)"));
}

TEST_CASE("sensitive_filter mask: matches become mask_char per code point", "[filters]") {
  fake::Host host;
  fake::Settings s(kSensitiveFilterSchema, {{"words", {"赌博", "网上赌博", "spam"}},
                                            {"action", "mask"},
                                            {"mask_char", "＊"}});
  SensitiveFilter f(s.config());
  fake::Output out;
  const auto kept = fake::run_transform(
      f, {{{"禁止网上赌博和赌博", "{\"id\":1}", "a.jsonl", 7}}, fake::texts({"no spam here", "clean"})},
      &out);
  REQUIRE(kept.size() == 3);
  CHECK(kept[0] == Record{"禁止＊＊＊＊和＊＊", "{\"id\":1}", "a.jsonl", 7});
  CHECK(kept[1].text == "no ＊＊＊＊ here");
  CHECK(kept[2].text == "clean");
  CHECK(out.drops().empty());
  CHECK(host.logged("3 matches of 3 words in 2 of 3 records (masked)"));
}

TEST_CASE("sensitive_filter settings errors name the problem", "[filters]") {
  fake::Host host;
  CHECK(construct_error<SensitiveFilter>(kSensitiveFilterSchema, json::object())
            .find("sensitive_filter: no words") == 0);
  CHECK(construct_error<SensitiveFilter>(kSensitiveFilterSchema,
                                         {{"words_file", "/nonexistent/words.txt"}})
            .find("sensitive_filter: words_file: cannot open '/nonexistent/words.txt'") == 0);
  CHECK(construct_error<SensitiveFilter>(kSensitiveFilterSchema,
                                         {{"words", {"a"}}, {"action", "hide"}})
            .find("must be one of \"drop\", \"mask\", got \"hide\"") != std::string::npos);
}

TEST_CASE("augment emits original then copy, deterministically across batch sizes", "[filters]") {
  fake::Host host;
  const json settings = {{"seed", 5},
                         {"punctuation_noise", {{"rate", 0.3}, {"mode", "both"}}},
                         {"synonyms", {{"快乐", json::array({"高兴", "开心"})}, {"big", "large|huge"}}},
                         {"synonym_rate", 0.5}};
  std::vector<Record> in = numbered(50, "a big dog is 快乐，真的很快乐。 item ");
  std::vector<Record> whole, small;
  {
    fake::Settings s(kAugmentSchema, settings);
    AugmentTransform t(s.config());
    whole = fake::run_transform(t, {in});
  }
  {
    fake::Settings s(kAugmentSchema, settings);
    AugmentTransform t(s.config());
    small = fake::run_transform(t, batches_of(in, 7));
  }
  CHECK(whole == small);  // position counts across batches
  REQUIRE(whole.size() == 100);
  size_t changed = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    CHECK(whole[2 * i] == in[i]);
    const Record& copy = whole[2 * i + 1];
    CHECK(copy.meta == "{\"id\":" + std::to_string(i) + ",\"augmented\":true}");
    CHECK(copy.origin == in[i].origin);
    CHECK(copy.line == in[i].line);
    changed += copy.text != in[i].text;
  }
  CHECK(changed >= 45);
  CHECK(host.logged("INFO augment: 50 records augmented; punctuation noise "));

  // keep_original = false: only the copies.
  json copies_only = settings;
  copies_only["keep_original"] = false;
  fake::Settings s(kAugmentSchema, copies_only);
  AugmentTransform t(s.config());
  const auto copies = fake::run_transform(t, {in});
  REQUIRE(copies.size() == 50);
  for (size_t i = 0; i < copies.size(); ++i) CHECK(copies[i] == whole[2 * i + 1]);
}

TEST_CASE("augment templates use meta fields; a synonyms_file is read", "[filters]") {
  fake::Host host;
  TempDir dir;
  const std::string syn = dir.write("syn.tsv", "天空\t苍穹\n");
  fake::Settings s(kAugmentSchema, {{"templates", {"问：{question}\n答：{text}"}},
                                    {"synonyms_file", syn},
                                    {"synonym_rate", 1.0}});
  AugmentTransform t(s.config());
  const auto out = fake::run_transform(
      t, {{{"因为天空散射蓝光。", "{\"question\":\"天为什么是蓝的？\"}", "q.json", 3},
           {"无问题", "", "q.json", 4}}});
  REQUIRE(out.size() == 4);
  CHECK(out[1].text == "问：天为什么是蓝的？\n答：因为苍穹散射蓝光。");
  CHECK(out[1].meta == "{\"question\":\"天为什么是蓝的？\",\"augmented\":true}");
  CHECK(out[3].text == "无问题");  // no field for the template: text only
  CHECK(out[3].meta == "{\"augmented\":true}");
  CHECK(host.logged("1 lacked the fields of every template"));
}

TEST_CASE("augment settings errors", "[filters]") {
  fake::Host host;
  CHECK(construct_error<AugmentTransform>(kAugmentSchema, json::object())
            .find("augment: nothing to do") == 0);
  CHECK(construct_error<AugmentTransform>(kAugmentSchema, {{"templates", {"{text"}}})
            .find("augment: templates[0]: unclosed '{' at byte 0") == 0);
  CHECK(construct_error<AugmentTransform>(kAugmentSchema, {{"synonyms", {{"big", 3}}}})
            .find("augment: synonyms.\"big\": expected a list of strings") == 0);
  fake::Settings bad_meta(kAugmentSchema, {{"templates", {"{text}"}}});
  AugmentTransform t(bad_meta.config());
  CHECK_THROWS_WITH(fake::run_transform(t, {{{"x", "[1]", "f.jsonl", 9}}}),
                    Catch::Contains("f.jsonl:9: meta must be a JSON object"));
}

TEST_CASE("shuffle is a deterministic permutation, whatever the batch sizes", "[filters]") {
  fake::Host host;
  const std::vector<Record> in = numbered(1000);
  auto run = [&](int64_t seed, size_t batch) {
    fake::Settings s(kShuffleSchema, {{"buffer_size", 64}, {"seed", seed}});
    ShuffleTransform t(s.config());
    return fake::run_transform(t, batches_of(in, batch));
  };
  const std::vector<Record> a = run(1, 1000);
  CHECK(run(1, 13) == a);
  CHECK(run(2, 1000) != a);
  CHECK(a != in);
  std::vector<std::string> sorted = texts_of(a), original = texts_of(in);
  std::sort(sorted.begin(), sorted.end());
  std::sort(original.begin(), original.end());
  CHECK(sorted == original);
  for (const Record& r : a) {  // records keep meta, origin and line
    const std::string id = r.text.substr(std::string("record ").size());
    CHECK(r.meta == "{\"id\":" + id + "}");
    CHECK(r.line == std::stoll(id) + 1);
  }
  // A buffer larger than the input holds everything until flush.
  fake::Settings s(kShuffleSchema, {{"seed", 3}});
  ShuffleTransform t(s.config());
  fake::Output out;
  fake::BatchView view(in);
  ds::BatchWriter w = out.writer();
  t.process(view.batch(), w);
  CHECK(out.records().empty());
  t.flush(w);
  CHECK(out.records().size() == in.size());
}

TEST_CASE("split writes the split name into meta, by text, keeping every record", "[filters]") {
  fake::Host host;
  fake::Settings s(kSplitSchema, {{"names", {"train", "valid", "test"}},
                                  {"ratios", {0.8, 0.1, 0.1}},
                                  {"seed", 17},
                                  {"field", "subset"}});
  SplitTransform t(s.config());
  std::vector<Record> in;
  // 20k-record ratios are checked on SplitAssigner itself (test_split_shuffle).
  for (int i = 0; i < 4000; ++i) {
    const std::string meta = i % 3 == 0 ? "" : "{\"n\":" + std::to_string(i) + "}";
    in.push_back(Record{"样本 " + std::to_string(i % 2000), meta, "", 0});  // each text twice
  }
  const auto out = fake::run_transform(t, batches_of(in, 500));
  REQUIRE(out.size() == in.size());
  std::map<std::string, size_t> counts;
  std::map<std::string, std::string> split_of_text;
  for (size_t i = 0; i < out.size(); ++i) {
    const json meta = json::parse(out[i].meta);
    const std::string name = meta.at("subset");
    ++counts[name];
    if (!in[i].meta.empty()) CHECK(meta.at("n") == static_cast<int>(i));
    // Duplicates land in the same split.
    auto [it, fresh] = split_of_text.emplace(out[i].text, name);
    if (!fresh) CHECK(it->second == name);
  }
  // 2000 distinct texts, each counted twice: 5 standard deviations.
  CHECK(counts.size() == 3);
  CHECK(counts["train"] > 3200 - 179);
  CHECK(counts["train"] < 3200 + 179);
  CHECK(counts["valid"] > 400 - 134);
  CHECK(counts["test"] > 400 - 134);
  // An existing field of the same name is overwritten in place.
  const auto again = fake::run_transform(t, {{{"样本 1", "{\"subset\":\"old\",\"k\":1}", "", 0}}});
  CHECK(again[0].meta.find("{\"subset\":\"") == 0);
  CHECK(again[0].meta.find("\"k\":1}") != std::string::npos);
  CHECK(again[0].meta.find("old") == std::string::npos);
}

TEST_CASE("split settings errors", "[filters]") {
  fake::Host host;
  CHECK(construct_error<SplitTransform>(kSplitSchema, {{"names", {"a", "b", "c"}}}) ==
        "split: 3 names but 2 ratios; give one ratio per name");
  CHECK(construct_error<SplitTransform>(kSplitSchema, {{"names", {"a", "a"}}}) ==
        "split: names lists \"a\" twice");
  CHECK(construct_error<SplitTransform>(kSplitSchema, {{"ratios", {0, 0}}}) ==
        "split: ratios must not all be 0");
}
