// augment_text.hpp: the text logic of the `augment` transform, host-free:
// punctuation noise, dictionary synonyms and templates, each driven by a
// caller-seeded Rng so the same seed and record position give the same
// output on every machine.
//
// Script awareness: Latin-like text has words between spaces and ASCII
// punctuation; CJK text (Han, kana, Hangul) has no spaces and uses the
// full-width marks "，。！？、；：". Noise inserts the marks of the script it
// sits in; synonyms are looked up per whitespace-delimited word in Latin
// text and by a longest-match dictionary scan in CJK text.
//
// Does not: segment CJK text linguistically, respect capitalization when
// replacing words, or touch anything but the marks listed above when
// deleting punctuation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "aho_corasick.hpp"
#include "field_template.hpp"
#include "filter_random.hpp"

namespace dsforge::data {

// Han ideographs, kana, Hangul, bopomofo (the letters of CJK text; not
// its punctuation).
bool is_cjk_letter(char32_t cp);

// How often something could have happened and how often it did.
struct EditCount {
  uint64_t eligible = 0;
  uint64_t changed = 0;
};

enum class NoiseMode { insert, remove, both };

struct NoiseOptions {
  double rate = 0.1;  // per eligible position
  NoiseMode mode = NoiseMode::insert;
};

// Inserts and/or deletes punctuation.
//  insert: after the last letter of a Latin word (before a space, a CJK
//          letter or the end: "hello world" -> "hello, world") and after
//          every CJK letter not already followed by punctuation, one of
//          ",.!?;:" or "，。！？、；：" by the script of that letter.
//  delete: any of those marks, except ASCII ones between two digits
//          ("3.14", "1,000" stay).
// Each eligible position changes with probability `rate`; `count` (if
// given) accumulates the eligible and changed positions.
std::string punctuation_noise(std::string_view text, const NoiseOptions& options, Rng& rng,
                              EditCount* count = nullptr);

// word -> synonyms. Latin words are matched whole (between whitespace, with
// leading and trailing punctuation set aside: "world," matches "world");
// words starting with a CJK letter are found by a longest-match scan.
class SynonymTable {
 public:
  // Adds synonyms for `word` (merged with earlier ones, duplicates and the
  // word itself left out). Throws ds::Error(DS_ERR_INVALID_ARGUMENT) for an
  // empty word or synonym. Only before build().
  void add(const std::string& word, const std::vector<std::string>& synonyms);
  // Reads "word<TAB>syn1|syn2" lines; a line without a tab may use a comma
  // ("word,syn1|syn2"). Further tabs or commas also separate synonyms.
  // Blank lines and '#' comments are skipped, a BOM and "\r" ignored.
  // Throws ds::Error(DS_ERR_BAD_DATA) naming origin:line.
  void parse(std::string_view content, const std::string& origin);
  void build();

  size_t size() const { return synonyms_.size(); }
  bool empty() const { return synonyms_.empty(); }
  const std::vector<std::string>* find(const std::string& word) const;

  // Replaces each dictionary word found in text with probability `rate`, by
  // a synonym chosen uniformly.
  std::string replace(std::string_view text, double rate, Rng& rng,
                      EditCount* count = nullptr) const;

 private:
  std::unordered_map<std::string, uint32_t> index_;  // word -> synonyms_ entry
  std::vector<std::vector<std::string>> synonyms_;
  std::vector<uint32_t> cjk_entry_;  // CJK automaton pattern id -> synonyms_ entry
  AhoCorasick cjk_;                  // CJK-initial words, for longest-match scans
  bool built_ = false;
};

struct AugmentOptions {
  uint64_t seed = 0;
  std::optional<NoiseOptions> noise;
  SynonymTable synonyms;
  double synonym_rate = 0.1;
  std::vector<FieldTemplate> templates;  // "{text}" is the (augmented) text
};

struct AugmentStats {
  EditCount noise;
  EditCount synonyms;
  uint64_t templated = 0;
  uint64_t no_template = 0;  // every template needed a field the record lacks
};

// The augmented text of the record at `position` (0-based in stream order):
// synonyms, then punctuation noise, then a template chosen uniformly among
// those whose fields the record has (`meta` may be null or an empty
// object). Each of the three draws from its own stream seeded by (seed,
// position), so turning one on or off leaves the others' choices as they were.
std::string augment_text(std::string_view text, const nlohmann::ordered_json* meta,
                         uint64_t position, const AugmentOptions& options,
                         AugmentStats* stats = nullptr);

}  // namespace dsforge::data
