// model_config.cpp: config.json -> ModelConfig. Every key is read through
// KeyReader, which names the file, the key (with its parent object) and the
// JSON type it found. Shapes are checked only as far as the config alone
// allows; matching them against the weights is the model builder's job.
#include "model/model_config.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dsforge {
namespace {

const char* const kSupportedTypes = "llama, qwen2, mistral, deepseek_v2, deepseek_v3";
const char* const kRopeTypes = "default, linear, dynamic, llama3, yarn";

template <class... Args>
[[noreturn]] void throw_user_error(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  throw UserError(out.str());
}

// Reads typed keys of one JSON object; a null value counts as absent, as
// transformers writes null for "not set".
class KeyReader {
 public:
  KeyReader(const json& object, const fs::path& file, std::string prefix)
      : object_(&object), file_(file.string()), prefix_(std::move(prefix)) {}

  bool has(const char* key) const { return object_->contains(key) && !object_->at(key).is_null(); }

  std::optional<int64_t> int_opt(const char* key) const {
    if (!has(key)) return std::nullopt;
    const json& v = object_->at(key);
    if (!v.is_number_integer()) wrong_type(key, "an integer");
    return v.get<int64_t>();
  }
  int64_t int_or(const char* key, int64_t fallback) const { return int_opt(key).value_or(fallback); }
  int64_t int_required(const char* key, const char* why) const {
    auto v = int_opt(key);
    if (!v) throw_user_error(file_, ": key '", prefix_, key, "' is missing (", why, ")");
    return *v;
  }
  int64_t positive_required(const char* key, const char* why) const {
    int64_t v = int_required(key, why);
    if (v <= 0) throw_user_error(file_, ": '", prefix_, key, "' must be positive, got ", v);
    return v;
  }

  std::optional<double> number_opt(const char* key) const {
    if (!has(key)) return std::nullopt;
    const json& v = object_->at(key);
    if (!v.is_number()) wrong_type(key, "a number");
    return v.get<double>();
  }
  double number_or(const char* key, double fallback) const { return number_opt(key).value_or(fallback); }

  bool bool_or(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = object_->at(key);
    if (!v.is_boolean()) wrong_type(key, "true or false");
    return v.get<bool>();
  }

  std::optional<std::string> string_opt(const char* key) const {
    if (!has(key)) return std::nullopt;
    const json& v = object_->at(key);
    if (!v.is_string()) wrong_type(key, "a string");
    return v.get<std::string>();
  }
  std::string string_or(const char* key, const std::string& fallback) const {
    return string_opt(key).value_or(fallback);
  }

  // A nested object (null or absent: nullopt).
  std::optional<KeyReader> object_opt(const char* key) const {
    if (!has(key)) return std::nullopt;
    const json& v = object_->at(key);
    if (!v.is_object()) wrong_type(key, "an object");
    return KeyReader(v, file_, prefix_ + key + ".");
  }

  const json& value(const char* key) const { return object_->at(key); }
  [[noreturn]] void wrong_type(const char* key, const char* expected) const {
    const json& v = object_->at(key);
    throw_user_error(file_, ": '", prefix_, key, "' must be ", expected, ", got ", v.type_name(), " ", v.dump());
  }
  const std::string& file() const { return file_; }

