// tokenizer_pre_tokenizers.hpp: tokenizer.json's "pre_tokenizer".
//
// Supported types: Sequence (flattened), Split (Regex or String pattern;
// Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous; invert),
// ByteLevel (add_prefix_space, use_regex with GPT-2's regex), Digits,
// Metaspace (replacement, prepend_scheme always/first/never or the older
// add_prefix_space, split), Whitespace, WhitespaceSplit, Punctuation,
// BertPreTokenizer, CharDelimiterSplit. Anything else is refused with its
// JSON path.
//
// When the last step is ByteLevel, its byte -> character mapping is left to
// the BPE model (bytes_left_raw), which starts from a 256-entry table; the
// ids are the same, the text is never rewritten.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer_pieces.hpp"

namespace dsforge::tokenizer {

class JsonNode;

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Refines the text pieces of `w` (and may rewrite their text).
  virtual void pre_tokenize(Work& w) const = 0;
};

struct PreTokenizerChain {
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  bool bytes_left_raw = false;  // the model must map bytes to byte-level characters

  void run(Work& w) const {
    for (const auto& step : steps) step->pre_tokenize(w);
  }
};

// The chain described at `node` (null: no steps).
PreTokenizerChain make_pre_tokenizer(const JsonNode& node);

}  // namespace dsforge::tokenizer
