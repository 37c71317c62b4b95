// pipeline.cpp: TOML -> PipelineConfig. Checks the pipeline's own structure
// (keys, types, ids); each plugin's settings are checked later against the
// schema the plugin declares.
#include "config/pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/user_error.hpp"
#include "config/source_location.hpp"

namespace fs = std::filesystem;

namespace dsforge {
namespace {

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Reads one pipeline file with messages that cite it.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void error_at(const toml::node& n, const std::string& field,
                             const std::string& message) const {
    fail("{}: {}: {}", where(file_, n), field, message);
  }

  void reject_unknown_keys(const toml::table& t, const std::string& field,
                           const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        fail("{}: {}: unknown key '{}'; expected one of: {}", where(file_, key.source()),
             field.empty() ? std::string(key.str()) : field + "." + std::string(key.str()),
             key.str(), join(allowed));
      }
    }
  }

  const toml::node* required(const toml::table& t, const toml::node& owner,
                             const std::string& field, const std::string& key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) error_at(owner, field, fmt::format("missing required key '{}'", key));
    return n;
  }

  std::string string(const toml::node& n, const std::string& field) const {
    if (!n.is_string()) error_at(n, field, "expected a string, got " + type_name(n));
    return std::string(*n.value<std::string_view>());
  }

  int64_t integer(const toml::node& n, const std::string& field) const {
    if (!n.is_integer()) error_at(n, field, "expected an integer, got " + type_name(n));
    return *n.value<int64_t>();
  }

  const toml::table& table(const toml::node& n, const std::string& field) const {
    if (!n.is_table()) error_at(n, field, "expected a table, got " + type_name(n));
    return *n.as_table();
  }

  // A string or an array of strings.
  std::vector<std::string> strings(const toml::node& n, const std::string& field) const {
    if (n.is_string()) return {string(n, field)};
    if (!n.is_array()) error_at(n, field, "expected a string or an array of strings, got " + type_name(n));
    std::vector<std::string> out;
    size_t i = 0;
    for (const auto& item : *n.as_array()) out.push_back(string(item, fmt::format("{}[{}]", field, i++)));
    return out;
  }

  ComponentRef component(const toml::node& n, const std::string& field) const {
    const toml::table& t = table(n, field);
    ComponentRef ref;
    ref.where = where(file_, n);
    ref.field = field;
    const toml::node& plugin = *required(t, n, field, "plugin");
    ref.plugin = string(plugin, field + ".plugin");
    ref.plugin_where = where(file_, plugin);
    if (ref.plugin.empty()) error_at(*t.get("plugin"), field + ".plugin", "must not be empty");
    ref.table = &t;
    return ref;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

void read_pipeline_table(const Reader& r, const toml::table& t, const fs::path& base,
                         PipelineConfig& out) {
  r.reject_unknown_keys(t, "pipeline", {"name", "device", "seed", "plugin_path"});
  if (const auto* n = t.get("name")) out.name = r.string(*n, "pipeline.name");
  if (const auto* n = t.get("device")) {
    out.device = r.string(*n, "pipeline.device");
    const std::string& d = out.device;
    bool ok = d == "auto" || d == "cpu" || d == "cuda" ||
              (d.rfind("cuda:", 0) == 0 && d.size() > 5 &&
               d.find_first_not_of("0123456789", 5) == std::string::npos);
    if (!ok) r.error_at(*n, "pipeline.device", fmt::format("expected \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"{}\"", d));
  }
  if (const auto* n = t.get("seed")) out.seed = r.integer(*n, "pipeline.seed");
  if (const auto* n = t.get("plugin_path")) {
    // Relative to the pipeline file, so a pipeline works from any directory.
    for (const auto& p : r.strings(*n, "pipeline.plugin_path")) {
      fs::path path(p);
      out.plugin_path.push_back(path.is_absolute() ? path : fs::absolute(base / path).lexically_normal());
    }
  }
}

StageConfig read_stage(const Reader& r, const toml::node& node, size_t index) {
  std::string field = fmt::format("stage[{}]", index);
  const toml::table& t = r.table(node, field);
  StageConfig s;
  s.where = where(r.file(), node);
  s.id = r.string(*r.required(t, node, field, "id"), field + ".id");
  if (s.id.empty()) r.error_at(*t.get("id"), field + ".id", "must not be empty");
  field = fmt::format("stage '{}'", s.id);
  const toml::node* kind_node = r.required(t, node, field, "kind");
  std::string kind = r.string(*kind_node, field + ".kind");
  if (kind != "data") {
    r.error_at(*kind_node, field + ".kind",
               fmt::format("unknown stage kind \"{}\"; this dshost runs: data", kind));
  }
  s.kind = StageKind::data;
  r.reject_unknown_keys(t, field, {"id", "kind", "source", "transforms", "sink", "batch_size", "threads", "stats"});
  s.source = r.component(*r.required(t, node, field, "source"), field + ".source");
  s.sink = r.component(*r.required(t, node, field, "sink"), field + ".sink");
  if (const auto* n = t.get("transforms")) {
    if (!n->is_array()) r.error_at(*n, field + ".transforms", "expected an array of tables, got " + type_name(*n));
    size_t i = 0;
    for (const auto& item : *n->as_array()) {
      s.transforms.push_back(r.component(item, fmt::format("{}.transforms[{}]", field, i++)));
    }
  }
  if (const auto* n = t.get("batch_size")) {
    s.batch_size = r.integer(*n, field + ".batch_size");
    if (s.batch_size <= 0) r.error_at(*n, field + ".batch_size", fmt::format("must be > 0, got {}", s.batch_size));
  }
  if (const auto* n = t.get("threads")) {
    s.threads = r.integer(*n, field + ".threads");
    if (s.threads < 0) r.error_at(*n, field + ".threads", fmt::format("must be >= 0 (0 = one per core), got {}", s.threads));
  }
  if (const auto* n = t.get("stats")) s.stats_path = r.string(*n, field + ".stats");
  return s;
}

}  // namespace

PipelineConfig parse_pipeline(std::string_view text, const fs::path& file) {
  const std::string file_name = file.string();
  auto document = std::make_shared<toml::table>();
  try {
    *document = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    fail("{}: TOML syntax error: {}", where(file_name, e.source()), e.description());
  }
  const toml::table& root = *document;
  Reader r(file_name);
  PipelineConfig out;
  out.document = document;
  out.file = file;
  r.reject_unknown_keys(root, "", {"pipeline", "stage"});
  fs::path base = fs::absolute(file).parent_path();
  if (const auto* n = root.get("pipeline")) read_pipeline_table(r, r.table(*n, "pipeline"), base, out);
  if (out.name.empty()) out.name = file.stem().string();

  const toml::node* stages = root.get("stage");
  if (stages == nullptr) fail("{}: no stages: add at least one [[stage]] table", file_name);
  if (!stages->is_array()) r.error_at(*stages, "stage", "expected [[stage]] tables, got " + type_name(*stages));
  std::set<std::string> ids;
  size_t i = 0;
  for (const auto& node : *stages->as_array()) {
    StageConfig s = read_stage(r, node, i++);
    if (!ids.insert(s.id).second) {
      fail("{}: stage '{}': duplicate stage id", s.where, s.id);
    }
    out.stages.push_back(std::move(s));
  }
  return out;
}

PipelineConfig load_pipeline(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("{}: cannot open pipeline file: {}", file.string(), std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_pipeline(buf.str(), file);
}

}  // namespace dsforge
