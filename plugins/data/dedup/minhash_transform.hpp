// minhash_transform.hpp: the `minhash_dedup` transform: near-duplicate
// removal with MinHash + LSH (dedup_cluster.hpp). Near duplicates can be far
// apart in the input, so it holds every record (a copy of text, meta,
// origin and line) until flush(), which pushes the first record of each
// cluster in input order and counts the rest as "near_duplicate". The
// signature work happens in process(), as records arrive; flush() only
// walks the union-find. Memory: the records' bytes plus about
// num_perm * 4 + bands * 30 bytes per record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dedup_cluster.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {

class MinHashDedupTransform {
 public:
  explicit MinHashDedupTransform(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);
  void flush(ds::BatchWriter& out);

 private:
  // A held record: slices of arena_.
  struct Held {
    size_t text = 0, text_size = 0;
    size_t meta = 0, meta_size = 0;
    size_t origin = 0, origin_size = 0;
    int64_t line = 0;
  };
  size_t keep_bytes(ds_str s);

  dedup::NearDedup core_;
  std::string arena_;
  std::vector<Held> held_;
  size_t last_origin_ = 0, last_origin_size_ = 0;  // origins repeat: stored once per run
  bool flushed_ = false;
};

}  // namespace dsforge::data
