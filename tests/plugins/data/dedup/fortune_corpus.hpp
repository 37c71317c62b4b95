// fortune_corpus.hpp: test corpora with planted near duplicates, built from
// real text: the Debian fortune files (English `fortunes`, Chinese
// `chinese`), split on lines that are exactly "%".
//
// An original is one Chinese fortune, or English fortunes joined until the
// document is long enough (English fortunes are short: median 10 words).
// A copy is the original with random single-token edits (replace a word or
// character with a fresh one, or delete it) applied one at a time until the
// exact Jaccard similarity of the two shingle sets falls to the target;
// the pair records the similarity reached, so every planted pair has a
// known true Jaccard. Used by the unit tests, the datasketch cross-check
// tool and the benchmark; deterministic for a given seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dedup_hash.hpp"
#include "dedup_shingle.hpp"

namespace dedup_test {

// $DSFORGE_FORTUNES_DIR/name, default /usr/share/games/fortunes/name.
std::string fortune_path(const std::string& name);

// Entries of a fortune file, ANSI escapes removed and trimmed, empty ones
// skipped. Empty when the file is missing.
std::vector<std::string> read_fortunes(const std::string& path);

enum class Lang { english, chinese };

struct PlantedPair {
  size_t original = 0;  // document indices
  size_t copy = 0;
  double target = 0;    // the similarity asked for
  double jaccard = 0;   // the exact similarity reached
};

struct PlantedCorpus {
  std::vector<std::string> docs;
  std::vector<Lang> lang;  // (docs)
  std::vector<PlantedPair> pairs;
};

struct PlantOptions {
  size_t originals = 40;          // at most this many
  size_t copies = 1;              // per original, targets taken round-robin
  std::vector<double> targets = {0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0};
  size_t min_tokens = 120;        // English words / Chinese characters of an original
  size_t max_tokens = 600;        // Chinese only: longer fortunes are skipped
  double max_original_jaccard = 0.3;  // skip an original this similar to an earlier one (< 0: no check)
  bool shuffle_copies = true;     // copies after all originals in random order, else each after its original
  uint64_t seed = 1;
  dsforge::data::dedup::ShingleOptions shingle;  // defines the Jaccard of the targets
};

// Appends originals and copies made from `fortunes` to `out`.
void plant(const std::vector<std::string>& fortunes, Lang lang, const PlantOptions& opt,
           PlantedCorpus& out);

// `original` edited until the Jaccard similarity of its shingle set with the
// original's is <= target (or no token is left); *reached gets it.
std::string edit_to_target(const std::string& original, Lang lang, double target,
                           const dsforge::data::dedup::ShingleOptions& shingle,
                           dsforge::data::dedup::SplitMix64& rng, double* reached);

}  // namespace dedup_test
