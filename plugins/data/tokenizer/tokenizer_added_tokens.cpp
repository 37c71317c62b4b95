// tokenizer_added_tokens.cpp: loading added tokens and splitting text on them.
#include "tokenizer_added_tokens.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "tokenizer_bpe.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_normalizers.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

namespace {

// The character that ends at s[end] (exclusive), or kNotAChar.
Utf8Char char_before(const char* s, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  const Utf8Char c = utf8_next(s, end, start);
  if (start + c.len != end) return {kNotAChar, 1};
  return c;
}

bool ends_with_word(const char* s, size_t end) {
  if (end == 0) return false;
  const Utf8Char c = char_before(s, end);
  return c.cp != kNotAChar && is_word_char(c.cp);
}

bool starts_with_word(const char* s, size_t n, size_t pos) {
  if (pos >= n) return false;
  const Utf8Char c = utf8_next(s, n, pos);
  return c.cp != kNotAChar && is_word_char(c.cp);
}

// Start of the whitespace run that ends at `end`.
size_t whitespace_before(const char* s, size_t end) {
  while (end > 0) {
    const Utf8Char c = char_before(s, end);
    if (c.cp == kNotAChar || !is_white_space(c.cp)) break;
    end -= c.len;
  }
  return end;
}

// End of the whitespace run that starts at `pos`.
size_t whitespace_after(const char* s, size_t n, size_t pos) {
  while (pos < n) {
    const Utf8Char c = utf8_next(s, n, pos);
    if (c.cp == kNotAChar || !is_white_space(c.cp)) break;
    pos += c.len;
  }
  return pos;
}

}  // namespace

// ---- Trie ----

void AddedVocabulary::Trie::build(const std::vector<std::pair<std::string, uint32_t>>& patterns) {
  std::vector<std::map<uint8_t, uint32_t>> children(1);
  std::vector<int64_t> ids(1, -1);
  for (const auto& [content, id] : patterns) {
    if (content.empty()) continue;
    uint32_t node = 0;
    for (const char c : content) {
      const auto b = static_cast<uint8_t>(c);
      auto it = children[node].find(b);
      if (it == children[node].end()) {
        children.emplace_back();
        ids.push_back(-1);
        it = children[node].emplace(b, static_cast<uint32_t>(children.size() - 1)).first;
      }
      node = it->second;
    }
    if (ids[node] < 0) ids[node] = id;  // a repeated content keeps its first id (the same id anyway)
    first_byte[static_cast<uint8_t>(content[0])] = true;
  }
  single_first = -1;
  for (int b = 0; b < 256; ++b) {
    if (!first_byte[b]) continue;
    single_first = single_first == -1 ? b : -2;
  }
  if (single_first < 0) single_first = -1;
  nodes.assign(children.size(), Node{});
  edges.clear();
  for (size_t i = 0; i < children.size(); ++i) {
    nodes[i].token_id = ids[i];
    nodes[i].first_edge = static_cast<uint32_t>(edges.size());
    nodes[i].edge_count = static_cast<uint32_t>(children[i].size());
    for (const auto& [b, child] : children[i]) edges.emplace_back(b, child);
  }
}

bool AddedVocabulary::Trie::longest_at(const char* s, size_t n, size_t pos, uint32_t* id, size_t* end) const {
  uint32_t node = 0;
  bool found = false;
  for (size_t i = pos; i < n; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    const Node& cur = nodes[node];
    const auto first = edges.begin() + cur.first_edge;
    const auto last = first + cur.edge_count;
    const auto it = std::lower_bound(first, last, b, [](const auto& e, uint8_t v) { return e.first < v; });
    if (it == last || it->first != b) break;
    node = it->second;
    if (nodes[node].token_id >= 0) {
      *id = static_cast<uint32_t>(nodes[node].token_id);
      *end = i + 1;
      found = true;
    }
  }
  return found;
}

// ---- loading ----

