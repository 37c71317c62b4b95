// tokenizer_bpe.cpp: BPE loading and the merge loop.
#include "tokenizer_bpe.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "tokenizer_byte_level.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

namespace {
constexpr uint32_t kNoRank = UINT32_MAX;
constexpr uint32_t kNoToken = UINT32_MAX;
constexpr uint64_t kMaxId = uint64_t{1} << 31;  // ids are below this
constexpr size_t kScanLimit = 48;               // words up to this many symbols merge by linear scan
constexpr size_t kMaxCachedWord = 256;          // bytes; longer words are not cached (as `tokenizers`)
}  // namespace

// ---- MergeTable ----

void MergeTable::reserve(size_t count) {
  size_t slots = 16;
  int bits = 4;
  while (slots < 2 * count + 2) {
    slots *= 2;
    ++bits;
  }
  slots_.assign(slots, Entry{kEmpty, 0, 0});
  mask_ = slots - 1;
  shift_ = 64 - bits;
  count_ = 0;
}

void MergeTable::insert(uint32_t left, uint32_t right, uint32_t rank, uint32_t merged) {
  const uint64_t key = (static_cast<uint64_t>(left) << 32) | right;
  for (uint64_t slot = (key * 0x9E3779B97F4A7C15ull) >> shift_;; slot = (slot + 1) & mask_) {
    Entry& e = slots_[slot];
    if (e.key == kEmpty) ++count_;
    if (e.key == kEmpty || e.key == key) {  // a repeated pair keeps the later rank, as a HashMap would
      e = Entry{key, rank, merged};
      return;
    }
  }
}

// ---- loading ----

std::unique_ptr<BpeModel> BpeModel::load(const JsonNode& model, size_t cache_capacity) {
  if (auto type = model.find("type")) {
    const std::string t = type->as_string();
    if (t != "BPE") {
      type->fail("unsupported model type \"" + t + "\" (supported: BPE)");
    }
  }
  std::unique_ptr<BpeModel> m(new BpeModel(cache_capacity));
  if (auto dropout = model.find("dropout")) {
    if (dropout->as_number() > 0.0) dropout->fail("dropout is not supported (BPE dropout is random)");
  }
  if (auto unk = model.find("unk_token")) m->unk_token_ = unk->as_string();
  if (auto p = model.find("continuing_subword_prefix")) m->prefix_ = p->as_string();
  if (auto s = model.find("end_of_word_suffix")) m->suffix_ = s->as_string();
  m->fuse_unk_ = model.bool_or("fuse_unk", false);
  m->byte_fallback_ = model.bool_or("byte_fallback", false);
  m->ignore_merges_ = model.bool_or("ignore_merges", false);

  // Vocabulary: every token's text in one arena, then views into it.
  const JsonNode vocab = model.at("vocab");
  if (!vocab.is_object()) vocab.expected("an object of token -> id");
  std::vector<std::pair<const std::string*, uint32_t>> items;
  items.reserve(vocab.json().size());
  size_t total = 0;
  uint32_t id_end = 0;
  for (auto it = vocab.json().begin(); it != vocab.json().end(); ++it) {
    const nlohmann::json& v = it.value();
    if (!v.is_number_unsigned() || v.get<uint64_t>() >= kMaxId) {
      // Only now pay for the path: model.vocab["tok"]
      JsonNode(v, vocab.path() + "[" + json_preview(it.key()) + "]", vocab.file())
          .expected("an id in [0, " + std::to_string(kMaxId - 1) + "]");
    }
    const auto id = static_cast<uint32_t>(v.get<uint64_t>());
    items.emplace_back(&it.key(), id);
    total += it.key().size();
    id_end = std::max(id_end, id + 1);
  }
  if (id_end > 16 * items.size() + 65536) {
    vocab.fail("ids go up to " + std::to_string(id_end - 1) + " for " + std::to_string(items.size()) +
               " tokens; ids this sparse are not supported");
  }
  m->arena_.reserve(total);
  m->spans_.assign(id_end, {0, kNoToken});
  m->vocab_.reserve(items.size());
  for (const auto& [token, id] : items) {
    const auto offset = static_cast<uint32_t>(m->arena_.size());
    m->arena_.append(*token);
    m->spans_[id] = {offset, static_cast<uint32_t>(token->size())};
    m->vocab_.insert(std::string_view(m->arena_.data() + offset, token->size()), id);
  }

  // Merges, "a b" or ["a", "b"]; rank = position.
  const JsonNode merges = model.at("merges");
  const size_t count = merges.array_size();
  m->merges_.reserve(count);
  std::string a, b, joined;
  const nlohmann::json& list = merges.json();
  for (size_t i = 0; i < count; ++i) {
    const nlohmann::json& item = list[i];
    // The node (and its path) is built only for an error message.
    const auto merge = [&] { return merges.at(i); };
    if (item.is_string()) {
      const std::string& s = item.get_ref<const std::string&>();
      const size_t space = s.find(' ');
      if (space == std::string::npos) merge().expected("\"a b\"");
      a.assign(s, 0, space);
      b.assign(s, space + 1, std::string::npos);
    } else if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
      a = item[0].get_ref<const std::string&>();
      b = item[1].get_ref<const std::string&>();
    } else {
      merge().expected("\"a b\" or [\"a\", \"b\"]");
    }
    uint32_t left = 0, right = 0, merged = 0;
    if (!m->vocab_.find(a, &left)) merge().fail("\"" + a + "\" is not in model.vocab");
    if (!m->vocab_.find(b, &right)) merge().fail("\"" + b + "\" is not in model.vocab");
    if (b.size() < m->prefix_.size()) merge().fail("\"" + b + "\" is shorter than continuing_subword_prefix");
    joined = a;
    joined.append(b, m->prefix_.size(), std::string::npos);
    if (!m->vocab_.find(joined, &merged))
      merge().fail("the merged token \"" + joined + "\" is not in model.vocab");
    m->merges_.insert(left, right, static_cast<uint32_t>(i), merged);
  }
  if (m->unk_token_) {
    uint32_t unk = 0;
    if (m->vocab_.find(*m->unk_token_, &unk)) m->unk_id_ = unk;
  }
  return m;
}

