// model_runner.cpp: loads the model for the CLI, reads and writes the
// safetensors files of `dshost forward`, and runs generation.
#include <ATen/core/grad_mode.h>
#include "engine/model_runner.hpp"

#include <chrono>
#include <fstream>

#include "common/error.hpp"
#include "common/log.hpp"
#include "engine/sampler.hpp"
#include "model/checkpoint.hpp"
#include "model/transformer.hpp"
#include "runtime/op_support.hpp"

namespace dsforge {
namespace {

std::optional<at::ScalarType> parse_dtype(const std::string& s) {
  if (s.empty()) return std::nullopt;
  if (s == "float32" || s == "f32" || s == "fp32") return at::kFloat;
  if (s == "bfloat16" || s == "bf16") return at::kBFloat16;
  if (s == "float16" || s == "f16" || s == "fp16") return at::kHalf;
  throw UserError(cat("--dtype '", s, "' is not supported (float32, bfloat16, float16)"));
}

const char* dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kBFloat16: return "bfloat16";
    case at::kHalf: return "float16";
    case at::kDouble: return "float64";
    default: return c10::toString(t);
  }
}

at::Device parse_device(const std::string& s) {
  try {
    at::Device d(s);
    if (d.is_cuda() && !at::hasCUDA())
      throw UserError(cat("--device ", s, ": this dshost has no CUDA device (a CPU build, or no GPU visible)"));
    return d;
  } catch (const c10::Error&) {
    throw UserError(cat("--device '", s, "' is not a device (cpu, cuda, cuda:1)"));
  }
}

// EOS ids from generation_config.json, else config.json.
std::vector<int64_t> eos_ids(const std::filesystem::path& dir, const ModelConfig& c) {
  std::ifstream in(dir / "generation_config.json");
  if (in) {
    try {
      auto j = nlohmann::json::parse(in);
      auto e = j.find("eos_token_id");
      if (e != j.end() && e->is_number_integer()) return {e->get<int64_t>()};
      if (e != j.end() && e->is_array()) return e->get<std::vector<int64_t>>();
    } catch (const nlohmann::json::exception&) {
      log::warn("model", cat((dir / "generation_config.json").string(), ": not valid JSON; using config.json's EOS"));
    }
  }
  if (!c.eos_token_ids.empty()) return c.eos_token_ids;
  if (c.eos_token_id) return {*c.eos_token_id};
  return {};
}

}  // namespace

struct ModelRunner::Impl {
  std::unique_ptr<Transformer> model;
  std::vector<int64_t> eos;
};

ModelRunner::ModelRunner(const ModelOptions& o, ComponentFactory& factory) : impl_(new Impl) {
  LoadOptions lo;
  lo.dtype = parse_dtype(o.dtype);
  lo.device = parse_device(o.device);
  lo.attention.component = o.attention;
  lo.attention.settings = o.attention_settings;
  auto start = std::chrono::steady_clock::now();
  impl_->model = Transformer::load(o.model, factory, lo);
  for (size_t i = 0; i < o.adapters.size(); ++i) {
    const std::string name = o.adapters[i].filename().string();
    impl_->model->load_adapter(o.adapters[i], name.empty() ? cat("adapter", i) : name);
    if (o.merge_adapters) impl_->model->merge_adapter(impl_->model->adapter_names().back());
  }
  impl_->eos = eos_ids(o.model, impl_->model->config());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::info("model", cat("loaded ", o.model.string(), " in ", secs, " s: ", summary()));
}

ModelRunner::~ModelRunner() = default;

std::string ModelRunner::summary() const {
  const Transformer& m = *impl_->model;
  std::ostringstream out;
  out << m.config().model_type << ", " << m.config().num_hidden_layers << " layers, "
      << static_cast<double>(m.parameter_count()) / 1e6 << "M params, " << dtype_name(m.dtype()) << " on "
      << m.device();
  return out.str();
}

void ModelRunner::save_model(const std::filesystem::path& dir) const { impl_->model->save(dir); }

void ModelRunner::save_adapter(size_t index, const std::filesystem::path& dir) const {
  auto names = impl_->model->adapter_names();
  if (index >= names.size()) throw UserError("--adapter-output needs an --adapter to save");
  impl_->model->save_adapter(names[index], dir);
}

