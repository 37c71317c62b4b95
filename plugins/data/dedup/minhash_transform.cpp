// minhash_transform.cpp: settings -> NearDedupOptions, holding records, and
// the flush that lets the first of each cluster through.
#include "minhash_transform.hpp"

#include <stdexcept>

#include "common/config_get.hpp"

namespace dsforge::data {
namespace {

[[noreturn]] void bad_setting(const std::string& message) {
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, "minhash_dedup: " + message);
}

size_t positive(const ds::Config& cfg, const char* key, int64_t fallback) {
  const int64_t v = integer_or(cfg, key, fallback);
  if (v < 1) bad_setting(std::string(key + 1) + " must be >= 1, got " + std::to_string(v));
  return static_cast<size_t>(v);
}

// Fallbacks must match the defaults in dedup_plugin.cpp's schema.
dedup::NearDedupOptions read_options(const ds::Config& cfg) {
  dedup::NearDedupOptions opt;
  opt.shingle.ngram = positive(cfg, "/ngram", 5);
  opt.shingle.tokenizer = dedup::parse_tokenizer(
      choice_or(cfg, "minhash_dedup", "/tokenizer", "auto", {"auto", "words", "chars"}));
  opt.num_perm = positive(cfg, "/num_perm", 128);
  opt.bands = cfg.has("/bands") ? positive(cfg, "/bands", 1) : 0;
  opt.rows = cfg.has("/rows") ? positive(cfg, "/rows", 1) : 0;
  opt.threshold = cfg.has("/threshold") ? cfg.number("/threshold") : 0.8;
  const int64_t seed = integer_or(cfg, "/seed", 1);
  if (seed < 0) bad_setting("seed must be >= 0, got " + std::to_string(seed));
  opt.seed = static_cast<uint64_t>(seed);
  opt.verify = boolean_or(cfg, "/verify", true);
  return opt;
}

dedup::NearDedup make_core(const ds::Config& cfg) {
  const dedup::NearDedupOptions opt = read_options(cfg);
  try {
    return dedup::NearDedup(opt);
  } catch (const std::invalid_argument& e) {
    bad_setting(e.what());
  }
}

}  // namespace

MinHashDedupTransform::MinHashDedupTransform(const ds::Config& cfg) : core_(make_core(cfg)) {
  const dedup::LshParams& p = core_.params();
  ds::log(DS_LOG_DEBUG, "minhash_dedup",
          "num_perm " + std::to_string(core_.options().num_perm) + ", bands " +
              std::to_string(p.bands) + ", rows " + std::to_string(p.rows) + ", threshold " +
              std::to_string(core_.options().threshold));
}

size_t MinHashDedupTransform::keep_bytes(ds_str s) {
  const size_t at = arena_.size();
  arena_.append(s.data, s.size);
  return at;
}

void MinHashDedupTransform::process(const ds_record_batch& in, ds::BatchWriter&) {
  if (flushed_) throw ds::Error(DS_ERR_INTERNAL, "minhash_dedup: process() after flush()");
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    core_.add(ds::view(r.text));
    Held h;
    h.text = keep_bytes(r.text);
    h.text_size = r.text.size;
    h.meta = keep_bytes(r.meta);
    h.meta_size = r.meta.size;
    const std::string_view origin = ds::view(r.origin);
    if (origin.size() != last_origin_size_ ||
        std::string_view(arena_).substr(last_origin_, last_origin_size_) != origin) {
      last_origin_ = keep_bytes(r.origin);
      last_origin_size_ = r.origin.size;
    }
    h.origin = last_origin_;
    h.origin_size = last_origin_size_;
    h.line = r.line;
    held_.push_back(h);
  }
}

void MinHashDedupTransform::flush(ds::BatchWriter& out) {
  if (flushed_) return;
  flushed_ = true;
  const std::string_view arena(arena_);
  for (size_t i = 0; i < held_.size(); ++i) {
    if (!core_.keep(i)) continue;
    const Held& h = held_[i];
    out.push(arena.substr(h.text, h.text_size), arena.substr(h.meta, h.meta_size),
             arena.substr(h.origin, h.origin_size), h.line);
  }
  const dedup::NearDedupStats s = core_.stats();
  if (s.dropped > 0) out.drop("near_duplicate", s.dropped);
  const dedup::LshParams& p = core_.params();
  ds::stat_add("clusters", s.clusters);  // clusters with more than one member, in stats.json
  ds::stat_add("candidate_pairs", s.candidate_checks);
  ds::log(DS_LOG_INFO, "minhash_dedup",
          std::to_string(s.documents) + " documents, " + std::to_string(s.clusters) +
              " clusters with >1 member, " + std::to_string(s.dropped) +
              " dropped as near_duplicate (bands " + std::to_string(p.bands) + ", rows " +
              std::to_string(p.rows) + ", " + std::to_string(s.candidate_checks) +
              " candidate pairs checked)");
  // The records are gone downstream; give the memory back now.
  std::string().swap(arena_);
  std::vector<Held>().swap(held_);
}

}  // namespace dsforge::data
