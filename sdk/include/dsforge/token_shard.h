/* dsforge/token_shard.h: the on-disk format of token shards, the tokenized
 * training data that data stages write and the trainer reads with mmap.
 * A file format, not a function ABI: everything is little-endian, fixed
 * width, and versioned by the header. docs/formats/token_shards.md has the
 * full description.
 *
 * File layout (offsets in bytes, each section 64-byte aligned):
 *   ds_token_shard_header                      (64 bytes)
 *   tokens    uint32[num_tokens]               at tokens_offset
 *   doc_index uint64[num_docs + 1]             at index_offset: token offset of
 *                                              each document's first token, then
 *                                              num_tokens
 *   loss_mask uint8[num_tokens]                at mask_offset, only when
 *                                              DS_SHARD_HAS_LOSS_MASK: 1 = the
 *                                              token is a training target
 */
#ifndef DSFORGE_TOKEN_SHARD_H
#define DSFORGE_TOKEN_SHARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DS_SHARD_MAGIC "DSFSHRD1" /* 8 bytes, no NUL stored */
#define DS_SHARD_VERSION 1u
#define DS_SHARD_DTYPE_U32 1u
#define DS_SHARD_HAS_LOSS_MASK (1u << 0)
#define DS_SHARD_ALIGN 64u

typedef struct ds_token_shard_header {
  char magic[8];          /* DS_SHARD_MAGIC */
  uint32_t version;       /* DS_SHARD_VERSION */
  uint32_t dtype;         /* DS_SHARD_DTYPE_U32 */
  uint64_t num_tokens;
  uint64_t num_docs;
  uint64_t tokens_offset;
  uint64_t index_offset;
  uint64_t mask_offset;   /* 0 when there is no loss mask */
  uint32_t flags;         /* DS_SHARD_* */
  uint32_t vocab_size;    /* every id is < vocab_size */
} ds_token_shard_header;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_TOKEN_SHARD_H */
