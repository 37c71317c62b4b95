// bpe_tokenizer_json.hpp: a trained BpeModel as Hugging Face files:
// tokenizer.json (what `tokenizers.Tokenizer.from_file` and our own
// tokenizer load) and tokenizer_config.json (what transformers'
// AutoTokenizer reads beside it: bos/eos/pad and add_bos_token).
//
// tokenizer.json: version "1.0", no truncation/padding/normalizer; the
// special tokens as added_tokens (special, not normalized); pre_tokenizer
// Sequence[Split(regex, Isolated)..., ByteLevel(add_prefix_space false,
// use_regex false)]; post_processor ByteLevel, or Sequence[ByteLevel,
// TemplateProcessing("<bos> $A", "<bos> $A <bos> $B")] when a BOS is added;
// decoder ByteLevel; model BPE with vocab (in id order) and merges as
// "a b" strings in rank order, no dropout, no unk, no byte fallback.
// Output is deterministic: the same model and options give the same bytes.
#pragma once

#include <string>

#include "bpe_train.hpp"

namespace dsforge::data::bpe {

struct TokenizerFileOptions {
  // Each must be one of the model's special tokens, or empty for none.
  std::string bos_token = "<|begin_of_text|>";
  std::string eos_token = "<|end_of_text|>";
  std::string pad_token = "<|pad|>";
  bool add_bos_token = true;  // the post-processor prepends bos_token (when set)
};

// The file contents. Throw ds::Error(DS_ERR_INVALID_ARGUMENT) when a
// bos/eos/pad token is not a special token of the model.
std::string tokenizer_json_text(const BpeModel& model, const TokenizerFileOptions& options);
std::string tokenizer_config_json_text(const BpeModel& model, const TokenizerFileOptions& options);

// Writes <dir>/tokenizer.json and <dir>/tokenizer_config.json, each
// atomically (AtomicFileWriter); neither is renamed into place before both
// are fully written. Creates `dir`. Throws ds::Error(DS_ERR_IO) naming the file.
void write_tokenizer_json(const BpeModel& model, const TokenizerFileOptions& options,
                          const std::string& dir);

}  // namespace dsforge::data::bpe
