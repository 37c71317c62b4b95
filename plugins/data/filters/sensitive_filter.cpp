// sensitive_filter.cpp: the `sensitive_filter` transform. See
// filters_transforms.hpp and sensitive_words.hpp.
#include "common/config_get.hpp"
#include "filters_config.hpp"
#include "filters_transforms.hpp"

namespace dsforge::data {
namespace {

constexpr const char* kName = "sensitive_filter";

std::vector<std::string> read_words(const ds::Config& cfg) {
  std::vector<std::string> words;
  if (cfg.has("/words")) {
    words = cfg.strings("/words");
    for (size_t i = 0; i < words.size(); ++i)
      if (words[i].empty())
        throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                        std::string(kName) + ": words[" + std::to_string(i) + "] is empty");
  }
  const bool has_file = cfg.has("/words_file");
  if (has_file) {
    const std::string path = cfg.str("/words_file");
    const std::vector<std::string> listed =
        parse_word_list(read_setting_file(path, kName, "words_file"), path);
    if (listed.empty())
      ds::log(DS_LOG_WARN, kName, "words_file '" + path + "' lists no words");
    words.insert(words.end(), listed.begin(), listed.end());
  }
  if (words.empty() && !has_file)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    std::string(kName) + ": no words; give `words` (a list) or `words_file`");
  return words;
}

SensitiveOptions read_options(const ds::Config& cfg) {
  SensitiveOptions opt;
  opt.ignore_case = boolean_or(cfg, "/ignore_case", opt.ignore_case);
  opt.whole_words = boolean_or(cfg, "/whole_words", opt.whole_words);
  opt.mask_char = string_or(cfg, "/mask_char", opt.mask_char);
  if (opt.mask_char.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string(kName) + ": mask_char must not be empty");
  return opt;
}

}  // namespace

SensitiveFilter::SensitiveFilter(const ds::Config& cfg)
    : action_(choice_or(cfg, kName, "/action", "drop", {"drop", "mask"}) == "mask" ? Action::mask
                                                                                   : Action::drop),
      matcher_(read_words(cfg), read_options(cfg)) {}

void SensitiveFilter::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    ++records_;
    const std::string_view text = ds::view(r.text);
    const std::vector<AhoCorasick::Match> found = matcher_.find(text);
    if (found.empty()) {
      out.push(r);
      continue;
    }
    ++matched_records_;
    matches_ += found.size();
    if (action_ == Action::drop)
      out.drop("sensitive");
    else
      out.push_changed(r, matcher_.mask(text, found));
  }
}

void SensitiveFilter::flush(ds::BatchWriter&) {
  ds::log(DS_LOG_INFO, kName,
          std::to_string(matches_) + " matches of " + std::to_string(matcher_.word_count()) +
              " words in " + std::to_string(matched_records_) + " of " + std::to_string(records_) +
              " records (" + (action_ == Action::drop ? "dropped" : "masked") + ")");
}

}  // namespace dsforge::data
