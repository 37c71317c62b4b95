// test_checkpoint.cpp: Hugging Face checkpoint I/O (host/model): the
// safetensors reader on the transformers-made fixtures, writer round trips
// (single file and shards), FP8 block dequantization, config.json parsing in
// both key styles, and the messages for broken files and configs. With
// DSFORGE_PYTHON set, the `safetensors` library checks our files and we
// read its. No fmt here: this file includes LibTorch headers.
#include <ATen/ATen.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "catch.hpp"
#include "common/error.hpp"
#include "model/checkpoint.hpp"
#include "model/model_config.hpp"
#include "model/safetensors.hpp"

using namespace dsforge;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kFixtures = DSFORGE_FIXTURES_DIR;

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("dsforge-ckpt-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

#define CHECK_HAS(text, part)                       \
  do {                                              \
    const std::string text_ = (text);               \
    INFO("message: " << text_);                     \
    CHECK(text_.find(part) != std::string::npos);   \
  } while (0)

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A file built by hand: 8-byte length, header text as given, data bytes.
void write_raw_safetensors(const fs::path& p, const std::string& header, size_t data_bytes) {
  std::string bytes(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  bytes += header;
  bytes.append(data_bytes, '\x01');
  write_bytes(p, bytes);
}

bool same_bytes(const at::Tensor& a, const at::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() && a.nbytes() == b.nbytes() &&
         (a.nbytes() == 0 || std::memcmp(a.contiguous().data_ptr(), b.contiguous().data_ptr(), a.nbytes()) == 0);
}

std::vector<std::pair<std::string, at::Tensor>> sample_tensors() {
  at::manual_seed(7);
  return {
      {"a.f32", at::randn({3, 5})},
      {"b.bf16", at::randn({4, 6}).to(at::kBFloat16)},
      {"c.i64", at::arange(-5, 12, at::kLong).reshape({17})},
      {"d.mask", at::rand({7}) > 0.5},            // 1-byte dtype, odd length
      {"e.f16", at::randn({2, 3}).to(at::kHalf)},
      {"f.scalar", at::scalar_tensor(2.5, at::kFloat)},
      {"g.empty", at::empty({0, 4}, at::kFloat)},
      // A transposed view: the writer must store it contiguous.
      {"h.transposed", at::randn({3, 2}).t()},
  };
}

}  // namespace

TEST_CASE("the transformers-made llama_tiny checkpoint reads as written") {
  SafetensorsFile file(kFixtures / "llama_tiny" / "model.safetensors");
  CHECK(file.tensors().size() == 21);
  CHECK(file.metadata().at("format") == "pt");
  const SafetensorsEntry& norm = file.at("model.norm.weight");
  CHECK(norm.dtype == "F32");
  CHECK(norm.shape == std::vector<int64_t>{64});
  CHECK(norm.nbytes == 64 * 4);

  Checkpoint ckpt = Checkpoint::open(kFixtures / "llama_tiny");
  std::vector<std::string> names = ckpt.names();
  REQUIRE(names.size() == 21);
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.front() == "lm_head.weight");
  CHECK(ckpt.shape("model.layers.1.mlp.down_proj.weight") == std::vector<int64_t>{64, 176});
  CHECK(ckpt.shape("model.layers.0.self_attn.k_proj.weight") == std::vector<int64_t>{32, 64});
  CHECK(ckpt.dtype("model.embed_tokens.weight") == "F32");
  CHECK(ckpt.file_of("model.norm.weight").filename() == "model.safetensors");
  CHECK_FALSE(ckpt.is_auxiliary("model.norm.weight"));

  at::Tensor norm_t = ckpt.load("model.norm.weight");
  CHECK(norm_t.scalar_type() == at::kFloat);
  CHECK(norm_t[0].item<float>() == 1.0f);
  at::Tensor embed = ckpt.load("model.embed_tokens.weight");
  CHECK(embed.sizes() == at::IntArrayRef({512, 64}));
  CHECK(embed[3][5].item<float>() == 0.004182749893516302f);  // from the safetensors library
  at::Tensor embed_bf16 = ckpt.load("model.embed_tokens.weight", at::kBFloat16);
  CHECK(embed_bf16.scalar_type() == at::kBFloat16);
  CHECK(at::equal(embed_bf16, embed.to(at::kBFloat16)));
}

