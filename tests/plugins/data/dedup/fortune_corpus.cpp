// fortune_corpus.cpp: reading fortunes, making originals, planting copies.
#include "fortune_corpus.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/utf8.hpp"
#include "dedup_text.hpp"

namespace dedup_test {

using dsforge::data::dedup::SplitMix64;
using dsforge::data::dedup::ShingleOptions;
namespace dd = dsforge::data::dedup;

namespace {

// Drops ESC [ ... final-byte sequences (the colour codes of the Chinese
// file) and any other lone ESC.
std::string strip_escapes(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\x1b') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '[') {
      size_t j = i + 2;
      while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) ++j;
      i = j;  // the final byte (or the end)
    }
  }
  return out;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

template <class T>
void shuffle(std::vector<T>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// Code points as separate strings (valid UTF-8 assumed; bad bytes kept alone).
std::vector<std::string> split_chars(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t len = dsforge::data::utf8_decode(s, pos).length;
    out.push_back(s.substr(pos, len));
    pos += len;
  }
  return out;
}

bool editable_char(const std::string& c) {
  const auto step = dsforge::data::utf8_decode(c, 0);
  return step.ok && dd::is_word_char(step.code_point);
}

size_t word_chars(const std::string& s) {
  size_t n = 0;
  for (const std::string& c : split_chars(s)) n += editable_char(c);
  return n;
}

std::string fresh_word(SplitMix64& rng) {
  std::string w = "q";
  for (int i = 0; i < 8; ++i) w.push_back(static_cast<char>('a' + rng.below(26)));
  return w;
}

std::string fresh_han(SplitMix64& rng) {
  std::string out;
  dsforge::data::utf8_append(out, char32_t(0x4E00 + rng.below(0x9FA5 - 0x4E00)));
  return out;
}

std::vector<uint64_t> shingle_set(const std::string& text, const ShingleOptions& opt) {
  dd::Tokens scratch;
  std::vector<uint64_t> out;
  dd::shingle_hashes(text, opt, scratch, out);
  return out;
}

}  // namespace

std::string fortune_path(const std::string& name) {
  const char* dir = std::getenv("DSFORGE_FORTUNES_DIR");
  return std::string(dir && *dir ? dir : "/usr/share/games/fortunes") + "/" + name;
}

std::vector<std::string> read_fortunes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  if (!in) return out;
  std::string line, entry;
  auto finish = [&] {
    std::string t = trim(strip_escapes(entry));
    if (!t.empty()) out.push_back(std::move(t));
    entry.clear();
  };
  while (std::getline(in, line)) {
    if (line == "%") {
      finish();
    } else {
      entry += line;
      entry.push_back('\n');
    }
  }
  finish();
  return out;
}

std::string edit_to_target(const std::string& original, Lang lang, double target,
                           const ShingleOptions& shingle, SplitMix64& rng, double* reached) {
  const bool english = lang == Lang::english;
  std::vector<std::string> tokens = english ? split_words(original) : split_chars(original);
  const std::vector<uint64_t> base = shingle_set(original, shingle);
  auto join = [&] {
    std::string s;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (english && i > 0) s.push_back(' ');
      s += tokens[i];
    }
    return s;
  };
  // Untouched text for target 1: the copy is byte-identical.
  std::string text = original;
  double j = dd::jaccard(base, shingle_set(text, shingle));
  std::vector<size_t> editable;
  while (j > target) {
    editable.clear();
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (english || editable_char(tokens[i])) editable.push_back(i);
    }
    if (editable.empty()) break;
    const size_t at = editable[rng.below(editable.size())];
    if (rng.below(2) == 0) {
      tokens[at] = english ? fresh_word(rng) : fresh_han(rng);
    } else {
      tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(at));
    }
    text = join();
    j = dd::jaccard(base, shingle_set(text, shingle));
  }
  if (reached != nullptr) *reached = j;
  return text;
}

void plant(const std::vector<std::string>& fortunes, Lang lang, const PlantOptions& opt,
           PlantedCorpus& out) {
  SplitMix64 rng(opt.seed * 0x9E3779B97F4A7C15ULL + (lang == Lang::english ? 1 : 2));
  std::vector<size_t> order(fortunes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  shuffle(order, rng);

  // Originals.
  std::vector<std::string> originals;
  std::vector<std::vector<uint64_t>> sets;
  auto accept = [&](std::string doc) {
    std::vector<uint64_t> set = shingle_set(doc, opt.shingle);
    if (opt.max_original_jaccard >= 0) {
      for (const auto& other : sets) {
        if (dd::jaccard(set, other) > opt.max_original_jaccard) return;
      }
      sets.push_back(std::move(set));
    }
    originals.push_back(std::move(doc));
  };
  if (lang == Lang::english) {
    std::string doc;
    size_t words = 0;
    for (size_t k = 0; k < order.size() && originals.size() < opt.originals; ++k) {
      doc += (doc.empty() ? "" : "\n") + fortunes[order[k]];
      words += split_words(fortunes[order[k]]).size();
      if (words >= opt.min_tokens) {
        accept(std::move(doc));
        doc.clear();
        words = 0;
      }
    }
  } else {
    for (size_t k = 0; k < order.size() && originals.size() < opt.originals; ++k) {
      const std::string& f = fortunes[order[k]];
      const size_t n = word_chars(f);
      if (n >= opt.min_tokens && n <= opt.max_tokens) accept(f);
    }
  }

  // Copies.
  struct Copy {
    size_t original;
    std::string text;
    double target, reached;
  };
  std::vector<Copy> copies;
  size_t round = 0;
  for (size_t i = 0; i < originals.size(); ++i) {
    for (size_t c = 0; c < opt.copies; ++c) {
      const double target = opt.targets[round++ % opt.targets.size()];
      double reached = 0;
      std::string text = edit_to_target(originals[i], lang, target, opt.shingle, rng, &reached);
      copies.push_back({i, std::move(text), target, reached});
    }
  }

  // Layout.
  const size_t first = out.docs.size();
  if (opt.shuffle_copies) {
    for (const std::string& o : originals) {
      out.docs.push_back(o);
      out.lang.push_back(lang);
    }
    shuffle(copies, rng);
    for (Copy& c : copies) {
      out.pairs.push_back({first + c.original, out.docs.size(), c.target, c.reached});
      out.docs.push_back(std::move(c.text));
      out.lang.push_back(lang);
    }
  } else {
    size_t k = 0;
    for (size_t i = 0; i < originals.size(); ++i) {
      const size_t at = out.docs.size();
      out.docs.push_back(originals[i]);
      out.lang.push_back(lang);
      for (; k < copies.size() && copies[k].original == i; ++k) {
        out.pairs.push_back({at, out.docs.size(), copies[k].target, copies[k].reached});
        out.docs.push_back(std::move(copies[k].text));
        out.lang.push_back(lang);
      }
    }
  }
}

}  // namespace dedup_test
