// clean_transform.cpp: settings -> CleanOptions, and the per-record loop.
#include "clean_transform.hpp"

#include "common/config_get.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {
namespace {

// Fallbacks must match the defaults in clean_plugin.cpp's schema.
CleanOptions read_options(const ds::Config& cfg) {
  CleanOptions opt;
  opt.strip_ansi = boolean_or(cfg, "/strip_ansi", opt.strip_ansi);
  opt.strip_control = boolean_or(cfg, "/strip_control", opt.strip_control);
  opt.strip_urls = boolean_or(cfg, "/strip_urls", opt.strip_urls);
  const std::string form = choice_or(cfg, "clean", "/normalize", "none", {"none", "nfc", "nfkc"});
  opt.normalize = form == "nfc"    ? Normalization::nfc
                  : form == "nfkc" ? Normalization::nfkc
                                   : Normalization::none;
  const std::string ws = choice_or(cfg, "clean", "/whitespace", "collapse", {"collapse", "keep"});
  opt.whitespace = ws == "keep" ? WhitespaceMode::keep : WhitespaceMode::collapse;
  return opt;
}

size_t read_min_chars(const ds::Config& cfg) {
  const int64_t n = integer_or(cfg, "/min_chars", 1);
  if (n < 0)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "clean: min_chars must be >= 0, got " + std::to_string(n));
  return static_cast<size_t>(n);
}

}  // namespace

CleanTransform::CleanTransform(const ds::Config& cfg)
    : options_(read_options(cfg)), min_chars_(read_min_chars(cfg)) {}

void CleanTransform::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    const std::string_view text = ds::view(r.text);
    // Checked here rather than caught from clean_text(): a bad record is
    // data, not an exceptional state, and one check is all it costs.
    if (const std::optional<size_t> bad = first_invalid_utf8(text)) {
      const std::string origin = r.origin.size ? std::string(ds::view(r.origin)) : "<record>";
      ds::log(
          DS_LOG_WARN, "clean",
          where(origin, r.line) + ": " + describe_invalid_utf8(text, *bad) + "; record dropped");
      out.drop("invalid_utf8");
      continue;
    }
    const std::string cleaned = clean_text(text, options_);
    if (utf8_length(cleaned) < min_chars_) {
      out.drop("empty_after_clean");
      continue;
    }
    out.push_changed(r, cleaned);
  }
}

}  // namespace dsforge::data
