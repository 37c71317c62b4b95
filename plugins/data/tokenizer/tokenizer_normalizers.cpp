// tokenizer_normalizers.cpp: the normalizer types and their JSON loading.
#include "tokenizer_normalizers.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <vector>

#include "tokenizer_byte_level.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_pattern.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

namespace {

bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Calls f(run, valid) for the maximal well-formed runs and the ill-formed
// subparts of s, in order.
template <class F>
void for_each_run(std::string_view s, F&& f) {
  size_t run = 0;
  for (size_t pos = 0; pos < s.size();) {
    const Utf8Char c = utf8_next(s.data(), s.size(), pos);
    if (c.cp == kNotAChar) {
      if (pos > run) f(s.substr(run, pos - run), true);
      f(s.substr(pos, c.len), false);
      run = pos + c.len;
    }
    pos += c.len;
  }
  if (run < s.size()) f(s.substr(run), true);
}

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(int options) : options_(options) {}
  void normalize(std::string_view in, std::string& out) const override {
    if (is_ascii(in)) {  // every normal form leaves ASCII alone
      out.append(in);
      return;
    }
    for_each_run(in, [&](std::string_view run, bool valid) {
      utf8proc_uint8_t* result = nullptr;
      const auto n = valid ? utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                                          static_cast<utf8proc_ssize_t>(run.size()), &result,
                                          static_cast<utf8proc_option_t>(options_))
                           : -1;
      if (n < 0) {
        out.append(run);
      } else {
        out.append(reinterpret_cast<const char*>(result), static_cast<size_t>(n));
      }
      std::free(result);
    });
  }

 private:
  int options_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(std::string_view in, std::string& out) const override {
    for (size_t pos = 0; pos < in.size();) {
      const auto b = static_cast<unsigned char>(in[pos]);
      if (b < 0x80) {
        out.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
        ++pos;
        continue;
      }
      const Utf8Char c = utf8_next(in.data(), in.size(), pos);
      if (c.cp == kNotAChar) {
        out.append(in.substr(pos, c.len));
      } else if (c.cp == 0x130) {  // the one multi-character lowercase mapping
        out.append("i\xCC\x87");
      } else {
        utf8_append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c.cp))));
      }
      pos += c.len;
    }
  }
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string_view in, std::string& out) const override {
    if (!in.empty()) out.append(prefix_);
    out.append(in);
  }

 private:
  std::string prefix_;
};

class Replace final : public Normalizer {
 public:
  Replace(Pattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(std::string_view in, std::string& out) const override {
    std::vector<Span> spans;
    pattern_.find_matches(in.data(), in.size(), spans);
    for (const Span& s : spans) {
      if (s.match) {
        out.append(content_);
      } else {
        out.append(in.substr(s.begin, s.end - s.begin));
      }
    }
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string_view in, std::string& out) const override {
    size_t begin = 0, end = in.size();
    if (left_) {
      while (begin < end) {
        const Utf8Char c = utf8_next(in.data(), end, begin);
        if (c.cp == kNotAChar || !is_white_space(c.cp)) break;
        begin += c.len;
      }
    }
    if (right_) {
      size_t last = begin;  // end of the last character that is not whitespace
      for (size_t pos = begin; pos < end;) {
        const Utf8Char c = utf8_next(in.data(), end, pos);
        pos += c.len;
        if (c.cp == kNotAChar || !is_white_space(c.cp)) last = pos;
      }
      end = last;
    }
    out.append(in.substr(begin, end - begin));
  }

 private:
  bool left_, right_;
};

class StripAccents final : public Normalizer {
 public:
  void normalize(std::string_view in, std::string& out) const override {
    for (size_t pos = 0; pos < in.size();) {
      const Utf8Char c = utf8_next(in.data(), in.size(), pos);
      if (c.cp == kNotAChar || !is_combining_mark(c.cp)) out.append(in.substr(pos, c.len));
      pos += c.len;
    }
  }
};

// Every byte replaced by its GPT-2 byte-level character.
class ByteLevel final : public Normalizer {
 public:
  void normalize(std::string_view in, std::string& out) const override { byte_level_map(in, out); }
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void normalize(std::string_view in, std::string& out) const override {
    std::string a(in), b;
    for (const auto& step : steps_) {
      b.clear();
      step->normalize(a, b);
      a.swap(b);
    }
    out.append(a);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.at("type").as_string();
  if (type == "Sequence") {
    const JsonNode list = node.at("normalizers");
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_normalizer(list.at(i))) steps.push_back(std::move(step));
    }
    if (steps.empty()) return nullptr;
    if (steps.size() == 1) return std::move(steps[0]);
    return std::make_unique<Sequence>(std::move(steps));
  }
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
  if (type == "NFKC")
    return std::make_unique<UnicodeNormalizer>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
  if (type == "NFKD")
    return std::make_unique<UnicodeNormalizer>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "Prepend") return std::make_unique<Prepend>(node.at("prepend").as_string());
  if (type == "Replace") {
    return std::make_unique<Replace>(Pattern::from_json(node.at("pattern")), node.at("content").as_string());
  }
  if (type == "Strip")
    return std::make_unique<Strip>(node.bool_or("strip_left", true), node.bool_or("strip_right", true));
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "ByteLevel") return std::make_unique<ByteLevel>();
  node.at("type").fail("unsupported normalizer type \"" + type +
                       "\" (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, "
                       "StripAccents, ByteLevel)");
}

}  // namespace dsforge::tokenizer
