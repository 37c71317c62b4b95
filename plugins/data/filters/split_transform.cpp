// split_transform.cpp: the `split` transform. See split_assign.hpp.
#include <algorithm>

#include "common/config_get.hpp"
#include "filters_config.hpp"
#include "filters_transforms.hpp"
#include "record_meta.hpp"

namespace dsforge::data {
namespace {

constexpr const char* kName = "split";

std::vector<std::string> read_names(const ds::Config& cfg) {
  std::vector<std::string> names =
      cfg.has("/names") ? cfg.strings("/names") : std::vector<std::string>{"train", "eval"};
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty())
      throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                      std::string(kName) + ": names[" + std::to_string(i) + "] is empty");
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i))
      throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                      std::string(kName) + ": names lists \"" + names[i] + "\" twice");
  }
  return names;
}

SplitAssigner read_assigner(const ds::Config& cfg, size_t name_count) {
  const std::vector<double> ratios =
      cfg.has("/ratios") ? numbers(cfg, "/ratios") : std::vector<double>{0.98, 0.02};
  if (ratios.size() != name_count)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    std::string(kName) + ": " + std::to_string(name_count) + " names but " +
                        std::to_string(ratios.size()) + " ratios; give one ratio per name");
  try {
    return SplitAssigner(ratios, static_cast<uint64_t>(integer_or(cfg, "/seed", 0)));
  } catch (const ds::Error& e) {
    throw ds::Error(e.code(), std::string(kName) + ": " + e.what());
  }
}

std::string read_field(const ds::Config& cfg) {
  std::string field = string_or(cfg, "/field", "split");
  if (field.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "split: field must not be empty");
  return field;
}

}  // namespace

SplitTransform::SplitTransform(const ds::Config& cfg)
    : names_(read_names(cfg)), field_(read_field(cfg)), assigner_(read_assigner(cfg, names_.size())) {}

void SplitTransform::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    nlohmann::ordered_json meta = parse_meta(ds::view(r.meta), record_where(r));
    meta[field_] = names_[assigner_.assign(ds::view(r.text))];
    const std::string meta_text = dump_meta(meta);
    ds_record changed = r;
    changed.meta = ds::str(meta_text);
    out.push(changed);
  }
}

}  // namespace dsforge::data
