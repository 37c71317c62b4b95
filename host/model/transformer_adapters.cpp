// transformer_adapters.cpp: adapters on a loaded model: load a PEFT folder,
// make a new one, switch, merge/unmerge into the base weights, save.
#include <ATen/core/grad_mode.h>

#include "api/host_api.hpp"
#include "common/atomic_write.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "model/checkpoint.hpp"
#include "model/transformer.hpp"
#include "runtime/op_support.hpp"
#include "runtime/tensor_api.hpp"

namespace dsforge {
namespace {

at::Tensor take(ds_tensor* h) {
  at::Tensor t = h->value;
  tensor_api()->release(h);
  return t;
}

}  // namespace

void Transformer::load_adapter(const std::filesystem::path& dir, const std::string& name, const std::string& component) {
  nlohmann::json settings = read_json_file(dir / "adapter_config.json");
  const std::string type = settings.value("peft_type", "LORA");
  if (type != "LORA")
    throw UserError(cat((dir / "adapter_config.json").string(), ": peft_type '", type, "' is not supported (LORA)"));
  auto a = std::make_unique<Adapter>();
  a->file_weights = std::make_unique<ModelWeights>();
  a->file_weights->source = (dir / "adapter_model.safetensors").string();
  Checkpoint ckpt = Checkpoint::open(dir / "adapter_model.safetensors");
  for (const std::string& key : ckpt.names()) {
    a->file_weights->params[key] = ckpt.load(key).to(weights_->device);
    a->file_weights->file_of[key] = a->file_weights->source;
  }
  a->handle = factory_->create(DS_KIND_ADAPTER, component, settings, (dir / "adapter_config.json").string());
  a->link.name = name;
  attach(*a);
  std::vector<std::string> unused;
  for (const auto& [key, t] : a->file_weights->params)
    if (!a->file_weights->used.count(key)) unused.push_back(key);
  if (!unused.empty())
    throw UserError(cat(a->file_weights->source, ": ", unused.size(), " tensor(s) match no linear layer of the model, e.g. '",
                        unused.front(), "' (check target_modules and the base model)"));
  adapters_.push_back(std::move(a));
}

void Transformer::add_adapter(const std::string& name, const std::string& component, const nlohmann::json& settings) {
  auto a = std::make_unique<Adapter>();
  a->file_weights = std::make_unique<ModelWeights>();
  a->file_weights->source = "(new adapter '" + name + "')";
  a->handle = factory_->create(DS_KIND_ADAPTER, component, settings, "adapter '" + name + "'");
  a->link.name = name;
  attach(*a);
  adapters_.push_back(std::move(a));
}

void Transformer::attach(Adapter& a) {
  for (const auto& existing : adapters_)
    if (existing->link.name == a.link.name) throw UserError(cat("an adapter named '", a.link.name, "' is already loaded"));
  a.link.vtable = static_cast<const ds_adapter_vtable*>(a.handle->vtable());
  a.link.instance = a.handle->instance();
  a.file_module = std::make_unique<ds_module>();
  a.file_module->weights = a.file_weights.get();
  // Every linear layer the blocks use: "X.weight" of rank 2 with a block prefix.
  int attached_count = 0;
  for (const Block& b : blocks_) {
    for (auto it = weights_->params.lower_bound(b.module->prefix);
         it != weights_->params.end() && it->first.compare(0, b.module->prefix.size(), b.module->prefix) == 0; ++it) {
      const std::string& key = it->first;
      const std::string suffix = ".weight";
      if (it->second.dim() != 2 || key.size() <= suffix.size() ||
          key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const std::string linear = key.substr(0, key.size() - suffix.size());
      if (linear.find("norm") != std::string::npos) continue;
      const at::Tensor& w = it->second;
      ds_device dev = w.is_cuda() ? ds_device{kDLCUDA, w.get_device()} : ds_device{kDLCPU, 0};
      int32_t attached = 0;
      if (ds_error* e = a.link.vtable->attach(a.link.instance, linear.c_str(), w.size(1), w.size(0),
                                              from_scalar(w.scalar_type()), dev, a.file_module.get(), &attached))
        throw UserError(cat("adapter '", a.link.name, "' (", a.handle->label(), ") on ", linear, ": ", take_error_message(e)));
      if (attached) {
        links_->by_linear[linear].push_back(&a.link);
        ++attached_count;
      }
    }
  }
  if (attached_count == 0)
    throw UserError(cat("adapter '", a.link.name, "' matches no linear layer of ", weights_->source,
                        " (check its target_modules)"));
  log::info("model", cat("adapter '", a.link.name, "': ", a.handle->label(), " on ", attached_count, " linear layers"));
}

Transformer::Adapter& Transformer::adapter(const std::string& name) {
  for (auto& a : adapters_)
    if (a->link.name == name) return *a;
  throw UserError(cat("no adapter named '", name, "' is loaded"));
}

const Transformer::Adapter& Transformer::adapter(const std::string& name) const {
  return const_cast<Transformer*>(this)->adapter(name);
}

std::vector<std::string> Transformer::adapter_names() const {
  std::vector<std::string> out;
  for (const auto& a : adapters_) out.push_back(a->link.name);
  return out;
}

void Transformer::set_active_adapters(const std::vector<std::string>& names) {
  for (const auto& n : names) adapter(n);  // all must exist
  for (auto& a : adapters_) a->link.active = std::find(names.begin(), names.end(), a->link.name) != names.end();
}

namespace {

// W += sign * delta for every linear the adapter wraps.
void fold_delta(const AdapterLinks& links, const AttachedAdapter& a, ModelWeights& w, double sign) {
  at::NoGradGuard no_grad;
  for (const auto& [linear, list] : links.by_linear) {
    if (std::find(list.begin(), list.end(), &a) == list.end()) continue;
    ds_tensor* delta = nullptr;
    if (ds_error* e = a.vtable->delta_weight(a.instance, linear.c_str(), &delta))
      throw UserError(cat("adapter '", a.name, "' on ", linear, ": ", take_error_message(e)));
    at::Tensor& weight = w.params.at(linear + ".weight");
    weight.add_(take(delta).to(weight.scalar_type()), sign);
  }
}

}  // namespace

void Transformer::merge_adapter(const std::string& name) {
  Adapter& a = adapter(name);
  if (a.link.merged) return;
  fold_delta(*links_, a.link, *weights_, 1.0);
  a.link.merged = true;
}

void Transformer::unmerge_adapter(const std::string& name) {
  Adapter& a = adapter(name);
  if (!a.link.merged) return;
  fold_delta(*links_, a.link, *weights_, -1.0);
  a.link.merged = false;
}

std::vector<std::pair<std::string, at::Tensor>> Transformer::adapter_tensors(const std::string& name) const {
  const Adapter& a = adapter(name);
  std::vector<std::pair<std::string, at::Tensor>> out;
  auto emit = [](void* ctx, const char* key, ds_tensor* t) {
    static_cast<std::vector<std::pair<std::string, at::Tensor>>*>(ctx)->emplace_back(key, t->value);
  };
  if (ds_error* e = a.link.vtable->tensors(a.link.instance, &out, emit))
    throw UserError(cat("adapter '", name, "': ", take_error_message(e)));
  return out;
}

void Transformer::save_adapter(const std::string& name, const std::filesystem::path& dir) const {
  const Adapter& a = adapter(name);
  ds_buffer buffer;
  if (ds_error* e = a.link.vtable->config_json(a.link.instance, &buffer))
    throw UserError(cat("adapter '", name, "': ", take_error_message(e)));
  nlohmann::json config = nlohmann::json::parse(buffer.bytes);
  std::filesystem::create_directories(dir);
  save_tensors(dir / "adapter_model.safetensors", adapter_tensors(name));
  AtomicOutputFile out(dir / "adapter_config.json");
  out.write(config.dump(2) + "\n");
  out.commit();
}

void Transformer::save(const std::filesystem::path& dir) const {
  nlohmann::json config = config_.raw;
  config["torch_dtype"] = weights_->dtype == at::kBFloat16 ? "bfloat16" : weights_->dtype == at::kHalf ? "float16" : "float32";
  config["dtype"] = config["torch_dtype"];
  config.erase("quantization_config");  // FP8 weights were dequantized at load
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& [name, t] : weights_->params) {
    if (name == "lm_head.weight" && config_.tie_word_embeddings) continue;
    tensors.emplace_back(name, t.detach());
  }
  save_checkpoint(dir, config, tensors);
}

}  // namespace dsforge
