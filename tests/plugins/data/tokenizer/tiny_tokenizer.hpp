// tiny_tokenizer.hpp: builders of small tokenizer.json documents for the
// unit tests, so each test states its whole tokenizer in a few lines.
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizer.hpp"

namespace tiny {

using nlohmann::json;

// A BPE model whose vocabulary is `tokens` (ids in order) and `merges`.
inline json bpe(const std::vector<std::string>& tokens, const std::vector<std::string>& merges = {}) {
  json vocab = json::object();
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  return json{{"type", "BPE"},
              {"dropout", nullptr},
              {"unk_token", nullptr},
              {"continuing_subword_prefix", nullptr},
              {"end_of_word_suffix", nullptr},
              {"fuse_unk", false},
              {"byte_fallback", false},
              {"ignore_merges", false},
              {"vocab", vocab},
              {"merges", merges}};
}

// Single characters of `alphabet` (UTF-8) as tokens, in order.
inline std::vector<std::string> chars(const std::string& alphabet) {
  std::vector<std::string> out;
  for (size_t i = 0; i < alphabet.size();) {
    size_t len = 1;
    const auto b = static_cast<unsigned char>(alphabet[i]);
    if (b >= 0xF0) {
      len = 4;
    } else if (b >= 0xE0) {
      len = 3;
    } else if (b >= 0xC0) {
      len = 2;
    }
    out.push_back(alphabet.substr(i, len));
    i += len;
  }
  return out;
}

inline json added(int id, const std::string& content, bool special, bool lstrip = false, bool rstrip = false,
                  bool single_word = false, bool normalized = false) {
  return json{{"id", id},          {"content", content}, {"single_word", single_word},
              {"lstrip", lstrip},  {"rstrip", rstrip},   {"normalized", normalized},
              {"special", special}};
}

struct Doc {
  json model;
  json normalizer = nullptr;
  json pre_tokenizer = nullptr;
  json post_processor = nullptr;
  json decoder = nullptr;
  json added_tokens = json::array();

  std::string str() const {
    return json{{"version", "1.0"},
                {"truncation", nullptr},
                {"padding", nullptr},
                {"added_tokens", added_tokens},
                {"normalizer", normalizer},
                {"pre_tokenizer", pre_tokenizer},
                {"post_processor", post_processor},
                {"decoder", decoder},
                {"model", model}}
        .dump();
  }
  dsforge::tokenizer::Tokenizer load(const dsforge::tokenizer::TokenizerOptions& options = {}) const {
    return dsforge::tokenizer::Tokenizer::from_json(str(), "tokenizer.json", std::nullopt, options);
  }
};

// The 256 byte-level characters in byte order (GPT-2's table).
inline std::vector<std::string> byte_level_alphabet() {
  std::vector<std::string> out;
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    const int cp = printable ? b : next++;
    std::string s;
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    out.push_back(s);
  }
  return out;
}

inline json byte_level(bool add_prefix_space, bool use_regex) {
  return json{{"type", "ByteLevel"},
              {"add_prefix_space", add_prefix_space},
              {"trim_offsets", true},
              {"use_regex", use_regex}};
}

// The message of what f() throws, or "(no error)".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// The first prefix.size() bytes of s, to CHECK against a prefix (Catch then
// prints both strings when they differ).
inline std::string head(const std::string& s, const std::string& prefix) {
  return s.substr(0, prefix.size());
}

}  // namespace tiny
