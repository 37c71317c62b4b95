#!/usr/bin/env bash
# bench/models/run.sh: forward (prefill) and KV-cache decode tokens/s of a
# ~125M-parameter Llama (random weights, float32, CPU): dshost's model code
# (bench_models, through ModelRunner and the attention/MLP plugins) vs a plain
# PyTorch eager Llama (eager_llama.py), same LibTorch, same threads, same ids.
#
#   bench/models/run.sh [BUILD_DIR] [--threads N] [--repeat 3] [--rounds 1]
#                       [--forward 1x512,4x128] [--decode-prompt 128] [--decode-new 128]
#
# BUILD_DIR (default build-bench) is configured with -DDSFORGE_BUILD_BENCH=ON
# and bench_models, dshost, dsforge_attention and dsforge_mlp are built there
# (ninja -j${BENCH_JOBS:-1}) when missing. The model goes to
# $BENCH_MODELS_WORK (default ~/.cache/dsforge/bench-models). First the eager
# logits are checked against `dshost forward` (1e-3); then each round runs
# bench_models, bench_eager.py --attention sdpa and --attention math (the
# same attention math as dshost's sdpa op); with --rounds > 1 each side keeps
# its best round. Prints one JSON object and writes it to
# BUILD_DIR/bench/models/result.json. ratio > 1: dsforge is faster.
# Python: $DSFORGE_PYTHON, default ~/.cache/dsforge/venv/bin/python (torch,
# numpy, safetensors).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${DSFORGE_PYTHON:-$HOME/.cache/dsforge/venv/bin/python}
work=${BENCH_MODELS_WORK:-$HOME/.cache/dsforge/bench-models}
build=$root/build-bench
if [[ $# -gt 0 && "$1" != --* ]]; then build=$(cd "$1" 2>/dev/null && pwd || echo "$1"); shift; fi
threads=0 repeat=3 rounds=1 forward=1x512,4x128 decode_prompt=128 decode_new=128
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --forward) forward="$2"; shift 2 ;;
    --decode-prompt) decode_prompt="$2"; shift 2 ;;
    --decode-new) decode_new="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
[[ -x "$python" ]] || { echo "run.sh: no Python at $python (set DSFORGE_PYTHON)" >&2; exit 1; }

bin=$build/bench/models/bench_models
if [[ ! -x "$bin" || ! -x "$build/dshost" || ! -f "$build/plugins/dsforge_attention.so" || ! -f "$build/plugins/dsforge_mlp.so" ]]; then
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSFORGE_BUILD_TESTS=OFF \
      -DDSFORGE_BUILD_BENCH=ON -DCMAKE_PREFIX_PATH="$(bash "$root/scripts/setup.sh" --print-torch-prefix)" >&2
  else
    cmake "$build" -DDSFORGE_BUILD_BENCH=ON >/dev/null
  fi
  cmake --build "$build" --target bench_models dshost dsforge_attention dsforge_mlp -j"${BENCH_JOBS:-1}" >&2
fi

model=$work/llama125m
if [[ ! -s "$model/model.safetensors" ]]; then
  "$python" "$here/make_model.py" "$model" >&2
fi
out_dir=$build/bench/models
mkdir -p "$out_dir"

echo "run.sh: checking eager logits against dshost forward" >&2
"$python" "$here/eager_llama.py" check "$model" --dshost "$build/dshost" --plugin-path "$build/plugins" \
  >"$out_dir/check.json"
cat "$out_dir/check.json" >&2

args=(--repeat "$repeat" --forward "$forward" --decode-prompt "$decode_prompt" --decode-new "$decode_new")
if [[ "$threads" == 0 ]]; then
  # LibTorch's default in dshost; the eager side is set to the same.
  "$bin" --model "$model" --plugins "$build/plugins" "${args[@]}" --forward 1x8 --decode-new 2 --repeat 1 \
    >"$out_dir/probe.json"
  threads=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["threads"])' "$out_dir/probe.json")
fi
for ((r = 1; r <= rounds; ++r)); do
  echo "run.sh: round $r/$rounds ($threads threads; load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  "$bin" --model "$model" --plugins "$build/plugins" --threads "$threads" "${args[@]}" >"$out_dir/dsforge.$r.json"
  "$python" "$here/bench_eager.py" --model "$model" --attention sdpa --threads "$threads" "${args[@]}" \
    >"$out_dir/eager_sdpa.$r.json"
  "$python" "$here/bench_eager.py" --model "$model" --attention math --threads "$threads" "${args[@]}" \
    >"$out_dir/eager_math.$r.json"
done