TEST_CASE("every fixture checkpoint opens and loads") {
  for (const char* dir : {"llama_tiny", "qwen2_tiny", "mistral_tiny_sw4", "deepseekv2_tiny", "deepseekv3_tiny",
                          "llama_tiny_lora/base", "llama_tiny_lora/adapter", "train_adamw/init"}) {
    INFO(dir);
    Checkpoint ckpt = Checkpoint::open(kFixtures / dir);
    CHECK_FALSE(ckpt.names().empty());
    for (const auto& name : ckpt.names()) CHECK(ckpt.load(name).sizes().vec() == ckpt.shape(name));
  }
}

TEST_CASE("write_safetensors round-trips bytes, sorted and aligned") {
  TempDir tmp;
  auto tensors = sample_tensors();
  std::vector<at::Tensor> keep;
  std::vector<SafetensorsEntryOut> out;
  for (const auto& [name, t] : tensors) {
    keep.push_back(t.contiguous());
    out.push_back({name, safetensors_dtype_of(t.scalar_type()), t.sizes().vec(), keep.back().data_ptr(),
                   keep.back().nbytes()});
  }
  const fs::path path = tmp.path / "x.safetensors";
  write_safetensors(path, out, {{"format", "pt"}, {"note", "made by test_checkpoint"}});

  const std::string bytes = read_bytes(path);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[i]);
  CHECK(header_len % 8 == 0);
  const std::string header_text = bytes.substr(8, header_len);
  json header = json::parse(header_text);
  CHECK(header["__metadata__"]["note"] == "made by test_checkpoint");
  // Keys appear sorted in the text.
  size_t last = 0;
  for (const char* key : {"\"__metadata__\"", "\"a.f32\"", "\"b.bf16\"", "\"c.i64\"", "\"h.transposed\""}) {
    size_t at_pos = header_text.find(key);
    REQUIRE(at_pos != std::string::npos);
    CHECK(at_pos >= last);
    last = at_pos;
  }

  SafetensorsFile file(path);
  CHECK(file.metadata().at("note") == "made by test_checkpoint");
  const char* data_start = nullptr;
  for (const auto& [name, e] : file.tensors()) {
    if (data_start == nullptr || static_cast<const char*>(e.data) < data_start) {
      data_start = static_cast<const char*>(e.data);
    }
  }
  for (const auto& [name, t] : tensors) {
    INFO(name);
    const SafetensorsEntry& e = file.at(name);
    CHECK(e.shape == t.sizes().vec());
    CHECK(e.nbytes == t.nbytes());
    CHECK((static_cast<const char*>(e.data) - data_start) % safetensors_dtype_size(e.dtype) == 0);
    CHECK((e.nbytes == 0 || std::memcmp(e.data, t.contiguous().data_ptr(), e.nbytes) == 0));  // empty: data may be NULL
  }

  Checkpoint ckpt = Checkpoint::open(path);
  for (const auto& [name, t] : tensors) {
    INFO(name);
    CHECK(same_bytes(ckpt.load(name), t));
  }
}

