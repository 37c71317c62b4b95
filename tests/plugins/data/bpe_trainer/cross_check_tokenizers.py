#!/usr/bin/env python3
"""Cross-check of dsforge's BPE trainer against the `tokenizers` library.

Trains with dsforge_bpe_train_tool on the Debian fortune files (English
`fortunes` + Chinese `chinese`, documents split on "%" lines), then:

1. pre-tokenization: the tool's word counts against `tokenizers`' own
   pre-tokenizer (DeepSeek-V3's, read from the fixture) on the same documents;
2. training: `tokenizers`' BpeTrainer with the same pre-tokenizer, vocab
   size, min_frequency, special tokens and the 256 ByteLevel characters as
   initial alphabet; reports the overlap of the vocabularies and merge lists
   and asserts vocabulary overlap >= 95%;
3. loading: `tokenizers.Tokenizer.from_file` reads our tokenizer.json and
   round-trips every document exactly (BOS first with special tokens, decode
   back to the text), asserted;
4. with --tokenize-tool (dsforge_tokenize_tool, our own tokenizer): its ids
   for every document equal `tokenizers`' ids with our tokenizer.json,
   asserted; without it, a note says the check was skipped.

Writes a JSON report to --out and prints it. Exit 77 (skip) when
`tokenizers` or the fortune files are missing, 1 when a check fails.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import time

SKIP = 77


def fortunes(path):
    """Documents of a fortune file, as dsforge_bpe_train_tool --format fortune reads them."""
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    docs, cur = [], []
    for line in lines:
        if line == "%":
            doc = "\n".join(cur)
            if doc:
                docs.append(doc)
            cur = []
        else:
            cur.append(line)
    doc = "\n".join(cur)
    if doc:
        docs.append(doc)
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True, help="dsforge_bpe_train_tool")
    ap.add_argument("--work", required=True, help="directory for the trained files")
    ap.add_argument("--out", required=True, help="JSON report")
    ap.add_argument("--fixture", default="", help="DeepSeek-V3 tokenizer.json (reference pre-tokenizer)")
    ap.add_argument("--fortunes-dir", default=os.environ.get("DSFORGE_FORTUNES_DIR", "/usr/share/games/fortunes"))
    ap.add_argument("--vocab-size", type=int, default=8000)
    ap.add_argument("--min-frequency", type=int, default=2)
    ap.add_argument("--tokenize-tool", default="", help="dsforge_tokenize_tool, to compare our tokenizer's ids")
    args = ap.parse_args()

    try:
        from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    except ImportError as e:
        print(f"SKIP: tokenizers not importable: {e}")
        return SKIP
    inputs = [os.path.join(args.fortunes_dir, n) for n in ("fortunes", "chinese")]
    missing = [p for p in inputs if not os.path.exists(p)]
    if missing:
        print(f"SKIP: fortune files missing: {missing}")
        return SKIP

    special = ["<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"]
    out_dir = os.path.join(args.work, "trained")
    words_path = os.path.join(args.work, "words.json")
    os.makedirs(args.work, exist_ok=True)
    cmd = [args.tool, "--format", "fortune", "--vocab-size", str(args.vocab_size),
           "--min-frequency", str(args.min_frequency), "--pre-tokenizer", "deepseek_v3",
           "--output", out_dir, "--dump-words", words_path]
    for p in inputs:
        cmd += ["--input", p]
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True)
    tool_wall = time.perf_counter() - t0
    if run.returncode != 0:
        print(f"FAIL: {' '.join(cmd)}\n{run.stderr}")
        return 1
    stats = json.loads(run.stdout)

    docs = []
    for p in inputs:
        docs += fortunes(p)
    failures = []
    report = {"documents": len(docs), "mb": sum(len(d.encode()) for d in docs) / 1e6,
              "vocab_size": args.vocab_size, "min_frequency": args.min_frequency,
              "dsforge": {**stats, "tool_wall_seconds": tool_wall}}
    if stats["documents"] != len(docs):
        failures.append(f"document count: tool {stats['documents']}, script {len(docs)}")

    ours_path = os.path.join(out_dir, "tokenizer.json")
    ours = Tokenizer.from_file(ours_path)
    ours_json = json.load(open(ours_path, encoding="utf-8"))

    # 1. Pre-tokenization parity, against an independent reference when the
    #    fixture is there (and the regexes must then be the fixture's).
    if args.fixture and os.path.exists(args.fixture):
        ref = Tokenizer.from_file(args.fixture)
        pre, pre_source = ref.pre_tokenizer, "fixture"
        fixture_pre = json.load(open(args.fixture, encoding="utf-8"))["pre_tokenizer"]
        fix_re = [s["pattern"]["Regex"] for s in fixture_pre["pretokenizers"] if s["type"] == "Split"]
        our_re = [s["pattern"]["Regex"] for s in ours_json["pre_tokenizer"]["pretokenizers"] if s["type"] == "Split"]
        if fix_re != our_re:
            failures.append("Split regexes differ from the fixture's")
    else:
        pre, pre_source = ours.pre_tokenizer, "ours (fixture missing)"
    hf_words = collections.Counter()
    for d in docs:
        for w, _ in pre.pre_tokenize_str(d):
            hf_words[w] += 1
    our_words = json.load(open(words_path, encoding="utf-8"))
    differing = [w for w in set(hf_words) | set(our_words) if hf_words.get(w) != our_words.get(w)]
    report["pre_tokenization"] = {"reference": pre_source, "distinct_words": len(hf_words),
                                  "occurrences": sum(hf_words.values()),
                                  "words_with_different_counts": len(differing),
                                  "examples": differing[:5]}
    if len(differing) > 0.001 * max(1, len(hf_words)):
        failures.append(f"pre-tokenization: {len(differing)} words counted differently")

    # 2. The same training with `tokenizers`.
    hf = Tokenizer(models.BPE())
    hf.pre_tokenizer = pre
    trainer = trainers.BpeTrainer(vocab_size=args.vocab_size, min_frequency=args.min_frequency,
                                  special_tokens=special, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    t0 = time.perf_counter()
    hf.train_from_iterator(docs, trainer)
    hf_seconds = time.perf_counter() - t0
    hf_model = json.loads(hf.to_str())["model"]
    hv, ov = hf_model["vocab"], ours_json["model"]["vocab"]
    hm = [" ".join(m) if isinstance(m, list) else m for m in hf_model["merges"]]
    om = ours_json["model"]["merges"]
    first_diff = next((i for i, (a, b) in enumerate(zip(hm, om)) if a != b),
                      None if len(hm) == len(om) else min(len(hm), len(om)))
    vocab_overlap = len(set(hv) & set(ov)) / max(1, len(ov))
    report["tokenizers_trainer"] = {
        "seconds": hf_seconds,
        "vocab": {"ours": len(ov), "tokenizers": len(hv), "overlap": vocab_overlap,
                  "same_id": sum(1 for k, i in ov.items() if hv.get(k) == i) / max(1, len(ov))},
        "merges": {"ours": len(om), "tokenizers": len(hm),
                   "set_overlap": len(set(hm) & set(om)) / max(1, len(om)),
                   "identical_list": hm == om, "first_difference": first_diff}}
    if vocab_overlap < 0.95:
        failures.append(f"vocabulary overlap {vocab_overlap:.4f} < 0.95")

    # 3. `tokenizers` loads ours and round-trips every document.
    bos = ov[special[0]]
    bad = []
    ids_plain = []
    for i, d in enumerate(docs):
        with_special = ours.encode(d).ids
        plain = ours.encode(d, add_special_tokens=False).ids
        ids_plain.append(plain)
        if (not with_special or with_special[0] != bos or with_special[1:] != plain
                or ours.decode(with_special, skip_special_tokens=True) != d
                or ours.decode(plain, skip_special_tokens=False) != d):
            bad.append(i)
    tokens = sum(len(x) for x in ids_plain)
    report["roundtrip"] = {"documents": len(docs), "failures": len(bad), "first_failures": bad[:5],
                           "tokens": tokens, "bytes_per_token": report["mb"] * 1e6 / max(1, tokens)}
    if bad:
        failures.append(f"round trip failed for {len(bad)} documents, first {bad[:5]}")

    # 4. Our tokenizer against `tokenizers` on our file.
    if args.tokenize_tool and not os.path.exists(args.tokenize_tool):
        report["dsforge_tokenizer"] = f"skipped: {args.tokenize_tool} not built"
    elif args.tokenize_tool:
        lines = "".join(json.dumps({"text": d}) + "\n" for d in docs)
        run = subprocess.run([args.tokenize_tool, "--tokenizer", ours_path, "--with-special"],
                             input=lines, capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"dsforge_tokenize_tool failed: {run.stderr.strip()}")
        else:
            rows = [json.loads(x) for x in run.stdout.splitlines()]
            mismatch = [i for i, (r, d, p) in enumerate(zip(rows, docs, ids_plain))
                        if r.get("ids") != p or r.get("ids_with_special") != ours.encode(d).ids]
            if len(rows) != len(docs):
                mismatch.append(-1)
            report["dsforge_tokenizer"] = {"documents": len(rows), "mismatches": len(mismatch),
                                           "first_mismatches": mismatch[:5]}
            if mismatch:
                failures.append(f"dsforge_tokenizer ids differ for {len(mismatch)} documents")
    else:
        report["dsforge_tokenizer"] = "skipped: dsforge_tokenize_tool not built"

    report["failures"] = failures
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
