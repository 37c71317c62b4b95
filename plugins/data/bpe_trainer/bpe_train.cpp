// bpe_train.cpp: BPE merges with incremental pair counts. See bpe_train.hpp.
#include "bpe_train.hpp"

#include <algorithm>
#include <array>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "bpe_byte_level.hpp"
#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data::bpe {
namespace {

// A pair of token ids as one key; ordering keys orders pairs (first, second).
uint64_t pair_key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }
uint32_t pair_first(uint64_t key) { return static_cast<uint32_t>(key >> 32); }
uint32_t pair_second(uint64_t key) { return static_cast<uint32_t>(key); }

// A queue entry: a pair, its count when pushed, and the words it was formed
// in (slots[slot]). `seq` orders entries of the same pair and count.
struct QueueEntry {
  uint64_t count;
  uint64_t pair;
  uint64_t seq;
  uint32_t slot;
};

// std::priority_queue keeps the greatest on top: the highest count, then
// the smallest pair, then the oldest entry.
struct LowerPriority {
  bool operator()(const QueueEntry& x, const QueueEntry& y) const {
    if (x.count != y.count) return x.count < y.count;
    if (x.pair != y.pair) return x.pair > y.pair;
    return x.seq > y.seq;
  }
};

struct Change {
  uint64_t pair;
  int32_t delta;  // -1: one occurrence gone, +1: one formed
  uint32_t word;
};

// All words' symbols in one buffer; a word only ever shrinks in place.
struct Words {
  std::vector<uint32_t> symbols;
  std::vector<size_t> begin;     // (W)
  std::vector<uint32_t> length;  // (W)
  std::vector<uint64_t> count;   // (W)
};

// Merges every non-overlapping (a, b) of `word`, left to right, and records
// how the neighbouring pairs changed. The merged pair's own count is left
// alone, as `tokenizers` does: its queue entry is spent.
void merge_word(Words& words, uint32_t word, uint32_t a, uint32_t b, uint32_t merged,
                std::vector<Change>& changes) {
  uint32_t* s = words.symbols.data() + words.begin[word];
  const uint32_t n = words.length[word];
  uint32_t out = 0, i = 0;
  while (i < n) {
    if (s[i] == a && i + 1 < n && s[i + 1] == b) {
      if (out > 0) {
        changes.push_back({pair_key(s[out - 1], a), -1, word});
        changes.push_back({pair_key(s[out - 1], merged), +1, word});
      }
      if (i + 2 < n) {
        changes.push_back({pair_key(b, s[i + 2]), -1, word});
        changes.push_back({pair_key(merged, s[i + 2]), +1, word});
      }
      s[out++] = merged;
      i += 2;
    } else {
      s[out++] = s[i++];
    }
  }
  words.length[word] = out;
}

void check_special_token(const std::string& token) {
  if (token.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "special_tokens: a special token is empty");
  if (const auto bad = first_invalid_utf8(token))
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "special_tokens: \"" + replace_invalid_utf8(token) + "\" is not valid UTF-8: " +
                        describe_invalid_utf8(token, *bad));
}

class Trainer {
 public:
  Trainer(const BpeTrainOptions& options, const BpeProgress& progress)
      : options_(options), progress_(progress) {}

  BpeModel run(const WordCounts& counts) {
    model_.pre_tokenizer = options_.pre_tokenizer;
    for (const std::string& t : options_.special_tokens) {
      check_special_token(t);
      intern(t);
    }
    model_.special_count = model_.vocab.size();
    for (uint8_t b : bytes_by_code_point()) byte_id_[b] = intern(byte_level_chars()[b]);
    load_words(counts);
    count_pairs();
    merge_loop();
    finish_merges();
    return std::move(model_);
  }

 private:
  uint32_t intern(const std::string& token) {
    const auto it = ids_.find(token);
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(model_.vocab.size());
    ids_.emplace(token, id);
    model_.vocab.push_back(token);
    return id;
  }