TEST_CASE("save_checkpoint writes config.json and one model.safetensors") {
  TempDir tmp;
  json config = {{"model_type", "llama"}, {"hidden_size", 64}};
  save_checkpoint(tmp.path, config, sample_tensors());
  CHECK(json::parse(read_bytes(tmp.path / "config.json")) == config);
  CHECK(read_bytes(tmp.path / "config.json").find("\n  \"hidden_size\": 64") != std::string::npos);
  CHECK(fs::exists(tmp.path / "model.safetensors"));
  CHECK_FALSE(fs::exists(tmp.path / "model.safetensors.index.json"));
  CHECK(SafetensorsFile(tmp.path / "model.safetensors").metadata().at("format") == "pt");

  Checkpoint ckpt = Checkpoint::open(tmp.path);
  for (const auto& [name, t] : sample_tensors()) {
    INFO(name);
    CHECK(same_bytes(ckpt.load(name), t));
  }
  // Nothing but the three files (no temp files left behind).
  int files = 0;
  for (const auto& item : fs::directory_iterator(tmp.path)) files += item.is_regular_file();
  CHECK(files == 2);
}

TEST_CASE("save_checkpoint shards over max_shard_bytes and opens through the index") {
  TempDir tmp;
  at::manual_seed(3);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  size_t total = 0;
  for (int i = 0; i < 6; ++i) {
    tensors.push_back({"layers." + std::to_string(i) + ".weight", at::randn({16, 16})});  // 1 KiB each
    total += 1024;
  }
  tensors.push_back({"ids", at::arange(10, at::kLong)});
  total += 80;
  save_checkpoint(tmp.path, json{{"model_type", "llama"}}, tensors, 2100);  // two weights a shard

  CHECK_FALSE(fs::exists(tmp.path / "model.safetensors"));
  REQUIRE(fs::exists(tmp.path / "model.safetensors.index.json"));
  json index = json::parse(read_bytes(tmp.path / "model.safetensors.index.json"));
  CHECK(index["metadata"]["total_size"] == total);
  CHECK(index["weight_map"].size() == tensors.size());
  CHECK(index["weight_map"]["layers.0.weight"] == "model-00001-of-00004.safetensors");
  CHECK(index["weight_map"]["ids"] == "model-00004-of-00004.safetensors");
  for (int i = 1; i <= 4; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-00004.safetensors", i);
    CHECK(fs::exists(tmp.path / name));
  }

  Checkpoint ckpt = Checkpoint::open(tmp.path);
  CHECK(ckpt.names().size() == tensors.size());
  CHECK(ckpt.file_of("layers.3.weight").filename() == "model-00002-of-00004.safetensors");
  for (const auto& [name, t] : tensors) {
    INFO(name);
    CHECK(same_bytes(ckpt.load(name), t));
  }

  // Saving again unsharded removes the shards and the index.
  save_checkpoint(tmp.path, json{{"model_type", "llama"}}, tensors);
  CHECK(fs::exists(tmp.path / "model.safetensors"));
  CHECK_FALSE(fs::exists(tmp.path / "model.safetensors.index.json"));
  CHECK_FALSE(fs::exists(tmp.path / "model-00001-of-00004.safetensors"));
  CHECK(same_bytes(Checkpoint::open(tmp.path).load("layers.5.weight"), tensors[5].second));
}

