// bpe_trainer_plugin.cpp: the dsforge-bpe-trainer library: the `bpe_trainer`
// sink, its config schema, and the exported entry point.
#include "bpe_trainer_sink.hpp"
#include "dsforge/dsforge.hpp"

namespace {

// Defaults here must match BpeTrainOptions, TokenizerFileOptions and
// read_sink_options() in bpe_trainer_sink.cpp.
constexpr const char* kSchema = R"json({
  "type": "object",
  "properties": {
    "output": {"type": "string",
               "description": "directory for tokenizer.json and tokenizer_config.json (created; both written atomically on commit)"},
    "vocab_size": {"type": "integer", "minimum": 1, "default": 8000,
                   "description": "target vocabulary size, special tokens and the 256 byte tokens included; fewer when no pair reaches min_frequency"},
    "min_frequency": {"type": "integer", "minimum": 0, "default": 2,
                      "description": "a pair occurring fewer times in the corpus is never merged"},
    "special_tokens": {"type": "array", "items": {"type": "string"},
                       "default": ["<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"],
                       "description": "added tokens with ids 0..n-1 in this order; never split, never merged"},
    "bos_token": {"type": "string", "default": "<|begin_of_text|>",
                  "description": "beginning-of-text token, one of special_tokens, or \"\" for none"},
    "eos_token": {"type": "string", "default": "<|end_of_text|>",
                  "description": "end-of-text token, one of special_tokens, or \"\" for none"},
    "pad_token": {"type": "string", "default": "<|pad|>",
                  "description": "padding token, one of special_tokens, or \"\" for none"},
    "add_bos_token": {"type": "boolean", "default": true,
                      "description": "the tokenizer prepends bos_token when encoding (TemplateProcessing post-processor)"},
    "pre_tokenizer": {"type": "string", "enum": ["deepseek_v3", "gpt2", "llama3"], "default": "deepseek_v3",
                      "description": "the Split regexes words are cut with before BPE: DeepSeek-V3, GPT-2 or Llama 3 style"},
    "max_documents": {"type": "integer", "minimum": 0, "default": 0,
                      "description": "count at most this many records (0: all); later records are ignored"}
  },
  "required": ["output"],
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-bpe-trainer", "0.1.0", "Apache-2.0",
               ds::sink<dsforge::data::bpe::BpeTrainerSink>(
                   "bpe_trainer", "0.1.0",
                   "Train a byte-level BPE tokenizer; writes tokenizer.json + tokenizer_config.json",
                   kSchema))
