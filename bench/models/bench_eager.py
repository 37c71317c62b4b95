#!/usr/bin/env python3
"""The PyTorch eager side of bench/models: the measurements of bench_cpp.cpp
on eager_llama.EagerLlama under torch.inference_mode(), same ids, same
warm-up and median, same JSON fields.

    bench_eager.py --model DIR [--attention sdpa|math] [--threads N] [--repeat 3]
                   [--forward 1x512,4x128] [--decode-batch 1] [--decode-prompt 128] [--decode-new 128]

Forward: one forward of the prompt (logits at every position) plus the
greedy pick of the next token, timed as ModelRunner's prefill. Decode:
greedy, KV cache, batch * (new - 1) tokens over the decode time.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eager_llama import EagerLlama  # noqa: E402


def make_ids(batch, tokens, vocab):
    # The same ids as bench_cpp.cpp's make_ids.
    return torch.tensor([[(17 + b * 7919 + i * 104729) % vocab for i in range(tokens)] for b in range(batch)],
                        dtype=torch.long)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--attention", default="sdpa", choices=["sdpa", "math"])
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--forward", default="1x512,4x128")
    p.add_argument("--decode-batch", type=int, default=1)
    p.add_argument("--decode-prompt", type=int, default=128)
    p.add_argument("--decode-new", type=int, default=128)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)

    t0 = time.perf_counter()
    m = EagerLlama(a.model, attention=a.attention)
    load_seconds = time.perf_counter() - t0
    vocab = m.cfg["vocab_size"]
    out = {"impl": f"pytorch_eager ({a.attention})", "torch": torch.__version__,
           "threads": torch.get_num_threads(), "load_seconds": load_seconds, "repeat": a.repeat}

    with torch.inference_mode():
        fwd = []
        for item in a.forward.split(","):
            b, t = (int(x) for x in item.split("x"))
            ids = make_ids(b, t, vocab)
            m.generate_greedy(ids, 1)  # warm-up
            secs = [m.generate_greedy(ids, 1)[1] for _ in range(a.repeat)]
            med = statistics.median(secs)
            fwd.append({"batch": b, "tokens": t, "seconds": secs, "median_seconds": med,
                        "tokens_per_s": b * t / med})
        out["forward"] = fwd

        ids = make_ids(a.decode_batch, a.decode_prompt, vocab)
        m.generate_greedy(ids, a.decode_new)  # warm-up
        dsecs, psecs = [], []
        for _ in range(a.repeat):
            got, pre, dec = m.generate_greedy(ids, a.decode_new)
            dsecs.append(dec)
            psecs.append(pre)
        med = statistics.median(dsecs)
        steps = a.decode_batch * (a.decode_new - 1)
        out["decode"] = {"batch": a.decode_batch, "prompt_tokens": a.decode_prompt, "new_tokens": a.decode_new,
                         "timed_tokens": steps, "seconds": dsecs, "median_seconds": med,
                         "tokens_per_s": steps / med, "ms_per_step": 1000 * med / (a.decode_new - 1),
                         "prefill_median_seconds": statistics.median(psecs),
                         "row0_new_ids": got[0, a.decode_prompt:].tolist()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
