// augment_text.cpp: punctuation noise, synonyms, templates. See
// augment_text.hpp.
#include "augment_text.hpp"

#include <algorithm>

#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

constexpr std::string_view kAsciiMarks[] = {",", ".", "!", "?", ";", ":"};
constexpr std::string_view kWideMarks[] = {"，", "。", "！", "？", "、", "；", "："};
constexpr char32_t kWideMarkPoints[] = {0xFF0C, 0x3002, 0xFF01, 0xFF1F, 0x3001, 0xFF1B, 0xFF1A};

bool is_ascii_mark(char32_t cp) {
  return cp == ',' || cp == '.' || cp == '!' || cp == '?' || cp == ';' || cp == ':';
}

bool is_wide_mark(char32_t cp) {
  return std::find(std::begin(kWideMarkPoints), std::end(kWideMarkPoints), cp) !=
         std::end(kWideMarkPoints);
}

bool is_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

// Punctuation of any script (ASCII, general, CJK, full-width): what a mark
// must not be inserted before, and what a Latin word's edges are trimmed of.
bool is_punct(char32_t cp) {
  if (cp < 0x80)
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
           (cp >= 0x7B && cp <= 0x7E);
  return (cp >= 0x2000 && cp <= 0x206F && !is_unicode_space(cp)) ||  // general punctuation
         (cp >= 0x3001 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) ||  // CJK marks, brackets
         cp == 0x3030 || cp == 0x303D || cp == 0x30FB ||                       // wavy dash, masu, nakaguro
         (cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE6F) ||   // vertical, small forms
         (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||   // full-width ASCII punct
         (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

// A code point of the text with where its bytes are. Ill-formed bytes
// become U+FFFD here but are copied through unchanged.
struct CodePoint {
  char32_t cp;
  size_t pos;
  size_t len;
};

std::vector<CodePoint> decode_all(std::string_view s) {
  std::vector<CodePoint> out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) {
    const Utf8Step step = utf8_decode(s, pos);
    out.push_back(CodePoint{step.ok ? step.code_point : 0xFFFD, pos, step.length});
    pos += step.length;
  }
  return out;
}

CodePoint decode_at(std::string_view s, size_t pos) {
  const Utf8Step step = utf8_decode(s, pos);
  return CodePoint{step.ok ? step.code_point : 0xFFFD, pos, step.length};
}

bool is_word_char(char32_t cp) {
  return cp >= 0x20 && cp != 0x7F && cp != 0xFFFD && !is_unicode_space(cp) && !is_punct(cp);
}

// Whether a mark may go right after cps[i].
bool insertable_after(const std::vector<CodePoint>& cps, size_t i) {
  const char32_t c = cps[i].cp;
  if (!is_word_char(c)) return false;
  const bool last = i + 1 == cps.size();
  const char32_t next = last ? 0 : cps[i + 1].cp;
  if (is_cjk_letter(c)) return last || !is_punct(next);
  return last || is_unicode_space(next) || is_cjk_letter(next);
}

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits s on any of `seps`.
std::vector<std::string_view> split_any(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = s.find_first_of(seps);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

bool is_cjk_letter(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) ||    // Hangul Jamo
         (cp >= 0x2E80 && cp <= 0x2FDF) ||    // CJK and Kangxi radicals
         (cp >= 0x3005 && cp <= 0x3007) ||    // 々 〆 〇
         (cp >= 0x3040 && cp <= 0x30FA) ||    // hiragana, katakana (not ・)
         (cp >= 0x30FC && cp <= 0x30FF) ||    // ー and katakana digraphs
         (cp >= 0x3100 && cp <= 0x31BF) ||    // bopomofo, Hangul compatibility jamo
         (cp >= 0x31F0 && cp <= 0x31FF) ||    // katakana extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK unified ideographs
         (cp >= 0xA960 && cp <= 0xA97F) ||    // Hangul Jamo extended A
         (cp >= 0xAC00 && cp <= 0xD7FF) ||    // Hangul syllables, Jamo extended B
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFF9F) ||    // half-width katakana
         (cp >= 0x20000 && cp <= 0x3FFFF);    // CJK extensions B and later
}

// ---------------------------------------------------------------- noise

std::string punctuation_noise(std::string_view text, const NoiseOptions& options, Rng& rng,
                              EditCount* count) {
  EditCount local;
  EditCount& n = count != nullptr ? *count : local;
  const bool may_insert = options.mode != NoiseMode::remove;
  const bool may_delete = options.mode != NoiseMode::insert;
  const std::vector<CodePoint> cps = decode_all(text);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < cps.size(); ++i) {
    const CodePoint& c = cps[i];
    if (may_delete) {
      const char32_t prev = i > 0 ? cps[i - 1].cp : 0;
      const char32_t next = i + 1 < cps.size() ? cps[i + 1].cp : 0;
      const bool deletable =
          is_wide_mark(c.cp) || (is_ascii_mark(c.cp) && !(is_digit(prev) && is_digit(next)));
      if (deletable) {
        ++n.eligible;
        if (rng.chance(options.rate)) {
          ++n.changed;
          continue;
        }
      }
    }
    out.append(text.data() + c.pos, c.len);
    if (may_insert && insertable_after(cps, i)) {
      ++n.eligible;
      if (rng.chance(options.rate)) {
        ++n.changed;
        if (is_cjk_letter(c.cp))
          out += kWideMarks[rng.below(std::size(kWideMarks))];
        else
          out += kAsciiMarks[rng.below(std::size(kAsciiMarks))];
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- synonyms

void SynonymTable::add(const std::string& word, const std::vector<std::string>& synonyms) {
  if (built_) throw ds::Error(DS_ERR_INTERNAL, "SynonymTable::add after build()");
  if (word.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "empty word in synonym table");
  auto [it, fresh] = index_.emplace(word, static_cast<uint32_t>(synonyms_.size()));
  if (fresh) synonyms_.emplace_back();
  std::vector<std::string>& list = synonyms_[it->second];
  for (const std::string& s : synonyms) {
    if (s.empty())
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "empty synonym for \"" + word + "\"");
    if (s != word && std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
  }
}

void SynonymTable::parse(std::string_view content, const std::string& origin) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  int64_t line_no = 0;
  while (!content.empty()) {
    const size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_no;
    const std::string where = origin + ":" + std::to_string(line_no) + ": ";
    if (const std::optional<size_t> bad = first_invalid_utf8(line))
      throw ds::Error(DS_ERR_BAD_DATA, where + describe_invalid_utf8(line, *bad));
    line = trim_ascii(line);
    if (line.empty() || line.front() == '#') continue;
    const std::string_view seps = line.find('\t') != std::string_view::npos ? "\t" : ",";
    const size_t cut = line.find_first_of(seps);
    if (cut == std::string_view::npos)
      throw ds::Error(DS_ERR_BAD_DATA,
                      where + "expected \"word<TAB>synonym1|synonym2\" (or a comma), got \"" +
                          std::string(line) + "\"");
    const std::string word(trim_ascii(line.substr(0, cut)));
    std::vector<std::string> synonyms;
    for (std::string_view s : split_any(line.substr(cut + 1), std::string(seps) + "|")) {
      s = trim_ascii(s);
      if (!s.empty()) synonyms.emplace_back(s);
    }
    if (word.empty()) throw ds::Error(DS_ERR_BAD_DATA, where + "empty word before the separator");
    if (synonyms.empty())
      throw ds::Error(DS_ERR_BAD_DATA, where + "no synonyms for \"" + word + "\"");
    add(word, synonyms);
  }
}

void SynonymTable::build() {
  if (built_) return;
  for (const auto& [word, entry] : index_) {
    if (synonyms_[entry].empty() || !is_cjk_letter(decode_at(word, 0).cp)) continue;
    const uint32_t id = cjk_.add(word);
    if (id == cjk_entry_.size()) cjk_entry_.push_back(entry);
  }
  cjk_.build();
  built_ = true;
}

const std::vector<std::string>* SynonymTable::find(const std::string& word) const {
  const auto it = index_.find(word);
  return it == index_.end() ? nullptr : &synonyms_[it->second];
}

std::string SynonymTable::replace(std::string_view text, double rate, Rng& rng,
                                  EditCount* count) const {
  if (!built_) throw ds::Error(DS_ERR_INTERNAL, "SynonymTable used before build()");
  EditCount local;
  EditCount& n = count != nullptr ? *count : local;
  auto choose = [&](const std::vector<std::string>& list) -> const std::string* {
    if (list.empty()) return nullptr;
    ++n.eligible;
    if (!rng.chance(rate)) return nullptr;
    ++n.changed;
    return &list[rng.below(list.size())];
  };
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  size_t pos = 0;
  while (pos < text.size()) {
    const CodePoint c = decode_at(text, pos);
    if (is_cjk_letter(c.cp)) {
      // Forward maximum matching: the longest dictionary word starting here.
      const AhoCorasick::Match m = cjk_.longest_at(text, pos);
      if (m.pattern == AhoCorasick::kNone) {
        out.append(text.data() + pos, c.len);
        pos += c.len;
        continue;
      }
      const std::string* synonym = choose(synonyms_[cjk_entry_[m.pattern]]);
      if (synonym != nullptr)
        out += *synonym;
      else
        out.append(text.data() + m.begin, m.end - m.begin);
      pos = m.end;
      continue;
    }
    if (!is_word_char(c.cp) && !is_punct(c.cp)) {  // whitespace, controls, bad bytes
      out.append(text.data() + pos, c.len);
      pos += c.len;
      continue;
    }
    // A Latin word: up to whitespace or CJK; its edge punctuation set aside.
    size_t end = pos;
    size_t core_begin = std::string_view::npos, core_end = pos;
    while (end < text.size()) {
      const CodePoint d = decode_at(text, end);
      if (is_unicode_space(d.cp) || is_cjk_letter(d.cp) || d.cp < 0x20) break;
      if (!is_punct(d.cp)) {
        if (core_begin == std::string_view::npos) core_begin = end;
        core_end = end + d.len;
      }
      end += d.len;
    }
    if (core_begin == std::string_view::npos) {  // punctuation only
      out.append(text.data() + pos, end - pos);
      pos = end;
      continue;
    }
    const std::string core(text.substr(core_begin, core_end - core_begin));
    const auto it = index_.find(core);
    const std::string* synonym = it == index_.end() ? nullptr : choose(synonyms_[it->second]);
    out.append(text.data() + pos, core_begin - pos);
    out += synonym != nullptr ? *synonym : core;
    out.append(text.data() + core_end, end - core_end);
    pos = end;
  }
  return out;
}

// ---------------------------------------------------------------- augment

std::string augment_text(std::string_view text, const nlohmann::ordered_json* meta,
                         uint64_t position, const AugmentOptions& options, AugmentStats* stats) {
  AugmentStats local;
  AugmentStats& st = stats != nullptr ? *stats : local;
  const uint64_t record_seed = seed_of(options.seed, position);
  std::string s(text);
  if (!options.synonyms.empty() && options.synonym_rate > 0) {
    Rng rng(seed_of(record_seed, 1));
    s = options.synonyms.replace(s, options.synonym_rate, rng, &st.synonyms);
  }
  if (options.noise) {
    Rng rng(seed_of(record_seed, 2));
    s = punctuation_noise(s, *options.noise, rng, &st.noise);
  }
  if (!options.templates.empty()) {
    static const nlohmann::ordered_json kNoMeta = nlohmann::ordered_json::object();
    const nlohmann::ordered_json& fields = meta != nullptr ? *meta : kNoMeta;
    auto lookup = [&](const std::string& name) -> std::optional<std::string> {
      if (name == "text") return s;
      return json_field_text(fields, name);
    };
    std::vector<size_t> usable;
    for (size_t i = 0; i < options.templates.size(); ++i) {
      bool ok = true;
      for (const std::string& f : options.templates[i].fields()) ok = ok && lookup(f).has_value();
      if (ok) usable.push_back(i);
    }
    if (usable.empty()) {
      ++st.no_template;
    } else {
      Rng rng(seed_of(record_seed, 3));
      const FieldTemplate& t = options.templates[usable[rng.below(usable.size())]];
      s = *t.render(lookup);
      ++st.templated;
    }
  }
  return s;
}

}  // namespace dsforge::data
