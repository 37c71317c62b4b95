// token_shard_writer.hpp: packs tokenized documents into shard files in the
// format of dsforge/token_shard.h. Each shard is held in memory until it
// reaches `shard_tokens` tokens, then written atomically; commit() writes the
// last shard and `index.json` (the list of shards), which appears last, so a
// reader that finds index.json finds complete shards.
// Not thread-safe; one writer per output directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dsforge::data {

struct TokenShardOptions {
  std::string directory;            // created if missing
  uint64_t shard_tokens = 1u << 24;  // tokens per shard file (16 Mi)
  uint32_t vocab_size = 0;          // ids must be below it
  bool loss_mask = false;           // store a per-token mask
};

class TokenShardWriter {
 public:
  explicit TokenShardWriter(TokenShardOptions options);
  // `mask` is empty or has one entry per id (1 = train on this token).
  // Throws ds::Error for an id >= vocab_size or a mask of the wrong size.
  void add_document(const std::vector<uint32_t>& ids, const std::vector<uint8_t>& mask);
  // Writes the last shard and index.json. Only once.
  void commit();

  uint64_t documents() const { return total_docs_; }
  uint64_t tokens() const { return total_tokens_; }
  size_t shards() const { return shard_files_.size(); }

 private:
  void write_shard();

  TokenShardOptions opt_;
  std::vector<uint32_t> tokens_;
  std::vector<uint64_t> doc_starts_;
  std::vector<uint8_t> mask_;
  std::vector<std::string> shard_files_;
  std::vector<uint64_t> shard_token_counts_;
  uint64_t total_docs_ = 0;
  uint64_t total_tokens_ = 0;
  bool committed_ = false;
};

}  // namespace dsforge::data
