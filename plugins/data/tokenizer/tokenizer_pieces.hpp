// tokenizer_pieces.hpp: the text being encoded, cut into pieces, and the
// split rules every pre-tokenizer shares.
//
// A Work holds the (possibly rewritten) text and the pieces it is cut into;
// each step refines the pieces or rewrites the text. A piece that is an added
// token carries its id and is left alone by every later step, as in
// `tokenizers`' PreTokenizedString. Empty pieces are dropped after each step.
// Work is per-thread scratch: its buffers keep their capacity across calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer_pattern.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

class JsonNode;

struct Piece {
  uint32_t begin;  // bytes of Work::text
  uint32_t end;
  int64_t added_id;   // >= 0: an added token, final; -1: text still to tokenize
  bool origin_start;  // starts at offset 0 of the input (Metaspace "first")
};

// SplitDelimiterBehavior of `tokenizers`.
enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

// "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"
SplitBehavior parse_split_behavior(const JsonNode& node);

struct Work {
  std::string text;
  std::vector<Piece> pieces;
  // Scratch for the steps.
  std::string spare_text;
  std::vector<Piece> spare_pieces;
  std::vector<Span> spans;
  std::vector<Span> spans2;
  std::string tmp;

  void reset(std::string_view input);
  // Gives the memory back when a huge text has grown the buffers.
  void trim(size_t keep_bytes);
  std::string_view view(const Piece& p) const { return {text.data() + p.begin, p.end - p.begin}; }
};

// Cuts `parent` (a text piece) by `spans` (relative to it, covering it, as a
// Pattern gives them) according to `behavior`, appending the kept non-empty
// pieces to `out`. `scratch` is working memory.
void split_piece(const Piece& parent, const std::vector<Span>& spans, SplitBehavior behavior, bool invert,
                 std::vector<Span>& scratch, std::vector<Piece>& out);

// Splits every text piece of `w` with spans from find(s, n, spans).
template <class FindSpans>
void split_pieces(Work& w, SplitBehavior behavior, bool invert, FindSpans&& find) {
  w.spare_pieces.clear();
  for (const Piece& p : w.pieces) {
    if (p.added_id >= 0) {
      w.spare_pieces.push_back(p);
      continue;
    }
    w.spans.clear();
    find(w.text.data() + p.begin, static_cast<size_t>(p.end - p.begin), w.spans);
    split_piece(p, w.spans, behavior, invert, w.spans2, w.spare_pieces);
  }
  w.pieces.swap(w.spare_pieces);
}

// Rewrites every text piece of `w` with rewrite(piece_text, piece, out_text),
// which appends the new text of the piece to out_text. Added-token pieces
// keep their text. Pieces that become empty are dropped.
template <class Rewrite>
void rewrite_pieces(Work& w, Rewrite&& rewrite) {
  w.spare_text.clear();
  w.spare_pieces.clear();
  for (const Piece& p : w.pieces) {
    const auto begin = static_cast<uint32_t>(w.spare_text.size());
    if (p.added_id >= 0) {
      w.spare_text.append(w.view(p));
    } else {
      rewrite(w.view(p), p, w.spare_text);
    }
    const auto end = static_cast<uint32_t>(w.spare_text.size());
    if (end > begin || p.added_id >= 0) w.spare_pieces.push_back({begin, end, p.added_id, p.origin_start});
  }
  w.text.swap(w.spare_text);
  w.pieces.swap(w.spare_pieces);
}

// Spans of the characters for which pred(code point) holds: each such
// character is one match (ill-formed bytes never match), as `tokenizers`'
// Pattern impl for Fn(char) -> bool.
template <class Pred>
void find_char_matches(const char* s, size_t n, std::vector<Span>& out, Pred&& pred) {
  if (n == 0) {
    out.push_back({0, 0, false});
    return;
  }
  uint32_t gap = 0;
  for (size_t pos = 0; pos < n;) {
    const Utf8Char c = utf8_next(s, n, pos);
    if (c.cp != kNotAChar && pred(c.cp)) {
      if (gap < pos) out.push_back({gap, static_cast<uint32_t>(pos), false});
      out.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + c.len), true});
      gap = static_cast<uint32_t>(pos + c.len);
    }
    pos += c.len;
  }
  if (gap < n) out.push_back({gap, static_cast<uint32_t>(n), false});
}

}  // namespace dsforge::tokenizer
