// json_scan.cpp: a structural JSON scanner (RFC 8259 grammar, values
// skipped rather than built). See json_scan.hpp.
#include "json_scan.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

constexpr int kMaxDepth = 512;  // deeper documents are refused, not a stack overflow

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
  }

  size_t pos() const { return i_; }
  bool at_end() {
    skip_ws();
    return i_ >= s_.size();
  }
  char peek() {
    skip_ws();
    return i_ < s_.size() ? s_[i_] : '\0';
  }

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    int64_t line = 1;
    size_t line_start = 0;
    for (size_t k = 0; k < at && k < s_.size(); ++k)
      if (s_[k] == '\n') ++line, line_start = k + 1;
    throw ds::Error(DS_ERR_BAD_DATA, "line " + std::to_string(line) + ", column " +
                                         std::to_string(at - line_start + 1) + ": " + what);
  }

  void expect(char c, const char* what) {
    if (peek() != c) fail(i_, std::string("expected ") + what + found());
    ++i_;
  }

  // A string at the current position; returns its decoded value when
  // `decode`, else "".
  std::string string_value(bool decode) {
    skip_ws();
    const size_t start = i_;
    if (i_ >= s_.size() || s_[i_] != '"') fail(i_, "expected a string" + found());
    ++i_;
    for (;;) {
      if (i_ >= s_.size()) fail(start, "unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') break;
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c < 0x20) fail(i_, "control character in a string (escape it)");
      ++i_;
    }
    ++i_;
    if (!decode) return {};
    try {
      return nlohmann::json::parse(s_.substr(start, i_ - start)).get<std::string>();
    } catch (const nlohmann::json::exception&) {
      fail(start, "bad escape in a string");
    }
  }

  // Skips one value of any kind.
  void skip_value(int depth = 0) {
    if (depth > kMaxDepth) fail(i_, "nesting deeper than " + std::to_string(kMaxDepth));
    const char c = peek();
    if (c == '{') {
      ++i_;
      if (peek() == '}') {
        ++i_;
        return;
      }
      for (;;) {
        string_value(false);
        expect(':', "':'");
        skip_value(depth + 1);
        const char next = peek();
        ++i_;
        if (next == '}') return;
        if (next != ',') fail(i_ - 1, std::string("expected ',' or '}'") + found(i_ - 1));
      }
    }
    if (c == '[') {
      ++i_;
      if (peek() == ']') {
        ++i_;
        return;
      }
      for (;;) {
        skip_value(depth + 1);
        const char next = peek();
        ++i_;
        if (next == ']') return;
        if (next != ',') fail(i_ - 1, std::string("expected ',' or ']'") + found(i_ - 1));
      }
    }
    if (c == '"') {
      string_value(false);
      return;
    }
    // A number or a literal: the element parse checks it exactly.
    const size_t start = i_;
    while (i_ < s_.size() && std::string_view("+-.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").find(s_[i_]) != std::string_view::npos)
      ++i_;
    if (i_ == start) fail(i_, "expected a value" + found());
  }

  // Elements of the array at the current position.
  std::vector<JsonElement> array_elements() {
    std::vector<JsonElement> out;
    expect('[', "'['");
    if (peek() == ']') {
      ++i_;
      return out;
    }
    for (;;) {
      skip_ws();
      JsonElement e;
      e.begin = i_;
      skip_value(1);
      e.end = i_;
      out.push_back(e);
      const char next = peek();
      ++i_;
      if (next == ']') return out;
      if (next != ',') fail(i_ - 1, std::string("expected ',' or ']'") + found(i_ - 1));
    }
  }

 private:
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  std::string found() { return found(i_); }
  std::string found(size_t at) const {
    if (at >= s_.size()) return ", got the end of the file";
    const auto c = static_cast<unsigned char>(s_[at]);
    if (c >= 0x20 && c < 0x7F) return std::string(", got '") + s_[at] + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, ", got byte 0x%02x", c);
    return buf;
  }

  std::string_view s_;
  size_t i_ = 0;
};

void number_lines(std::string_view text, std::vector<JsonElement>& elements) {
  int64_t line = 1;
  size_t pos = 0;
  for (JsonElement& e : elements) {
    for (; pos < e.begin; ++pos)
      if (text[pos] == '\n') ++line;
    e.line = line;
  }
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<JsonElement> locate_json_array(std::string_view text, const std::string& key) {
  Scanner sc(text);
  std::vector<JsonElement> elements;
  const char first = sc.peek();
  if (first == '[') {
    if (!key.empty())
      throw ds::Error(DS_ERR_BAD_DATA, "key \"" + key +
                                           "\" is set but the top level is an array; "
                                           "remove `key` to read it");
    elements = sc.array_elements();
  } else if (first == '{') {
    std::vector<std::string> keys, array_keys;
    bool found = false;
    sc.expect('{', "'{'");
    if (sc.peek() == '}') {
      sc.expect('}', "'}'");
    } else {
      for (;;) {
        const std::string name = sc.string_value(true);
        sc.expect(':', "':'");
        keys.push_back(name);
        const bool is_array = sc.peek() == '[';
        if (is_array) array_keys.push_back(name);
        if (!key.empty() && name == key && !found) {
          if (!is_array) {
            const char c = sc.peek();
            const char* type = c == '{'   ? "an object"
                               : c == '"' ? "a string"
                                          : "a scalar";
            throw ds::Error(DS_ERR_BAD_DATA,
                            "\"" + key + "\" holds " + type + ", expected an array of objects");
          }
          elements = sc.array_elements();
          found = true;
        } else {
          sc.skip_value(1);
        }
        const char next = sc.peek();
        if (next == '}') {
          sc.expect('}', "'}'");
          break;
        }
        sc.expect(',', "',' or '}'");
      }
    }
    if (key.empty())
      throw ds::Error(DS_ERR_BAD_DATA,
                      "the top level is an object; set `key` to the member holding the array "
                      "(members holding arrays: " + quoted_list(array_keys) + ")");
    if (!found)
      throw ds::Error(DS_ERR_BAD_DATA, "no key \"" + key + "\" at the top level (keys: " +
                                           quoted_list(keys) + ")");
  } else if (sc.at_end()) {
    throw ds::Error(DS_ERR_BAD_DATA, "the file is empty; expected a JSON array or object");
  } else {
    sc.fail(sc.pos(), "expected a JSON array or object at the top level");
  }
  if (!sc.at_end()) sc.fail(sc.pos(), "unexpected content after the top-level value");
  number_lines(text, elements);
  return elements;
}

}  // namespace dsforge::data