TEST_CASE("broken safetensors files are refused naming the file and the tensor") {
  TempDir tmp;
  const fs::path good = tmp.path / "model.safetensors";
  save_checkpoint(tmp.path, nullptr, {{"model.norm.weight", at::ones({256})}});

  SECTION("truncated data") {
    std::string bytes = read_bytes(good);
    const fs::path cut = tmp.path / "cut.safetensors";
    write_bytes(cut, bytes.substr(0, bytes.size() - 10));
    std::string msg = error_of([&] { SafetensorsFile f(cut); });
    CHECK_HAS(msg, cut.string());
    CHECK_HAS(msg, "tensor 'model.norm.weight'");
    CHECK_HAS(msg, "data_offsets [0, 1024] run past the end of the file (1014 data bytes)");
  }
  SECTION("truncated header") {
    std::string bytes = read_bytes(good);
    const fs::path cut = tmp.path / "cut.safetensors";
    write_bytes(cut, bytes.substr(0, 20));
    std::string msg = error_of([&] { SafetensorsFile f(cut); });
    CHECK_HAS(msg, cut.string());
    CHECK_HAS(msg, "runs past the end");
    write_bytes(cut, bytes.substr(0, 5));
    CHECK_HAS(error_of([&] { SafetensorsFile f(cut); }), "shorter than the 8-byte header length");
  }
  SECTION("header length over the limit") {
    const fs::path bad = tmp.path / "bad.safetensors";
    std::string bytes(8, '\xff');
    bytes += "{}";
    write_bytes(bad, bytes);
    std::string msg = error_of([&] { SafetensorsFile f(bad); });
    CHECK_HAS(msg, bad.string());
    CHECK_HAS(msg, "100 MB");
  }
  SECTION("header that is not JSON") {
    const fs::path bad = tmp.path / "bad.safetensors";
    write_raw_safetensors(bad, "{\"x\": [1, 2", 0);
    std::string msg = error_of([&] { SafetensorsFile f(bad); });
    CHECK_HAS(msg, bad.string());
    CHECK_HAS(msg, "not valid JSON");
  }
  SECTION("offsets past the end") {
    const fs::path bad = tmp.path / "model.safetensors";
    write_raw_safetensors(
        bad, R"({"model.norm.weight":{"dtype":"F32","shape":[249999],"data_offsets":[0,999996]}})", 1024);
    std::string msg = error_of([&] { SafetensorsFile f(bad); });
    CHECK_HAS(msg, bad.string() + ": tensor 'model.norm.weight': data_offsets [0, 999996] run past the end of the file (1024 data bytes)");
    // Through Checkpoint::open too.
    CHECK_HAS(error_of([&] { Checkpoint::open(tmp.path); }), "tensor 'model.norm.weight'");
  }
  SECTION("size that does not match shape and dtype") {
    const fs::path bad = tmp.path / "bad.safetensors";
    write_raw_safetensors(bad, R"({"w":{"dtype":"BF16","shape":[4,4],"data_offsets":[0,16]}})", 16);
    std::string msg = error_of([&] { SafetensorsFile f(bad); });
    CHECK_HAS(msg, "tensor 'w'");
    CHECK_HAS(msg, "hold 16 bytes but BF16 [4, 4] needs 32");
  }
  SECTION("missing field and unknown dtype") {
    const fs::path bad = tmp.path / "bad.safetensors";
    write_raw_safetensors(bad, R"({"w":{"dtype":"F32","shape":[4]}})", 16);
    CHECK_HAS(error_of([&] { SafetensorsFile f(bad); }), "tensor 'w': missing 'data_offsets'");
    write_raw_safetensors(bad, R"({"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})", 8);
    CHECK_HAS(error_of([&] { SafetensorsFile f(bad); }), "tensor 'w': dtype 'C64' is not supported");
  }
  SECTION("missing tensor") {
    Checkpoint ckpt = Checkpoint::open(tmp.path);
    std::string msg = error_of([&] { ckpt.load("model.layers.0.mlp.up_proj.weight"); });
    CHECK_HAS(msg, tmp.path.string());
    CHECK_HAS(msg, "tensor 'model.layers.0.mlp.up_proj.weight' is not in the checkpoint");
    CHECK_HAS(error_of([&] { ckpt.shape("nope"); }), "'nope'");
    CHECK_HAS(error_of([&] { SafetensorsFile(good).at("nope"); }), good.string() + ": no tensor 'nope'");
  }
  SECTION("folder without a checkpoint") {
    const fs::path empty = tmp.path / "empty";
    fs::create_directories(empty);
    CHECK_HAS(error_of([&] { Checkpoint::open(empty); }),
              empty.string() + ": no model.safetensors or model.safetensors.index.json");
  }
  SECTION("index naming a missing shard") {
    const fs::path dir = tmp.path / "sharded";
    fs::create_directories(dir);
    write_bytes(dir / "model.safetensors.index.json",
                R"({"metadata":{},"weight_map":{"w":"model-00001-of-00002.safetensors"}})");
    std::string msg = error_of([&] { Checkpoint::open(dir); });
    CHECK_HAS(msg, "model.safetensors.index.json");
    CHECK_HAS(msg, "shard 'model-00001-of-00002.safetensors' (holding 'w') is missing");
  }
}

