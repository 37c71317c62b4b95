#!/usr/bin/env python3
"""Write a ~125M-parameter Llama as a Hugging Face folder (config.json in
transformers-5 style + model.safetensors) with seeded random weights: linear
and embedding weights N(0, 0.02), RMSNorm weights 1.0.

Shape: hidden 768, 12 layers, 12 query heads, 4 KV heads (GQA, 3 query heads
per KV head), head_dim 64, intermediate 2048, vocab 32000, untied lm_head,
float32 -> 124.7M parameters.

    make_model.py OUT_DIR [--seed 0] [--layers 12] [--kv-heads 4] ...
"""
import argparse
import json
import os

import torch
from safetensors.torch import save_file


def config_for(a):
    return {
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "dtype": "float32",
        "eos_token_id": 2,
        "head_dim": a.head_dim,
        "hidden_act": "silu",
        "hidden_size": a.hidden,
        "initializer_range": 0.02,
        "intermediate_size": a.intermediate,
        "max_position_embeddings": 2048,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": a.heads,
        "num_hidden_layers": a.layers,
        "num_key_value_heads": a.kv_heads,
        "pad_token_id": None,
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-06,
        "rope_parameters": {"rope_theta": 10000.0, "rope_type": "default"},
        "tie_word_embeddings": False,
        "transformers_version": "5.17.0",
        "use_cache": True,
        "vocab_size": a.vocab,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hidden", type=int, default=768)
    p.add_argument("--layers", type=int, default=12)
    p.add_argument("--heads", type=int, default=12)
    p.add_argument("--kv-heads", type=int, default=4)
    p.add_argument("--head-dim", type=int, default=64)
    p.add_argument("--intermediate", type=int, default=2048)
    p.add_argument("--vocab", type=int, default=32000)
    a = p.parse_args()

    g = torch.Generator().manual_seed(a.seed)

    def normal(*shape):
        return (torch.randn(*shape, generator=g) * 0.02).contiguous()

    h, q, kv = a.hidden, a.heads * a.head_dim, a.kv_heads * a.head_dim
    t = {"model.embed_tokens.weight": normal(a.vocab, h)}
    for i in range(a.layers):
        pre = f"model.layers.{i}."
        t[pre + "self_attn.q_proj.weight"] = normal(q, h)
        t[pre + "self_attn.k_proj.weight"] = normal(kv, h)
        t[pre + "self_attn.v_proj.weight"] = normal(kv, h)
        t[pre + "self_attn.o_proj.weight"] = normal(h, q)
        t[pre + "mlp.gate_proj.weight"] = normal(a.intermediate, h)
        t[pre + "mlp.up_proj.weight"] = normal(a.intermediate, h)
        t[pre + "mlp.down_proj.weight"] = normal(h, a.intermediate)
        t[pre + "input_layernorm.weight"] = torch.ones(h)
        t[pre + "post_attention_layernorm.weight"] = torch.ones(h)
    t["model.norm.weight"] = torch.ones(h)
    t["lm_head.weight"] = normal(a.vocab, h)

    os.makedirs(a.out, exist_ok=True)
    cfg = config_for(a)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(a.out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": 1, "eos_token_id": 2, "transformers_version": "5.17.0"}, f, indent=2)
        f.write("\n")
    save_file(t, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
    n = sum(x.numel() for x in t.values())
    print(json.dumps({"out": a.out, "params": n, "params_millions": round(n / 1e6, 2)}))


if __name__ == "__main__":
    main()
