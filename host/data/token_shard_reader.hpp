// token_shard_reader.hpp: maps one token shard file (dsforge/token_shard.h)
// read-only and checks it before handing out views. What the trainer reads.
#pragma once

#include <dsforge/token_shard.h>

#include <cstdint>
#include <filesystem>
#include <utility>

namespace dsforge {

class TokenShard {
 public:
  // Throws UserError naming the file and the field that is wrong.
  static TokenShard open(const std::filesystem::path& path);
  TokenShard(TokenShard&& o) noexcept;
  TokenShard& operator=(TokenShard&&) = delete;
  TokenShard(const TokenShard&) = delete;
  ~TokenShard();

  const ds_token_shard_header& header() const { return *header_; }
  uint64_t num_docs() const { return header_->num_docs; }
  uint64_t num_tokens() const { return header_->num_tokens; }
  const uint32_t* tokens() const { return tokens_; }
  // [begin, end) token offsets of document i.
  std::pair<uint64_t, uint64_t> doc(uint64_t i) const { return {index_[i], index_[i + 1]}; }
  // NULL when the shard has no loss mask.
  const uint8_t* loss_mask() const { return mask_; }

 private:
  TokenShard() = default;
  void* map_ = nullptr;
  size_t size_ = 0;
  const ds_token_shard_header* header_ = nullptr;
  const uint32_t* tokens_ = nullptr;
  const uint64_t* index_ = nullptr;
  const uint8_t* mask_ = nullptr;
};

}  // namespace dsforge
