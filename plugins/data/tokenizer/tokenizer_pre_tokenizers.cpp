// tokenizer_pre_tokenizers.cpp: the pre-tokenizer types and their JSON loading.
#include "tokenizer_pre_tokenizers.hpp"

#include "tokenizer_byte_level.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

namespace {

// GPT-2's pre-tokenizer regex, as `tokenizers`' ByteLevel uses it.
constexpr const char* kGpt2Regex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class Split final : public PreTokenizer {
 public:
  Split(Pattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(Work& w) const override {
    split_pieces(w, behavior_, invert_, [this](const char* s, size_t n, std::vector<Span>& spans) {
      pattern_.find_matches(s, n, spans);
    });
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

class ByteLevel final : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, std::optional<Pattern> regex, bool map_bytes)
      : add_prefix_space_(add_prefix_space), regex_(std::move(regex)), map_bytes_(map_bytes) {}
  void pre_tokenize(Work& w) const override {
    if (add_prefix_space_) {
      rewrite_pieces(w, [](std::string_view in, const Piece&, std::string& out) {
        if (in.empty() || in.front() != ' ') out.push_back(' ');
        out.append(in);
      });
    }
    if (regex_) {
      split_pieces(
          w, SplitBehavior::isolated, false,
          [this](const char* s, size_t n, std::vector<Span>& spans) { regex_->find_matches(s, n, spans); });
    }
    if (map_bytes_) {
      rewrite_pieces(w, [](std::string_view in, const Piece&, std::string& out) { byte_level_map(in, out); });
    }
  }

 private:
  bool add_prefix_space_;
  std::optional<Pattern> regex_;
  bool map_bytes_;
};

// Splits on characters for which Pred holds.
template <class Pred>
class CharSplit final : public PreTokenizer {
 public:
  CharSplit(Pred pred, SplitBehavior behavior) : pred_(std::move(pred)), behavior_(behavior) {}
  void pre_tokenize(Work& w) const override {
    split_pieces(w, behavior_, false, [this](const char* s, size_t n, std::vector<Span>& spans) {
      find_char_matches(s, n, spans, pred_);
    });
  }

 private:
  Pred pred_;
  SplitBehavior behavior_;
};

template <class Pred>
std::unique_ptr<PreTokenizer> char_split(Pred pred, SplitBehavior behavior) {
  return std::make_unique<CharSplit<Pred>>(std::move(pred), behavior);
}

enum class PrependScheme { always, first, never };

class Metaspace final : public PreTokenizer {
 public:
  Metaspace(char32_t replacement, PrependScheme scheme, bool split)
      : replacement_(replacement), scheme_(scheme), split_(split) {
    utf8_append(replacement_utf8_, replacement);
  }
  void pre_tokenize(Work& w) const override {
    rewrite_pieces(w, [this](std::string_view in, const Piece& piece, std::string& out) {
      const bool starts = in.size() >= replacement_utf8_.size() &&
                          in.compare(0, replacement_utf8_.size(), replacement_utf8_) == 0;
      // A leading space becomes the replacement too, so "starts" also holds for it.
      const bool starts_after = starts || (!in.empty() && in.front() == ' ');
      const bool prepend = (scheme_ == PrependScheme::always && !starts_after) ||
                           (scheme_ == PrependScheme::first && !starts_after && piece.origin_start);
      if (prepend) out.append(replacement_utf8_);
      for (const char c : in) {
        if (c == ' ') {
          out.append(replacement_utf8_);
        } else {
          out.push_back(c);
        }
      }
    });
    if (split_) {
      const char32_t r = replacement_;
      split_pieces(w, SplitBehavior::merged_with_next, false,
                   [r](const char* s, size_t n, std::vector<Span>& spans) {
                     find_char_matches(s, n, spans, [r](char32_t c) { return c == r; });
                   });
    }
  }

 private:
  char32_t replacement_;
  std::string replacement_utf8_;
  PrependScheme scheme_;
  bool split_;
};

char32_t single_char(const JsonNode& node) {
  const std::string s = node.as_string();
  if (!s.empty()) {
    const Utf8Char c = utf8_next(s.data(), s.size(), 0);
    if (c.cp != kNotAChar && c.len == s.size()) return c.cp;
  }
  node.expected("a single character");
}

void flatten(const JsonNode& node, std::vector<JsonNode>& out) {
  if (node.is_null()) return;
  if (node.at("type").as_string() == "Sequence") {
    const JsonNode list = node.at("pretokenizers");
    for (size_t i = 0; i < list.array_size(); ++i) flatten(list.at(i), out);
    return;
  }
  out.push_back(node);
}

std::unique_ptr<PreTokenizer> make_step(const JsonNode& node, bool last) {
  const std::string type = node.at("type").as_string();
  if (type == "Split") {
    return std::make_unique<Split>(Pattern::from_json(node.at("pattern")),
                                   parse_split_behavior(node.at("behavior")), node.bool_or("invert", false));
  }
  if (type == "ByteLevel") {
    std::optional<Pattern> regex;
    if (node.bool_or("use_regex", true)) regex = Pattern::regex(kGpt2Regex, node);
    return std::make_unique<ByteLevel>(node.bool_or("add_prefix_space", true), std::move(regex), !last);
  }
  if (type == "Digits") {
    const bool individual = node.bool_or("individual_digits", false);
    return char_split([](char32_t c) { return is_numeric(c); },
                      individual ? SplitBehavior::isolated : SplitBehavior::contiguous);
  }
  if (type == "Metaspace") {
    const char32_t replacement = node.find("replacement") ? single_char(node.at("replacement")) : U'\u2581';
    PrependScheme scheme = PrependScheme::always;
    if (auto s = node.find("prepend_scheme")) {
      const std::string v = s->as_string();
      if (v == "always") {
        scheme = PrependScheme::always;
      } else if (v == "first") {
        scheme = PrependScheme::first;
      } else if (v == "never") {
        scheme = PrependScheme::never;
      } else {
        s->expected("\"always\", \"first\" or \"never\"");
      }
    } else if (auto a = node.find("add_prefix_space")) {
      scheme = a->as_bool() ? PrependScheme::always : PrependScheme::never;
    }
    return std::make_unique<Metaspace>(replacement, scheme, node.bool_or("split", true));
  }
  if (type == "Whitespace") {
    // \w+|[^\w\s]+ kept, everything else removed.
    return std::make_unique<Split>(Pattern::regex(R"(\w+|[^\w\s]+)", node), SplitBehavior::removed, true);
  }
  if (type == "WhitespaceSplit") {
    return char_split([](char32_t c) { return is_white_space(c); }, SplitBehavior::removed);
  }
  if (type == "Punctuation") {
    const auto behavior =
        node.find("behavior") ? parse_split_behavior(node.at("behavior")) : SplitBehavior::isolated;
    return char_split([](char32_t c) { return is_punctuation(c); }, behavior);
  }
  if (type == "CharDelimiterSplit") {
    const char32_t d = single_char(node.at("delimiter"));
    return char_split([d](char32_t c) { return c == d; }, SplitBehavior::removed);
  }
  node.at("type").fail("unsupported pre_tokenizer type \"" + type +
                       "\" (supported: Sequence, Split, ByteLevel, Digits, Metaspace, Whitespace, "
                       "WhitespaceSplit, Punctuation, BertPreTokenizer, CharDelimiterSplit)");
}

}  // namespace

PreTokenizerChain make_pre_tokenizer(const JsonNode& node) {
  std::vector<JsonNode> flat;
  flatten(node, flat);
  PreTokenizerChain chain;
  for (size_t i = 0; i < flat.size(); ++i) {
    const bool last = i + 1 == flat.size();
    if (flat[i].at("type").as_string() == "BertPreTokenizer") {
      chain.steps.push_back(char_split([](char32_t c) { return is_white_space(c); }, SplitBehavior::removed));
      chain.steps.push_back(
          char_split([](char32_t c) { return is_punctuation(c); }, SplitBehavior::isolated));
      continue;
    }
    chain.steps.push_back(make_step(flat[i], last));
    if (last && flat[i].at("type").as_string() == "ByteLevel") chain.bytes_left_raw = true;
  }
  return chain;
}

}  // namespace dsforge::tokenizer
