// tokenizer_normalizers.hpp: tokenizer.json's "normalizer".
//
// Supported types: Sequence, NFC, NFD, NFKC, NFKD (utf8proc), Lowercase
// (Rust's char::to_lowercase: per character, U+0130 -> "i̇"), Prepend,
// Replace (String or Regex pattern), Strip, StripAccents, ByteLevel (GPT-2's
// byte -> character mapping). Anything else
// (BertNormalizer, Precompiled, ...) is refused with its JSON path.
// A normalizer rewrites one piece of text at a time (the text between added
// tokens); ill-formed UTF-8 passes through unchanged.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace dsforge::tokenizer {

class JsonNode;

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Appends the normalized form of `in` to `out`.
  virtual void normalize(std::string_view in, std::string& out) const = 0;
};

// The normalizer described at `node`, or nullptr for null or an empty
// Sequence (nothing to do).
std::unique_ptr<Normalizer> make_normalizer(const JsonNode& node);

}  // namespace dsforge::tokenizer
