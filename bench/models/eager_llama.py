#!/usr/bin/env python3
"""A plain PyTorch eager Llama (no transformers), the baseline of
bench/models: RMSNorm computed in float32, RoPE by rotate-half (default rope
type), grouped-query attention, SwiGLU MLP, untied or tied lm_head, and a KV
cache kept as per-layer tensors grown with torch.cat.

Attention is either `sdpa` (F.scaled_dot_product_attention; K/V heads
expanded with repeat_interleave) or `math` (matmul, mask, float32 softmax,
matmul: what dshost's sdpa op does). Logits come for every position, as
dshost's forward does.

    eager_llama.py check MODEL_DIR --dshost BUILD/dshost   # logits vs `dshost forward`, 1e-3
"""
import json
import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import load_file


class EagerLlama:
    def __init__(self, folder, attention="sdpa", dtype=torch.float32):
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        self.cfg = c
        self.h = c["hidden_size"]
        self.n_layers = c["num_hidden_layers"]
        self.n_heads = c["num_attention_heads"]
        self.n_kv = c.get("num_key_value_heads", self.n_heads)
        self.head_dim = c.get("head_dim") or self.h // self.n_heads
        self.eps = c["rms_norm_eps"]
        rope = c.get("rope_parameters") or {"rope_theta": c.get("rope_theta", 10000.0), "rope_type": "default"}
        assert rope.get("rope_type", "default") == "default", rope
        self.theta = float(rope["rope_theta"])
        self.attention = attention
        w = load_file(os.path.join(folder, "model.safetensors"))
        # Copied out of the mmap so timings do not page weights in from disk.
        self.w = {k: v.to(dtype).clone() for k, v in w.items()}
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        self.inv_freq = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim))

    def rms_norm(self, x, weight):
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return weight * xf.to(x.dtype)

    def rope_tables(self, start, t):
        pos = torch.arange(start, start + t, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()  # [T, D]

    @staticmethod
    def rotate_half(x):
        x1, x2 = x.chunk(2, dim=-1)
        return torch.cat((-x2, x1), dim=-1)

    def attend(self, q, k, v):
        rep = self.n_heads // self.n_kv
        if rep > 1:
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        tq, tk = q.shape[2], k.shape[2]
        scale = 1.0 / math.sqrt(self.head_dim)
        if self.attention == "sdpa":
            if tq == 1:
                return F.scaled_dot_product_attention(q, k, v, scale=scale)
            if tq == tk:
                return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
        scores = torch.matmul(q, k.transpose(-1, -2)) * scale
        mask = None
        if tq > 1:  # queries aligned to the end of the keys
            qp = torch.arange(tk - tq, tk).unsqueeze(1)
            mask = torch.arange(tk).unsqueeze(0) <= qp
            if self.attention == "sdpa":
                return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
            scores = scores.masked_fill(~mask, float("-inf"))
        probs = torch.softmax(scores.float(), dim=-1).to(v.dtype)
        return torch.matmul(probs, v)

    def forward(self, ids, cache=None):
        """ids [B, T] int64; cache: list of (k, v) per layer or None (no
        caching) or [] (fresh cache, filled in place). Returns logits [B, T, V]."""
        b, t = ids.shape
        start = cache[0][0].shape[2] if cache else 0
        cos, sin = self.rope_tables(start, t)
        w = self.w
        x = F.embedding(ids, w["model.embed_tokens.weight"])
        for i in range(self.n_layers):
            p = f"model.layers.{i}."
            hn = self.rms_norm(x, w[p + "input_layernorm.weight"])
            q = F.linear(hn, w[p + "self_attn.q_proj.weight"]).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
            k = F.linear(hn, w[p + "self_attn.k_proj.weight"]).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)
            v = F.linear(hn, w[p + "self_attn.v_proj.weight"]).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            if cache is not None:
                if len(cache) > i:
                    k = torch.cat((cache[i][0], k), dim=2)
                    v = torch.cat((cache[i][1], v), dim=2)
                    cache[i] = (k, v)
                else:
                    cache.append((k, v))
            a = self.attend(q, k, v).transpose(1, 2).reshape(b, t, self.n_heads * self.head_dim)
            x = x + F.linear(a, w[p + "self_attn.o_proj.weight"])
            hn = self.rms_norm(x, w[p + "post_attention_layernorm.weight"])
            g = F.linear(hn, w[p + "mlp.gate_proj.weight"])
            u = F.linear(hn, w[p + "mlp.up_proj.weight"])
            x = x + F.linear(F.silu(g) * u, w[p + "mlp.down_proj.weight"])
        return F.linear(self.rms_norm(x, w["model.norm.weight"]), w["lm_head.weight"])

    def generate_greedy(self, prompts, max_new_tokens):
        """Greedy, EOS ignored, KV cache; the same loop as ModelRunner::generate.
        Returns (ids [B, T+N], prefill_seconds, decode_seconds) where prefill
        ends when the first token is chosen."""
        import time
        cache = []
        ids = prompts
        nxt_in = prompts
        t0 = time.perf_counter()
        t_first = t0
        for step in range(max_new_tokens):
            logits = self.forward(nxt_in, cache)
            nxt = logits[:, -1].argmax(-1)
            nxt_list = nxt.tolist()  # the host sees the token, as dshost's sampler does
            if step == 0:
                t_first = time.perf_counter()
            nxt_in = torch.tensor(nxt_list, dtype=torch.long).unsqueeze(1)
            ids = torch.cat((ids, nxt_in), dim=1)
        t1 = time.perf_counter()
        return ids, t_first - t0, t1 - t_first


def check(argv):
    import argparse
    import subprocess
    import tempfile
    from safetensors.torch import save_file

    p = argparse.ArgumentParser(prog="eager_llama.py check")
    p.add_argument("model")
    p.add_argument("--dshost", required=True)
    p.add_argument("--plugin-path", default=None)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--tokens", type=int, default=64)
    p.add_argument("--atol", type=float, default=1e-3)
    a = p.parse_args(argv)
    torch.manual_seed(1)
    m = EagerLlama(a.model)
    ids = torch.randint(0, m.cfg["vocab_size"], (a.batch, a.tokens), dtype=torch.long)
    report = {"batch": a.batch, "tokens": a.tokens, "atol": a.atol}
    with tempfile.TemporaryDirectory() as d:
        save_file({"input_ids": ids}, os.path.join(d, "ids.safetensors"))
        cmd = [a.dshost]
        if a.plugin_path:
            cmd += ["--plugin-path", a.plugin_path]
        cmd += ["forward", "--model", a.model, "--input", os.path.join(d, "ids.safetensors"),
                "--tensor", "input_ids", "--output", os.path.join(d, "out.safetensors")]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        theirs = load_file(os.path.join(d, "out.safetensors"))["logits"]
    with torch.inference_mode():
        for attention in ("sdpa", "math"):
            m.attention = attention
            ours = m.forward(ids)
            diff = (ours - theirs).abs().max().item()
            report[f"max_abs_diff_{attention}"] = diff
            # The cached path too: prefill half, then one token at a time.
            cache = []
            h = a.tokens // 2
            parts = [m.forward(ids[:, :h], cache)] + [m.forward(ids[:, j:j + 1], cache) for j in range(h, a.tokens)]
            report[f"max_abs_diff_{attention}_cached"] = (torch.cat(parts, 1) - theirs).abs().max().item()
    report["logit_abs_max"] = theirs.abs().max().item()
    report["ok"] = all(v <= a.atol for k, v in report.items() if k.startswith("max_abs_diff"))
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2:]))
    print(__doc__)
    sys.exit(2)
