#!/usr/bin/env python3
"""bench_hf.py: encode throughput of Hugging Face `tokenizers` on the same
texts as dsforge_tokenizer_bench (corpus rows repeated to >= --min-mb MB,
1 MB = 1e6 bytes, no special tokens), with encode_batch. Prints one JSON
object: {"impl": "hf", "bytes", "threads", "seconds", "mb_per_s", "cpu_seconds",
"tokens"} (seconds: wall time; cpu_seconds: CPU time of the process, all threads).
Run it with RAYON_NUM_THREADS=1 for the single-thread number (the variable
must be set before `tokenizers` starts its thread pool, so in the environment).
"""
import argparse
import json
import os
import time

from tokenizers import Tokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--min-mb", type=float, default=50)
    args = ap.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        rows = [json.loads(line)["text"] for line in f if line.strip()]
    texts, size = [], 0
    while size < args.min_mb * 1e6:
        for r in rows:
            texts.append(r)
            size += len(r.encode("utf-8"))
    tok = Tokenizer.from_file(args.tokenizer)
    tok.encode_batch(rows, add_special_tokens=False)  # warm-up, as the C++ side
    cpu = time.process_time()
    start = time.perf_counter()
    out = tok.encode_batch(texts, add_special_tokens=False)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    tokens = sum(len(e.ids) for e in out)
    threads = int(os.environ.get("RAYON_NUM_THREADS") or os.cpu_count())
    print(json.dumps({"impl": "hf", "bytes": size, "threads": threads, "seconds": seconds,
                      "mb_per_s": size / seconds / 1e6, "cpu_seconds": cpu, "tokens": tokens}))


if __name__ == "__main__":
    main()