 private:
  const json* object_;  // a pointer, so readers can be reassigned
  std::string file_;
  std::string prefix_;
};

// transformers 5: rope_parameters {rope_theta, rope_type, factor, ...};
// before: top-level rope_theta and rope_scaling {type | rope_type, ...}.
RopeConfig read_rope(const KeyReader& top) {
  RopeConfig rope;
  std::optional<KeyReader> params = top.object_opt("rope_parameters");
  if (!params) params = top.object_opt("rope_scaling");
  rope.theta = top.number_or("rope_theta", rope.theta);
  rope.partial_rotary_factor = top.number_or("partial_rotary_factor", rope.partial_rotary_factor);
  if (params) {
    const KeyReader& p = *params;
    rope.theta = p.number_or("rope_theta", rope.theta);
    rope.partial_rotary_factor = p.number_or("partial_rotary_factor", rope.partial_rotary_factor);
    rope.type = p.string_or("rope_type", p.string_or("type", rope.type));
    rope.factor = p.number_or("factor", rope.factor);
    rope.original_max_position_embeddings =
        p.int_or("original_max_position_embeddings", rope.original_max_position_embeddings);
    rope.low_freq_factor = p.number_or("low_freq_factor", rope.low_freq_factor);
    rope.high_freq_factor = p.number_or("high_freq_factor", rope.high_freq_factor);
    rope.beta_fast = p.number_or("beta_fast", rope.beta_fast);
    rope.beta_slow = p.number_or("beta_slow", rope.beta_slow);
    rope.mscale = p.number_or("mscale", rope.mscale);
    rope.mscale_all_dim = p.number_or("mscale_all_dim", rope.mscale_all_dim);
    rope.attention_factor = p.number_opt("attention_factor");
  }
  if (rope.type != "default" && rope.type != "linear" && rope.type != "dynamic" && rope.type != "llama3" &&
      rope.type != "yarn") {
    throw_user_error(top.file(), ": RoPE type '", rope.type, "' is not supported (supported: ", kRopeTypes, ")");
  }
  if (rope.theta <= 0) throw_user_error(top.file(), ": rope_theta must be positive, got ", rope.theta);
  if (rope.factor <= 0) throw_user_error(top.file(), ": RoPE factor must be positive, got ", rope.factor);
  if (rope.partial_rotary_factor <= 0 || rope.partial_rotary_factor > 1) {
    throw_user_error(top.file(), ": partial_rotary_factor must be in (0, 1], got ", rope.partial_rotary_factor);
  }
  return rope;
}

void read_token_ids(const KeyReader& r, ModelConfig& c) {
  c.bos_token_id = r.int_opt("bos_token_id");
  c.pad_token_id = r.int_opt("pad_token_id");
  if (!r.has("eos_token_id")) return;
  const json& eos = r.value("eos_token_id");
  if (eos.is_number_integer()) {
    c.eos_token_ids = {eos.get<int64_t>()};
  } else if (eos.is_array()) {
    for (const json& id : eos) {
      if (!id.is_number_integer()) r.wrong_type("eos_token_id", "an integer or a list of integers");
      c.eos_token_ids.push_back(id.get<int64_t>());
    }
  } else {
    r.wrong_type("eos_token_id", "an integer or a list of integers");
  }
  if (!c.eos_token_ids.empty()) c.eos_token_id = c.eos_token_ids.front();
}

void read_deepseek(const KeyReader& r, ModelConfig& c) {
  const bool v3 = c.model_type == "deepseek_v3";
  const char* mla = "DeepSeek's MLA attention needs it";
  c.q_lora_rank = r.int_opt("q_lora_rank");
  c.kv_lora_rank = r.positive_required("kv_lora_rank", mla);
  c.qk_nope_head_dim = r.positive_required("qk_nope_head_dim", mla);
  c.qk_rope_head_dim = r.positive_required("qk_rope_head_dim", mla);
  c.v_head_dim = r.positive_required("v_head_dim", mla);
  c.rope_interleave = r.bool_or("rope_interleave", v3);
  c.n_routed_experts = r.int_or("n_routed_experts", 0);
  c.n_shared_experts = r.int_or("n_shared_experts", 0);
  c.num_experts_per_tok = r.int_or("num_experts_per_tok", 0);
  c.moe_intermediate_size = r.int_or("moe_intermediate_size", 0);
  c.first_k_dense_replace = r.int_or("first_k_dense_replace", 0);
  c.moe_layer_freq = r.int_or("moe_layer_freq", 1);
  c.n_group = r.int_or("n_group", 1);
  c.topk_group = r.int_or("topk_group", 1);
  c.topk_method = r.string_or("topk_method", v3 ? "noaux_tc" : "greedy");
  c.scoring_func = r.string_or("scoring_func", v3 ? "sigmoid" : "softmax");
  c.norm_topk_prob = r.bool_or("norm_topk_prob", false);
  c.routed_scaling_factor = r.number_or("routed_scaling_factor", 1.0);
  c.aux_loss_alpha = r.number_or("aux_loss_alpha", 0.0);
  c.num_nextn_predict_layers = r.int_or("num_nextn_predict_layers", 0);

  const std::string& f = r.file();
  if (c.topk_method != "greedy" && c.topk_method != "group_limited_greedy" && c.topk_method != "noaux_tc") {
    throw_user_error(f, ": topk_method '", c.topk_method, "' is not supported (greedy, group_limited_greedy, noaux_tc)");
  }
  if (c.scoring_func != "softmax" && c.scoring_func != "sigmoid") {
    throw_user_error(f, ": scoring_func '", c.scoring_func, "' is not supported (softmax, sigmoid)");
  }
  if (c.n_routed_experts > 0) {
    if (c.num_experts_per_tok <= 0 || c.num_experts_per_tok > c.n_routed_experts) {
      throw_user_error(f, ": num_experts_per_tok must be in [1, n_routed_experts = ", c.n_routed_experts, "], got ",
                       c.num_experts_per_tok);
    }
    if (c.moe_intermediate_size <= 0) throw_user_error(f, ": moe_intermediate_size must be positive with routed experts");
    if (c.n_group <= 0 || c.n_routed_experts % c.n_group != 0 || c.topk_group <= 0 || c.topk_group > c.n_group) {
      throw_user_error(f, ": n_group ", c.n_group, " must divide n_routed_experts ", c.n_routed_experts,
                       " and topk_group ", c.topk_group, " must be in [1, n_group]");
    }
  }
}

void read_quantization(const KeyReader& r, ModelConfig& c) {
  std::optional<KeyReader> q = r.object_opt("quantization_config");
  if (!q) return;
  const std::string method = q->string_or("quant_method", "");
  if (method != "fp8") {
    throw_user_error(r.file(), ": quantization_config.quant_method '", method,
                     "' is not supported (only \"fp8\" block-scaled weights; dequantize the checkpoint first)");
  }
  const std::string format = q->string_or("fmt", "e4m3");
  if (format != "e4m3") throw_user_error(r.file(), ": quantization_config.fmt '", format, "' is not supported (e4m3)");
  c.fp8_weights = true;
  if (q->has("weight_block_size")) {
    const json& block = q->value("weight_block_size");
    if (!block.is_array() || block.size() != 2 || !block[0].is_number_integer() || !block[1].is_number_integer() ||
        block[0].get<int64_t>() <= 0 || block[1].get<int64_t>() <= 0) {
      q->wrong_type("weight_block_size", "[rows, cols] (two positive integers)");
    }
    c.fp8_block = {block[0].get<int64_t>(), block[1].get<int64_t>()};
  }
}

}  // namespace