TEST_CASE("FP8 weights with block scales are dequantized on load") {
  TempDir tmp;
  at::manual_seed(11);
  const int64_t rows = 200, cols = 300, block = 128;
  const int64_t brows = 2, bcols = 3;  // ceil(200/128), ceil(300/128)
  at::Tensor w = at::randn({rows, cols}) * 3;
  at::Tensor scale = at::empty({brows, bcols});
  at::Tensor w8 = at::empty({rows, cols}, at::kFloat8_e4m3fn);
  for (int64_t i = 0; i < brows; ++i) {
    for (int64_t j = 0; j < bcols; ++j) {
      at::Tensor tile = w.slice(0, i * block, std::min(rows, (i + 1) * block)).slice(1, j * block, std::min(cols, (j + 1) * block));
      float s = tile.abs().max().item<float>() / 448.0f;
      scale[i][j] = s;
      w8.slice(0, i * block, std::min(rows, (i + 1) * block))
          .slice(1, j * block, std::min(cols, (j + 1) * block))
          .copy_((tile / s).to(at::kFloat8_e4m3fn));
    }
  }
  at::Tensor expected = at::empty({rows, cols});
  for (int64_t i = 0; i < brows; ++i) {
    for (int64_t j = 0; j < bcols; ++j) {
      auto r = std::make_pair(i * block, std::min(rows, (i + 1) * block));
      auto c = std::make_pair(j * block, std::min(cols, (j + 1) * block));
      expected.slice(0, r.first, r.second)
          .slice(1, c.first, c.second)
          .copy_(w8.slice(0, r.first, r.second).slice(1, c.first, c.second).to(at::kFloat) * scale[i][j].item<float>());
    }
  }
  save_checkpoint(tmp.path, nullptr,
                  {{"mlp.down_proj.weight", w8}, {"mlp.down_proj.weight_scale_inv", scale}, {"norm.weight", at::ones({4})}});
  CHECK(SafetensorsFile(tmp.path / "model.safetensors").at("mlp.down_proj.weight").dtype == "F8_E4M3");

  Checkpoint ckpt = Checkpoint::open(tmp.path);
  CHECK(ckpt.is_auxiliary("mlp.down_proj.weight_scale_inv"));
  CHECK_FALSE(ckpt.is_auxiliary("mlp.down_proj.weight"));
  CHECK_FALSE(ckpt.is_auxiliary("norm.weight"));
  at::Tensor loaded = ckpt.load("mlp.down_proj.weight");
  CHECK(loaded.scalar_type() == at::kFloat);
  CHECK(at::equal(loaded, expected));
  // Close to the original weight: e4m3 keeps 3 mantissa bits, and values
  // far below their block's maximum fall into subnormals (steps of 2^-9).
  const float subnormal_step = scale.max().item<float>() / 512.0f;
  CHECK(((loaded - w).abs() <= w.abs() * 0.0625 + subnormal_step).all().item<bool>());
  at::Tensor as_bf16 = ckpt.load("mlp.down_proj.weight", at::kBFloat16);
  CHECK(as_bf16.scalar_type() == at::kBFloat16);
  CHECK(at::equal(as_bf16, expected.to(at::kBFloat16)));

  // The scale loads as itself; a wrong block size is named.
  CHECK(at::equal(ckpt.load("mlp.down_proj.weight_scale_inv"), scale));
  ckpt.set_fp8_block(64, 64);
  std::string msg = error_of([&] { ckpt.load("mlp.down_proj.weight"); });
  CHECK_HAS(msg, "tensor 'mlp.down_proj.weight_scale_inv' has shape [2, 3]");
  CHECK_HAS(msg, "needs [4, 5]");
  CHECK_HAS(msg, "weight_block_size");
}

