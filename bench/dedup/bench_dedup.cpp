// bench_dedup.cpp: throughput of the minhash_dedup core (dsforge_dedup_core)
// on a corpus of fortunes repeated with edits; bench_datasketch.py times
// datasketch on the same corpus at the same settings.
//
//   bench_dedup make-corpus --out FILE.jsonl [--docs 50000] [--seed 1]
//       One JSON object per line, {"text": ...}: Chinese fortunes and
//       groups of English fortunes (the originals), each followed later by
//       edited copies with Jaccard similarity 1, 0.95, 0.9, 0.85, 0.8, 0.7
//       or 0.5 to it, until about --docs documents.
//   bench_dedup run --corpus FILE.jsonl [--threshold 0.8] [--num-perm 128]
//       [--ngram 5] [--seed 1] [--repeat 3] [--kernel best|scalar|avx2|avx512]
//       [--keep-out FILE] [--counts-out FILE]
//       Prints one JSON object: documents, best-of-repeat seconds and
//       documents/s, the split between shingling and signature + LSH +
//       clustering, and the result (clusters, dropped). --keep-out writes one
//       character per document, 1 kept / 0 dropped, and --counts-out each
//       document's number of shingles, for comparison with datasketch.
// Single-threaded, like the transform.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dedup_cluster.hpp"
#include "dedup_minhash.hpp"
#include "dedup_shingle.hpp"
#include "fortune_corpus.hpp"

namespace dd = dsforge::data::dedup;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string arg(const std::vector<std::string>& args, const std::string& key,
                const std::string& fallback) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == key) return args[i + 1];
  }
  return fallback;
}

int make_corpus(const std::vector<std::string>& args) {
  const std::string out_path = arg(args, "--out", "");
  const size_t want = std::stoul(arg(args, "--docs", "50000"));
  const uint64_t seed = std::stoull(arg(args, "--seed", "1"));
  if (out_path.empty()) {
    std::cerr << "bench_dedup make-corpus: --out FILE is required\n";
    return 1;
  }
  const auto en = dedup_test::read_fortunes(dedup_test::fortune_path("fortunes"));
  const auto zh = dedup_test::read_fortunes(dedup_test::fortune_path("chinese"));
  if (en.empty() || zh.empty()) {
    std::cerr << "bench_dedup: fortune files not found under " << dedup_test::fortune_path("")
              << " (apt-get install fortunes fortunes-zh)\n";
    return 2;
  }
  const auto t0 = Clock::now();
  // Originals: every Chinese fortune of 20..2000 letters, and English
  // fortunes grouped into documents of 40+ words, regrouped with 12 seeds.
  dedup_test::PlantOptions plant;
  plant.targets = {1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.5};
  plant.max_original_jaccard = -1;  // no O(n^2) screening at this size
  plant.shuffle_copies = true;
  plant.copies = 0;
  plant.originals = 1000000;

  // First count the originals, then size the copies to reach `want`.
  dedup_test::PlantedCorpus probe;
  plant.min_tokens = 20;
  plant.max_tokens = 2000;
  plant.seed = seed;
  dedup_test::plant(zh, dedup_test::Lang::chinese, plant, probe);
  const size_t zh_originals = probe.docs.size();
  plant.min_tokens = 40;
  for (int round = 0; round < 12; ++round) {
    plant.seed = seed * 100 + uint64_t(round);
    dedup_test::plant(en, dedup_test::Lang::english, plant, probe);
  }
  const size_t originals = probe.docs.size();
  plant.copies = want > originals ? (want - originals + originals - 1) / originals : 0;

  dedup_test::PlantedCorpus corpus;
  plant.min_tokens = 20;
  plant.seed = seed;
  dedup_test::plant(zh, dedup_test::Lang::chinese, plant, corpus);
  plant.min_tokens = 40;
  for (int round = 0; round < 12; ++round) {
    plant.seed = seed * 100 + uint64_t(round);
    dedup_test::plant(en, dedup_test::Lang::english, plant, corpus);
  }
  // Interleave the languages as a mixed crawl would.
  std::vector<size_t> order(corpus.docs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  dd::SplitMix64 rng(seed ^ 0xbe4c4ULL);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);

  std::ofstream out(out_path);
  size_t written = 0;
  for (size_t i : order) {
    if (written == want) break;
    out << json{{"text", corpus.docs[i]}}.dump() << "\n";
    ++written;
  }
  if (!out) {
    std::cerr << "bench_dedup: cannot write " << out_path << "\n";
    return 1;
  }
  std::cout << json{{"corpus", out_path},
                    {"documents", written},
                    {"originals", originals},
                    {"chinese_originals", zh_originals},
                    {"copies_per_original", plant.copies},
                    {"seconds", seconds_since(t0)}}
                   .dump()
            << "\n";
  return 0;
}

