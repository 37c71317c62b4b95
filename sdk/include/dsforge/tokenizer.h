/* dsforge/tokenizer.h: the tokenizer component kind (1.2).
 *
 * A tokenizer turns UTF-8 text into token ids and back, and may render chat
 * templates (they ship with the tokenizer in Hugging Face folders). dshost
 * uses it for `dshost tokenize`, `dshost chat-template`, generation and
 * serving; data plugins may use their own copy of the same code directly.
 *
 * Output goes to host-owned buffers (ds_host_api.buffer_append), so nothing
 * the plugin allocates crosses the boundary. All functions are
 * [thread-safe]: the host may call one instance from many threads.
 */
#ifndef DSFORGE_TOKENIZER_H
#define DSFORGE_TOKENIZER_H

#include "dsforge/host_api.h"
#include "dsforge/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DS_KIND_TOKENIZER 4

/* Filled by info(); ids are -1 when the tokenizer has no such token. */
typedef struct ds_tokenizer_info {
  size_t struct_size;
  int64_t vocab_size; /* including added tokens */
  int64_t bos_id;
  int64_t eos_id;
  int64_t pad_id;
  int64_t unk_id;
} ds_tokenizer_info;

typedef struct ds_tokenizer_vtable {
  size_t struct_size;
  /* The caller sets info->struct_size; the plugin fills what fits. */
  ds_error *(*info)(void *instance, ds_tokenizer_info *info);
  /* Appends the ids of `text` to `ids` as uint32_t values in host byte
   * order. `add_special_tokens` adds BOS/EOS as the tokenizer's
   * post-processor and config say. */
  ds_error *(*encode)(void *instance, ds_str text, int32_t add_special_tokens, ds_buffer *ids);
  /* Appends the UTF-8 text of `ids` to `text`. */
  ds_error *(*decode)(void *instance, const uint32_t *ids, size_t count, int32_t skip_special_tokens,
                      ds_buffer *text);
  /* Appends the token string of one id (byte-level form, as in the vocab). */
  ds_error *(*id_to_token)(void *instance, uint32_t id, ds_buffer *token);
  /* Renders the chat template. `messages` is a JSON array of
   * {"role", "content", ...} objects; `extra` a JSON object of further
   * template variables (tools, ...) or empty. May be NULL when the
   * tokenizer has no chat template. */
  ds_error *(*apply_chat_template)(void *instance, ds_str messages, int32_t add_generation_prompt,
                                   ds_str extra, ds_buffer *text);
} ds_tokenizer_vtable;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_TOKENIZER_H */
