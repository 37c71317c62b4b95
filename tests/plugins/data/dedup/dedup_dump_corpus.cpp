// dedup_dump_corpus.cpp: writes a planted corpus (English and Chinese
// fortunes with edited copies) as JSON for cross_check_datasketch.py: each
// document's shingle set (the exact strings the core hashes), its family
// (an original and its copies), the planted pairs with their true Jaccard,
// the clusters NearDedup found, the (bands, rows) it chose, and its choice
// of (bands, rows) over a grid of thresholds and num_perm.
//
//   dedup_dump_corpus --out FILE [--threshold 0.8] [--num-perm 128] [--seed 1]
// Exit status 2 when the fortune files are missing.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "dedup_cluster.hpp"
#include "fortune_corpus.hpp"

namespace dd = dsforge::data::dedup;
using nlohmann::json;

int main(int argc, char** argv) {
  std::string out_path;
  dd::NearDedupOptions opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--out") {
      out_path = value;
    } else if (key == "--threshold") {
      opt.threshold = std::stod(value);
    } else if (key == "--num-perm") {
      opt.num_perm = std::stoul(value);
    } else if (key == "--seed") {
      opt.seed = std::stoull(value);
    } else {
      std::cerr << "dedup_dump_corpus: unknown option " << key << "\n";
      return 1;
    }
  }
  if (out_path.empty()) {
    std::cerr << "usage: dedup_dump_corpus --out FILE [--threshold T] [--num-perm N] [--seed S]\n";
    return 1;
  }
  const auto en = dedup_test::read_fortunes(dedup_test::fortune_path("fortunes"));
  const auto zh = dedup_test::read_fortunes(dedup_test::fortune_path("chinese"));
  if (en.empty() || zh.empty()) {
    std::cerr << "dedup_dump_corpus: fortune files not found under "
              << dedup_test::fortune_path("") << " (apt-get install fortunes fortunes-zh)\n";
    return 2;
  }

  // Two copies per original; similarities either clearly above or clearly
  // below the threshold, so two differently randomized implementations
  // should agree on nearly every pair.
  dedup_test::PlantedCorpus corpus;
  dedup_test::PlantOptions plant;
  plant.copies = 2;
  plant.targets = {1.0, 0.6, 0.97, 0.4, 0.95, 0.3};
  plant.shuffle_copies = true;
  plant.shingle = opt.shingle;
  plant.seed = 11;
  plant.originals = 1000;
  plant.min_tokens = 200;  // one edit then costs at most ~5% similarity
  dedup_test::plant(en, dedup_test::Lang::english, plant, corpus);
  // A second grouping of the same fortunes: documents of the two rounds
  // share a fortune or two at most (Jaccard well under 0.1).
  plant.seed = 12;
  dedup_test::plant(en, dedup_test::Lang::english, plant, corpus);
  const size_t english_docs = corpus.docs.size();
  plant.originals = 200;
  plant.min_tokens = 150;
  plant.max_tokens = 800;
  dedup_test::plant(zh, dedup_test::Lang::chinese, plant, corpus);

  // Families: an original and its copies.
  std::vector<int64_t> family(corpus.docs.size(), -1);
  for (const auto& p : corpus.pairs) family[p.original] = int64_t(p.original);
  for (const auto& p : corpus.pairs) family[p.copy] = int64_t(p.original);

  dd::NearDedup dedup(opt);
  json docs = json::array();
  for (size_t i = 0; i < corpus.docs.size(); ++i) {
    dedup.add(corpus.docs[i]);
    docs.push_back({{"family", family[i]},
                    {"lang", i < english_docs ? "en" : "zh"},
                    {"tokenizer", dd::tokenizer_name(dedup.last_tokenizer())},
                    {"shingles", dd::shingles(corpus.docs[i], opt.shingle)}});
  }
  json clusters = json::array();
  for (size_t i = 0; i < dedup.size(); ++i) clusters.push_back(dedup.cluster_of(i));
  json pairs = json::array();
  for (const auto& p : corpus.pairs) pairs.push_back({p.original, p.copy, p.jaccard});
  json grid = json::array();
  for (double t : {0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}) {
    for (size_t n : {64, 128, 256}) {
      const dd::LshParams p = dd::optimal_lsh_params(t, n);
      grid.push_back({{"threshold", t}, {"num_perm", n}, {"bands", p.bands}, {"rows", p.rows}});
    }
  }
  const dd::NearDedupStats s = dedup.stats();
  const json out = {{"num_perm", opt.num_perm},
                    {"threshold", opt.threshold},
                    {"seed", opt.seed},
                    {"ngram", opt.shingle.ngram},
                    {"bands", dedup.params().bands},
                    {"rows", dedup.params().rows},
                    {"docs", docs},
                    {"pairs", pairs},
                    {"clusters", clusters},
                    {"dropped", s.dropped},
                    {"param_grid", grid}};
  std::ofstream f(out_path);
  f << out.dump() << "\n";
  if (!f) {
    std::cerr << "dedup_dump_corpus: cannot write " << out_path << "\n";
    return 1;
  }
  std::printf("%zu documents (%zu English), %zu planted pairs, %zu dropped -> %s\n",
              corpus.docs.size(), english_docs, corpus.pairs.size(), s.dropped, out_path.c_str());
  return 0;
}