int run(const std::vector<std::string>& args) {
  const std::string path = arg(args, "--corpus", "");
  if (path.empty()) {
    std::cerr << "bench_dedup run: --corpus FILE is required\n";
    return 1;
  }
  dd::NearDedupOptions opt;
  opt.threshold = std::stod(arg(args, "--threshold", "0.8"));
  opt.num_perm = std::stoul(arg(args, "--num-perm", "128"));
  opt.shingle.ngram = std::stoul(arg(args, "--ngram", "5"));
  opt.seed = std::stoull(arg(args, "--seed", "1"));
  const int repeat = std::max(1, std::stoi(arg(args, "--repeat", "3")));
  const std::string kernel = arg(args, "--kernel", "best");
  if (kernel == "scalar") opt.kernel = dd::MinHashKernel::scalar;
  if (kernel == "avx2") opt.kernel = dd::MinHashKernel::avx2;
  if (kernel == "avx512") opt.kernel = dd::MinHashKernel::avx512;
  if (!dd::minhash_kernel_available(opt.kernel)) {
    std::cerr << "bench_dedup: kernel " << kernel << " not available on this CPU\n";
    return 1;
  }
  const std::string keep_out = arg(args, "--keep-out", "");
  const std::string counts_out = arg(args, "--counts-out", "");

  std::ifstream in(path);
  if (!in) {
    std::cerr << "bench_dedup: cannot open " << path << "\n";
    return 1;
  }
  std::vector<std::string> docs;
  size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    docs.push_back(json::parse(line).at("text").get<std::string>());
    bytes += docs.back().size();
  }

  double best = 1e300, best_shingle = 0, best_index = 0;
  dd::NearDedupStats stats;
  std::string keep;
  size_t chars_docs = 0;
  for (int r = 0; r < repeat; ++r) {
    // End to end: NearDedup::add(text) for every document.
    dd::NearDedup dedup(opt);
    const auto t0 = Clock::now();
    for (const std::string& d : docs) dedup.add(d);
    stats = dedup.stats();  // includes the final union-find pass
    keep.assign(docs.size(), '0');
    for (size_t i = 0; i < docs.size(); ++i) keep[i] = dedup.keep(i) ? '1' : '0';
    const double total = seconds_since(t0);

    // The same work split in two: shingle hashes, then add_shingles().
    dd::Tokens scratch;
    std::vector<std::vector<uint64_t>> sets(docs.size());
    chars_docs = 0;
    const auto t1 = Clock::now();
    for (size_t i = 0; i < docs.size(); ++i) {
      chars_docs += dd::shingle_hashes(docs[i], opt.shingle, scratch, sets[i]) == dd::Tokenizer::chars;
    }
    const double shingle = seconds_since(t1);
    dd::NearDedup split(opt);
    const auto t2 = Clock::now();
    for (const auto& s : sets) split.add_shingles(s);
    split.stats();
    const double index = seconds_since(t2);
    // Each figure is its own best over the repeats.
    best = std::min(best, total);
    best_shingle = r == 0 ? shingle : std::min(best_shingle, shingle);
    best_index = r == 0 ? index : std::min(best_index, index);
  }
  if (!keep_out.empty()) std::ofstream(keep_out) << keep << "\n";
  if (!counts_out.empty()) {
    // Shingle-set size per document, one per line: lets the Python side
    // check that its shingler matches ours.
    std::ofstream counts(counts_out);
    dd::Tokens scratch;
    std::vector<uint64_t> set;
    for (const std::string& d : docs) {
      dd::shingle_hashes(d, opt.shingle, scratch, set);
      counts << set.size() << "\n";
    }
  }
  const dd::LshParams p = dd::resolve_lsh_params(opt);
  std::cout << json{{"implementation", "dsforge minhash_dedup core"},
                    {"kernel", dd::minhash_kernel_name(opt.kernel)},
                    {"documents", docs.size()},
                    {"megabytes", double(bytes) / 1e6},
                    {"char_tokenized", chars_docs},
                    {"num_perm", opt.num_perm},
                    {"threshold", opt.threshold},
                    {"ngram", opt.shingle.ngram},
                    {"bands", p.bands},
                    {"rows", p.rows},
                    {"verify", opt.verify},
                    {"repeat", repeat},
                    {"seconds", best},
                    {"docs_per_s", double(docs.size()) / best},
                    {"shingle_seconds", best_shingle},
                    {"signature_lsh_cluster_seconds", best_index},
                    {"clusters", stats.clusters},
                    {"dropped", stats.dropped},
                    {"candidate_checks", stats.candidate_checks}}
                   .dump()
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && args[0] == "make-corpus") return make_corpus(args);
    if (!args.empty() && args[0] == "run") return run(args);
  } catch (const std::exception& e) {
    std::cerr << "bench_dedup: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: bench_dedup make-corpus --out FILE [--docs N] [--seed S]\n"
               "       bench_dedup run --corpus FILE [--threshold T] [--num-perm N] [--ngram N]"
               " [--seed S] [--repeat R] [--kernel K] [--keep-out FILE] [--counts-out FILE]\n";
  return 1;
}
