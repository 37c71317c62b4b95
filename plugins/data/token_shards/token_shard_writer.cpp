// token_shard_writer.cpp
#include "token_shard_writer.hpp"

#include <dsforge/dsforge.hpp>
#include <dsforge/token_shard.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"

namespace dsforge::data {
namespace {

uint64_t align_up(uint64_t n) { return (n + DS_SHARD_ALIGN - 1) / DS_SHARD_ALIGN * DS_SHARD_ALIGN; }

// The format is little-endian; so is every machine dsforge builds for.
static_assert(sizeof(ds_token_shard_header) == 64, "shard header must stay 64 bytes");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "token shards are little-endian; add byte swapping for this target"
#endif

void write_padded(AtomicFileWriter& out, const void* data, uint64_t bytes, uint64_t& offset) {
  out.write(std::string_view(static_cast<const char*>(data), bytes));
  offset += bytes;
  uint64_t pad = align_up(offset) - offset;
  if (pad > 0) out.write(std::string(pad, '\0'));
  offset += pad;
}

}  // namespace

TokenShardWriter::TokenShardWriter(TokenShardOptions options) : opt_(std::move(options)) {
  if (opt_.directory.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "token shards: output directory is empty");
  if (opt_.shard_tokens == 0) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "token shards: shard_tokens must be > 0");
}

void TokenShardWriter::add_document(const std::vector<uint32_t>& ids, const std::vector<uint8_t>& mask) {
  if (committed_) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "token shards: add_document after commit");
  if (!mask.empty() && mask.size() != ids.size()) {
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "token shards: mask has " + std::to_string(mask.size()) +
                                                 " entries for " + std::to_string(ids.size()) + " tokens");
  }
  for (uint32_t id : ids) {
    if (opt_.vocab_size != 0 && id >= opt_.vocab_size) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "token shards: id " + std::to_string(id) +
                                                   " is not below vocab_size " + std::to_string(opt_.vocab_size));
    }
  }
  doc_starts_.push_back(tokens_.size());
  tokens_.insert(tokens_.end(), ids.begin(), ids.end());
  if (opt_.loss_mask) {
    if (mask.empty()) {
      mask_.insert(mask_.end(), ids.size(), 1);
    } else {
      mask_.insert(mask_.end(), mask.begin(), mask.end());
    }
  }
  total_docs_++;
  total_tokens_ += ids.size();
  // Documents never straddle shards: a shard closes after the document
  // that reaches the limit.
  if (tokens_.size() >= opt_.shard_tokens) write_shard();
}

void TokenShardWriter::write_shard() {
  if (doc_starts_.empty()) return;
  char name[32];
  std::snprintf(name, sizeof name, "shard-%05zu.bin", shard_files_.size());
  AtomicFileWriter out(opt_.directory + "/" + name);

  ds_token_shard_header h{};
  std::memcpy(h.magic, DS_SHARD_MAGIC, sizeof h.magic);
  h.version = DS_SHARD_VERSION;
  h.dtype = DS_SHARD_DTYPE_U32;
  h.num_tokens = tokens_.size();
  h.num_docs = doc_starts_.size();
  h.flags = opt_.loss_mask ? DS_SHARD_HAS_LOSS_MASK : 0;
  h.vocab_size = opt_.vocab_size;
  h.tokens_offset = align_up(sizeof h);
  h.index_offset = align_up(h.tokens_offset + h.num_tokens * sizeof(uint32_t));
  uint64_t index_bytes = (h.num_docs + 1) * sizeof(uint64_t);
  h.mask_offset = opt_.loss_mask ? align_up(h.index_offset + index_bytes) : 0;

  uint64_t offset = 0;
  write_padded(out, &h, sizeof h, offset);
  write_padded(out, tokens_.data(), h.num_tokens * sizeof(uint32_t), offset);
  doc_starts_.push_back(tokens_.size());
  write_padded(out, doc_starts_.data(), index_bytes, offset);
  if (opt_.loss_mask) write_padded(out, mask_.data(), mask_.size(), offset);
  out.commit();

  shard_files_.push_back(name);
  shard_token_counts_.push_back(tokens_.size());
  tokens_.clear();
  doc_starts_.clear();
  mask_.clear();
}

void TokenShardWriter::commit() {
  if (committed_) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "token shards: commit called twice");
  write_shard();
  nlohmann::ordered_json index = {{"format", "dsforge-token-shards"}, {"version", DS_SHARD_VERSION},
                                  {"vocab_size", opt_.vocab_size}, {"loss_mask", opt_.loss_mask},
                                  {"documents", total_docs_}, {"tokens", total_tokens_}};
  index["shards"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < shard_files_.size(); ++i) {
    index["shards"].push_back({{"file", shard_files_[i]}, {"tokens", shard_token_counts_[i]}});
  }
  AtomicFileWriter out(opt_.directory + "/index.json");
  out.write(index.dump(2) + "\n");
  out.commit();
  committed_ = true;
}

}  // namespace dsforge::data