void BpeModel::enable_raw_bytes() {
  const ByteLevelTable& t = byte_level_table();
  all_bytes_known_ = true;
  for (int b = 0; b < 256; ++b) {
    uint32_t id = 0;
    byte_ids_[b] =
        vocab_.find(std::string_view(t.utf8[b], t.utf8_len[b]), &id) ? static_cast<int64_t>(id) : -1;
    if (byte_ids_[b] < 0) all_bytes_known_ = false;
  }
  if (all_bytes_known_ && prefix_.empty() && suffix_.empty()) {
    byte_pairs_.assign(size_t{1} << 16, uint64_t{kNoRank} << 32);
    for (size_t a = 0; a < 256; ++a) {
      for (size_t b = 0; b < 256; ++b) {
        uint32_t m = 0;
        const uint32_t rank =
            merges_.find(static_cast<uint32_t>(byte_ids_[a]), static_cast<uint32_t>(byte_ids_[b]), &m);
        if (rank != kNoRank) byte_pairs_[(a << 8) | b] = (static_cast<uint64_t>(rank) << 32) | m;
      }
    }
  }
  if (ignore_merges_) {
    // Raw forms are never longer than the tokens, so the arena never moves.
    raw_arena_.clear();
    raw_arena_.reserve(arena_.size());
    raw_vocab_ = StringTable();
    raw_vocab_.reserve(vocab_.size());
    vocab_.for_each([this](std::string_view token, uint32_t id) {
      const size_t start = raw_arena_.size();
      if (byte_level_unmap(token, raw_arena_)) {
        raw_vocab_.insert(std::string_view(raw_arena_.data() + start, raw_arena_.size() - start), id);
      }
    });
  }
  raw_bytes_ready_ = true;
}

// ---- lookups ----

std::optional<uint32_t> BpeModel::token_to_id(std::string_view token) const {
  uint32_t id = 0;
  if (!vocab_.find(token, &id)) return std::nullopt;
  return id;
}

std::optional<std::string_view> BpeModel::id_to_token(uint32_t id) const {
  if (id >= spans_.size() || spans_[id].second == kNoToken) return std::nullopt;
  return std::string_view(arena_.data() + spans_[id].first, spans_[id].second);
}

void BpeModel::unk_missing() const {
  throw std::runtime_error("Unk token `" + *unk_token_ + "` not found in the vocabulary");
}

