// transformer.cpp: loading (weights, shape checks, blocks) and the forward
// pass. Norms follow Llama's RMSNorm (float32 statistics); the residual
// stream stays in the model dtype.
#include "model/transformer.hpp"

#include <sstream>

#include "common/error.hpp"
#include "common/log.hpp"
#include "model/checkpoint.hpp"
#include "runtime/op_support.hpp"
#include "runtime/tensor_api.hpp"

namespace dsforge {
namespace {

std::string shape_text(at::IntArrayRef s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

at::ScalarType dtype_from_config(const ModelConfig& c) {
  if (c.torch_dtype == "bfloat16") return at::kBFloat16;
  if (c.torch_dtype == "float16") return at::kHalf;
  return at::kFloat;
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& w, double eps) { return llama_rms_norm(x, &w, eps); }

// RAII for handles the host lends to a block for one call.
struct Lent {
  ds_tensor* h = nullptr;
  explicit Lent(const at::Tensor& t) : h(t.defined() ? new_handle(t) : nullptr) {}
  ~Lent() { tensor_api()->release(h); }
  Lent(const Lent&) = delete;
  Lent& operator=(const Lent&) = delete;
};

}  // namespace

Transformer::~Transformer() {
  // Blocks and adapters are plugin instances: destroy them before the
  // weights they point at, in reverse order of creation.
  adapters_.clear();
  blocks_.clear();
}

std::unique_ptr<Transformer> Transformer::load(const std::filesystem::path& dir, ComponentFactory& factory,
                                               const LoadOptions& options) {
  std::unique_ptr<Transformer> m(new Transformer);
  m->factory_ = &factory;
  m->config_ = read_model_config(dir);
  ModelPlan plan = plan_model(m->config_, options.attention, options.moe_settings);
  m->load_weights(dir, plan, options);
  if (plan.rope_dim > 0)
    m->rope_ = std::make_unique<RotaryTables>(m->config_.rope, plan.rope_dim, m->config_.max_position_embeddings);
  m->links_ = std::make_unique<AdapterLinks>();
  m->build_blocks(plan, factory);

  // Tensors neither the architecture nor a block knows usually mean a
  // naming mismatch: say so. (Blocks may fetch projections lazily through
  // linear(), so the plan's names and their biases count as known.)
  auto known = [&](const std::string& name) {
    if (m->weights_->used.count(name) || plan.expected_shapes.count(name)) return true;
    const std::string bias = ".bias";
    return name.size() > bias.size() && name.compare(name.size() - bias.size(), bias.size(), bias) == 0 &&
           plan.expected_shapes.count(name.substr(0, name.size() - bias.size()) + ".weight");
  };
  std::vector<std::string> unused;
  for (const auto& [name, t] : m->weights_->params)
    if (!known(name)) unused.push_back(name);
  if (!unused.empty()) {
    std::string list;
    for (size_t i = 0; i < unused.size() && i < 5; ++i) list += (i ? ", " : "") + unused[i];
    log::warn("model", cat(dir.string(), ": ", unused.size(), " tensor(s) not used by the ", m->config_.model_type,
                           " architecture: ", list, unused.size() > 5 ? ", ..." : ""));
  }
  return m;
}

void Transformer::load_weights(const std::filesystem::path& dir, const ModelPlan& plan, const LoadOptions& options) {
  Checkpoint ckpt = Checkpoint::open(dir);
  if (config_.fp8_weights && config_.fp8_block.size() == 2) ckpt.set_fp8_block(config_.fp8_block[0], config_.fp8_block[1]);
  weights_ = std::make_unique<ModelWeights>();
  weights_->source = dir.string();
  weights_->dtype = options.dtype.value_or(dtype_from_config(config_));
  weights_->device = options.device;

  int64_t mtp_tensors = 0;
  for (const std::string& name : ckpt.names()) {
    if (ckpt.is_auxiliary(name)) continue;
    auto layer = layer_index(name);
    if (layer && *layer >= config_.num_hidden_layers) {
      ++mtp_tensors;  // multi-token-prediction layers follow the last layer
      continue;
    }
    if (name.find("rotary_emb.inv_freq") != std::string::npos) continue;  // recomputed
    auto expected = plan.expected_shapes.find(name);
    if (expected != plan.expected_shapes.end()) {
      std::vector<int64_t> got = ckpt.shape(name);
      if (got != expected->second)
        throw UserError(cat(ckpt.file_of(name).string(), ": tensor '", name, "' has shape ", shape_text(got),
                            ", but config.json (", config_.file.string(), ") implies ", shape_text(expected->second),
                            " = ", plan.expected_reason.at(name)));
    }
    at::Tensor t = ckpt.load(name);
    if (at::isFloatingType(t.scalar_type())) t = t.to(weights_->dtype);
    weights_->params[name] = t.to(weights_->device);
    weights_->file_of[name] = ckpt.file_of(name).string();
  }
  if (mtp_tensors > 0)
    log::info("model", cat("skipping ", mtp_tensors, " tensor(s) of ", config_.num_nextn_predict_layers,
                           " multi-token-prediction layer(s) (model.layers.", config_.num_hidden_layers,
                           ".*): dshost does not run MTP heads"));

  embed_ = host_weight("model.embed_tokens.weight");
  final_norm_ = host_weight("model.norm.weight");
  if (weights_->params.count("lm_head.weight")) {
    lm_head_ = host_weight("lm_head.weight");
  } else if (config_.tie_word_embeddings) {
    lm_head_ = embed_;
  } else {
    throw UserError(cat("tensor 'lm_head.weight' is missing from ", dir.string(),
                        " and config.json does not set tie_word_embeddings"));
  }
  for (int64_t i = 0; i < config_.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    norms_.push_back(host_weight(p + "input_layernorm.weight"));
    norms_.push_back(host_weight(p + "post_attention_layernorm.weight"));
  }
}

const at::Tensor& Transformer::host_weight(const std::string& name) const {
  auto it = weights_->params.find(name);
  if (it == weights_->params.end())
    throw UserError(cat("tensor '", name, "' is missing from ", weights_->source));
  weights_->used.insert(name);
  return it->second;
}

void Transformer::build_blocks(const ModelPlan& plan, ComponentFactory& factory) {
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    for (const BlockSpec* spec : {&plan.layers[i].attention, &plan.layers[i].mlp}) {
      const bool attention = spec == &plan.layers[i].attention;
      const std::string where =
          cat(config_.file.string(), ": layer ", i, " ", attention ? "attention" : "mlp");
      Block b;
      b.handle = factory.create(attention ? DS_KIND_ATTENTION : DS_KIND_MLP, spec->component, spec->settings, where);
      b.vtable = static_cast<const ds_block_vtable*>(b.handle->vtable());
      b.module = std::make_unique<ds_module>();
      b.module->prefix = spec->prefix;
      b.module->weights = weights_.get();
      b.module->adapters = links_.get();
      b.label = cat("layer ", i, " ", attention ? "attention" : "mlp", " '", b.handle->label(), "'");
      if (ds_error* e = b.vtable->bind(b.handle->instance(), b.module.get()))
        throw UserError(cat(b.label, ": ", take_error_message(e)));
      b.slots = b.vtable->state_slots(b.handle->instance());
      blocks_.push_back(std::move(b));
    }
  }
}

void Transformer::after_optimizer_step() {
  for (Block& b : blocks_) {
    if (!DS_HAS_FIELD(b.vtable, ds_block_vtable, after_step) || b.vtable->after_step == nullptr) continue;
    if (ds_error* e = b.vtable->after_step(b.handle->instance())) throw UserError(cat(b.label, ": ", take_error_message(e)));
  }
}

KvCache Transformer::new_cache() const {
  std::vector<size_t> slots;
  for (const Block& b : blocks_) slots.push_back(b.slots);
  return KvCache(slots);
}

at::Tensor Transformer::call_block(Block& b, const at::Tensor& x, const ds_block_args& args) {
  Lent in(x);
  ds_tensor* out = nullptr;
  if (ds_error* e = b.vtable->forward(b.handle->instance(), b.module.get(), &args, in.h, &out))
    throw UserError(cat(b.label, ": ", take_error_message(e)));
  if (out == nullptr) throw std::runtime_error(cat(b.label, ": forward returned no tensor"));
  at::Tensor y = out->value;
  tensor_api()->release(out);
  if (!y.sizes().equals(x.sizes()))
    throw std::runtime_error(cat(b.label, ": returned shape ", y.sizes(), " for input ", x.sizes()));
  return y;
}

at::Tensor Transformer::forward(const at::Tensor& ids, KvCache* cache, bool training, at::Tensor* aux_loss) {
  if (ids.dim() != 2) throw UserError(cat("input ids must be [batch, tokens], got ", ids.sizes()));
  const int64_t t = ids.size(1);
  const int64_t position = cache ? cache->length() : 0;
  // Checked on the ids as given (the CPU for every caller), before the copy
  // to the device, so a decode step does not wait on the GPU for it.
  if (ids.numel() > 0) {
    int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= config_.vocab_size)
      throw UserError(cat("token id ", lo < 0 ? lo : hi, " is outside the vocabulary [0, ", config_.vocab_size, ")"));
  }
  at::Tensor h = at::embedding(embed_, ids.to(weights_->device, at::kLong));

