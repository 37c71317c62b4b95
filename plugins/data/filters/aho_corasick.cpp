// aho_corasick.cpp: trie construction, breadth-first failure links, scans.
// See aho_corasick.hpp.
#include "aho_corasick.hpp"

#include <algorithm>
#include <cstring>
#include <queue>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {

AhoCorasick::AhoCorasick(bool ignore_case) : ignore_case_(ignore_case) {
  nodes_.emplace_back();  // the root, node 0
  building_.emplace_back();
}

uint8_t AhoCorasick::fold(char c) const {
  const auto b = static_cast<uint8_t>(c);
  return ignore_case_ && b >= 'A' && b <= 'Z' ? static_cast<uint8_t>(b + ('a' - 'A')) : b;
}

uint32_t AhoCorasick::add(std::string_view pattern) {
  if (built_)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "AhoCorasick::add after build()");
  if (pattern.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "empty pattern");
  uint32_t node = 0;
  for (const char c : pattern) {
    const uint8_t b = fold(c);
    std::vector<Edge>& edges = building_[node];
    auto it = std::find_if(edges.begin(), edges.end(), [b](const Edge& e) { return e.byte == b; });
    if (it != edges.end()) {
      node = it->target;
      continue;
    }
    const auto next = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    building_.emplace_back();
    building_[node].push_back(Edge{b, next});  // building_ may have moved: index again
    node = next;
  }
  if (nodes_[node].output == kNone) {
    nodes_[node].output = static_cast<uint32_t>(patterns_.size());
    patterns_.emplace_back(pattern);
  }
  return nodes_[node].output;
}

uint32_t AhoCorasick::child(uint32_t node, uint8_t byte) const {
  const uint32_t first = first_edge_[node];
  const uint32_t count = first_edge_[node + 1] - first;
  // Fan-out is at most 256 and usually a handful (UTF-8 lead bytes of CJK
  // text: ~6; continuation bytes: <= 64); memchr beats a binary search here.
  const void* hit = std::memchr(edge_byte_.data() + first, byte, count);
  if (hit == nullptr) return kNone;
  return edge_target_[first + static_cast<uint32_t>(static_cast<const uint8_t*>(hit) -
                                                    (edge_byte_.data() + first))];
}

void AhoCorasick::build() {
  if (built_) return;
  // Flatten the per-node edge lists into CSR arrays.
  first_edge_.assign(nodes_.size() + 1, 0);
  edge_byte_.clear();
  edge_target_.clear();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    std::vector<Edge>& list = building_[i];
    std::sort(list.begin(), list.end(), [](const Edge& a, const Edge& b) { return a.byte < b.byte; });
    first_edge_[i] = static_cast<uint32_t>(edge_byte_.size());
    for (const Edge& e : list) {
      edge_byte_.push_back(e.byte);
      edge_target_.push_back(e.target);
    }
  }
  first_edge_[nodes_.size()] = static_cast<uint32_t>(edge_byte_.size());
  building_.clear();
  building_.shrink_to_fit();

  root_row_.fill(0);
  for (uint32_t e = first_edge_[0]; e < first_edge_[1]; ++e) root_row_[edge_byte_[e]] = edge_target_[e];
  built_ = true;  // step() below relies on root_row_

  // Breadth first: a node's failure target is shallower, so it is final
  // before the node is reached.
  std::queue<uint32_t> queue;
  // Children of the root fail to the root: their fail and dict stay 0.
  for (uint32_t e = first_edge_[0]; e < first_edge_[1]; ++e) queue.push(edge_target_[e]);
  while (!queue.empty()) {
    const uint32_t node = queue.front();
    queue.pop();
    for (uint32_t e = first_edge_[node]; e < first_edge_[node + 1]; ++e) {
      const uint32_t target = edge_target_[e];
      const uint32_t fail = step(nodes_[node].fail, edge_byte_[e]);
      Node& c = nodes_[target];
      c.fail = fail;
      c.dict = nodes_[fail].output != kNone ? fail : nodes_[fail].dict;
      queue.push(target);
    }
  }
}

uint32_t AhoCorasick::step(uint32_t state, uint8_t byte) const {
  while (state != 0) {
    const uint32_t next = child(state, byte);
    if (next != kNone) return next;
    state = nodes_[state].fail;
  }
  return root_row_[byte];
}

std::vector<AhoCorasick::Match> AhoCorasick::find_all(std::string_view text) const {
  if (!built_) throw ds::Error(DS_ERR_INTERNAL, "AhoCorasick used before build()");
  std::vector<Match> out;
  uint32_t state = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    state = step(state, fold(text[i]));
    // The node itself, then shorter patterns along the dictionary links:
    // longest first.
    for (uint32_t n = nodes_[state].output != kNone ? state : nodes_[state].dict; n != 0;
         n = nodes_[n].dict) {
      const uint32_t p = nodes_[n].output;
      out.push_back(Match{i + 1 - patterns_[p].size(), i + 1, p});
    }
  }
  return out;
}

std::vector<AhoCorasick::Match> AhoCorasick::select_leftmost_longest(std::vector<Match> matches) {
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end > b.end;
  });
  std::vector<Match> out;
  size_t covered = 0;  // end of the last match taken
  for (const Match& m : matches) {
    if (!out.empty() && m.begin < covered) continue;
    out.push_back(m);
    covered = m.end;
  }
  return out;
}

std::vector<AhoCorasick::Match> AhoCorasick::find_leftmost_longest(std::string_view text) const {
  return select_leftmost_longest(find_all(text));
}

bool AhoCorasick::contains_any(std::string_view text) const {
  if (!built_) throw ds::Error(DS_ERR_INTERNAL, "AhoCorasick used before build()");
  uint32_t state = 0;
  for (const char c : text) {
    state = step(state, fold(c));
    if (nodes_[state].output != kNone || nodes_[state].dict != 0) return true;
  }
  return false;
}

AhoCorasick::Match AhoCorasick::longest_at(std::string_view text, size_t pos) const {
  if (!built_) throw ds::Error(DS_ERR_INTERNAL, "AhoCorasick used before build()");
  Match best;
  uint32_t node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    node = node == 0 ? root_row_[fold(text[i])] : child(node, fold(text[i]));
    if (node == 0 || node == kNone) break;
    if (nodes_[node].output != kNone) best = Match{pos, i + 1, nodes_[node].output};
  }
  return best;
}

}  // namespace dsforge::data
