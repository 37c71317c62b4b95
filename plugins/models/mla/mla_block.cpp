// mla_block.cpp: the forward pass of multi-head latent attention.
//
// Shapes (B batch, T new tokens, Tk cached + new tokens, H heads,
// Dn = qk_nope_head_dim, Dr = qk_rope_head_dim, Dv = v_head_dim,
// C = kv_lora_rank):
//   q      = q_b_proj(rms_norm(q_a_proj(x)))      // (B, T, H*(Dn+Dr))
//   kv     = kv_a_proj_with_mqa(x)                // (B, T, C+Dr)
//   c_kv   = rms_norm(kv[..., :C])                // (B, T, C)   cached, slot 0
//   k_pe   = rope(kv[..., C:])                    // (B, T, Dr)  cached, slot 1
//   kv_b   = kv_b_proj(c_kv_all)                  // (B, Tk, H*(Dn+Dv))
//   k      = [k_nope | k_pe shared by all heads]  // (B, H, Tk, Dn+Dr)
//   out    = o_proj(sdpa(q, k, v, causal))        // (B, T, hidden)
#include "mla_block.hpp"

#include "block_common.hpp"

#include <string>
#include <vector>

namespace dsforge::models {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, "mla: " + message);
}

int64_t positive(const ds::Config& cfg, const char* pointer, bool zero_ok = false) {
  int64_t v = cfg.integer(pointer);
  if (v < 0 || (v == 0 && !zero_ok))
    fail(std::string("expected ") + (zero_ok ? "a non-negative" : "a positive") + " integer for " +
         (pointer + 1) + ", got " + std::to_string(v));
  return v;
}

std::string shape_str(const ds::Tensor& t) {
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "]";
}

}  // namespace

MlaOptions MlaOptions::from(const ds::Config& cfg) {
  MlaOptions o;
  o.hidden_size = positive(cfg, "/hidden_size");
  o.num_heads = positive(cfg, "/num_heads");
  o.q_lora_rank = positive(cfg, "/q_lora_rank", /*zero_ok=*/true);
  o.kv_lora_rank = positive(cfg, "/kv_lora_rank");
  o.qk_nope_head_dim = positive(cfg, "/qk_nope_head_dim", /*zero_ok=*/true);
  o.qk_rope_head_dim = positive(cfg, "/qk_rope_head_dim");
  o.v_head_dim = positive(cfg, "/v_head_dim");
  if (cfg.has("/rms_norm_eps")) o.rms_norm_eps = cfg.number("/rms_norm_eps");
  if (cfg.has("/interleaved")) o.interleaved = cfg.boolean("/interleaved");
  if (o.qk_rope_head_dim % 2 != 0)
    fail("qk_rope_head_dim must be even (RoPE rotates pairs), got " + std::to_string(o.qk_rope_head_dim));
  if (!(o.rms_norm_eps > 0)) fail("rms_norm_eps must be positive, got " + std::to_string(o.rms_norm_eps));
  return o;
}

Mla::Mla(const ds::Config& cfg) : opt_(MlaOptions::from(cfg)) {}

void Mla::bind(const ds::Module& module) {
  // Fail at load time, naming the missing key, rather than at the first call.
  const char* required[] = {"kv_a_proj_with_mqa.weight", "kv_b_proj.weight", "o_proj.weight"};
  for (const char* name : required)
    if (!module.has(name))
      throw ds::Error(DS_ERR_NOT_FOUND, "mla: missing weight " + module.prefix() + name);
  if (opt_.q_lora_rank > 0) {
    if (!module.has("q_a_proj.weight") || !module.has("q_b_proj.weight"))
      throw ds::Error(DS_ERR_NOT_FOUND, "mla: q_lora_rank is " + std::to_string(opt_.q_lora_rank) +
                                            " but " + module.prefix() +
                                            "q_a_proj.weight / q_b_proj.weight are missing (hint: "
                                            "q_lora_rank 0 means a plain q_proj)");
    q_norm_ = module.weight("q_a_layernorm.weight");
  } else if (!module.has("q_proj.weight")) {
    throw ds::Error(DS_ERR_NOT_FOUND, "mla: q_lora_rank is 0 but " + module.prefix() +
                                          "q_proj.weight is missing (hint: set q_lora_rank)");
  }
  kv_norm_ = module.weight("kv_a_layernorm.weight");
}

