// tokenizer_post_processors.hpp: tokenizer.json's "post_processor", for one
// sequence (no pairs).
//
// Supported types: ByteLevel (changes offsets only, so nothing here),
// TemplateProcessing ("single": e.g. [<bos>, $A, <eos>]), BertProcessing and
// RobertaProcessing (cls $A sep), Sequence. Anything else is refused with its
// JSON path. Nothing is added when add_special_tokens is false.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace dsforge::tokenizer {

class JsonNode;

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Adds special tokens around `ids` (the encoded sequence).
  virtual void process(std::vector<uint32_t>& ids, bool add_special_tokens) const = 0;
};

// The post-processor described at `node`, or nullptr when it adds nothing.
std::unique_ptr<PostProcessor> make_post_processor(const JsonNode& node);

// "prefix $A suffix": what transformers' LlamaTokenizerFast builds from
// add_bos_token / add_eos_token.
std::unique_ptr<PostProcessor> make_affix_processor(std::vector<uint32_t> prefix,
                                                    std::vector<uint32_t> suffix);

}  // namespace dsforge::tokenizer