"$python" - "$out_dir" "$rounds" "$model" <<'PY' | tee "$out_dir/result.json"
import json, os, platform, sys
out_dir, rounds, model = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def best(name):
    runs = [json.load(open(os.path.join(out_dir, f"{name}.{r}.json"))) for r in range(1, rounds + 1)]
    # per measurement, the round with the highest median tokens/s
    top = dict(runs[0])
    top["forward"] = [max((r["forward"][i] for r in runs), key=lambda f: f["tokens_per_s"])
                      for i in range(len(runs[0]["forward"]))]
    top["decode"] = max((r["decode"] for r in runs), key=lambda d: d["tokens_per_s"])
    return top

def summary(r):
    s = {"forward_tokens_per_s": round(r["forward"][0]["tokens_per_s"], 2),
         "decode_tokens_per_s": round(r["decode"]["tokens_per_s"], 2),
         "decode_ms_per_step": round(r["decode"]["ms_per_step"], 2)}
    for f in r["forward"][1:]:
        s[f"forward_{f['batch']}x{f['tokens']}_tokens_per_s"] = round(f["tokens_per_s"], 2)
    s["runs"] = {"forward": [{k: f[k] for k in ("batch", "tokens", "seconds", "median_seconds")} for f in r["forward"]],
                 "decode": {k: r["decode"][k] for k in ("batch", "prompt_tokens", "new_tokens", "timed_tokens",
                                                         "seconds", "median_seconds")}}
    return s

ds, sd, mt = best("dsforge"), best("eager_sdpa"), best("eager_math")
cfg = json.load(open(os.path.join(model, "config.json")))
check = json.load(open(os.path.join(out_dir, "check.json")))
f0 = ds["forward"][0]
ratio = lambda a, b: round(a / b, 3)
a_ids, b_ids = ds["decode"]["row0_new_ids"], sd["decode"]["row0_new_ids"]
agree = next((i for i, (x, y) in enumerate(zip(a_ids, b_ids)) if x != y), min(len(a_ids), len(b_ids)))
res = {
    "config": {"model": model, "params": None, "hidden_size": cfg["hidden_size"],
               "num_hidden_layers": cfg["num_hidden_layers"], "num_attention_heads": cfg["num_attention_heads"],
               "num_key_value_heads": cfg["num_key_value_heads"], "head_dim": cfg["head_dim"],
               "intermediate_size": cfg["intermediate_size"], "vocab_size": cfg["vocab_size"], "dtype": "float32",
               "device": "cpu", "forward_shape": f"{f0['batch']}x{f0['tokens']}",
               "decode": f"batch {ds['decode']['batch']}, {ds['decode']['prompt_tokens']}-token prompt, "
                         f"{ds['decode']['new_tokens']} new tokens (greedy, KV cache)",
               "repeat": ds["repeat"], "rounds": rounds, "dsforge_summary": ds["summary"]},
    "dsforge": summary(ds),
    "pytorch_eager": summary(sd),
    "pytorch_eager_math_attention": summary(mt),
    "ratio": {"forward": ratio(ds["forward"][0]["tokens_per_s"], sd["forward"][0]["tokens_per_s"]),
              "decode": ratio(ds["decode"]["tokens_per_s"], sd["decode"]["tokens_per_s"])},
    "ratio_vs_math_attention": {"forward": ratio(ds["forward"][0]["tokens_per_s"], mt["forward"][0]["tokens_per_s"]),
                                "decode": ratio(ds["decode"]["tokens_per_s"], mt["decode"]["tokens_per_s"])},
    "logits_check": check,
    "greedy_tokens_agree": f"{agree}/{len(a_ids)} (dsforge vs eager sdpa, row 0, first divergence)",
    "threads": {"dsforge": ds["threads"], "pytorch_eager": sd["threads"]},
    "machine": {"cpus": os.cpu_count(), "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                                     if l.startswith("model name")), platform.processor()),
                "loadavg_after": open("/proc/loadavg").read().split()[:3], "torch": sd["torch"]},
}
for f in ds["forward"][1:]:
    key = f"{f['batch']}x{f['tokens']}"
    e = next(x for x in sd["forward"] if x["batch"] == f["batch"] and x["tokens"] == f["tokens"])
    res["ratio"][f"forward_{key}"] = ratio(f["tokens_per_s"], e["tokens_per_s"])
try:
    from safetensors import safe_open
    with safe_open(os.path.join(model, "model.safetensors"), "pt") as st:
        res["config"]["params"] = sum(int(__import__("math").prod(st.get_slice(k).get_shape())) for k in st.keys())
except Exception:
    pass
print(json.dumps(res, indent=2))
PY