void AddedVocabulary::load(const JsonNode& list, const BpeModel& model, const Normalizer* normalizer) {
  std::vector<AddedToken> specials;  // special tokens, in the order given
  std::vector<AddedToken> others;    // the rest, in the order given
  const size_t count = list.array_size();
  for (size_t i = 0; i < count; ++i) {
    const JsonNode node = list.at(i);
    AddedToken t;
    t.content = node.at("content").as_string();
    t.single_word = node.bool_or("single_word", false);
    t.lstrip = node.bool_or("lstrip", false);
    t.rstrip = node.bool_or("rstrip", false);
    t.normalized = node.bool_or("normalized", true);
    t.special = node.bool_or("special", false);
    (void)node.at("id").as_u32();  // checked, but ids are assigned as `tokenizers` assigns them

    // What tokenizers' AddedVocabulary::add_tokens does, one token at a time.
    if (t.special && !t.content.empty() && special_contents_.insert(t.content).second) specials.push_back(t);
    if (t.content.empty()) continue;
    bool seen = false;
    for (const auto& [id, existing] : by_id_) {
      if (existing == t) {
        seen = true;
        break;
      }
    }
    if (seen) continue;
    uint32_t id = 0;
    if (auto known = token_to_id(t.content)) {
      id = *known;
    } else if (auto in_model = model.token_to_id(t.content)) {
      id = *in_model;
    } else {
      const auto model_size = static_cast<uint32_t>(model.vocab_size());
      if (by_content_.empty()) {
        id = model_size;
      } else {
        uint32_t max = 0;
        for (const auto& [c, v] : by_content_) max = std::max(max, v);
        id = (max >= model_size || model_size == 0) ? max + 1 : model_size;
      }
    }
    by_content_[t.content] = id;
    by_id_[id] = t;
    if (special_contents_.count(t.content) == 0) others.push_back(t);
  }

  // The two tries: specials first, then the others, split by `normalized`.
  std::vector<std::pair<std::string, uint32_t>> raw, normalized;
  std::string normal_form;
  for (const auto* group : {&specials, &others}) {
    for (const AddedToken& t : *group) {
      auto id = token_to_id(t.content);
      if (!id) id = model.token_to_id(t.content);
      if (!id) continue;
      if (!t.normalized) {
        raw.emplace_back(t.content, *id);
      } else if (normalizer) {
        normal_form.clear();
        normalizer->normalize(t.content, normal_form);
        normalized.emplace_back(normal_form, *id);
      } else {
        normalized.emplace_back(t.content, *id);
      }
    }
  }
  raw_.build(raw);
  normalized_.build(normalized);
}

std::optional<uint32_t> AddedVocabulary::token_to_id(std::string_view content) const {
  const auto it = by_content_.find(std::string(content));
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

const AddedToken* AddedVocabulary::find(uint32_t id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

bool AddedVocabulary::is_special_content(std::string_view content) const {
  return special_contents_.count(std::string(content)) != 0;
}

// ---- splitting ----

void AddedVocabulary::split(Work& w, const Trie& trie) const {
  if (trie.empty()) return;
  w.spare_pieces.clear();
  for (const Piece& p : w.pieces) {
    if (p.added_id >= 0) {
      w.spare_pieces.push_back(p);
      continue;
    }
    const char* s = w.text.data() + p.begin;
    const size_t n = p.end - p.begin;
    const auto emit_text = [&](size_t b, size_t e) {
      if (e > b) {
        w.spare_pieces.push_back({p.begin + static_cast<uint32_t>(b), p.begin + static_cast<uint32_t>(e), -1,
                                  p.origin_start && b == 0});
      }
    };
    size_t start_offset = 0;  // end of the last accepted token
    size_t pos = 0;           // where the next match may start
    while (pos < n) {
      uint32_t id = 0;
      size_t stop = 0;
      size_t start = pos;
      bool found = false;
      while (start < n) {
        if (trie.single_first >= 0) {  // skip to the next candidate with memchr
          const void* at = std::memchr(s + start, trie.single_first, n - start);
          if (!at) break;
          start = static_cast<size_t>(static_cast<const char*>(at) - s);
        } else if (!trie.first_byte[static_cast<uint8_t>(s[start])]) {
          ++start;
          continue;
        }
        if (trie.longest_at(s, n, start, &id, &stop)) {
          found = true;
          break;
        }
        ++start;
      }
      if (!found) break;
      pos = stop;  // matches never overlap, whatever the options below do
      const AddedToken& t = by_id_.at(id);
      if (t.single_word) {
        const bool space_before = start == 0 || !ends_with_word(s, start);
        const bool space_after = stop == n || !starts_with_word(s, n, stop);
        if (!space_before || !space_after) continue;
      }
      if (t.lstrip) start = std::max(whitespace_before(s, start), start_offset);
      if (t.rstrip) stop = whitespace_after(s, n, stop);
      if (start_offset < start) emit_text(start_offset, start);
      w.spare_pieces.push_back(
          {p.begin + static_cast<uint32_t>(start), p.begin + static_cast<uint32_t>(stop), id, false});
      start_offset = stop;
    }
    if (start_offset < n) emit_text(start_offset, n);
  }
  w.pieces.swap(w.spare_pieces);
}

}  // namespace dsforge::tokenizer
