// length_filter.cpp: the `length_filter` transform. See filters_transforms.hpp.
#include <filesystem>
#include <string>

#include "common/config_get.hpp"
#include "filters_config.hpp"
#include "filters_transforms.hpp"

namespace dsforge::data {
namespace {

// Unset maxima mean "no limit"; the schema gives them no default.
LengthLimits read_limits(const ds::Config& cfg) {
  constexpr const char* kName = "length_filter";
  LengthLimits l;
  l.min_chars = count_or(cfg, kName, "/min_chars", l.min_chars);
  l.max_chars = count_or(cfg, kName, "/max_chars", l.max_chars);
  l.min_bytes = count_or(cfg, kName, "/min_bytes", l.min_bytes);
  l.max_bytes = count_or(cfg, kName, "/max_bytes", l.max_bytes);
  if (l.min_chars > l.max_chars)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "length_filter: min_chars (" + std::to_string(l.min_chars) +
                        ") is above max_chars (" + std::to_string(l.max_chars) + ")");
  if (l.min_bytes > l.max_bytes)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "length_filter: min_bytes (" + std::to_string(l.min_bytes) +
                        ") is above max_bytes (" + std::to_string(l.max_bytes) + ")");
  const LengthLimits none;
  bool tokens = cfg.has("/min_tokens") || cfg.has("/max_tokens");
  if (l.min_chars == none.min_chars && l.max_chars == none.max_chars &&
      l.min_bytes == none.min_bytes && l.max_bytes == none.max_bytes && !tokens)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "length_filter: no limit set; give min_chars, max_chars, min_bytes, "
                    "max_bytes, min_tokens or max_tokens");
  return l;
}

std::string tokenizer_json(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) ? path + "/tokenizer.json" : path;
}

}  // namespace

LengthFilter::LengthFilter(const ds::Config& cfg) : limits_(read_limits(cfg)) {
  constexpr const char* kName = "length_filter";
  if (!cfg.has("/min_tokens") && !cfg.has("/max_tokens")) return;
  if (!cfg.has("/tokenizer"))
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "length_filter: min_tokens / max_tokens need `tokenizer` "
                                             "(a tokenizer.json or its folder)");
  min_tokens_ = count_or(cfg, kName, "/min_tokens", min_tokens_);
  max_tokens_ = count_or(cfg, kName, "/max_tokens", max_tokens_);
  if (min_tokens_ > max_tokens_)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "length_filter: min_tokens (" + std::to_string(min_tokens_) +
                                                 ") is above max_tokens (" + std::to_string(max_tokens_) + ")");
  try {
    tokenizer_.emplace(tokenizer::Tokenizer::from_file(tokenizer_json(cfg.str("/tokenizer"))));
  } catch (const std::exception& e) {
    throw ds::Error(DS_ERR_BAD_DATA, std::string("length_filter: ") + e.what());
  }
}

void LengthFilter::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    if (const char* reason = length_drop_reason(check_length(ds::view(r.text), limits_))) {
      out.drop(reason);
      continue;
    }
    if (tokenizer_) {
      tokenizer_->encode(ds::view(r.text), false, ids_);
      if (ids_.size() < min_tokens_) {
        out.drop("too_few_tokens");
        continue;
      }
      if (ids_.size() > max_tokens_) {
        out.drop("too_many_tokens");
        continue;
      }
    }
    out.push(r);
  }
}

}  // namespace dsforge::data