TEST_CASE("every fixture config.json parses") {
  int seen = 0;
  for (const auto& item : fs::recursive_directory_iterator(kFixtures)) {
    if (item.path().filename() != "config.json") continue;
    INFO(item.path().string());
    ModelConfig c = read_model_config(item.path().parent_path());
    CHECK(c.file == item.path());
    CHECK(c.vocab_size == 512);
    CHECK(c.hidden_size == 64);
    CHECK(c.num_attention_heads == 4);
    CHECK(c.torch_dtype == "float32");
    CHECK(c.rope.type == "default");
    ++seen;
  }
  CHECK(seen >= 6);

  ModelConfig llama = read_model_config(kFixtures / "llama_tiny");
  CHECK(llama.model_type == "llama");
  CHECK(llama.architecture == "LlamaForCausalLM");
  CHECK(llama.num_hidden_layers == 2);
  CHECK(llama.num_key_value_heads == 2);
  CHECK(llama.head_dim == 16);
  CHECK(llama.intermediate_size == 176);
  CHECK(llama.rms_norm_eps == 1e-6);
  CHECK(llama.rope.theta == 10000.0);
  CHECK(llama.eos_token_id == 2);
  CHECK(llama.eos_token_ids == std::vector<int64_t>{2});
  CHECK_FALSE(llama.pad_token_id.has_value());
  CHECK_FALSE(llama.tie_word_embeddings);
  CHECK_FALSE(llama.attention_bias);
  CHECK_FALSE(llama.sliding_window.has_value());

  ModelConfig qwen = read_model_config(kFixtures / "qwen2_tiny");
  CHECK(qwen.attention_bias);
  CHECK(qwen.tie_word_embeddings);
  CHECK(qwen.rope.theta == 1e6);
  CHECK(qwen.head_dim == 16);  // hidden / heads: no head_dim key
  CHECK_FALSE(qwen.sliding_window.has_value());
  CHECK_FALSE(qwen.eos_token_id.has_value());

  CHECK(read_model_config(kFixtures / "mistral_tiny_sw4").sliding_window == 4);

  ModelConfig v2 = read_model_config(kFixtures / "deepseekv2_tiny");
  CHECK(v2.q_lora_rank == 48);
  CHECK(v2.kv_lora_rank == 32);
  CHECK(v2.qk_nope_head_dim == 16);
  CHECK(v2.qk_rope_head_dim == 8);
  CHECK(v2.v_head_dim == 16);
  CHECK(v2.n_routed_experts == 8);
  CHECK(v2.n_shared_experts == 1);
  CHECK(v2.num_experts_per_tok == 2);
  CHECK(v2.moe_intermediate_size == 32);
  CHECK(v2.first_k_dense_replace == 1);
  CHECK(v2.scoring_func == "softmax");
  CHECK(v2.topk_method == "greedy");
  CHECK_FALSE(v2.rope_interleave);
  CHECK_FALSE(v2.norm_topk_prob);

  ModelConfig v3 = read_model_config(kFixtures / "deepseekv3_tiny");
  CHECK(v3.scoring_func == "sigmoid");
  CHECK(v3.topk_method == "noaux_tc");
  CHECK(v3.rope_interleave);
  CHECK(v3.n_group == 2);
  CHECK(v3.topk_group == 1);
  CHECK(v3.norm_topk_prob);
  CHECK(v3.routed_scaling_factor == 2.5);
  CHECK(v3.num_nextn_predict_layers == 1);
  CHECK_FALSE(v3.fp8_weights);
}

