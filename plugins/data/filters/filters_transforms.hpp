// filters_transforms.hpp: the five transforms of dsforge-filters, as the
// host sees them: settings in, batches through. The text logic each one
// calls lives in its own host-free file (length_rule, sensitive_words,
// augment_text, shuffle_buffer, split_assign); these classes read settings,
// walk records, count drops and log.
//
// Which may run in parallel (DS_COMPONENT_PARALLEL): length_filter and
// split, which keep no state across batches. sensitive_filter has a flush()
// for its match log; augment numbers records by stream position; shuffle
// holds records back.
#pragma once

#include <limits>
#include <optional>
#include <vector>

#include <cstdint>
#include <string>
#include <vector>

#include "augment_text.hpp"
#include "dsforge/dsforge.hpp"
#include "length_rule.hpp"
#include "sensitive_words.hpp"
#include "tokenizer.hpp"
#include "shuffle_buffer.hpp"
#include "split_assign.hpp"

namespace dsforge::data {

// Drops records outside [min, max] code points or bytes ("too_short",
// "too_long"), or tokens of a Hugging Face tokenizer ("too_few_tokens",
// "too_many_tokens"; counted without special tokens). Token counts are
// computed only for records that pass the cheaper limits.
class LengthFilter {
 public:
  explicit LengthFilter(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);
  const LengthLimits& limits() const { return limits_; }

 private:
  LengthLimits limits_;
  std::optional<tokenizer::Tokenizer> tokenizer_;
  uint64_t min_tokens_ = 0;
  uint64_t max_tokens_ = std::numeric_limits<uint64_t>::max();
  std::vector<uint32_t> ids_;  // scratch
};

// Drops ("sensitive") or masks records containing listed words.
class SensitiveFilter {
 public:
  enum class Action { drop, mask };
  explicit SensitiveFilter(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);
  void flush(ds::BatchWriter& out);  // holds nothing back; logs the counts

 private:
  Action action_ = Action::drop;
  SensitiveMatcher matcher_;
  uint64_t records_ = 0, matched_records_ = 0, matches_ = 0;
};

// Emits (the original and) an augmented copy of every record.
class AugmentTransform {
 public:
  explicit AugmentTransform(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);
  void flush(ds::BatchWriter& out);  // holds nothing back; logs the counts

 private:
  AugmentOptions options_;
  bool keep_original_ = true;
  uint64_t position_ = 0;  // records seen so far: the per-record seed
  AugmentStats stats_;
};

// Buffered, seeded streaming shuffle.
class ShuffleTransform {
 public:
  explicit ShuffleTransform(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);
  void flush(ds::BatchWriter& out);

 private:
  struct Owned {
    std::string text, meta, origin;
    int64_t line = 0;
  };
  void emit(const Owned& r, ds::BatchWriter& out);
  ShuffleBuffer<Owned> buffer_;
};

// Writes the split name of each record into its meta.
class SplitTransform {
 public:
  explicit SplitTransform(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);

 private:
  std::vector<std::string> names_;
  std::string field_;
  SplitAssigner assigner_;
};

// "file:line" of a record for messages, "<record>" when it has no origin.
std::string record_where(const ds_record& r);

}  // namespace dsforge::data
