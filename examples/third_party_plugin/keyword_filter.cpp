// keyword_filter.cpp: an example third-party transform. Keeps (or drops) the
// records that contain any of a list of keywords. Matching is on UTF-8 bytes,
// so Chinese keywords work as they are; `ignore_case` folds ASCII only.
#include <dsforge/dsforge.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace {

const char* kSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["keywords"],
  "properties": {
    "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                 "description": "match any of these substrings"},
    "mode": {"enum": ["keep", "drop"], "default": "keep",
             "description": "keep matching records, or drop them"},
    "ignore_case": {"type": "boolean", "default": false, "description": "fold ASCII letters"}
  }
})";

std::string fold(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class KeywordFilter {
 public:
  explicit KeywordFilter(const ds::Config& cfg)
      : keywords_(cfg.strings("/keywords")),
        keep_(cfg.str("/mode") == "keep"),
        ignore_case_(cfg.boolean("/ignore_case")) {
    if (ignore_case_) {
      for (auto& k : keywords_) k = fold(k);
    }
  }

  void process(const ds_record_batch& in, ds::BatchWriter& out) {
    for (size_t i = 0; i < in.count; ++i) {
      const ds_record& r = in.records[i];
      if (matches(ds::view(r.text)) == keep_) {
        out.push(r);
      } else {
        out.drop(keep_ ? "no_keyword" : "keyword");
      }
    }
  }


 private:
  bool matches(std::string_view text) const {
    std::string folded;
    if (ignore_case_) {
      folded = fold(std::string(text));
      text = folded;
    }
    for (const auto& k : keywords_) {
      if (text.find(k) != std::string_view::npos) return true;
    }
    return false;
  }

  std::vector<std::string> keywords_;
  bool keep_;
  bool ignore_case_;
};

}  // namespace

DSFORGE_PLUGIN("acme-keyword-filter", "1.0.0", "Apache-2.0",
               ds::transform<KeywordFilter>("keyword_filter", "1.0.0",
                                            "keep or drop records containing any keyword", kSchema))
