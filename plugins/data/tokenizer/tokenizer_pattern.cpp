// tokenizer_pattern.cpp: Oniguruma-to-PCRE2 translation, compiling, matching.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer_pattern.hpp"

#include <pcre2.h>

#include <stdexcept>

#include "tokenizer_json.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

struct Pattern::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

namespace {

// Oniguruma's \s: the White_Space property, written out (no literal space, so
// an (?x) pattern keeps it).
constexpr const char* kSpaceSet =
    "\\t\\n\\x{0B}\\f\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
    "\\x{202F}\\x{205F}\\x{3000}";
constexpr const char* kWordSet = "\\w\\p{M}\\p{Pc}";
constexpr const char* kHexSet = "0-9a-fA-F";

// Per-thread match state: PCRE2 match data (one pair is enough: we read only
// the whole match) and a JIT stack larger than the 32 KiB default.
struct MatchState {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* stack = nullptr;
  MatchState() {
    data = pcre2_match_data_create(1, nullptr);
    context = pcre2_match_context_create(nullptr);
    stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, nullptr);
    if (!data || !context) throw std::bad_alloc();
    if (stack) pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~MatchState() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
  }
  MatchState(const MatchState&) = delete;
  MatchState& operator=(const MatchState&) = delete;
};

MatchState& match_state() {
  thread_local MatchState state;
  return state;
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0) return "error " + std::to_string(code);
  return reinterpret_cast<const char*>(buffer);
}

}  // namespace

std::string translate_oniguruma(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 16);
  int depth = 0;  // character-class nesting (Oniguruma allows [a[b]])
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char d = p[i + 1];
      const bool in_class = depth > 0;
      ++i;
      switch (d) {
        case 's':
          out += in_class ? kSpaceSet : std::string("[") + kSpaceSet + "]";
          continue;
        case 'S':
          if (!in_class) {
            out += std::string("[^") + kSpaceSet + "]";
            continue;
          }
          break;
        case 'w':
          out += in_class ? kWordSet : std::string("[") + kWordSet + "]";
          continue;
        case 'W':
          if (!in_class) {
            out += std::string("[^") + kWordSet + "]";
            continue;
          }
          break;
        case 'h':
          out += in_class ? kHexSet : std::string("[") + kHexSet + "]";
          continue;
        case 'H':
          if (!in_class) {
            out += std::string("[^") + kHexSet + "]";
            continue;
          }
          break;
        default:
          break;
      }
      out += c;
      out += d;
      continue;
    }
    if (c == '[') {
      if (depth > 0 && i + 1 < p.size() && p[i + 1] == ':') {
        // POSIX class [:alpha:] inside a class: copy through ":]".
        const size_t close = p.find(":]", i + 2);
        if (close != std::string_view::npos) {
          out.append(p.substr(i, close + 2 - i));
          i = close + 1;
          continue;
        }
      }
      ++depth;
      out += c;
      // A ']' right after '[' or '[^' is a literal.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == ']' && depth > 0) --depth;
    out += c;
  }
  return out;
}

Pattern Pattern::regex(std::string_view pattern, const JsonNode& where) {
  const std::string translated = translate_oniguruma(pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_MATCH_INVALID_UTF;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   options, &error, &offset, nullptr);
  if (!code) {
    where.fail("invalid regex " + json_preview(nlohmann::json(std::string(pattern))) + ": " +
               pcre2_message(error) + " (at offset " + std::to_string(offset) + " of the PCRE2 form \"" +
               translated + "\")");
  }
  auto compiled = std::make_shared<Code>();
  compiled->code = code;
  compiled->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  Pattern result;
  result.code_ = std::move(compiled);
  return result;
}

Pattern Pattern::literal(std::string text) {
  Pattern result;
  result.literal_ = std::move(text);
  return result;
}

Pattern Pattern::from_json(const JsonNode& node) {
  if (node.is_object()) {
    if (auto r = node.find("Regex")) return regex(r->as_string(), *r);
    if (auto s = node.find("String")) return literal(s->as_string());
  }
  node.expected("{\"Regex\": \"...\"} or {\"String\": \"...\"}");
}

bool Pattern::find_at(const char* s, size_t n, size_t from, size_t* mb, size_t* me) const {
  if (!code_) {
    const size_t at = std::string_view(s, n).find(literal_, from);
    if (at == std::string_view::npos) return false;
    *mb = at;
    *me = at + literal_.size();
    return true;
  }
  MatchState& st = match_state();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(s);
  int rc = code_->jit ? pcre2_jit_match(code_->code, subject, n, from, 0, st.data, st.context)
                      : pcre2_match(code_->code, subject, n, from, 0, st.data, st.context);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
    rc = pcre2_match(code_->code, subject, n, from, PCRE2_NO_JIT, st.data, st.context);
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) throw std::runtime_error("regex match failed: " + pcre2_message(rc));
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(st.data);
  *mb = ov[0];
  *me = ov[1];
  return true;
}

void Pattern::find_matches(const char* s, size_t n, std::vector<Span>& out) const {
  if (n == 0) {
    out.push_back({0, 0, false});
    return;
  }
  size_t prev = 0;       // end of the last match (start of the next gap)
  size_t search = 0;     // where the next search starts
  bool matched = false;  // whether any match was accepted yet
  size_t last_end = 0;   // end of the last accepted match
  size_t mb = 0, me = 0;
  while (search <= n && find_at(s, n, search, &mb, &me)) {
    if (mb == me && matched && last_end == me) {
      // An empty match right after a match: move one character on.
      search += search < n ? utf8_next(s, n, search).len : 1;
      continue;
    }
    search = me;
    matched = true;
    last_end = me;
    if (prev != mb) out.push_back({static_cast<uint32_t>(prev), static_cast<uint32_t>(mb), false});
    out.push_back({static_cast<uint32_t>(mb), static_cast<uint32_t>(me), true});
    prev = me;
  }
  if (prev != n) out.push_back({static_cast<uint32_t>(prev), static_cast<uint32_t>(n), false});
}

}  // namespace dsforge::tokenizer
