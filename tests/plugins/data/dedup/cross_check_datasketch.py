#!/usr/bin/env python3
"""Cross-check of dsforge's minhash_dedup core against the datasketch package.

Runs the C++ tool dedup_dump_corpus, which writes a planted corpus (fortunes
with edited copies) as shingle sets plus the clusters our core found. Builds
datasketch MinHash(num_perm, seed) sketches of the *same* shingle strings and
a MinHashLSH(threshold, num_perm) index, clusters the same way (each document
queries the index; a candidate is joined when MinHash.jaccard() >= threshold;
union-find, first document of a cluster kept) and compares:

  * (bands, rows): datasketch's choice for this corpus' settings, and over a
    grid of thresholds and num_perm, must equal ours exactly;
  * cluster decisions: over every pair inside a planted family (an original
    and its copies) and every pair either side put in one cluster, the two
    must agree on "same cluster or not" for >= 97% of the pairs;
  * keep/drop decisions per document, reported (and >= 97% too).

Both sides randomize differently (our (a*x+b) mod 2^61-1 permutations over
our 64-bit shingle hash vs datasketch's sha1-based affine hashing), so
signatures are not compared, only decisions.

Exit status: 0 pass, 1 fail, 77 skipped (datasketch not importable or the
fortune files missing).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

try:
    from datasketch import MinHash, MinHashLSH
    import datasketch
except ImportError as e:  # pragma: no cover
    print(f"datasketch not importable ({e}); skipped")
    sys.exit(77)


class UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def datasketch_clusters(docs, threshold, num_perm, seed):
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    uf = UnionFind(len(docs))
    sketches = [None] * len(docs)
    for i, doc in enumerate(docs):
        shingles = doc["shingles"]
        if not shingles:  # our rule: no shingles, never a near duplicate
            continue
        m = MinHash(num_perm=num_perm, seed=seed)
        m.update_batch([s.encode("utf-8") for s in shingles])
        sketches[i] = m
        for c in lsh.query(m):
            if uf.find(c) != uf.find(i) and m.jaccard(sketches[c]) >= threshold:
                uf.union(i, c)
        lsh.insert(i, m)
    return [uf.find(i) for i in range(len(docs))], (lsh.b, lsh.r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True, help="path of dedup_dump_corpus")
    ap.add_argument("--out", help="where the tool writes its JSON (default: a temp file)")
    ap.add_argument("--threshold", default="0.8")
    ap.add_argument("--num-perm", default="128")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--min-agreement", type=float, default=0.97)
    args = ap.parse_args()

    out = args.out or os.path.join(tempfile.mkdtemp(prefix="dsforge-dedup-"), "corpus.json")
    run = subprocess.run([args.tool, "--out", out, "--threshold", args.threshold,
                          "--num-perm", args.num_perm, "--seed", args.seed])
    if run.returncode == 2:
        print("fortune files missing; skipped")
        return 77
    if run.returncode != 0:
        print(f"{args.tool} failed with status {run.returncode}")
        return 1
    with open(out, encoding="utf-8") as f:
        data = json.load(f)

    docs, ours = data["docs"], data["clusters"]
    t, n, seed = data["threshold"], data["num_perm"], data["seed"]
    theirs, (b, r) = datasketch_clusters(docs, t, n, seed)
    failures = []

    # (bands, rows) for this run and over the grid.
    if (b, r) != (data["bands"], data["rows"]):
        failures.append(f"(b, r): ours ({data['bands']}, {data['rows']}), datasketch ({b}, {r})")
    grid_mismatch = []
    for g in data["param_grid"]:
        ds = MinHashLSH(threshold=g["threshold"], num_perm=g["num_perm"])
        if (ds.b, ds.r) != (g["bands"], g["rows"]):
            grid_mismatch.append((g["threshold"], g["num_perm"], (g["bands"], g["rows"]), (ds.b, ds.r)))
    if grid_mismatch:
        failures.append(f"(b, r) grid mismatches: {grid_mismatch}")

    # Pairs compared: inside each family, plus any pair either side joined.
    families = {}
    for i, d in enumerate(docs):
        if d["family"] >= 0:
            families.setdefault(d["family"], []).append(i)
    pairs = set()
    for members in families.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    for clusters in (ours, theirs):
        by_root = {}
        for i, root in enumerate(clusters):
            by_root.setdefault(root, []).append(i)
        for members in by_root.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    agree = sum((ours[i] == ours[j]) == (theirs[i] == theirs[j]) for i, j in pairs)
    pair_agreement = agree / len(pairs)
    ours_kept = [ours[i] == i for i in range(len(docs))]
    theirs_kept = [theirs[i] == i for i in range(len(docs))]
    doc_agreement = sum(a == b_ for a, b_ in zip(ours_kept, theirs_kept)) / len(docs)
    if pair_agreement < args.min_agreement:
        failures.append(f"pair agreement {pair_agreement:.4f} < {args.min_agreement}")
    if doc_agreement < args.min_agreement:
        failures.append(f"keep/drop agreement {doc_agreement:.4f} < {args.min_agreement}")

    # Planted pairs, by side of the threshold, for the report.
    planted = {"above": [0, 0, 0], "below": [0, 0, 0]}  # pairs, ours joined, datasketch joined
    for i, j, jac in data["pairs"]:
        side = planted["above" if jac >= t else "below"]
        side[0] += 1
        side[1] += ours[i] == ours[j]
        side[2] += theirs[i] == theirs[j]

    report = {
        "datasketch": datasketch.__version__,
        "documents": len(docs),
        "english": sum(d["lang"] == "en" for d in docs),
        "tokenizers": {k: sum(d["tokenizer"] == k for d in docs) for k in ("words", "chars")},
        "threshold": t, "num_perm": n,
        "bands_rows": {"ours": [data["bands"], data["rows"]], "datasketch": [b, r]},
        "param_grid_checked": len(data["param_grid"]),
        "param_grid_mismatches": len(grid_mismatch),
        "pairs_compared": len(pairs),
        "pair_agreement": round(pair_agreement, 4),
        "doc_agreement": round(doc_agreement, 4),
        "dropped": {"ours": sum(not k for k in ours_kept), "datasketch": sum(not k for k in theirs_kept)},
        "planted_above_threshold": dict(zip(("pairs", "ours_joined", "datasketch_joined"), planted["above"])),
        "planted_below_threshold": dict(zip(("pairs", "ours_joined", "datasketch_joined"), planted["below"])),
        "pass": not failures,
    }
    print(json.dumps(report, indent=2))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