// ---- encoding ----

// The first symbols of `word` (one per character), as `tokenizers`'
// BPE::merge_word: prefix/suffix, byte fallback, unknown characters.
void BpeModel::initial_symbols(std::string_view word, BpeScratch& sc) const {
  sc.ids.clear();
  bool unk_pending = false;
  const size_t n = word.size();
  for (size_t pos = 0; pos < n;) {
    const uint32_t len = utf8_next(word.data(), n, pos).len;
    std::string_view s = word.substr(pos, len);
    const bool first = pos == 0;
    const bool last = pos + len == n;
    pos += len;
    if ((!first && !prefix_.empty()) || (last && !suffix_.empty())) {
      sc.piece.clear();
      if (!first) sc.piece += prefix_;
      sc.piece += s;
      if (last) sc.piece += suffix_;
      s = sc.piece;
    }
    uint32_t id = 0;
    if (vocab_.find(s, &id)) {
      if (unk_pending) {
        sc.ids.push_back(*unk_id_);
        unk_pending = false;
      }
      sc.ids.push_back(id);
      continue;
    }
    if (byte_fallback_) {
      const size_t mark = sc.ids.size();
      bool all = true;
      char code[8];
      for (const char c : s) {
        std::snprintf(code, sizeof code, "<0x%02X>", static_cast<unsigned char>(c));
        uint32_t b = 0;
        if (!vocab_.find(code, &b)) {
          all = false;
          break;
        }
        sc.ids.push_back(b);
      }
      // As `tokenizers`: a pending unk is not flushed before the byte
      // tokens; it comes with the next known character or at the end.
      if (all) continue;
      sc.ids.resize(mark);
    }
    if (unk_token_) {
      if (!unk_id_) unk_missing();
      if (unk_pending && !fuse_unk_) sc.ids.push_back(*unk_id_);
      unk_pending = true;
    }
    // No unk token: the character is dropped, as `tokenizers` does.
  }
  if (unk_pending) sc.ids.push_back(*unk_id_);
}

void BpeModel::merge_scan(BpeScratch& sc, const char* raw) const {
  uint32_t* ids = sc.ids.data();
  size_t n = sc.ids.size();
  sc.ranks.resize(n);
  sc.merged.resize(n);
  uint32_t* ranks = sc.ranks.data();
  uint32_t* merged = sc.merged.data();
  for (size_t i = 0; i + 1 < n; ++i) ranks[i] = first_pair(ids, raw, i, &merged[i]);
  while (n > 1) {
    uint32_t best = kNoRank;
    size_t at = 0;
    for (size_t i = 0; i + 1 < n; ++i) {
      if (ranks[i] < best) {
        best = ranks[i];
        at = i;
      }
    }
    if (best == kNoRank) break;
    ids[at] = merged[at];
    // Drop symbol at+1 and the pair that started there.
    std::copy(ids + at + 2, ids + n, ids + at + 1);
    if (at + 2 < n) {
      std::copy(ranks + at + 2, ranks + n - 1, ranks + at + 1);
      std::copy(merged + at + 2, merged + n - 1, merged + at + 1);
    }
    --n;
    if (at > 0) ranks[at - 1] = merges_.find(ids[at - 1], ids[at], &merged[at - 1]);
    if (at + 1 < n) ranks[at] = merges_.find(ids[at], ids[at + 1], &merged[at]);
  }
  sc.ids.resize(n);
}

