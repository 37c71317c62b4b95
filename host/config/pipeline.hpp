// pipeline.hpp: the pipeline TOML as typed structs. Parsing happens here and
// only here (toml++); the rest of dshost sees these structs, and plugins see
// validated JSON. Every struct keeps where it came from so later checks (the
// plugin's schema, a missing component) can still name file:line:col.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>
#include <toml++/toml.h>

namespace dsforge {

// `{ plugin = "clean", strip_urls = true }`: a component and its settings.
struct ComponentRef {
  std::string plugin;                // component name, or "library/component"
  const toml::table* table = nullptr;  // settings (plus `plugin`), owned by the document
  std::string where;         // "file:line:col" of the table
  std::string plugin_where;  // "file:line:col" of the `plugin` value
  std::string field;     // "stage[0].transforms[1]"
};

enum class StageKind { data };

struct StageConfig {
  std::string id;
  StageKind kind = StageKind::data;
  std::string where;
  // kind = "data"
  ComponentRef source;
  std::vector<ComponentRef> transforms;
  ComponentRef sink;
  int64_t batch_size = 1024;
  int64_t threads = 0;       // for parallel transforms; 0 = one per core
  std::string stats_path;    // where to write the stage's stats JSON ("" = none)
};

struct PipelineConfig {
  // The parsed file. Kept because toml++ copies drop source positions and
  // later checks must still cite them.
  std::shared_ptr<toml::table> document;
  std::filesystem::path file;
  std::string name;
  std::string device = "auto";  // "auto", "cpu", "cuda", "cuda:N"
  int64_t seed = 1234;
  std::vector<std::filesystem::path> plugin_path;  // absolute
  std::vector<StageConfig> stages;
};

// Parses and checks the structure (not the plugins' own settings: see
// validate_pipeline). Throws UserError naming file:line:col and the field.
PipelineConfig load_pipeline(const std::filesystem::path& file);
PipelineConfig parse_pipeline(std::string_view text, const std::filesystem::path& file);

}  // namespace dsforge
