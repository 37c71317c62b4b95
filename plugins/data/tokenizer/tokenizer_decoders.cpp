// tokenizer_decoders.cpp: the decoder types and their JSON loading.
#include "tokenizer_decoders.hpp"

#include "tokenizer_byte_level.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_pattern.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

namespace {

class ByteLevel final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, bool lossy) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      if (!byte_level_unmap(t, bytes)) bytes.append(t);  // not byte-level text: its UTF-8 as is
    }
    tokens.assign(1, std::string());
    if (lossy) {
      append_utf8_lossy(tokens[0], bytes);
    } else {
      tokens[0] = std::move(bytes);
    }
  }
  bool is_byte_level() const override { return true; }
};

// "<0x41>" tokens -> bytes.
class ByteFallback final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, bool lossy) const override {
    std::vector<std::string> out;
    std::string bytes;
    const auto flush = [&] {
      if (bytes.empty()) return;
      if (!lossy || is_valid_utf8(bytes)) {
        out.push_back(bytes);
      } else {
        for (size_t i = 0; i < bytes.size(); ++i) out.emplace_back("\xEF\xBF\xBD");
      }
      bytes.clear();
    };
    for (std::string& t : tokens) {
      int value = -1;
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') value = hex_byte(t[3], t[4]);
      if (value >= 0) {
        bytes.push_back(static_cast<char>(value));
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens.swap(out);
  }

 private:
  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  static int hex_byte(char hi, char lo) {
    const int h = hex_digit(hi), l = hex_digit(lo);
    return h < 0 || l < 0 ? -1 : h * 16 + l;
  }
};

class Metaspace final : public Decoder {
 public:
  Metaspace(std::string replacement, bool strip_first)
      : replacement_(std::move(replacement)), strip_first_(strip_first) {}
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (size_t pos = 0; pos < t.size();) {
        if (t.compare(pos, replacement_.size(), replacement_) == 0) {
          if (!(i == 0 && strip_first_)) out.push_back(' ');
          pos += replacement_.size();
        } else {
          out.push_back(t[pos++]);
        }
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

class Replace final : public Decoder {
 public:
  Replace(Pattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    std::vector<Span> spans;
    for (std::string& t : tokens) {
      spans.clear();
      pattern_.find_matches(t.data(), t.size(), spans);
      std::string out;
      for (const Span& s : spans) {
        if (s.match) {
          out += content_;
        } else {
          out.append(t, s.begin, s.end - s.begin);
        }
      }
      t = std::move(out);
    }
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class Fuse final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class Strip final : public Decoder {
 public:
  Strip(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    std::vector<std::pair<size_t, Utf8Char>> chars;  // (offset, char)
    for (std::string& t : tokens) {
      chars.clear();
      for (size_t pos = 0; pos < t.size();) {
        const Utf8Char c = utf8_next(t.data(), t.size(), pos);
        chars.emplace_back(pos, c);
        pos += c.len;
      }
      size_t cut_start = 0;
      for (size_t i = 0; i < start_ && i < chars.size() && chars[i].second.cp == content_; ++i)
        cut_start = i + 1;
      size_t cut_stop = chars.size();
      for (size_t i = 0; i < stop_ && i < chars.size(); ++i) {
        const size_t index = chars.size() - i - 1;
        if (chars[index].second.cp != content_) break;
        cut_stop = index;
      }
      if (cut_stop < cut_start) cut_stop = cut_start;
      const size_t b = cut_start < chars.size() ? chars[cut_start].first : t.size();
      const size_t e = cut_stop < chars.size() ? chars[cut_stop].first : t.size();
      t = t.substr(b, e - b);
    }
  }

 private:
  char32_t content_;
  size_t start_, stop_;
};

// end_of_word_suffix -> " " (nothing after the last token).
class BpeSuffix final : public Decoder {
 public:
  explicit BpeSuffix(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens, bool) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (suffix_.empty()) continue;
      const char* with = i + 1 == tokens.size() ? "" : " ";
      std::string out;
      const std::string& t = tokens[i];
      for (size_t pos = 0;;) {
        const size_t at = t.find(suffix_, pos);
        out.append(t, pos, at == std::string::npos ? std::string::npos : at - pos);
        if (at == std::string::npos) break;
        out += with;
        pos = at + suffix_.size();
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  std::string suffix_;
};

class Sequence final : public Decoder {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  void decode_chain(std::vector<std::string>& tokens, bool lossy) const override {
    for (const auto& step : steps_) step->decode_chain(tokens, lossy);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

char32_t single_char(const JsonNode& node) {
  const std::string s = node.as_string();
  if (!s.empty()) {
    const Utf8Char c = utf8_next(s.data(), s.size(), 0);
    if (c.cp != kNotAChar && c.len == s.size()) return c.cp;
  }
  node.expected("a single character");
}

size_t count(const JsonNode& node, std::string_view key) {
  const int64_t v = node.int_or(key, 0);
  if (v < 0) node.at(key).expected("a count >= 0");
  return static_cast<size_t>(v);
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.at("type").as_string();
  if (type == "ByteLevel") return std::make_unique<ByteLevel>();
  if (type == "ByteFallback") return std::make_unique<ByteFallback>();
  if (type == "Fuse") return std::make_unique<Fuse>();
  if (type == "Replace") {
    return std::make_unique<Replace>(Pattern::from_json(node.at("pattern")), node.at("content").as_string());
  }
  if (type == "Strip")
    return std::make_unique<Strip>(single_char(node.at("content")), count(node, "start"),
                                   count(node, "stop"));
  if (type == "BPEDecoder") return std::make_unique<BpeSuffix>(node.string_or("suffix", "</w>"));
  if (type == "Metaspace") {
    const char32_t r = node.find("replacement") ? single_char(node.at("replacement")) : U'\u2581';
    std::string replacement;
    utf8_append(replacement, r);
    bool strip_first = true;
    if (auto s = node.find("prepend_scheme")) {
      strip_first = s->as_string() != "never";
    } else if (auto a = node.find("add_prefix_space")) {
      strip_first = a->as_bool();
    }
    return std::make_unique<Metaspace>(std::move(replacement), strip_first);
  }
  if (type == "Sequence") {
    const JsonNode list = node.at("decoders");
    std::vector<std::unique_ptr<Decoder>> steps;
    for (size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_decoder(list.at(i))) steps.push_back(std::move(step));
    }
    if (steps.size() == 1) return std::move(steps[0]);
    return std::make_unique<Sequence>(std::move(steps));
  }
  node.at("type").fail("unsupported decoder type \"" + type +
                       "\" (supported: ByteLevel, ByteFallback, Metaspace, Replace, Fuse, Strip, BPEDecoder, "
                       "Sequence)");
}

}  // namespace dsforge::tokenizer