TEST_CASE("old-style config.json: DeepSeek-V3 (yarn, fp8) and Llama 3.1 (llama3)") {
  const json deepseek_v3 = json::parse(R"({
    "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3",
    "vocab_size": 129280, "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048,
    "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128,
    "n_shared_experts": 1, "n_routed_experts": 256, "routed_scaling_factor": 2.5,
    "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
    "topk_method": "noaux_tc", "n_group": 8, "topk_group": 4, "num_experts_per_tok": 8,
    "moe_layer_freq": 1, "first_k_dense_replace": 3, "norm_topk_prob": true, "scoring_func": "sigmoid",
    "aux_loss_alpha": 0.001, "hidden_act": "silu", "max_position_embeddings": 163840,
    "rms_norm_eps": 1e-06, "tie_word_embeddings": false, "rope_theta": 10000,
    "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0, "mscale_all_dim": 1.0,
                     "original_max_position_embeddings": 4096, "type": "yarn"},
    "attention_bias": false, "bos_token_id": 0, "eos_token_id": 1, "torch_dtype": "bfloat16",
    "num_nextn_predict_layers": 1,
    "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
                            "weight_block_size": [128, 128]}
  })");
  ModelConfig v3 = parse_model_config(deepseek_v3, "DeepSeek-V3/config.json");
  CHECK(v3.rope.type == "yarn");
  CHECK(v3.rope.theta == 10000.0);
  CHECK(v3.rope.factor == 40.0);
  CHECK(v3.rope.beta_fast == 32.0);
  CHECK(v3.rope.beta_slow == 1.0);
  CHECK(v3.rope.mscale == 1.0);
  CHECK(v3.rope.mscale_all_dim == 1.0);
  CHECK(v3.rope.original_max_position_embeddings == 4096);
  CHECK_FALSE(v3.rope.attention_factor.has_value());
  CHECK(v3.fp8_weights);
  CHECK(v3.fp8_block == std::vector<int64_t>{128, 128});
  CHECK(v3.rope_interleave);  // V3 default
  CHECK(v3.head_dim == 64);   // qk_rope_head_dim, as transformers sets it
  CHECK(v3.n_group == 8);
  CHECK(v3.topk_group == 4);
  CHECK(v3.aux_loss_alpha == 0.001);
  CHECK(v3.torch_dtype == "bfloat16");

  const json llama31 = json::parse(R"({
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256,
    "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 8, "max_position_embeddings": 131072,
    "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "bos_token_id": 128000,
    "eos_token_id": [128001, 128008, 128009], "mlp_bias": false, "attention_bias": false,
    "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"
  })");
  ModelConfig l = parse_model_config(llama31, "Llama-3.1-8B/config.json");
  CHECK(l.rope.type == "llama3");
  CHECK(l.rope.theta == 500000.0);
  CHECK(l.rope.factor == 8.0);
  CHECK(l.rope.low_freq_factor == 1.0);
  CHECK(l.rope.high_freq_factor == 4.0);
  CHECK(l.rope.original_max_position_embeddings == 8192);
  CHECK(l.head_dim == 128);
  CHECK(l.eos_token_id == 128001);
  CHECK(l.eos_token_ids == std::vector<int64_t>{128001, 128008, 128009});

  // A V3 config that leaves the routing keys out gets V3's routing.
  json bare_v3 = deepseek_v3;
  bare_v3.erase("scoring_func");
  bare_v3.erase("topk_method");
  ModelConfig b = parse_model_config(bare_v3, "v3/config.json");
  CHECK(b.scoring_func == "sigmoid");
  CHECK(b.topk_method == "noaux_tc");
  json bare_v2 = bare_v3;
  bare_v2["model_type"] = "deepseek_v2";
  ModelConfig b2 = parse_model_config(bare_v2, "v2/config.json");
  CHECK(b2.scoring_func == "softmax");
  CHECK(b2.topk_method == "greedy");
  CHECK_FALSE(b2.rope_interleave);

  // partial_rotary_factor at the top level or among the rope parameters.
  json partial = llama31;
  partial["partial_rotary_factor"] = 0.5;
  CHECK(parse_model_config(partial, "p/config.json").rope.partial_rotary_factor == 0.5);
  json partial5 = json::parse(R"({"model_type": "llama", "vocab_size": 8, "hidden_size": 8,
    "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16,
    "rope_parameters": {"rope_type": "yarn", "rope_theta": 1e6, "factor": 4.0, "partial_rotary_factor": 0.25,
                        "attention_factor": 1.2}})");
  ModelConfig p5 = parse_model_config(partial5, "p5/config.json");
  CHECK(p5.rope.partial_rotary_factor == 0.25);
  CHECK(p5.rope.theta == 1e6);
  CHECK(p5.rope.type == "yarn");
  CHECK(p5.rope.attention_factor == 1.2);
  CHECK(p5.num_key_value_heads == 2);
}

