// tokenizer.hpp: the Hugging Face `tokenizer.json` tokenizer, host-free.
//
// Loads tokenizer.json (and optionally tokenizer_config.json) and encodes
// text to ids, and ids back to text, the way the `tokenizers` library does:
// added tokens -> normalizer -> pre-tokenizer -> BPE model -> post-processor,
// and ids -> tokens -> decoder. The reference is `tokenizers` 0.23; the unit,
// golden and cross-check tests in tests/plugins/data/tokenizer hold us to it.
//
// encode/decode are const and thread-safe: scratch buffers are per thread and
// the BPE word cache is sharded behind mutexes. A Tokenizer is cheap to copy
// (the loaded tables are shared, immutable).
//
// Does not: train, truncate, pad, compute offsets, encode pairs, or run models
// other than BPE (WordPiece, Unigram and WordLevel are refused at load time,
// as is any component type we do not implement, with the JSON path).
// Input that is not valid UTF-8 still encodes: the bytes that do not form a
// character match no regex class and fall through to byte-level BPE, so
// decode_bytes() gives them back (the `tokenizers` library cannot take such
// input at all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::tokenizer {

struct TokenizerOptions {
  // encode(text, add_special_tokens = true) adds what tokenizer.json's
  // post_processor adds, as the `tokenizers` library does; that is what the
  // reference fixtures hold (DeepSeek-V3's ByteLevel post-processor adds no
  // BOS). Set this to instead rebuild the post-processor from
  // tokenizer_config.json's add_bos_token / add_eos_token (defaults true /
  // false), as transformers 4's LlamaTokenizerFast does.
  bool config_adds_bos_eos = false;
  // Words the BPE cache keeps (shared by all threads); 0 turns it off.
  size_t cache_capacity = size_t{1} << 15;
};

class Tokenizer {
 public:
  // Reads `tokenizer_json` (and `tokenizer_config_json` when given, for the
  // bos/eos/pad/unk tokens). Throws std::runtime_error naming the file and
  // the JSON path: "tokenizer.json: model.merges[17]: expected \"a b\"".
  static Tokenizer from_file(const std::string& tokenizer_json,
                             const std::optional<std::string>& tokenizer_config_json = std::nullopt,
                             const TokenizerOptions& options = {});
  // Same from JSON text; `name` stands for the file in error messages.
  static Tokenizer from_json(std::string_view tokenizer_json, std::string_view name = "tokenizer.json",
                             std::optional<std::string_view> tokenizer_config_json = std::nullopt,
                             const TokenizerOptions& options = {});

  // Ids of `text`. Added tokens found in the text are always recognised;
  // add_special_tokens runs the post-processor's additions (e.g. "<bos> $A").
  std::vector<uint32_t> encode(std::string_view text, bool add_special_tokens) const;
  // Same into `out` (cleared first), so a caller can reuse its buffer.
  void encode(std::string_view text, bool add_special_tokens, std::vector<uint32_t>& out) const;
  // encode() of every text on `threads` threads (0: hardware concurrency).
  std::vector<std::vector<uint32_t>> encode_batch(const std::vector<std::string>& texts,
                                                  bool add_special_tokens, size_t threads = 0) const;

  // Text of `ids` through the decoder, as `tokenizers` gives it: byte
  // sequences that are not UTF-8 become U+FFFD; unknown ids are skipped.
  std::string decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const;
  // Same but raw bytes: no U+FFFD, so any input byte string round-trips.
  std::string decode_bytes(const std::vector<uint32_t>& ids, bool skip_special_tokens) const;

  // Token text of `id` (added tokens first, then the model); "" if unknown.
  std::string id_to_token(uint32_t id) const;
  std::optional<uint32_t> token_to_id(std::string_view token) const;
  // Number of distinct ids, added tokens included (get_vocab_size(true)).
  size_t vocab_size() const;
  // Whether `id` decodes to a special added token (skipped by decode(.., true)).
  bool is_special(uint32_t id) const;

  // From tokenizer_config.json when given (a string or an AddedToken object),
  // looked up in the vocabulary; nullopt when absent or null.
  std::optional<uint32_t> bos_id() const;
  std::optional<uint32_t> eos_id() const;
  std::optional<uint32_t> pad_id() const;
  std::optional<uint32_t> unk_id() const;
  // tokenizer_config.json's add_bos_token / add_eos_token (LlamaTokenizerFast
  // defaults true / false); they change encode() only with config_adds_bos_eos.
  bool add_bos_token() const;
  bool add_eos_token() const;

  struct Impl;

 private:
  explicit Tokenizer(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace dsforge::tokenizer