void BpeModel::merge_heap(BpeScratch& sc, const char* raw) const {
  const size_t n = sc.ids.size();
  std::vector<uint32_t>& ids = sc.ids;
  sc.prev.resize(n);
  sc.next.resize(n);
  for (size_t i = 0; i < n; ++i) {
    sc.prev[i] = static_cast<int32_t>(i) - 1;
    sc.next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
  }
  auto& heap = sc.heap;
  heap.clear();
  const auto later = [](const BpeScratch::Candidate& x, const BpeScratch::Candidate& y) {
    return x.key > y.key;
  };
  const auto push_rank = [&](size_t pos, uint32_t rank, uint32_t m) {
    if (rank == kNoRank) return;
    heap.push_back({(static_cast<uint64_t>(rank) << 32) | pos, m});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  const auto push = [&](size_t pos, uint32_t left, uint32_t right) {
    uint32_t m = 0;
    const uint32_t rank = merges_.find(left, right, &m);
    push_rank(pos, rank, m);
  };
  for (size_t i = 0; i + 1 < n; ++i) {
    uint32_t m = 0;
    const uint32_t rank = first_pair(ids.data(), raw, i, &m);
    push_rank(i, rank, m);
  }
  constexpr int32_t kRemoved = -2;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const BpeScratch::Candidate top = heap.back();
    heap.pop_back();
    const auto pos = static_cast<size_t>(top.key & 0xFFFFFFFFu);
    if (sc.prev[pos] == kRemoved) continue;
    const int32_t right = sc.next[pos];
    if (right < 0) continue;
    uint32_t m = 0;
    if (merges_.find(ids[pos], ids[right], &m) == kNoRank || m != top.merged) continue;  // stale
    ids[pos] = top.merged;
    const int32_t after = sc.next[right];
    sc.prev[right] = kRemoved;
    sc.next[pos] = after;
    if (after >= 0) sc.prev[after] = static_cast<int32_t>(pos);
    if (sc.prev[pos] >= 0) push(static_cast<size_t>(sc.prev[pos]), ids[sc.prev[pos]], ids[pos]);
    if (after >= 0) push(pos, ids[pos], ids[after]);
  }
  size_t k = 0;
  for (int32_t i = 0; i >= 0; i = sc.next[i]) ids[k++] = ids[i];
  ids.resize(k);
}

void BpeModel::merge(BpeScratch& sc, const char* raw) const {
  if (sc.ids.size() < 2) return;
  if (sc.ids.size() <= kScanLimit) {
    merge_scan(sc, raw);
  } else {
    merge_heap(sc, raw);
  }
}

void BpeModel::tokenize(std::string_view word, bool raw_bytes, BpeScratch& sc,
                        std::vector<uint32_t>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (raw_bytes) {
      uint32_t id = 0;
      if (raw_vocab_.find(word, &id)) {
        out.push_back(id);
        return;
      }
    } else if (uint32_t id = 0; vocab_.find(word, &id)) {
      out.push_back(id);
      return;
    }
  }
  // One or two raw bytes: a table lookup is cheaper than the cache.
  if (raw_bytes && !byte_pairs_.empty() && word.size() <= 2) {
    const auto b0 = static_cast<unsigned char>(word[0]);
    if (word.size() == 1) {
      out.push_back(static_cast<uint32_t>(byte_ids_[b0]));
      return;
    }
    const uint64_t e = byte_pairs_[(static_cast<size_t>(b0) << 8) | static_cast<unsigned char>(word[1])];
    if ((e >> 32) != kNoRank) {
      out.push_back(static_cast<uint32_t>(e));
    } else {
      out.push_back(static_cast<uint32_t>(byte_ids_[b0]));
      out.push_back(static_cast<uint32_t>(byte_ids_[static_cast<unsigned char>(word[1])]));
    }
    return;
  }
  const bool cached = cache_.enabled() && word.size() < kMaxCachedWord;
  uint64_t hash = 0;
  if (cached) {
    hash = hash_bytes(word);
    if (cache_.get(word, hash, out)) return;
  }
  const bool fast = raw_bytes && raw_bytes_ready_ && prefix_.empty() && suffix_.empty();
  bool done = false;
  if (fast) {
    sc.ids.resize(word.size());
    done = true;
    for (size_t i = 0; i < word.size(); ++i) {
      const int64_t id = byte_ids_[static_cast<unsigned char>(word[i])];
      if (id < 0) {
        done = false;
        break;
      }
      sc.ids[i] = static_cast<uint32_t>(id);
    }
  }
  if (!done) {
    if (raw_bytes) {
      sc.mapped.clear();
      byte_level_map(word, sc.mapped);
      initial_symbols(sc.mapped, sc);
    } else {
      initial_symbols(word, sc);
    }
  }
  merge(sc, done && !byte_pairs_.empty() ? word.data() : nullptr);
  out.insert(out.end(), sc.ids.begin(), sc.ids.end());
  if (cached) cache_.put(word, hash, sc.ids.data(), sc.ids.size());
}

}  // namespace dsforge::tokenizer
