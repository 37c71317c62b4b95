// tokenizer_decoders.hpp: tokenizer.json's "decoder": token strings -> text.
//
// Supported types: ByteLevel, ByteFallback, Metaspace, Replace, Fuse, Strip,
// BPEDecoder, Sequence. Anything else is refused with its JSON path. Each
// decoder rewrites the list of token strings as `tokenizers`' decode_chain
// does; the results are then concatenated. `lossy` chooses what happens to
// bytes that are not UTF-8: U+FFFD as `tokenizers` (decode), or kept as they
// are (decode_bytes).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace dsforge::tokenizer {

class JsonNode;

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens, bool lossy) const = 0;
  // True for a plain ByteLevel decoder (the tokenizer then decodes from a
  // per-id byte table instead).
  virtual bool is_byte_level() const { return false; }
};

// The decoder described at `node`, or nullptr for null.
std::unique_ptr<Decoder> make_decoder(const JsonNode& node);

}  // namespace dsforge::tokenizer
