// test_quickstart.cpp: runs `dshost run examples/quickstart.toml` as a user
// would, on the real fortunes text, and checks the output against counts
// computed here from the input files independently of dsforge.
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
  int exit_code;
  std::string out;
};

// Runs a shell command in `dir`, capturing stdout (stderr goes to the log).
Result run_in(const fs::path& dir, const std::string& command) {
  std::string full = "cd '" + dir.string() + "' && " + command;
  FILE* pipe = popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string dshost() { return std::string(DSFORGE_BINARY_DIR) + "/dshost"; }
std::string quickstart() { return std::string(DSFORGE_SOURCE_DIR) + "/examples/quickstart.toml"; }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Documents in a fortune file: text between lines that are exactly "%",
// not counting whitespace-only ones.
size_t count_fortunes(const std::string& text) {
  size_t docs = 0;
  std::istringstream in(text);
  std::string line;
  bool has_content = false;
  while (std::getline(in, line)) {
    if (line == "%") {
      docs += has_content;
      has_content = false;
    } else if (line.find_first_not_of(" \t\r") != std::string::npos) {
      has_content = true;
    }
  }
  return docs + has_content;
}

// CJK Unified Ideographs (U+4E00..U+9FFF) in UTF-8 text.
size_t count_ideographs(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 >= 0xE4 && b0 <= 0xE9) {
      unsigned cp = ((b0 & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      if (cp >= 0x4E00 && cp <= 0x9FFF && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) n++;
    }
  }
  return n;
}

const std::vector<std::string> kInputs = {"fortunes", "computers", "science", "wisdom", "chinese", "tang300", "song100"};

}  // namespace

TEST_CASE("the quickstart pipeline turns the real fortunes text into clean data, a tokenizer and shards") {
  fs::path dir = fs::temp_directory_path() / ("dsforge-e2e-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  Result validate = run_in(dir, dshost() + " validate " + quickstart());
  CHECK(validate.exit_code == 0);
  CHECK(validate.out.find(": ok (pipeline 'quickstart', 3 stages, 10 components)") != std::string::npos);

  Result r = run_in(dir, dshost() + " --log-format json run " + quickstart());
  REQUIRE(r.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(r.out);
  REQUIRE(summary.at("stages").size() == 3);
  const auto& steps = summary.at("stages").at(0).at("steps");
  REQUIRE(steps.size() == 6);  // text, clean, exact_dedup, minhash_dedup, length_filter, jsonl

  size_t expected_docs = 0;
  std::string all_input;
  for (const auto& name : kInputs) {
    std::string text = read_file("/usr/share/games/fortunes/" + name);
    REQUIRE(!text.empty());
    expected_docs += count_fortunes(text);
    all_input += text;
  }
  CHECK(expected_docs > 8000);
  CHECK(steps[0].at("records_out") == expected_docs);
  // Each step passes on what it did not drop, and says why it dropped the rest.
  for (size_t i = 1; i + 1 < steps.size(); ++i) {
    INFO(steps[i].at("component"));
    uint64_t dropped = 0;
    for (const auto& [reason, n] : steps[i].at("dropped").items()) dropped += n.get<uint64_t>();
    CHECK(steps[i].at("records_in") == steps[i - 1].at("records_out"));
    CHECK(steps[i].at("records_in").get<uint64_t>() == steps[i].at("records_out").get<uint64_t>() + dropped);
  }
  CHECK(steps[2].at("dropped").at("duplicate").get<uint64_t>() > 0);        // fortunes repeat a few texts
  CHECK(steps[3].at("dropped").at("near_duplicate").get<uint64_t>() > 0);
  CHECK(steps[5].at("records_out").get<uint64_t>() > expected_docs * 98 / 100);  // dedup must not eat the corpus

  // The cleaned text: one JSON object per record, no escapes or controls left.
  fs::path out_dir = dir / "out" / "quickstart";
  auto stats = nlohmann::json::parse(read_file(out_dir / "prep-stats.json"));
  CHECK(stats.at("steps") == steps);
  std::ifstream out(out_dir / "clean.jsonl");
  std::string line, all_output;
  size_t records = 0;
  while (std::getline(out, line)) {
    auto j = nlohmann::json::parse(line);
    std::string text = j.at("text").get<std::string>();
    if (text.find('\x1b') != std::string::npos) FAIL("escape code left in: " << text);
    for (unsigned char c : text) {
      if (c < 0x20 && c != '\n' && c != '\t') FAIL("control character " << int(c) << " left in: " << text);
    }
    all_output += text + "\n";
    records++;
  }
  CHECK(records == steps[5].at("records_out").get<size_t>());
  // CJK survives: nearly all ideographs are still there (dedup removed a few
  // repeated poems; NFKC folds a few compatibility ideographs).
  size_t in_cjk = count_ideographs(all_input), out_cjk = count_ideographs(all_output);
  CHECK(in_cjk > 100000);
  CHECK(out_cjk >= in_cjk * 97 / 100);
  CHECK(all_output.find("床前明月光") != std::string::npos);
  CHECK(all_output.find("《夜思》\n作者:李白") != std::string::npos);  // colour codes gone, NFKC colon

  // The trained tokenizer and the shards.
  auto tok = nlohmann::json::parse(read_file(out_dir / "tokenizer" / "tokenizer.json"));
  CHECK(tok.at("model").at("type") == "BPE");
  CHECK(tok.at("model").at("vocab").size() + tok.at("added_tokens").size() >= 7990);
  auto index = nlohmann::json::parse(read_file(out_dir / "shards" / "index.json"));
  CHECK(index.at("documents") == records);
  CHECK(index.at("tokens").get<uint64_t>() > records * 20);
  std::string shard = read_file(out_dir / "shards" / index.at("shards").at(0).at("file").get<std::string>());
  CHECK(shard.substr(0, 8) == "DSFSHRD1");
  CHECK(summary.at("stages").at(2).at("steps").at(1).at("records_out") == records);
  // What the components counted themselves (stat_add) lands in the stats.
  CHECK(steps[3].at("counters").at("clusters").get<uint64_t>() > 0);
  CHECK(summary.at("stages").at(1).at("steps").at(1).at("counters").at("vocab_size") == 8000);
  auto shard_stats = nlohmann::json::parse(read_file(out_dir / "shards-stats.json"));
  CHECK(shard_stats.at("steps").at(1).at("counters").at("tokens") == index.at("tokens"));
  fs::remove_all(dir);
}

TEST_CASE("dshost reports a bad pipeline with its location and exit code 1") {
  fs::path dir = fs::temp_directory_path() / ("dsforge-e2e-bad-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bad.toml") << "[pipeline]\nname = \"x\"\n[[stage]]\nid = \"a\"\nkind = \"data\"\n"
                                     "source = { plugin = \"text\", path = 7 }\n"
                                     "sink = { plugin = \"jsonl\", path = \"o.jsonl\" }\n";
  Result r = run_in(dir, dshost() + " validate bad.toml 2>&1");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("bad.toml:6:36: stage 'a'.source.path: expected string or array, got integer") != std::string::npos);
  Result usage = run_in(dir, dshost() + " frobnicate 2>&1");
  CHECK(usage.exit_code != 0);
  fs::remove_all(dir);
}
