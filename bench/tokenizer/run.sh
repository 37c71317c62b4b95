#!/usr/bin/env bash
# run.sh: tokenizer encode throughput, dsforge_tokenizer vs Hugging Face
# `tokenizers`, on the DeepSeek-V3 fixture corpus repeated to >= 50 MB;
# prints one JSON object with both and the ratios (ours / theirs; > 1 means
# dsforge is faster), by wall time and by CPU time.
#
#   bench/tokenizer/run.sh [BUILD_DIR]        (default: build)
#   MIN_MB=50 DSFORGE_PYTHON=... bench/tokenizer/run.sh /tmp/build-tok
#
# Uses BUILD_DIR/bench/tokenizer/dsforge_tokenizer_bench when it was built,
# else compiles bench_tokenizer.cpp against BUILD_DIR's libdsforge_tokenizer.a.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
fixture=${DSFORGE_TOKENIZER_FIXTURE:-$root/../shared/fixtures/tokenizer_deepseek_v3}
python=${DSFORGE_PYTHON:-$HOME/.cache/dsforge/venv/bin/python}
min_mb=${MIN_MB:-50}

bench=$build/bench/tokenizer/dsforge_tokenizer_bench
if [ ! -x "$bench" ]; then
  lib=$build/plugins/data/tokenizer/libdsforge_tokenizer.a
  if [ ! -f "$lib" ]; then
    echo "run.sh: no $bench and no $lib; build first: cmake --build $build --target dsforge_tokenizer" >&2
    exit 1
  fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  bench=$tmp/dsforge_tokenizer_bench
  g++ -O2 -std=c++17 -I"$root/plugins/data/tokenizer" "$here/bench_tokenizer.cpp" "$lib" \
      $(pkg-config --libs libpcre2-8) -lutf8proc -pthread -o "$bench"
fi

args=(--tokenizer "$fixture/tokenizer.json" --corpus "$fixture/corpus.jsonl" --min-mb "$min_mb")
ours=$("$bench" "${args[@]}")
hf_one=$(RAYON_NUM_THREADS=1 "$python" "$here/bench_hf.py" "${args[@]}")
hf_all=$("$python" "$here/bench_hf.py" "${args[@]}")

"$python" - "$fixture/corpus.jsonl" "$ours" "$hf_one" "$hf_all" <<'PY'
import json, os, sys
corpus, ours, hf_one, hf_all = sys.argv[1], sys.argv[2].splitlines(), sys.argv[3], sys.argv[4]
d_one, d_all = json.loads(ours[0]), json.loads(ours[1])
h_one, h_all = json.loads(hf_one), json.loads(hf_all)
print(json.dumps({
    "corpus": corpus,
    "bytes": d_one["bytes"],
    "cpus": os.cpu_count(),
    "dsforge": {"single": d_one, "all": d_all},
    "hf_tokenizers": {"single": h_one, "all": h_all},
    # ours / theirs, in MB/s of wall time, and in bytes per CPU-second
    "ratio_single": round(d_one["mb_per_s"] / h_one["mb_per_s"], 3),
    "ratio_all": round(d_all["mb_per_s"] / h_all["mb_per_s"], 3),
    "ratio_single_cpu": round(h_one["cpu_seconds"] / d_one["cpu_seconds"], 3),
    "ratio_all_cpu": round(h_all["cpu_seconds"] / d_all["cpu_seconds"], 3),
    "same_token_count": d_one["tokens"] == h_one["tokens"] == d_all["tokens"] == h_all["tokens"],
}, indent=2))
PY
