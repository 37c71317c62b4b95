// swiglu_plugin.cpp: the `swiglu` block: down(act(gate(x)) * up(x)), with
// act SiLU (Llama's "silu") or GELU. Projections go through the module, so
// adapters and quantized weights apply.
#include <block_common.hpp>

namespace {

class SwiGlu {
 public:
  explicit SwiGlu(const ds::Config& cfg) : gelu_(cfg.has("/act") && cfg.str("/act") == "gelu") {}
  void bind(const ds::Module& m) {
    for (const char* w : {"gate_proj.weight", "up_proj.weight", "down_proj.weight"}) m.weight(w);
  }
  size_t state_slots() const { return 0; }
  ds::Tensor forward(const ds::Module& m, const ds_block_args&, const ds::Tensor& x) {
    ds::Tensor gate = m.linear("gate_proj", x);
    gate = gelu_ ? gate.unary(DS_UNARY_GELU) : gate.silu();
    return m.linear("down_proj", gate * m.linear("up_proj", x));
  }

 private:
  bool gelu_;
};

const char* const kSchema = R"json({
  "type": "object",
  "description": "Gated feed-forward block: down_proj(act(gate_proj(x)) * up_proj(x)).",
  "properties": {
    "hidden_size": {"type": "integer", "minimum": 1, "description": "model width (filled by the host)"},
    "intermediate_size": {"type": "integer", "minimum": 1},
    "act": {"type": "string", "enum": ["silu", "gelu"], "default": "silu"}
  },
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-mlp", "0.1.0", "Apache-2.0",
               ds::block<SwiGlu>(DS_KIND_MLP, "swiglu", "0.1.0", "Gated MLP with SiLU/GELU (Llama, Qwen2)",
                                 kSchema))
