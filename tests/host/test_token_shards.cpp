// test_token_shards.cpp: shards written by the plugin-side writer read back
// by the host's mmap reader; corrupt files are refused naming the field.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "catch.hpp"
#include "common/user_error.hpp"
#include "data/token_shard_reader.hpp"
#include "token_shard_writer.hpp"

using namespace dsforge;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("dsforge-shards-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::string error_of(const fs::path& p) {
  try {
    TokenShard::open(p);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("documents round-trip through shards, split at the shard size") {
  TempDir dir;
  std::mt19937 rng(3);
  std::vector<std::vector<uint32_t>> docs;
  std::vector<std::vector<uint8_t>> masks;
  data::TokenShardWriter w({dir.path.string(), 1000, 5000, true});
  for (int d = 0; d < 300; ++d) {
    std::vector<uint32_t> ids(rng() % 40);
    for (auto& id : ids) id = rng() % 5000;
    std::vector<uint8_t> mask(ids.size());
    for (size_t i = 0; i < mask.size(); ++i) mask[i] = i >= ids.size() / 3;  // a "prompt" third
    w.add_document(ids, mask);
    docs.push_back(ids);
    masks.push_back(mask);
  }
  w.commit();
  auto index = nlohmann::json::parse(std::ifstream(dir.path / "index.json"));
  CHECK(index.at("documents") == 300);
  REQUIRE(index.at("shards").size() == w.shards());
  REQUIRE(w.shards() > 3);
  size_t d = 0;
  for (const auto& entry : index.at("shards")) {
    TokenShard shard = TokenShard::open(dir.path / entry.at("file").get<std::string>());
    CHECK(shard.num_tokens() == entry.at("tokens"));
    REQUIRE(shard.loss_mask() != nullptr);
    for (uint64_t i = 0; i < shard.num_docs(); ++i, ++d) {
      auto [b, e] = shard.doc(i);
      REQUIRE(std::vector<uint32_t>(shard.tokens() + b, shard.tokens() + e) == docs.at(d));
      REQUIRE(std::vector<uint8_t>(shard.loss_mask() + b, shard.loss_mask() + e) == masks.at(d));
    }
  }
  CHECK(d == docs.size());
}

TEST_CASE("bad ids, bad masks and corrupt shards are clear errors") {
  TempDir dir;
  data::TokenShardWriter w({dir.path.string(), 100, 10, false});
  CHECK_THROWS_WITH(w.add_document({1, 2, 10}, {}), "token shards: id 10 is not below vocab_size 10");
  CHECK_THROWS_WITH(w.add_document({1, 2}, {1}), "token shards: mask has 1 entries for 2 tokens");
  w.add_document({1, 2, 3}, {});
  w.commit();
  fs::path shard = dir.path / "shard-00000.bin";
  REQUIRE(error_of(shard) == "(no error)");
  // Truncate the file: the index section now lies outside it.
  fs::path cut = dir.path / "cut.bin";
  fs::copy_file(shard, cut);
  fs::resize_file(cut, 100);
  CHECK(error_of(cut).find(cut.string() + ": doc_index (offset 128, 2 elements) lies outside the 100-byte file") == 0);
  fs::path bad = dir.path / "bad.bin";
  std::ofstream(bad) << std::string(64, 'x');
  CHECK(error_of(bad) == bad.string() + ": not a token shard (bad magic)");
  fs::path tiny = dir.path / "tiny.bin";
  std::ofstream(tiny) << "DSF";
  CHECK(error_of(tiny).find("shorter than the 64-byte header") != std::string::npos);
}
