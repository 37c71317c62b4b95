// test_tokenizer_cli.cpp: `dshost tokenize` and `dshost chat-template` through
// the hf_tokenizer plugin reproduce the reference fixtures made with the
// Hugging Face `tokenizers` library and transformers' apply_chat_template.
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

int run(const std::string& command, std::string* out = nullptr) {
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    if (out) out->append(buf.data(), n);
  }
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<json> read_jsonl(const fs::path& p) {
  std::vector<json> rows;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

const fs::path kFixture = fs::path(DSFORGE_FIXTURES_DIR) / "tokenizer_deepseek_v3";
const std::string kDshost = std::string(DSFORGE_BINARY_DIR) + "/dshost -q";

}  // namespace

TEST_CASE("dshost tokenize reproduces the tokenizers library on the whole fixture corpus") {
  fs::path out = fs::temp_directory_path() / ("dsforge-tok-" + std::to_string(getpid()) + ".jsonl");
  for (bool special : {false, true}) {
    REQUIRE(run(kDshost + " tokenize --tokenizer " + kFixture.string() + " --input " +
                (kFixture / "expected.jsonl").string() + " --field text --output " + out.string() +
                (special ? " --add-special-tokens" : "")) == 0);
    auto rows = read_jsonl(out);
    auto expected = read_jsonl(kFixture / "expected.jsonl");
    REQUIRE(rows.size() == expected.size());
    REQUIRE(rows.size() >= 370);
    size_t same = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const json& want = expected[i].at(special ? "ids_with_special" : "ids");
      if (rows[i].at("ids") == want) {
        same++;
      } else {
        INFO("row " << i << ": " << expected[i].at("text"));
        CHECK(rows[i].at("ids") == want);
      }
    }
    CHECK(same == rows.size());
  }
  fs::remove(out);
}

TEST_CASE("dshost tokenize --text prints ids and pieces") {
  std::string out;
  REQUIRE(run(kDshost + " tokenize --json --tokenizer " + kFixture.string() + " --text '你好，世界'", &out) == 0);
  json j = json::parse(out);
  CHECK(j.at("ids") == json::array({30594, 303, 3427}));
  CHECK(j.at("pieces") == json::array({"你好", "，", "世界"}));
}

TEST_CASE("dshost chat-template renders as transformers does") {
  fs::path out = fs::temp_directory_path() / ("dsforge-chat-" + std::to_string(getpid()) + ".jsonl");
  REQUIRE(run(kDshost + " chat-template --tokenizer " + kFixture.string() + " --input " +
              (kFixture / "chat_template_expected.jsonl").string() + " --output " + out.string()) == 0);
  auto rows = read_jsonl(out);
  auto expected = read_jsonl(kFixture / "chat_template_expected.jsonl");
  REQUIRE(rows.size() == expected.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].at("text") == expected[i].at("text"));
  }
  fs::remove(out);
}

TEST_CASE("a bad input line names the file and line") {
  fs::path in = fs::temp_directory_path() / ("dsforge-badchat-" + std::to_string(getpid()) + ".jsonl");
  std::ofstream(in) << "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{\"no_messages\": 1}\n";
  std::string out;
  CHECK(run(kDshost + " chat-template --tokenizer " + kFixture.string() + " --input " + in.string() +
                " --output /tmp/never-written-" + std::to_string(getpid()) + ".jsonl 2>&1",
            &out) == 1);
  CHECK(out.find(in.string() + ":2: expected a \"messages\" array") != std::string::npos);
  CHECK_FALSE(fs::exists("/tmp/never-written-" + std::to_string(getpid()) + ".jsonl"));
  fs::remove(in);
}