// x (B, T, hidden) -> q (B, T, H*(Dn+Dr))
ds::Tensor Mla::query(const ds::Module& module, const ds::Tensor& x) const {
  if (opt_.q_lora_rank == 0) return module.linear("q_proj", x);
  ds::Tensor qa = module.linear("q_a_proj", x).rms_norm(&q_norm_, opt_.rms_norm_eps);  // (B, T, q_lora_rank)
  return module.linear("q_b_proj", qa);
}

ds::Tensor Mla::forward(const ds::Module& module, const ds_block_args& args, const ds::Tensor& x) {
  if (!kv_norm_) throw ds::Error(DS_ERR_INTERNAL, "mla: forward() before bind()");
  if (x.dim() != 3 || x.size(2) != opt_.hidden_size)
    fail("expected x [B, T, " + std::to_string(opt_.hidden_size) + "], got " + shape_str(x));
  const int64_t B = x.size(0), T = x.size(1), H = opt_.num_heads;
  const int64_t Dn = opt_.qk_nope_head_dim, Dr = opt_.qk_rope_head_dim, Dv = opt_.v_head_dim;
  const int64_t C = opt_.kv_lora_rank, Dqk = Dn + Dr;

  auto [cos, sin] = dsblocks::rope_tables(args, "mla");  // (T, Dr) each
  if (cos.dim() != 2 || cos.size(0) != T || cos.size(1) != Dr || sin.dim() != 2 || sin.size(0) != T ||
      sin.size(1) != Dr)
    fail("expected RoPE tables [" + std::to_string(T) + ", " + std::to_string(Dr) + "], got cos " +
         shape_str(cos) + ", sin " + shape_str(sin));

  // Queries: (B, H, T, Dn+Dr), RoPE on the last Dr dims.
  ds::Tensor q = query(module, x).reshape({B, T, H, Dqk}).transpose(1, 2);
  ds::Tensor q_pe = q.slice(-1, Dn, Dqk).rope(cos, sin, opt_.interleaved);  // (B, H, T, Dr)
  ds::Tensor q_all = Dn > 0 ? ds::cat({q.slice(-1, 0, Dn), q_pe}, -1) : q_pe;

  // The compressed latent and the shared rope key for the new tokens.
  ds::Tensor kv = module.linear("kv_a_proj_with_mqa", x);                        // (B, T, C+Dr)
  ds::Tensor c_kv = kv.slice(-1, 0, C).rms_norm(&kv_norm_, opt_.rms_norm_eps);     // (B, T, C)
  ds::Tensor k_pe = kv.slice(-1, C, C + Dr).rope(cos, sin, opt_.interleaved);      // (B, T, Dr)

  ds::State state(args);
  if (state.caching()) {
    if (args.state_count < 2) fail("expected 2 cache slots, got " + std::to_string(args.state_count));
    ds::Tensor old = state.get(0);
    if (old && (old.dim() != 3 || old.size(0) != B || old.size(2) != C))
      fail("cache slot 0 holds " + shape_str(old) + ", which does not fit new latents " + shape_str(c_kv));
  }
  ds::Tensor c_all = dsblocks::append_to_slot(state, 0, c_kv, 1);  // (B, Tk, C)
  ds::Tensor pe_all = dsblocks::append_to_slot(state, 1, k_pe, 1);  // (B, Tk, Dr)
  const int64_t Tk = c_all.size(1);

  // Expand every cached latent into per-head keys and values.
  ds::Tensor kvb = module.linear("kv_b_proj", c_all).reshape({B, Tk, H, Dn + Dv}).transpose(1, 2);
  ds::Tensor v = kvb.slice(-1, Dn, Dn + Dv);  // (B, H, Tk, Dv)
  // The rope key is shared by all heads: repeat it along dim 1 (index 0, H times).
  ds::Tensor head0 = ds::Tensor::from_i64(std::vector<int64_t>(static_cast<size_t>(H), 0), {H}, x.device());
  ds::Tensor k_rot = pe_all.reshape({B, 1, Tk, Dr}).index_select(1, head0);  // (B, H, Tk, Dr)
  ds::Tensor k = Dn > 0 ? ds::cat({kvb.slice(-1, 0, Dn), k_rot}, -1) : k_rot;  // (B, H, Tk, Dn+Dr)

  double scale = dsblocks::softmax_scale(args, Dqk);
  ds::Tensor o = ds::sdpa(q_all, k, v, nullptr, scale, /*is_causal=*/true);  // (B, H, T, Dv)
  return module.linear("o_proj", dsblocks::merge_heads(o));                 // (B, T, hidden)
}

}  // namespace dsforge::models
