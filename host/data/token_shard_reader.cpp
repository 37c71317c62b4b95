// token_shard_reader.cpp
#include "data/token_shard_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/user_error.hpp"

namespace dsforge {

TokenShard TokenShard::open(const std::filesystem::path& path) {
  const std::string name = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open token shard: {}", name, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    fail("{}: cannot stat: {}", name, std::strerror(err));
  }
  TokenShard s;
  s.size_ = static_cast<size_t>(st.st_size);
  if (s.size_ < sizeof(ds_token_shard_header)) {
    ::close(fd);
    fail("{}: not a token shard: {} bytes is shorter than the {}-byte header", name, s.size_,
         sizeof(ds_token_shard_header));
  }
  s.map_ = ::mmap(nullptr, s.size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (s.map_ == MAP_FAILED) {
    s.map_ = nullptr;
    fail("{}: mmap failed: {}", name, std::strerror(errno));
  }
  const auto* base = static_cast<const char*>(s.map_);
  const auto& h = *reinterpret_cast<const ds_token_shard_header*>(base);
  s.header_ = &h;
  if (std::memcmp(h.magic, DS_SHARD_MAGIC, sizeof h.magic) != 0) fail("{}: not a token shard (bad magic)", name);
  if (h.version != DS_SHARD_VERSION) fail("{}: shard version {} is not supported (expected {})", name, h.version, DS_SHARD_VERSION);
  if (h.dtype != DS_SHARD_DTYPE_U32) fail("{}: dtype {} is not supported (expected {} = uint32)", name, h.dtype, DS_SHARD_DTYPE_U32);
  auto inside = [&](uint64_t offset, uint64_t count, uint64_t elem, const char* field) {
    if (offset % alignof(uint64_t) != 0 || offset > s.size_ || count > (s.size_ - offset) / elem) {
      fail("{}: {} (offset {}, {} elements) lies outside the {}-byte file; the shard is truncated or corrupt",
           name, field, offset, count, s.size_);
    }
  };
  inside(h.tokens_offset, h.num_tokens, sizeof(uint32_t), "tokens");
  inside(h.index_offset, h.num_docs + 1, sizeof(uint64_t), "doc_index");
  s.tokens_ = reinterpret_cast<const uint32_t*>(base + h.tokens_offset);
  s.index_ = reinterpret_cast<const uint64_t*>(base + h.index_offset);
  if (h.flags & DS_SHARD_HAS_LOSS_MASK) {
    inside(h.mask_offset, h.num_tokens, 1, "loss_mask");
    s.mask_ = reinterpret_cast<const uint8_t*>(base + h.mask_offset);
  }
  if (s.index_[0] != 0 || s.index_[h.num_docs] != h.num_tokens) {
    fail("{}: doc_index must start at 0 and end at num_tokens ({}), got {} and {}", name, h.num_tokens,
         s.index_[0], s.index_[h.num_docs]);
  }
  for (uint64_t i = 0; i < h.num_docs; ++i) {
    if (s.index_[i + 1] < s.index_[i]) fail("{}: doc_index decreases at document {}", name, i);
  }
  return s;
}

TokenShard::TokenShard(TokenShard&& o) noexcept
    : map_(std::exchange(o.map_, nullptr)),
      size_(o.size_),
      header_(o.header_),
      tokens_(o.tokens_),
      index_(o.index_),
      mask_(o.mask_) {}

TokenShard::~TokenShard() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

}  // namespace dsforge