TEST_CASE("config.json errors name the file and the key") {
  const json base = json::parse(R"({"model_type": "llama", "vocab_size": 8, "hidden_size": 8,
    "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16})");
  auto error_for = [](const json& raw) { return error_of([&] { parse_model_config(raw, "m/config.json"); }); };
  CHECK(error_for(base) == "(no error)");

  json unknown = base;
  unknown["model_type"] = "gpt2";
  std::string msg = error_for(unknown);
  CHECK_HAS(msg, "m/config.json: model_type 'gpt2' is not supported");
  CHECK_HAS(msg, "llama, qwen2, mistral, deepseek_v2, deepseek_v3");

  json missing = base;
  missing.erase("hidden_size");
  CHECK_HAS(error_for(missing), "m/config.json: key 'hidden_size' is missing");

  json wrong_type = base;
  wrong_type["hidden_size"] = "64";
  CHECK_HAS(error_for(wrong_type), "m/config.json: 'hidden_size' must be an integer, got string \"64\"");

  json bad_rope = base;
  bad_rope["rope_scaling"] = {{"type", "yarn"}, {"factor", "4"}};
  CHECK_HAS(error_for(bad_rope), "'rope_scaling.factor' must be a number, got string");

  json bad_rope_type = base;
  bad_rope_type["rope_scaling"] = {{"rope_type", "longrope"}};
  CHECK_HAS(error_for(bad_rope_type), "RoPE type 'longrope' is not supported");

  json bad_quant = base;
  bad_quant["quantization_config"] = {{"quant_method", "gptq"}};
  CHECK_HAS(error_for(bad_quant), "quant_method 'gptq' is not supported");

  json bad_kv = base;
  bad_kv["num_key_value_heads"] = 3;
  CHECK_HAS(error_for(bad_kv), "num_key_value_heads 3");

  json no_mla = base;
  no_mla["model_type"] = "deepseek_v3";
  CHECK_HAS(error_for(no_mla), "key 'kv_lora_rank' is missing");

  CHECK_HAS(error_of([] { read_model_config("/nonexistent/model"); }), "/nonexistent/model/config.json: cannot open");
}

TEST_CASE("the safetensors library reads our files and we read its (DSFORGE_PYTHON)") {
  const char* python = std::getenv("DSFORGE_PYTHON");
  if (python == nullptr || *python == '\0') {
    WARN("DSFORGE_PYTHON not set: skipping the cross-check with the safetensors library");
    return;
  }
  TempDir tmp;
  auto tensors = sample_tensors();
  save_checkpoint(tmp.path, nullptr, tensors);
  const fs::path theirs = tmp.path / "theirs.safetensors";
  const fs::path script = fs::path(DSFORGE_SOURCE_DIR) / "tests/host/check_safetensors_python.py";
  const std::string command = std::string("\"") + python + "\" \"" + script.string() + "\" \"" +
                              (tmp.path / "model.safetensors").string() + "\" \"" + theirs.string() + "\"";
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);

  SafetensorsFile file(theirs);
  for (const auto& [name, t] : tensors) {
    INFO(name);
    const SafetensorsEntry& e = file.at(name);
    CHECK(e.dtype == safetensors_dtype_of(t.scalar_type()));
    CHECK(e.shape == t.sizes().vec());
    CHECK((e.nbytes == 0 || std::memcmp(e.data, t.contiguous().data_ptr(), e.nbytes) == 0));  // empty: data may be NULL
  }
}
