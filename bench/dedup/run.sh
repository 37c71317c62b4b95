#!/usr/bin/env bash
# bench/dedup/run.sh: documents/s of our minhash_dedup core vs datasketch at
# equal settings on the same corpus (fortunes repeated with edits).
#
#   bench/dedup/run.sh [BUILD_DIR] [--docs 50000] [--threshold 0.8] [--num-perm 128] [--ngram 5]
#
# Uses BUILD_DIR/bench/dedup/bench_dedup when it was built (or
# $BENCH_DEDUP_BIN), else builds bench/dedup standalone (Release) under the
# work folder. Writes the corpus and all outputs under $BENCH_DEDUP_WORK
# (default /tmp/dsforge-bench-dedup), prints the comparison as JSON and
# keeps it in result.json there.
# Python: $DSFORGE_PYTHON, default ~/.cache/dsforge/venv/bin/python (needs datasketch).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${BENCH_DEDUP_WORK:-/tmp/dsforge-bench-dedup}"
python="${DSFORGE_PYTHON:-$HOME/.cache/dsforge/venv/bin/python}"
docs=50000 threshold=0.8 num_perm=128 ngram=5
build=""
if [[ $# -gt 0 && "$1" != --* ]]; then build="$1"; shift; fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --threshold) threshold="$2"; shift 2 ;;
    --num-perm) num_perm="$2"; shift 2 ;;
    --ngram) ngram="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 1 ;;
  esac
done

if [[ ! -x "$python" ]]; then
  echo "run.sh: no Python at $python (set DSFORGE_PYTHON to one with datasketch)" >&2
  exit 1
fi
mkdir -p "$work"
bin="${BENCH_DEDUP_BIN:-}"
if [[ -z "$bin" && -n "$build" && -x "$build/bench/dedup/bench_dedup" ]]; then
  bin="$build/bench/dedup/bench_dedup"
fi
if [[ -z "$bin" ]]; then
  cmake -S "$here" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$work/build" --target bench_dedup -j2 >/dev/null
  bin="$work/build/bench_dedup"
fi

corpus="$work/corpus-$docs.jsonl"
if [[ ! -s "$corpus" ]]; then
  "$bin" make-corpus --out "$corpus" --docs "$docs" >&2
fi
"$bin" run --corpus "$corpus" --threshold "$threshold" --num-perm "$num_perm" --ngram "$ngram" \
  --repeat 3 --keep-out "$work/ours.keep" --counts-out "$work/ours.counts" >"$work/ours.json"
"$bin" run --corpus "$corpus" --threshold "$threshold" --num-perm "$num_perm" --ngram "$ngram" \
  --repeat 3 --kernel scalar >"$work/ours-scalar.json"
"$python" "$here/bench_datasketch.py" --corpus "$corpus" --ours "$work/ours.json" \
  --ours-scalar "$work/ours-scalar.json" --ours-keep "$work/ours.keep" \
  --ours-counts "$work/ours.counts" --repeat 2 | tee "$work/result.json"
