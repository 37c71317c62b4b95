// aho_corasick.hpp: a multi-pattern matcher (Aho and Corasick, "Efficient
// string matching", CACM 1975) over bytes. Patterns and text are UTF-8, so
// Chinese words match like any other: a well-formed UTF-8 pattern can only
// match a well-formed UTF-8 text at code point boundaries, because lead bytes
// and continuation bytes never coincide.
//
// The trie keeps sparse edges (a word list of 100k Chinese words makes
// ~500k nodes; a dense 256-way table would be ~500 MB), with one dense row
// for the root, where every scan restarts. Optional ASCII case folding
// (A-Z == a-z); other bytes compare exactly, so no Unicode case folding.
//
// Does not: do word boundaries (the caller filters matches), regexes,
// or Unicode normalization (run `clean` with normalize = "nfkc" first).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::data {

class AhoCorasick {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // A match of pattern `pattern` at text bytes [begin, end).
  struct Match {
    size_t begin = 0;
    size_t end = 0;
    uint32_t pattern = kNone;
    bool operator==(const Match& o) const {
      return begin == o.begin && end == o.end && pattern == o.pattern;
    }
  };

  explicit AhoCorasick(bool ignore_case = false);

  // Adds a non-empty pattern and returns its id (0, 1, ...). A pattern equal
  // to an earlier one (after case folding) returns the earlier id. Only
  // before build(); throws ds::Error(DS_ERR_INVALID_ARGUMENT) otherwise or
  // for an empty pattern.
  uint32_t add(std::string_view pattern);
  // Computes failure and output links. Call once, after the last add().
  void build();

  size_t pattern_count() const { return patterns_.size(); }
  // The pattern as first added (before folding).
  const std::string& pattern(uint32_t id) const { return patterns_[id]; }

  // Every occurrence, overlapping ones included: ordered by end, and for
  // one end from the longest to the shortest pattern.
  std::vector<Match> find_all(std::string_view text) const;
  // Leftmost-longest, non-overlapping occurrences: scanning left to right,
  // the match that starts first wins, and among those the longest.
  std::vector<Match> find_leftmost_longest(std::string_view text) const;
  // Same selection over matches the caller already has (e.g. find_all()
  // after a word-boundary filter). Returns them ordered by begin.
  static std::vector<Match> select_leftmost_longest(std::vector<Match> matches);
  bool contains_any(std::string_view text) const;

  // The longest pattern that starts exactly at text[pos] (a prefix lookup in
  // the trie, no failure links); Match::pattern is kNone when none does.
  Match longest_at(std::string_view text, size_t pos) const;

 private:
  struct Edge {
    uint8_t byte;
    uint32_t target;
  };
  // Per node, only what a scan touches: 12 bytes, so most lookups stay in
  // one cache line. A match's length is its pattern's length.
  struct Node {
    uint32_t fail = 0;
    uint32_t output = kNone;  // pattern ending exactly here
    uint32_t dict = 0;        // nearest node on the failure chain with an output; 0 = none
  };

  uint8_t fold(char c) const;
  uint32_t child(uint32_t node, uint8_t byte) const;  // kNone if absent
  uint32_t step(uint32_t state, uint8_t byte) const;  // goto with failure links

  bool ignore_case_;
  bool built_ = false;
  std::vector<Node> nodes_;
  std::vector<std::vector<Edge>> building_;  // edges per node until build()
  // Edges after build(), CSR: node i's edges are [first_edge_[i],
  // first_edge_[i + 1]), sorted by byte. Bytes and targets live apart so a
  // lookup scans one short run of bytes (memchr) and reads one target.
  std::vector<uint32_t> first_edge_;
  std::vector<uint8_t> edge_byte_;
  std::vector<uint32_t> edge_target_;
  std::array<uint32_t, 256> root_row_{};  // dense transitions of the root
  std::vector<std::string> patterns_;
};

}  // namespace dsforge::data
