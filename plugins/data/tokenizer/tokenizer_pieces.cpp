// tokenizer_pieces.cpp: the split behaviors of `tokenizers`' NormalizedString::split.
#include "tokenizer_pieces.hpp"

#include <algorithm>

#include "tokenizer_json.hpp"

namespace dsforge::tokenizer {

SplitBehavior parse_split_behavior(const JsonNode& node) {
  const std::string s = node.is_string() ? node.as_string() : std::string();
  if (s == "Removed") return SplitBehavior::removed;
  if (s == "Isolated") return SplitBehavior::isolated;
  if (s == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
  if (s == "MergedWithNext") return SplitBehavior::merged_with_next;
  if (s == "Contiguous") return SplitBehavior::contiguous;
  node.expected(
      "one of \"Removed\", \"Isolated\", \"MergedWithPrevious\", \"MergedWithNext\", \"Contiguous\"");
}

void Work::reset(std::string_view input) {
  text.assign(input.data(), input.size());
  pieces.clear();
  if (!input.empty()) pieces.push_back({0, static_cast<uint32_t>(input.size()), -1, true});
}

void Work::trim(size_t keep_bytes) {
  if (text.capacity() + spare_text.capacity() + tmp.capacity() <= keep_bytes) return;
  std::string().swap(text);
  std::string().swap(spare_text);
  std::string().swap(tmp);
  std::vector<Piece>().swap(pieces);
  std::vector<Piece>().swap(spare_pieces);
  std::vector<Span>().swap(spans);
  std::vector<Span>().swap(spans2);
}

namespace {
void push_piece(const Piece& parent, const Span& s, std::vector<Piece>& out) {
  if (s.end <= s.begin) return;
  out.push_back({parent.begin + s.begin, parent.begin + s.end, -1, parent.origin_start && s.begin == 0});
}
}  // namespace

void split_piece(const Piece& parent, const std::vector<Span>& spans, SplitBehavior behavior, bool invert,
                 std::vector<Span>& scratch, std::vector<Piece>& out) {
  switch (behavior) {
    case SplitBehavior::isolated:
      for (const Span& s : spans) push_piece(parent, s, out);
      return;
    case SplitBehavior::removed:
      for (const Span& s : spans) {
        if (s.match == invert) push_piece(parent, s, out);
      }
      return;
    default:
      break;
  }
  // The merging behaviors fold spans into groups, then keep every group.
  scratch.clear();
  bool previous = false;
  if (behavior == SplitBehavior::merged_with_next) {
    // Folded right to left: a match joins the group that follows it.
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
      const bool m = it->match != invert;
      if (m && !previous && !scratch.empty()) {
        scratch.back().begin = it->begin;
      } else {
        scratch.push_back({it->begin, it->end, false});
      }
      previous = m;
    }
    std::reverse(scratch.begin(), scratch.end());
  } else {
    for (const Span& s : spans) {
      const bool m = s.match != invert;
      const bool join = behavior == SplitBehavior::contiguous ? m == previous : (m && !previous);
      if (join && !scratch.empty()) {
        scratch.back().end = s.end;
      } else {
        scratch.push_back({s.begin, s.end, false});
      }
      previous = m;
    }
  }
  for (const Span& s : scratch) push_piece(parent, s, out);
}

}  // namespace dsforge::tokenizer
