// test_model_cli.cpp: `dshost forward`, `dshost generate` and `dshost convert`
// as a user runs them: logits files that match transformers' reference,
// greedy ids with and without the KV cache, reproducible seeded sampling,
// stop ids, a text prompt (Chinese included) through a tokenizer, and clear
// errors for bad flags and folders.
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "model/safetensors.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

int run(const std::string& command, std::string* out = nullptr) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    if (out) out->append(buf.data(), n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const fs::path kFixtures = DSFORGE_FIXTURES_DIR;
const std::string kDshost = std::string(DSFORGE_BINARY_DIR) + "/dshost -q";

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("dsforge-model-cli-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<float> floats(const fs::path& file, const std::string& name) {
  dsforge::SafetensorsFile f(file);
  const auto& e = f.at(name);
  REQUIRE(e.dtype == "F32");
  std::vector<float> v(e.nbytes / 4);
  std::memcpy(v.data(), e.data, e.nbytes);
  return v;
}

std::vector<int64_t> ints(const fs::path& file, const std::string& name) {
  dsforge::SafetensorsFile f(file);
  const auto& e = f.at(name);
  REQUIRE(e.dtype == "I64");
  std::vector<int64_t> v(e.nbytes / 8);
  std::memcpy(v.data(), e.data, e.nbytes);
  return v;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
  return m;
}

// The fixture's first prompt row as its own file.
fs::path first_prompt(const TempDir& tmp, const fs::path& fixture) {
  std::vector<int64_t> ids = ints(fixture / "reference.safetensors", "input_ids");
  std::vector<int64_t> row(ids.begin(), ids.begin() + 12);
  fs::path out = tmp.path / (fixture.filename().string() + "_prompt.safetensors");
  dsforge::write_safetensors(out, {{"input_ids", "I64", {1, 12}, row.data(), row.size() * 8}}, {});
  return out;
}

std::vector<int64_t> generated_ids(const std::string& json_text) {
  json j = json::parse(json_text.substr(json_text.find('{')));
  return j.at("ids").at(0).get<std::vector<int64_t>>();
}

// GPT-2's byte -> printable character map, for a byte-level tokenizer.json.
std::string byte_char(int b) {
  std::vector<int> keep;
  for (int i = '!'; i <= '~'; ++i) keep.push_back(i);
  for (int i = 0xA1; i <= 0xAC; ++i) keep.push_back(i);
  for (int i = 0xAE; i <= 0xFF; ++i) keep.push_back(i);
  int cp = -1, extra = 0;
  for (int i = 0; i < 256; ++i) {
    bool kept = std::find(keep.begin(), keep.end(), i) != keep.end();
    int c = kept ? i : 256 + extra++;
    if (i == b) cp = c;
  }
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

// A model folder: llama_tiny plus a 256-token byte-level tokenizer (every
// id < 512, so any text encodes into the model's vocabulary).
fs::path model_with_tokenizer(const TempDir& tmp) {
  fs::path dir = tmp.path / "with_tokenizer";
  fs::create_directories(dir);
  for (const char* f : {"config.json", "generation_config.json", "model.safetensors"})
    fs::copy_file(kFixtures / "llama_tiny" / f, dir / f);
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) vocab[byte_char(b)] = b;
  json tok = {{"version", "1.0"},
              {"added_tokens", json::array()},
              {"normalizer", nullptr},
              {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}},
              {"post_processor", nullptr},
              {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
              {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
                         {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false},
                         {"ignore_merges", false}, {"vocab", vocab}, {"merges", json::array()}}}};
  std::ofstream(dir / "tokenizer.json") << tok.dump();
  return dir;
}

}  // namespace

TEST_CASE("dshost forward writes the logits transformers computed (plain, adapter, merged)") {
  TempDir tmp;
  for (const char* name : {"llama_tiny", "deepseekv3_tiny"}) {
    const fs::path fix = kFixtures / name;
    const fs::path out = tmp.path / (std::string(name) + ".safetensors");
    REQUIRE(run(kDshost + " forward --model " + fix.string() + " --input " + (fix / "reference.safetensors").string() +
                " --tensor input_ids --output " + out.string()) == 0);
    CHECK(max_diff(floats(out, "logits"), floats(fix / "reference.safetensors", "logits")) <= 1e-4);
  }
  const fs::path lora = kFixtures / "llama_tiny_lora";
  const std::string base = kDshost + " forward --model " + (lora / "base").string() + " --adapter " +
                           (lora / "adapter").string() + " --input " + (lora / "reference.safetensors").string() +
                           " --output ";
  REQUIRE(run(base + (tmp.path / "lora.safetensors").string()) == 0);
  CHECK(max_diff(floats(tmp.path / "lora.safetensors", "logits"), floats(lora / "reference.safetensors", "logits")) <= 1e-4);
  REQUIRE(run(base + (tmp.path / "merged.safetensors").string() + " --merge-adapters") == 0);
  CHECK(max_diff(floats(tmp.path / "merged.safetensors", "logits"),
                 floats(lora / "reference.safetensors", "merged_logits")) <= 1e-4);
}

