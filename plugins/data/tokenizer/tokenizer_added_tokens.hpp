// tokenizer_added_tokens.hpp: tokenizer.json's "added_tokens" and finding
// them in text.
//
// Ids are assigned as `tokenizers` assigns them when it reads the file: a
// token already in the model's vocabulary keeps that id, any other gets the
// next id after the model's (the "id" field is then only a hint, as there).
// Matching is leftmost-longest over a byte trie, non-overlapping, with the
// options of each token: single_word (no word character on either side),
// lstrip / rstrip (swallow whitespace on that side), normalized (match the
// normalized text instead of the raw input). Special tokens are matched
// whether or not special tokens are added; `special` only matters to decode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokenizer_pieces.hpp"

namespace dsforge::tokenizer {

class BpeModel;
class JsonNode;
class Normalizer;

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;

  bool operator==(const AddedToken& o) const {
    return content == o.content && single_word == o.single_word && lstrip == o.lstrip && rstrip == o.rstrip &&
           normalized == o.normalized && special == o.special;
  }
};

class AddedVocabulary {
 public:
  // Reads the "added_tokens" array; `normalizer` (may be null) is applied to
  // the contents of normalized tokens before they are matched.
  void load(const JsonNode& list, const BpeModel& model, const Normalizer* normalizer);

  // Cuts the text pieces of `w` around the tokens that match the raw input
  // (normalized = false), or around those that match normalized text.
  void split_raw(Work& w) const { split(w, raw_); }
  void split_normalized(Work& w) const { split(w, normalized_); }

  std::optional<uint32_t> token_to_id(std::string_view content) const;
  const AddedToken* find(uint32_t id) const;
  bool is_special_content(std::string_view content) const;
  size_t size() const { return by_content_.size(); }
  // Every added id, for building per-id tables.
  const std::unordered_map<uint32_t, AddedToken>& by_id() const { return by_id_; }

 private:
  // A byte trie of token contents.
  struct Trie {
    struct Node {
      int64_t token_id = -1;  // id when a token ends here
      uint32_t first_edge = 0;
      uint32_t edge_count = 0;
    };
    std::vector<Node> nodes;
    std::vector<std::pair<uint8_t, uint32_t>> edges;  // (byte, child), sorted per node after build
    bool first_byte[256] = {};
    int single_first = -1;  // the first byte of every token, when they share one
    bool empty() const { return nodes.size() <= 1; }
    void build(const std::vector<std::pair<std::string, uint32_t>>& patterns);
    // Longest token starting at s[pos]: its id and end, or false.
    bool longest_at(const char* s, size_t n, size_t pos, uint32_t* id, size_t* end) const;
  };

  void split(Work& w, const Trie& trie) const;

  std::unordered_map<std::string, uint32_t> by_content_;
  std::unordered_map<uint32_t, AddedToken> by_id_;
  std::unordered_set<std::string> special_contents_;
  Trie raw_;
  Trie normalized_;
};

}  // namespace dsforge::tokenizer