ModelConfig parse_model_config(const json& raw, const fs::path& file) {
  if (!raw.is_object()) throw_user_error(file.string(), ": must hold a JSON object, got ", raw.type_name());
  ModelConfig c;
  c.file = file;
  c.raw = raw;
  const KeyReader r(c.raw, file, "");
  const std::string& f = r.file();

  auto model_type = r.string_opt("model_type");
  if (!model_type) throw_user_error(f, ": key 'model_type' is missing (one of ", kSupportedTypes, ")");
  c.model_type = *model_type;
  if (c.model_type != "llama" && c.model_type != "qwen2" && c.model_type != "mistral" &&
      c.model_type != "deepseek_v2" && c.model_type != "deepseek_v3") {
    throw_user_error(f, ": model_type '", c.model_type, "' is not supported (supported: ", kSupportedTypes, ")");
  }
  if (r.has("architectures")) {
    const json& archs = r.value("architectures");
    if (!archs.is_array()) r.wrong_type("architectures", "a list of class names");
    if (!archs.empty() && archs[0].is_string()) c.architecture = archs[0].get<std::string>();
  }

  const char* always = "every model needs it";
  c.vocab_size = r.positive_required("vocab_size", always);
  c.hidden_size = r.positive_required("hidden_size", always);
  c.num_hidden_layers = r.positive_required("num_hidden_layers", always);
  c.num_attention_heads = r.positive_required("num_attention_heads", always);
  c.intermediate_size = r.positive_required("intermediate_size", always);
  c.num_key_value_heads = r.int_or("num_key_value_heads", c.num_attention_heads);
  if (c.num_key_value_heads <= 0 || c.num_attention_heads % c.num_key_value_heads != 0) {
    throw_user_error(f, ": num_key_value_heads ", c.num_key_value_heads,
                     " must be positive and divide num_attention_heads ", c.num_attention_heads);
  }
  c.max_position_embeddings = r.int_or("max_position_embeddings", 0);
  c.rms_norm_eps = r.number_or("rms_norm_eps", c.rms_norm_eps);
  c.hidden_act = r.string_or("hidden_act", c.hidden_act);
  c.tie_word_embeddings = r.bool_or("tie_word_embeddings", false);
  c.attention_bias = c.model_type == "qwen2" || r.bool_or("attention_bias", false);
  c.mlp_bias = r.bool_or("mlp_bias", false);
  c.torch_dtype = r.string_or("torch_dtype", r.string_or("dtype", ""));
  // qwen2 writes a window size even when use_sliding_window is false.
  if (c.model_type != "qwen2" || r.bool_or("use_sliding_window", false)) c.sliding_window = r.int_opt("sliding_window");
  read_token_ids(r, c);
  c.rope = read_rope(r);
  read_quantization(r, c);

  const bool deepseek = c.model_type == "deepseek_v2" || c.model_type == "deepseek_v3";
  if (deepseek) read_deepseek(r, c);
  if (auto head_dim = r.int_opt("head_dim")) {
    c.head_dim = *head_dim;
  } else if (deepseek) {
    c.head_dim = c.qk_rope_head_dim;  // as transformers sets it for MLA
  } else {
    if (c.hidden_size % c.num_attention_heads != 0) {
      throw_user_error(f, ": hidden_size ", c.hidden_size, " is not a multiple of num_attention_heads ",
                       c.num_attention_heads, "; give head_dim explicitly");
    }
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim <= 0) throw_user_error(f, ": head_dim must be positive, got ", c.head_dim);
  return c;
}

ModelConfig read_model_config(const fs::path& dir) {
  const fs::path file = fs::is_regular_file(dir) ? dir : dir / "config.json";
  std::ifstream in(file);
  if (!in) throw_user_error(file.string(), ": cannot open (a Hugging Face model folder holds config.json)");
  json raw;
  try {
    raw = json::parse(in);
  } catch (const json::parse_error& e) {
    throw_user_error(file.string(), ": not valid JSON: ", e.what());
  }
  return parse_model_config(raw, file);
}

}  // namespace dsforge