TEST_CASE("dshost generate --greedy --json gives transformers' greedy ids, with and without the cache") {
  TempDir tmp;
  for (const char* name : {"qwen2_tiny", "mistral_tiny_sw4", "deepseekv2_tiny"}) {
    const fs::path fix = kFixtures / name;
    std::vector<int64_t> want = ints(fix / "reference.safetensors", "greedy_ids");
    for (const char* extra : {"", " --no-cache"}) {
      std::string out;
      REQUIRE(run(kDshost + " generate --model " + fix.string() + " --input " + first_prompt(tmp, fix).string() +
                      " --max-new-tokens 16 --greedy --json" + extra, &out) == 0);
      INFO(name << extra << ": " << out);
      CHECK(generated_ids(out) == want);
    }
  }
}

TEST_CASE("seeded sampling is reproducible; stop ids end generation") {
  TempDir tmp;
  const fs::path fix = kFixtures / "llama_tiny";
  const std::string cmd = kDshost + " generate --model " + fix.string() + " --input " + first_prompt(tmp, fix).string() +
                          " --max-new-tokens 24 --json --ignore-eos --temperature 1.3 --top-k 50 --top-p 0.95 "
                          "--min-p 0.01 --repetition-penalty 1.1 --presence-penalty 0.2 --frequency-penalty 0.1";
  std::string a, b, c;
  REQUIRE(run(cmd + " --seed 7", &a) == 0);
  REQUIRE(run(cmd + " --seed 7", &b) == 0);
  REQUIRE(run(cmd + " --seed 8", &c) == 0);
  CHECK(generated_ids(a) == generated_ids(b));
  CHECK(generated_ids(a) != generated_ids(c));
  CHECK(generated_ids(a).size() == 12 + 24);

  std::vector<int64_t> greedy = ints(fix / "reference.safetensors", "greedy_ids");
  std::string out;
  REQUIRE(run(kDshost + " generate --model " + fix.string() + " --input " + first_prompt(tmp, fix).string() +
                  " --max-new-tokens 16 --greedy --json --stop-id " + std::to_string(greedy[14]), &out) == 0);
  CHECK(generated_ids(out) == std::vector<int64_t>(greedy.begin(), greedy.begin() + 15));
}

TEST_CASE("dshost generate --prompt streams text through the model's tokenizer, Chinese included") {
  TempDir tmp;
  fs::path dir = model_with_tokenizer(tmp);
  std::string out;
  REQUIRE(run(kDshost + " generate --model " + dir.string() + " --prompt '你好, dsforge' --max-new-tokens 8 --seed 3", &out) == 0);
  CHECK(out.rfind("你好, dsforge", 0) == 0);
  std::string ids;
  REQUIRE(run(kDshost + " generate --model " + dir.string() + " --prompt '你好' --max-new-tokens 4 --greedy --json", &ids) == 0);
  std::vector<int64_t> got = generated_ids(ids);
  // 你好 is six UTF-8 bytes, one token each in a byte-level vocabulary.
  CHECK(std::vector<int64_t>(got.begin(), got.begin() + 6) == std::vector<int64_t>({0xE4, 0xBD, 0xA0, 0xE5, 0xA5, 0xBD}));
  CHECK(got.size() == 10u);
}

TEST_CASE("dshost convert writes a folder dshost (and transformers) load") {
  TempDir tmp;
  const fs::path lora = kFixtures / "llama_tiny_lora";
  REQUIRE(run(kDshost + " convert --model " + (lora / "base").string() + " --adapter " + (lora / "adapter").string() +
              " --merge-adapters --output " + (tmp.path / "merged").string()) == 0);
  REQUIRE(run(kDshost + " forward --model " + (tmp.path / "merged").string() + " --input " +
              (lora / "reference.safetensors").string() + " --output " + (tmp.path / "m.safetensors").string()) == 0);
  CHECK(max_diff(floats(tmp.path / "m.safetensors", "logits"), floats(lora / "reference.safetensors", "merged_logits")) <= 1e-4);
}

TEST_CASE("model commands explain bad input") {
  TempDir tmp;
  const fs::path fix = kFixtures / "llama_tiny";
  const std::string prompt = first_prompt(tmp, fix).string();
  std::string out;
  CHECK(run(kDshost + " generate --model " + fix.string() + " --input " + prompt + " --top-p 1.5", &out) == 1);
  CHECK(out.find("--top-p must be in (0, 1], got 1.5") != std::string::npos);
  out.clear();
  CHECK(run(kDshost + " generate --model " + fix.string() + " --input " + prompt + " --tensor ids", &out) == 1);
  CHECK(out.find("no tensor 'ids'") != std::string::npos);
  out.clear();
  CHECK(run(kDshost + " generate --model " + (tmp.path / "nowhere").string() + " --input " + prompt, &out) == 1);
  CHECK(out.find("not a folder") != std::string::npos);
  out.clear();
  CHECK(run(kDshost + " generate --model " + fix.string() + " --prompt hello", &out) == 1);
  CHECK(out.find("tokenizer.json") != std::string::npos);
  out.clear();
  CHECK(run(kDshost + " forward --model " + fix.string() + " --input " + prompt + " --output " +
                (tmp.path / "x.safetensors").string() + " --dtype float8", &out) == 1);
  CHECK(out.find("--dtype 'float8'") != std::string::npos);
}
