#!/usr/bin/env bash
# bench/prep/run.sh [MB] [BUILD_DIR]: throughput of a whole data-prep stage
# (jsonl -> clean -> exact_dedup -> minhash_dedup -> length_filter ->
# token_shards) on the fortunes text repeated to about MB megabytes, beside a
# baseline measured in the same run: the same input copied jsonl -> jsonl
# through dshost (reading, record handling and writing, no transforms).
# Prints one JSON object.
set -euo pipefail
mb=${1:-50}
build=$(realpath "${2:-build}")
here=$(cd "$(dirname "$0")" && pwd)
fixture=$(realpath "$here/../../../shared/fixtures/tokenizer_deepseek_v3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Corpus: every fortune as a JSONL record, repeated with a copy number so the
# repeats are near-duplicates (exact dedup sees them as different texts).
python3 - "$work/corpus.jsonl" "$mb" <<'PY'
import json, sys
docs = []
for name in ["fortunes", "computers", "science", "wisdom", "chinese", "tang300", "song100"]:
    text = open(f"/usr/share/games/fortunes/{name}", encoding="utf-8", errors="replace").read()
    docs += [d.strip() for d in text.split("\n%\n") if d.strip()]
target = int(sys.argv[2]) << 20
with open(sys.argv[1], "w", encoding="utf-8") as out:
    size, copy = 0, 0
    while size < target:
        for d in docs:
            line = json.dumps({"text": f"{d} [{copy}]" if copy else d}, ensure_ascii=False) + "\n"
            out.write(line)
            size += len(line.encode())
        copy += 1
PY
bytes=$(stat -c %s "$work/corpus.jsonl")

cat > "$work/copy.toml" <<TOML
[[stage]]
id = "copy"
kind = "data"
source = { plugin = "jsonl", path = "$work/corpus.jsonl" }
sink = { plugin = "jsonl", path = "$work/copy.jsonl" }
TOML
cat > "$work/prep.toml" <<TOML
[[stage]]
id = "prep"
kind = "data"
stats = "$work/stats.json"
source = { plugin = "jsonl", path = "$work/corpus.jsonl" }
transforms = [
  { plugin = "clean", strip_urls = true, normalize = "nfkc" },
  { plugin = "exact_dedup" },
  { plugin = "minhash_dedup", threshold = 0.8 },
  { plugin = "length_filter", min_chars = 8 },
]
sink = { plugin = "token_shards", output = "$work/shards", tokenizer = "$fixture" }
TOML

seconds() { local s=$EPOCHREALTIME; "$@" > /dev/null 2>&1; awk -v a="$s" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}'; }
t_copy=$(seconds "$build/dshost" -q run "$work/copy.toml")
t_prep=$(seconds "$build/dshost" -q run "$work/prep.toml")
python3 - "$bytes" "$t_copy" "$t_prep" "$work/stats.json" "$(nproc)" <<'PY'
import json, sys
b, t_copy, t_prep, stats, cores = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
s = json.load(open(stats))
mb = b / 2**20
print(json.dumps({
    "benchmark": "prep_pipeline", "input_mb": round(mb, 1), "cores": cores,
    "baseline_copy": {"seconds": round(t_copy, 2), "mb_per_s": round(mb / t_copy, 1)},
    "prep": {"seconds": round(t_prep, 2), "mb_per_s": round(mb / t_prep, 1),
             "steps": [{"component": x["component"], "seconds": round(x["seconds"], 2),
                        "records_in": x["records_in"], "records_out": x["records_out"]} for x in s["steps"]]},
    "prep_vs_copy_time_ratio": round(t_prep / t_copy, 2),
}, indent=1))
PY
