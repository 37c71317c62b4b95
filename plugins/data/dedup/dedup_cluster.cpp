// dedup_cluster.cpp: NearDedup: buckets, candidate checks, union-find.
#include "dedup_cluster.hpp"

#include <limits>
#include <stdexcept>
#include <string>

namespace dsforge::data::dedup {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

size_t equal_entries_needed(double threshold, size_t num_perm) {
  // The same comparison a caller would write on the estimate, without its
  // rounding: the smallest m with m / num_perm >= threshold.
  for (size_t m = 0; m <= num_perm; ++m) {
    if (double(m) / double(num_perm) >= threshold) return m;
  }
  return num_perm;
}

}  // namespace

LshParams resolve_lsh_params(const NearDedupOptions& opt) {
  if (opt.num_perm == 0) throw std::invalid_argument("num_perm must be >= 1, got 0");
  if (opt.shingle.ngram == 0) throw std::invalid_argument("ngram must be >= 1, got 0");
  if (!(opt.threshold > 0.0 && opt.threshold <= 1.0))
    throw std::invalid_argument("threshold must be in (0, 1], got " + std::to_string(opt.threshold));
  if (opt.bands == 0 && opt.rows == 0) return optimal_lsh_params(opt.threshold, opt.num_perm);
  if (opt.bands == 0 || opt.rows == 0)
    throw std::invalid_argument("bands and rows go together: got bands = " +
                                std::to_string(opt.bands) + ", rows = " + std::to_string(opt.rows) +
                                "; set both, or neither to derive them from threshold");
  if (opt.bands * opt.rows != opt.num_perm)
    throw std::invalid_argument("bands * rows must equal num_perm: " + std::to_string(opt.bands) +
                                " * " + std::to_string(opt.rows) +
                                " != " + std::to_string(opt.num_perm));
  return {opt.bands, opt.rows};
}

NearDedup::NearDedup(const NearDedupOptions& opt)
    : opt_(opt),
      params_(resolve_lsh_params(opt)),
      hasher_(opt.num_perm, opt.seed),
      min_equal_(equal_entries_needed(opt.threshold, opt.num_perm)),
      keys_(1024),
      heads_(1024, kNone),
      sig_(opt.num_perm) {}

size_t NearDedup::add(std::string_view text) {
  last_mode_ = shingle_hashes(text, opt_.shingle, tokens_, shingles_);
  hasher_.signature(shingles_.data(), shingles_.size(), sig_.data(), opt_.kernel);
  return insert(sig_.data(), shingles_.empty());
}

size_t NearDedup::add_shingles(const std::vector<uint64_t>& shingle_hashes) {
  hasher_.signature(shingle_hashes.data(), shingle_hashes.size(), sig_.data(), opt_.kernel);
  return insert(sig_.data(), shingle_hashes.empty());
}

uint32_t NearDedup::find(uint32_t i) {
  while (parent_[i] != i) {
    parent_[i] = parent_[parent_[i]];  // path halving
    i = parent_[i];
  }
  return i;
}

void NearDedup::unite(uint32_t a, uint32_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return;
  // The smaller index stays the root: the first document leads its cluster.
  if (a < b) {
    parent_[b] = a;
  } else {
    parent_[a] = b;
  }
}

void NearDedup::grow_buckets() {
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_heads = std::move(heads_);
  keys_.assign(old_keys.size() * 2, 0);
  heads_.assign(old_heads.size() * 2, kNone);
  const size_t mask = keys_.size() - 1;
  for (size_t s = 0; s < old_keys.size(); ++s) {
    if (old_heads[s] == kNone) continue;
    size_t i = static_cast<size_t>(old_keys[s]) & mask;
    while (heads_[i] != kNone) i = (i + 1) & mask;
    keys_[i] = old_keys[s];
    heads_[i] = old_heads[s];
  }
}

uint32_t* NearDedup::bucket_slot(uint64_t key) {
  if (2 * (used_ + 1) > keys_.size()) grow_buckets();  // load <= 1/2
  const size_t mask = keys_.size() - 1;
  size_t i = static_cast<size_t>(key) & mask;  // keys are hashes already
  while (heads_[i] != kNone && keys_[i] != key) i = (i + 1) & mask;
  if (heads_[i] == kNone) keys_[i] = key;
  return &heads_[i];
}

size_t NearDedup::insert(const uint64_t* sig, bool empty) {
  const size_t n = parent_.size();
  if (n >= kNone) throw std::length_error("minhash_dedup: more than 2^32 - 1 documents");
  const auto id = static_cast<uint32_t>(n);
  const size_t m = opt_.num_perm;
  const size_t bands = params_.bands;
  parent_.push_back(id);
  stamp_.push_back(kNone);
  sigs_.resize(sigs_.size() + m);
  uint32_t* mine = &sigs_[n * m];
  for (size_t k = 0; k < m; ++k) mine[k] = static_cast<uint32_t>(sig[k]);
  next_.resize(next_.size() + bands, kNone);
  if (empty) {
    ++without_shingles_;
    return n;
  }
  for (size_t band = 0; band < bands; ++band) {
    uint32_t* head = bucket_slot(lsh_band_key(sig, band, params_.rows));
    if (*head == kNone) {
      ++used_;
    } else if (!opt_.verify) {
      // Everyone in the bucket is already one cluster: join the newest.
      unite(id, *head);
    } else {
      for (uint32_t j = *head; j != kNone; j = next_[size_t(j) * bands + band]) {
        if (stamp_[j] == id) continue;  // compared through another band
        stamp_[j] = id;
        if (find(j) == find(id)) continue;
        ++checks_;
        const uint32_t* theirs = &sigs_[size_t(j) * m];
        size_t same = 0;
        for (size_t k = 0; k < m; ++k) same += mine[k] == theirs[k];
        if (same >= min_equal_) unite(id, j);
      }
    }
    next_[n * bands + band] = *head;
    *head = id;
  }
  return n;
}

size_t NearDedup::cluster_of(size_t i) {
  if (i >= parent_.size())
    throw std::out_of_range("document " + std::to_string(i) + " of " +
                            std::to_string(parent_.size()));
  return find(static_cast<uint32_t>(i));
}

NearDedupStats NearDedup::stats() {
  NearDedupStats s;
  s.documents = parent_.size();
  s.without_shingles = without_shingles_;
  s.candidate_checks = checks_;
  std::vector<uint32_t> members(parent_.size(), 0);
  for (uint32_t i = 0; i < parent_.size(); ++i) ++members[find(i)];
  for (uint32_t i = 0; i < parent_.size(); ++i) {
    if (members[i] > 1) ++s.clusters;
    if (find(i) != i) ++s.dropped;
  }
  return s;
}

}  // namespace dsforge::data::dedup