  at::Tensor cos, sin;
  if (rope_) std::tie(cos, sin) = rope_->at_positions(position, t, weights_->device);
  Lent cos_h(cos), sin_h(sin);
  ds_tensor* aux = nullptr;
  for (auto& b : blocks_) b.module->training = training;

  const double eps = config_.rms_norm_eps;
  for (size_t i = 0; i < blocks_.size(); i += 2) {
    for (size_t j = 0; j < 2; ++j) {
      Block& b = blocks_[i + j];
      ds_block_args args{};
      args.struct_size = sizeof(ds_block_args);
      args.position = position;
      args.rope_cos = cos_h.h;
      args.rope_sin = sin_h.h;
      args.softmax_scale_mul = rope_ ? rope_->softmax_scale_mul() : 1.0;
      args.state = cache ? cache->slots(i + j) : nullptr;
      args.state_count = cache ? cache->slot_count(i + j) : 0;
      args.training = training ? 1 : 0;
      args.aux_loss = aux_loss ? &aux : nullptr;
      h = h + call_block(b, rms_norm(h, norms_[i + j], eps), args);
    }
  }
  if (aux_loss) {
    *aux_loss = aux ? aux->value : at::Tensor();
    tensor_api()->release(aux);
  }
  if (cache) cache->advance(t);
  return at::linear(rms_norm(h, final_norm_, eps), lm_head_);
}

int64_t Transformer::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, t] : weights_->params) n += t.numel();
  return n;
}

std::string Transformer::describe() const {
  std::string out;
  for (size_t i = 0; i < blocks_.size(); i += 2) {
    out += cat(i ? ", " : "", blocks_[i].handle->label().substr(0, blocks_[i].handle->label().find(' ')), "+",
               blocks_[i + 1].handle->label().substr(0, blocks_[i + 1].handle->label().find(' ')));
  }
  return out;
}

}  // namespace dsforge
