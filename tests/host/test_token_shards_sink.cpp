// test_token_shards_sink.cpp: the token_shards sink run by the data stage:
// ids equal the `tokenizers` library's (fixture), instruction records get an
// exact loss mask, and the same input gives byte-identical shards.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "built_plugins.hpp"
#include "catch.hpp"
#include "config/pipeline.hpp"
#include "data/token_shard_reader.hpp"
#include "run/data_stage.hpp"
#include "run/plan.hpp"

using namespace dsforge;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kTokenizer = fs::path(DSFORGE_FIXTURES_DIR) / "tokenizer_deepseek_v3";
constexpr uint32_t kEos = 1;  // <｜end▁of▁sentence｜>

void run(const fs::path& input, const fs::path& out, const std::string& extra = "") {
  std::string toml = "[[stage]]\nid = \"s\"\nkind = \"data\"\n"
                     "source = { plugin = \"jsonl\", path = \"" + input.string() + "\" }\n"
                     "sink = { plugin = \"token_shards\", output = \"" + out.string() + "\", tokenizer = \"" +
                     kTokenizer.string() + "\", shard_tokens = 3000" + extra + " }\n";
  PipelineConfig p = parse_pipeline(toml, "t.toml");
  run_data_stage(build_plan(p, test::built_plugins(), "").stages.at(0));
}

// All documents of a shard directory, with their masks.
std::vector<std::pair<std::vector<uint32_t>, std::vector<uint8_t>>> read_all(const fs::path& dir) {
  std::vector<std::pair<std::vector<uint32_t>, std::vector<uint8_t>>> docs;
  auto index = json::parse(test::read_file(dir / "index.json"));
  for (const auto& s : index.at("shards")) {
    TokenShard shard = TokenShard::open(dir / s.at("file").get<std::string>());
    for (uint64_t i = 0; i < shard.num_docs(); ++i) {
      auto [b, e] = shard.doc(i);
      std::vector<uint8_t> mask;
      if (shard.loss_mask()) mask.assign(shard.loss_mask() + b, shard.loss_mask() + e);
      docs.push_back({{shard.tokens() + b, shard.tokens() + e}, mask});
    }
  }
  return docs;
}

}  // namespace

TEST_CASE("token shards hold the tokenizers library's ids, deterministically") {
  fs::path dir = fs::temp_directory_path() / ("dsforge-sink-" + std::to_string(getpid()));
  fs::create_directories(dir);
  run(kTokenizer / "expected.jsonl", dir / "a");
  run(kTokenizer / "expected.jsonl", dir / "b");
  auto docs = read_all(dir / "a");
  std::ifstream expected(kTokenizer / "expected.jsonl");
  std::string line;
  size_t i = 0, nonempty = 0;
  while (std::getline(expected, line)) {
    auto row = json::parse(line);
    std::vector<uint32_t> want = row.at("ids_with_special").get<std::vector<uint32_t>>();
    want.push_back(kEos);
    INFO("row " << i << ": " << row.at("text"));
    REQUIRE(i < docs.size());
    CHECK(docs[i].first == want);
    CHECK(docs[i].second.empty());  // plain text: no mask stored
    nonempty += !want.empty();
    ++i;
  }
  CHECK(i == docs.size());
  CHECK(json::parse(test::read_file(dir / "a" / "index.json")).at("shards").size() > 1);
  for (const auto& e : fs::directory_iterator(dir / "a")) {
    CHECK(test::read_file(e.path()) == test::read_file(dir / "b" / e.path().filename()));  // byte-identical
  }
  fs::remove_all(dir);
}

TEST_CASE("instruction records mask their prompt out of the loss") {
  fs::path dir = fs::temp_directory_path() / ("dsforge-sink-mask-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string prompt = "问题：发热三天的可能病因？\n回答：", answer = "病毒感染最常见。";
  std::ofstream(dir / "in.jsonl") << json{{"text", prompt + answer}, {"prompt_bytes", prompt.size()}}.dump() << "\n"
                                  << json{{"text", "plain text row"}}.dump() << "\n";
  run(dir / "in.jsonl", dir / "out");
  // The prompt and the answer alone, tokenized by the same sink.
  std::ofstream(dir / "parts.jsonl") << json{{"text", prompt}}.dump() << "\n" << json{{"text", answer}}.dump() << "\n";
  run(dir / "parts.jsonl", dir / "parts", ", append_eos = false");
  auto docs = read_all(dir / "out");
  auto parts = read_all(dir / "parts");
  REQUIRE(docs.size() == 2);
  const auto& [ids, mask] = docs[0];
  std::vector<uint32_t> want = parts[0].first;
  want.insert(want.end(), parts[1].first.begin(), parts[1].first.end());
  want.push_back(kEos);
  CHECK(ids == want);
  REQUIRE(mask.size() == ids.size());
  for (size_t i = 0; i < mask.size(); ++i) {
    INFO("token " << i);
    CHECK(mask[i] == (i < parts[0].first.size() ? 0 : 1));
  }
  CHECK(docs[1].second == std::vector<uint8_t>(docs[1].first.size(), 1));  // no prompt: all targets
  fs::remove_all(dir);
}
