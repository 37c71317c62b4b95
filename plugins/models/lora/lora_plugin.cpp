// lora_plugin.cpp: the `lora` adapter (Hu et al., 2021), file-compatible
// with PEFT. For each wrapped linear y = x W^T + b it adds
// scale * dropout(x) A^T B^T with A [r, in], B [out, r] and
// scale = alpha / r (alpha / sqrt(r) with use_rslora). Settings come from
// PEFT's adapter_config.json (r, lora_alpha, lora_dropout, target_modules)
// or from a pipeline's TOML (r, alpha, dropout, targets).
// Not supported: DoRA, per-module rank/alpha patterns, bias training.
#include <block_common.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <map>

#include "lora_targets.hpp"

namespace {

using nlohmann::json;

const char* const kPeftPrefix = "base_model.model.";

struct LoraPair {
  ds::Tensor a;  // [r, in]
  ds::Tensor b;  // [out, r]
};

class Lora {
 public:
  explicit Lora(const ds::Config& cfg) : settings_(json::parse(cfg.json())) {
    r_ = pick<int64_t>({"r"}, 8);
    alpha_ = pick<double>({"lora_alpha", "alpha"}, static_cast<double>(r_));
    dropout_ = pick<double>({"lora_dropout", "dropout"}, 0.0);
    rslora_ = pick<bool>({"use_rslora"}, false);
    seed_ = pick<uint64_t>({"seed"}, 0);
    if (r_ <= 0) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "lora: r must be positive, got " + std::to_string(r_));
    if (pick<bool>({"use_dora"}, false))
      throw ds::Error(DS_ERR_UNSUPPORTED, "lora: use_dora = true (DoRA) is not supported");
    for (const char* key : {"rank_pattern", "alpha_pattern"}) {
      if (settings_.contains(key) && settings_[key].is_object() && !settings_[key].empty())
        throw ds::Error(DS_ERR_UNSUPPORTED, std::string("lora: ") + key + " is not supported (one rank for all layers)");
    }
    const json* targets = find({"target_modules", "targets"});
    if (targets == nullptr || targets->is_null())
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "lora: target_modules (or targets) is required, e.g. [\"q_proj\", \"v_proj\"]");
    try {
      matcher_ = targets->is_string() ? dslora::TargetMatcher::regex(targets->get<std::string>())
                                      : dslora::TargetMatcher::names(targets->get<std::vector<std::string>>());
    } catch (const std::exception& e) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string("lora: bad target_modules: ") + e.what());
    }
    scale_ = rslora_ ? alpha_ / std::sqrt(static_cast<double>(r_)) : alpha_ / static_cast<double>(r_);
  }

  bool attach(const char* name, int64_t in, int64_t out, int32_t dtype, ds_device dev, const ds::Module& weights) {
    if (!matcher_.matches(name)) return false;
    const std::string key = std::string(kPeftPrefix) + name;
    LoraPair p;
    if (weights.has((key + ".lora_A.weight").c_str())) {
      p.a = weights.weight((key + ".lora_A.weight").c_str());
      p.b = weights.weight((key + ".lora_B.weight").c_str());
      check_shape(key + ".lora_A.weight", p.a, r_, in);
      check_shape(key + ".lora_B.weight", p.b, out, r_);
      if (p.a.dtype() != dtype) p.a = p.a.cast(dtype);
      if (p.b.dtype() != dtype) p.b = p.b.cast(dtype);
    } else {
      // PEFT's default init: A ~ kaiming-uniform(a=sqrt(5)), whose standard
      // deviation is 1/sqrt(3 in); a normal of that deviation here. B = 0,
      // so a fresh adapter leaves the model unchanged.
      ds_tensor* raw = nullptr;
      const int64_t shape[2] = {r_, in};
      ds::check(ds::ops().randn(shape, 2, seed_ ^ std::hash<std::string>()(name), dtype, dev, &raw));
      p.a = ds::Tensor(raw).affine(1.0 / std::sqrt(3.0 * static_cast<double>(in)), 0.0);
      p.b = ds::Tensor::zeros({out, r_}, dtype, dev);
    }
    p.a = p.a.detach();
    p.b = p.b.detach();
    p.a.requires_grad(true);
    p.b.requires_grad(true);
    pairs_[name] = std::move(p);
    return true;
  }

  ds::Tensor apply(const char* name, const ds::Tensor& x, const ds::Tensor& base, bool training) {
    const LoraPair& p = pair(name);
    ds::Tensor h = dropout_ > 0 ? x.dropout(dropout_, training) : x;
    return base + h.linear(p.a).linear(p.b).affine(scale_, 0.0);
  }

  ds::Tensor delta_weight(const char* name) {
    const LoraPair& p = pair(name);
    return p.b.matmul(p.a).affine(scale_, 0.0);
  }

  std::vector<std::pair<std::string, ds::Tensor>> tensors() const {
    std::vector<std::pair<std::string, ds::Tensor>> out;
    for (const auto& [name, p] : pairs_) {
      out.emplace_back(std::string(kPeftPrefix) + name + ".lora_A.weight", p.a);
      out.emplace_back(std::string(kPeftPrefix) + name + ".lora_B.weight", p.b);
    }
    return out;
  }

  // adapter_config.json as PEFT writes it (the keys PEFT needs to load it).
  std::string config_json() const {
    json targets = matcher_.is_regex() ? json(matcher_.pattern()) : json(matcher_.name_list());
    json cfg = {{"peft_type", "LORA"},
                {"task_type", "CAUSAL_LM"},
                {"r", r_},
                {"lora_alpha", alpha_},
                {"lora_dropout", dropout_},
                {"target_modules", targets},
                {"bias", "none"},
                {"fan_in_fan_out", false},
                {"use_rslora", rslora_},
                {"use_dora", false},
                {"init_lora_weights", true},
                {"inference_mode", true},
                {"modules_to_save", nullptr},
                {"base_model_name_or_path", settings_.value("base_model_name_or_path", json())},
                {"rank_pattern", json::object()},
                {"alpha_pattern", json::object()}};
    return cfg.dump(2);
  }

 private:
  const json* find(std::initializer_list<const char*> keys) const {
    for (const char* k : keys)
      if (settings_.contains(k)) return &settings_[k];
    return nullptr;
  }
  template <class T>
  T pick(std::initializer_list<const char*> keys, T fallback) const {
    const json* v = find(keys);
    if (v == nullptr || v->is_null()) return fallback;
    try {
      return v->get<T>();
    } catch (const std::exception&) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string("lora: '") + *keys.begin() + "' has the wrong type: " + v->dump());
    }
  }
  static void check_shape(const std::string& key, const ds::Tensor& t, int64_t rows, int64_t cols) {
    if (t.dim() != 2 || t.size(0) != rows || t.size(1) != cols)
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "lora: tensor '" + key + "' should be [" + std::to_string(rows) + ", " +
                                                   std::to_string(cols) + "] for this model and r, got [" +
                                                   std::to_string(t.size(0)) + ", " + std::to_string(t.size(1)) + "]");
  }
  const LoraPair& pair(const char* name) const {
    auto it = pairs_.find(name);
    if (it == pairs_.end()) throw ds::Error(DS_ERR_NOT_FOUND, std::string("lora: not attached to ") + name);
    return it->second;
  }

  json settings_;
  int64_t r_ = 8;
  double alpha_ = 8, dropout_ = 0, scale_ = 1;
  bool rslora_ = false;
  uint64_t seed_ = 0;
  dslora::TargetMatcher matcher_;
  std::map<std::string, LoraPair> pairs_;
};

const char* const kSchema = R"json({
  "type": "object",
  "description": "LoRA adapter. Reads PEFT's adapter_config.json keys (r, lora_alpha, lora_dropout, target_modules, use_rslora) or the short forms alpha, dropout, targets. target_modules: a list of layer names (matching the end of the full name) or one regular expression for the whole name.",
  "properties": {
    "r": {"type": "integer", "minimum": 1, "description": "rank"},
    "lora_alpha": {"type": "number", "description": "scale = alpha / r"},
    "alpha": {"type": "number", "description": "same as lora_alpha"},
    "lora_dropout": {"type": "number", "minimum": 0, "maximum": 1},
    "dropout": {"type": "number", "minimum": 0, "maximum": 1},
    "targets": {"description": "same as target_modules: a list of names or one regular expression"},
    "target_modules": {"description": "layer names (matching the end of the full name) or one regular expression"},
    "use_rslora": {"type": "boolean"},
    "seed": {"type": "integer", "minimum": 0, "description": "seed of new A matrices"}
  },
  "additionalProperties": true
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-lora", "0.1.0", "Apache-2.0",
               ds::adapter<Lora>("lora", "0.1.0", "LoRA adapters, PEFT-compatible (load, save, merge)", kSchema))
