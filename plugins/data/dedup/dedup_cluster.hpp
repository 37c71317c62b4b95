// dedup_cluster.hpp: near-duplicate clustering, the whole of minhash_dedup
// without the host: shingles -> signature -> LSH buckets -> union-find.
//
// Documents are added one at a time, in input order. Each new document is
// looked up in its band buckets; every earlier document sharing a bucket is
// a candidate. With verify, a candidate is joined only when the estimated
// Jaccard similarity (fraction of equal signature entries, all num_perm of
// them) is >= threshold; without, every candidate is joined. Clusters are the
// connected components of the joined pairs, so a chain A~B~C forms one
// cluster even if A and C are less similar than the threshold (the usual
// behaviour of LSH dedup, e.g. in BigCode's and text-dedup's pipelines).
// The kept document of a cluster is its first in input order; union-find
// keeps the smallest index as the root, so keep(i) is find(i) == i.
// A pair of documents already in one cluster is not compared again, which
// leaves the components unchanged and keeps bursts of exact copies cheap.
// A document without shingles (no word characters) is always kept.
//
// Memory per document: num_perm * 4 bytes (signatures are kept as the low 32
// bits of each entry, enough for equality tests: a false match has chance
// 2^-32 per entry) plus about bands * 30 bytes of buckets.
// Not thread-safe: one instance, one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dedup_lsh.hpp"
#include "dedup_minhash.hpp"
#include "dedup_shingle.hpp"

namespace dsforge::data::dedup {

struct NearDedupOptions {
  ShingleOptions shingle;      // ngram 5, tokenizer auto
  size_t num_perm = 128;
  size_t bands = 0;            // bands and rows both 0: chosen from threshold,
  size_t rows = 0;             // else both set and bands * rows == num_perm
  double threshold = 0.8;      // in (0, 1]: picks (bands, rows), and the verify cut
  uint64_t seed = 1;
  bool verify = true;
  MinHashKernel kernel = MinHashKernel::best;  // benchmarks only; results are the same
};

// The (bands, rows) `opt` asks for, checked; throws std::invalid_argument
// naming the offending setting.
LshParams resolve_lsh_params(const NearDedupOptions& opt);

struct NearDedupStats {
  size_t documents = 0;
  size_t without_shingles = 0;  // kept, never compared
  size_t clusters = 0;          // clusters with more than one member
  size_t dropped = 0;           // documents that are not first in their cluster
  uint64_t candidate_checks = 0;  // candidate pairs whose signatures were compared
};

class NearDedup {
 public:
  explicit NearDedup(const NearDedupOptions& opt);

  // Adds the next document; returns its index (0, 1, ...).
  size_t add(std::string_view text);
  // Adds a document given its shingle hashes (any order, repeats allowed).
  size_t add_shingles(const std::vector<uint64_t>& shingle_hashes);

  size_t size() const { return parent_.size(); }
  // Index of the first document of i's cluster.
  size_t cluster_of(size_t i);
  bool keep(size_t i) { return cluster_of(i) == i; }
  NearDedupStats stats();

  const LshParams& params() const { return params_; }
  const NearDedupOptions& options() const { return opt_; }
  // Tokenizer the last add(text) used (words or chars).
  Tokenizer last_tokenizer() const { return last_mode_; }

 private:
  size_t insert(const uint64_t* sig, bool empty);
  uint32_t find(uint32_t i);
  void unite(uint32_t a, uint32_t b);
  // Bucket table: band key -> newest document in the bucket.
  uint32_t* bucket_slot(uint64_t key);
  void grow_buckets();

  NearDedupOptions opt_;
  LshParams params_;
  MinHasher hasher_;
  size_t min_equal_ = 0;  // equal entries needed for "estimate >= threshold"

  std::vector<uint32_t> parent_;  // (N) union-find
  std::vector<uint32_t> stamp_;   // (N) last document compared with j, to skip repeats
  std::vector<uint32_t> sigs_;    // (N * num_perm) low 32 bits of signatures
  std::vector<uint32_t> next_;    // (N * bands) older document in the same bucket
  std::vector<uint64_t> keys_;    // open addressing, power-of-two size
  std::vector<uint32_t> heads_;   // kNone = empty slot
  size_t used_ = 0;
  size_t without_shingles_ = 0;
  uint64_t checks_ = 0;

  // Scratch, reused per document.
  Tokens tokens_;
  std::vector<uint64_t> shingles_;
  std::vector<uint64_t> sig_;
  Tokenizer last_mode_ = Tokenizer::words;
};

}  // namespace dsforge::data::dedup