std::vector<std::vector<int64_t>> ModelRunner::read_ids(const std::filesystem::path& file, const std::string& tensor) const {
  Checkpoint ckpt = Checkpoint::open(file);
  if (!ckpt.has(tensor)) throw UserError(cat(file.string(), ": no tensor '", tensor, "' (use --tensor to pick one)"));
  at::Tensor t = ckpt.load(tensor);
  if (at::isFloatingType(t.scalar_type()))
    throw UserError(cat(file.string(), ": tensor '", tensor, "' holds ", c10::toString(t.scalar_type()), ", expected integer ids"));
  if (t.dim() == 1) t = t.unsqueeze(0);
  if (t.dim() != 2 || t.size(1) == 0)
    throw UserError(cat(file.string(), ": tensor '", tensor, "' has shape ", t.sizes(), ", expected [batch, tokens]"));
  t = t.to(at::kLong).contiguous();
  std::vector<std::vector<int64_t>> rows;
  for (int64_t b = 0; b < t.size(0); ++b) {
    const int64_t* p = t[b].data_ptr<int64_t>();
    rows.emplace_back(p, p + t.size(1));
  }
  return rows;
}

namespace {

at::Tensor to_tensor(const std::vector<std::vector<int64_t>>& rows) {
  if (rows.empty()) throw UserError("no input ids");
  for (const auto& r : rows)
    if (r.size() != rows[0].size()) throw UserError("all rows of a batch must have the same length");
  at::Tensor t = at::empty({static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())}, at::kLong);
  for (size_t b = 0; b < rows.size(); ++b)
    std::copy(rows[b].begin(), rows[b].end(), t[static_cast<int64_t>(b)].data_ptr<int64_t>());
  return t;
}

}  // namespace

void ModelRunner::forward_to_file(const std::vector<std::vector<int64_t>>& ids, const std::filesystem::path& output) const {
  at::NoGradGuard no_grad;
  at::Tensor logits = impl_->model->forward(to_tensor(ids)).to(at::kFloat).to(at::kCPU).contiguous();
  save_tensors(output, {{"logits", logits}});
}

GenerateResult ModelRunner::generate(const std::vector<std::vector<int64_t>>& prompts, int64_t max_new_tokens,
                                     const SamplingOptions& s, bool use_cache,
                                     const std::function<void(size_t, int64_t)>& on_token) const {
  at::NoGradGuard no_grad;
  if (max_new_tokens < 0) throw UserError(cat("--max-new-tokens must be >= 0, got ", max_new_tokens));
  SamplingParams p = s;
  if (!s.ignore_eos) p.stop_ids.insert(p.stop_ids.end(), impl_->eos.begin(), impl_->eos.end());
  Sampler sampler(p);

  Transformer& m = *impl_->model;
  GenerateResult result;
  result.seed = sampler.seed();
  result.ids = prompts;
  const size_t prompt_len = prompts.at(0).size();
  std::vector<bool> done(prompts.size(), false);
  KvCache cache = m.new_cache();
  // What the model is fed stays rectangular: a finished row keeps getting
  // its last token, but records nothing more.
  std::vector<std::vector<int64_t>> fed = prompts;
  at::Tensor next_input = to_tensor(prompts);
  auto t0 = std::chrono::steady_clock::now();
  auto t_first = t0;
  for (int64_t step = 0; step < max_new_tokens; ++step) {
    at::Tensor logits = use_cache ? m.forward(next_input, &cache) : m.forward(to_tensor(fed));
    std::vector<int64_t> next = sampler.next_batch(logits.select(1, -1), result.ids, prompt_len);
    if (step == 0) t_first = std::chrono::steady_clock::now();
    for (size_t b = 0; b < next.size(); ++b) {
      if (done[b]) {
        next[b] = fed[b].back();
      } else {
        result.ids[b].push_back(next[b]);
        ++result.new_tokens;
        if (on_token) on_token(b, next[b]);
        if (sampler.is_stop(next[b])) done[b] = true;
      }
      fed[b].push_back(next[b]);
    }
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) break;
    next_input = at::tensor(next, at::kLong).unsqueeze(1);
  }
  auto t1 = std::chrono::steady_clock::now();
  result.prefill_seconds = std::chrono::duration<double>(t_first - t0).count();
  result.decode_seconds = std::chrono::duration<double>(t1 - t_first).count();
  return result;
}

}  // namespace dsforge
