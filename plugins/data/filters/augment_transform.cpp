// augment_transform.cpp: the `augment` transform. See filters_transforms.hpp
// and augment_text.hpp.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/config_get.hpp"
#include "filters_config.hpp"
#include "filters_transforms.hpp"
#include "record_meta.hpp"

namespace dsforge::data {
namespace {

constexpr const char* kName = "augment";

// Inline `synonyms = { "快乐" = ["高兴", "开心"], big = "large|huge" }`. Its
// keys are the user's words, which the config getters cannot list, so the
// table is read from the whole config's JSON.
void read_inline_synonyms(const ds::Config& cfg, SynonymTable& table) {
  const nlohmann::json all = nlohmann::json::parse(cfg.json());
  const auto it = all.find("synonyms");
  if (it == all.end()) return;
  if (!it->is_object())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    std::string(kName) + ": synonyms must be a table of word = [synonyms]");
  for (const auto& [word, value] : it->items()) {
    std::vector<std::string> list;
    const std::string where = std::string(kName) + ": synonyms.\"" + word + "\"";
    if (value.is_string()) {
      std::string s = value.get<std::string>();
      for (size_t start = 0;;) {
        const size_t bar = s.find('|', start);
        list.push_back(s.substr(start, bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    } else if (value.is_array()) {
      for (const auto& v : value) {
        if (!v.is_string())
          throw ds::Error(DS_ERR_INVALID_ARGUMENT, where + ": expected strings, got " +
                                                       std::string(v.type_name()));
        list.push_back(v.get<std::string>());
      }
    } else {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                      where + ": expected a list of strings or \"a|b\", got " +
                          std::string(value.type_name()));
    }
    for (const std::string& s : list)
      if (s.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, where + ": empty synonym");
    if (list.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, where + ": no synonyms");
    table.add(word, list);
  }
}

AugmentOptions read_options(const ds::Config& cfg) {
  AugmentOptions opt;
  opt.seed = static_cast<uint64_t>(integer_or(cfg, "/seed", 0));
  if (cfg.has("/punctuation_noise")) {
    NoiseOptions noise;
    noise.rate = number_in(cfg, kName, "/punctuation_noise/rate", noise.rate, 0.0, 1.0);
    const std::string mode =
        choice_or(cfg, kName, "/punctuation_noise/mode", "insert", {"insert", "delete", "both"});
    noise.mode = mode == "delete" ? NoiseMode::remove
                 : mode == "both" ? NoiseMode::both
                                  : NoiseMode::insert;
    opt.noise = noise;
  }
  if (cfg.has("/synonyms_file")) {
    const std::string path = cfg.str("/synonyms_file");
    opt.synonyms.parse(read_setting_file(path, kName, "synonyms_file"), path);
  }
  read_inline_synonyms(cfg, opt.synonyms);
  opt.synonyms.build();
  opt.synonym_rate = number_in(cfg, kName, "/synonym_rate", opt.synonym_rate, 0.0, 1.0);
  if (cfg.has("/templates")) {
    const std::vector<std::string> templates = cfg.strings("/templates");
    for (size_t i = 0; i < templates.size(); ++i) {
      try {
        opt.templates.emplace_back(templates[i]);
      } catch (const ds::Error& e) {
        throw ds::Error(e.code(), std::string(kName) + ": templates[" + std::to_string(i) +
                                      "]: " + e.what());
      }
    }
  }
  if (!opt.noise && opt.synonyms.empty() && opt.templates.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    std::string(kName) +
                        ": nothing to do; set punctuation_noise, synonyms / synonyms_file, "
                        "or templates");
  return opt;
}

std::string percent(const EditCount& c) {
  if (c.eligible == 0) return "0 of 0";
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.2f%%",
                100.0 * static_cast<double>(c.changed) / static_cast<double>(c.eligible));
  return std::to_string(c.changed) + " of " + std::to_string(c.eligible) + " (" + pct + ")";
}

}  // namespace

AugmentTransform::AugmentTransform(const ds::Config& cfg)
    : options_(read_options(cfg)), keep_original_(boolean_or(cfg, "/keep_original", true)) {}

void AugmentTransform::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    nlohmann::ordered_json meta = parse_meta(ds::view(r.meta), record_where(r));
    const std::string text = augment_text(ds::view(r.text), &meta, position_++, options_, &stats_);
    if (keep_original_) out.push(r);
    meta["augmented"] = true;
    const std::string meta_text = dump_meta(meta);
    out.push(text, meta_text, ds::view(r.origin), r.line);
  }
}

void AugmentTransform::flush(ds::BatchWriter&) {
  std::string msg = std::to_string(position_) + " records augmented";
  if (options_.noise) msg += "; punctuation noise " + percent(stats_.noise) + " positions";
  if (!options_.synonyms.empty()) msg += "; synonyms " + percent(stats_.synonyms) + " words";
  if (!options_.templates.empty()) {
    msg += "; templates applied to " + std::to_string(stats_.templated);
    if (stats_.no_template > 0)
      msg += ", " + std::to_string(stats_.no_template) + " lacked the fields of every template";
  }
  ds::log(DS_LOG_INFO, kName, msg);
}

}  // namespace dsforge::data