  // Words in byte order, so ids and queue order never depend on hash order.
  void load_words(const WordCounts& counts) {
    std::vector<const WordCounts::value_type*> sorted;
    sorted.reserve(counts.size());
    size_t total_bytes = 0;
    for (const auto& kv : counts) {
      if (kv.first.empty() || kv.second == 0) continue;
      sorted.push_back(&kv);
      total_bytes += kv.first.size();
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* x, const auto* y) { return x->first < y->first; });
    words_.symbols.reserve(total_bytes);
    words_.begin.reserve(sorted.size());
    words_.length.reserve(sorted.size());
    words_.count.reserve(sorted.size());
    for (const auto* kv : sorted) {
      words_.begin.push_back(words_.symbols.size());
      words_.length.push_back(static_cast<uint32_t>(kv->first.size()));
      words_.count.push_back(kv->second);
      for (char c : kv->first) words_.symbols.push_back(byte_id_[static_cast<uint8_t>(c)]);
    }
  }

  void count_pairs() {
    std::unordered_map<uint64_t, std::vector<uint32_t>> where;
    for (uint32_t w = 0; w < words_.length.size(); ++w) {
      const uint32_t* s = words_.symbols.data() + words_.begin[w];
      const auto count = static_cast<int64_t>(words_.count[w]);
      for (uint32_t i = 0; i + 1 < words_.length[w]; ++i) {
        const uint64_t key = pair_key(s[i], s[i + 1]);
        pair_counts_[key] += count;
        std::vector<uint32_t>& pos = where[key];
        if (pos.empty() || pos.back() != w) pos.push_back(w);
      }
    }
    std::vector<uint64_t> keys;
    keys.reserve(where.size());
    for (const auto& kv : where) keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    for (uint64_t key : keys) push(key, std::move(where[key]));
  }

  // Queues `pair` with the words in `pos` (sorted, distinct), if it occurs.
  void push(uint64_t pair, std::vector<uint32_t> pos) {
    const int64_t count = pair_counts_[pair];
    if (count <= 0) return;
    uint32_t slot;
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[slot] = std::move(pos);
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(std::move(pos));
    }
    queue_.push(QueueEntry{static_cast<uint64_t>(count), pair, next_seq_++, slot});
  }

  void merge_loop() {
    const size_t max_steps =
        options_.vocab_size > model_.vocab.size() ? options_.vocab_size - model_.vocab.size() : 0;
    std::vector<Change> changes;
    std::vector<std::pair<uint64_t, uint32_t>> formed;  // (pair, word) of +1 changes
    while (model_.vocab.size() < options_.vocab_size && !queue_.empty()) {
      QueueEntry top = queue_.top();
      queue_.pop();
      const int64_t current = pair_counts_[top.pair];
      const uint64_t now = current > 0 ? static_cast<uint64_t>(current) : 0;
      if (top.count != now) {  // stale: requeue with the count it has now
        top.count = now;
        queue_.push(top);
        continue;
      }
      if (top.count < 1 || top.count < options_.min_frequency) break;

      const uint32_t a = pair_first(top.pair), b = pair_second(top.pair);
      const uint32_t merged = intern(model_.vocab[a] + model_.vocab[b]);
      steps_.emplace_back(top.pair, merged);

      changes.clear();
      std::vector<uint32_t> pos = std::move(slots_[top.slot]);
      free_slots_.push_back(top.slot);
      for (uint32_t w : pos) merge_word(words_, w, a, b, merged, changes);

      formed.clear();
      for (const Change& c : changes) {
        pair_counts_[c.pair] += c.delta * static_cast<int64_t>(words_.count[c.word]);
        if (c.delta > 0) formed.emplace_back(c.pair, c.word);
      }
      std::sort(formed.begin(), formed.end());
      formed.erase(std::unique(formed.begin(), formed.end()), formed.end());
      for (size_t i = 0; i < formed.size();) {
        size_t j = i;
        std::vector<uint32_t> words;
        while (j < formed.size() && formed[j].first == formed[i].first)
          words.push_back(formed[j++].second);
        push(formed[i].first, std::move(words));
        i = j;
      }
      if (progress_) progress_(steps_.size(), max_steps);
    }
  }

  // A pair merged twice keeps its later rank, as in `tokenizers`' model.
  void finish_merges() {
    model_.merge_steps = steps_.size();
    std::unordered_map<uint64_t, size_t> last;
    for (size_t i = 0; i < steps_.size(); ++i) last[steps_[i].first] = i;
    model_.merges.reserve(last.size());
    for (size_t i = 0; i < steps_.size(); ++i) {
      const uint64_t pair = steps_[i].first;
      if (last[pair] != i) continue;
      model_.merges.emplace_back(model_.vocab[pair_first(pair)], model_.vocab[pair_second(pair)]);
    }
  }

  const BpeTrainOptions& options_;
  const BpeProgress& progress_;
  BpeModel model_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::array<uint32_t, 256> byte_id_{};
  Words words_;
  std::unordered_map<uint64_t, int64_t> pair_counts_;
  std::vector<std::vector<uint32_t>> slots_;
  std::vector<uint32_t> free_slots_;
  std::priority_queue<QueueEntry, std::vector<QueueEntry>, LowerPriority> queue_;
  uint64_t next_seq_ = 0;
  std::vector<std::pair<uint64_t, uint32_t>> steps_;  // (pair, merged id) per merge step
};

}  // namespace

BpeModel train_bpe(const WordCounts& words, const BpeTrainOptions& options,
                   const BpeProgress& progress) {
  return Trainer(options, progress).run(words);
}

BpeModel train_bpe(const std::vector<std::string>& documents, const BpeTrainOptions& options,
                   const BpeProgress& progress) {
  WordCounter counter(options.pre_tokenizer);
  for (const std::string& d : documents) counter.add_document(d);
  return train_bpe(counter.counts(), options, progress);
}

size_t base_vocab_size(const std::vector<std::string>& special_tokens) {
  std::unordered_set<std::string> seen(special_tokens.begin(), special_tokens.end());
  size_t n = seen.size();
  for (const std::string& c : byte_level_chars())
    if (!seen.count(c)) ++n;
  return n;
}

}  // namespace dsforge::data::bpe
