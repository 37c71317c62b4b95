// schema_check.cpp: a small JSON Schema validator that walks the TOML node
// and the schema together, so every error can cite the TOML source position.
#include "config/schema_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/user_error.hpp"
#include "config/source_location.hpp"

using nlohmann::json;

namespace dsforge {
namespace {

const std::set<std::string> kSupported = {
    "type", "properties", "required", "additionalProperties", "enum", "const",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
    "minItems", "maxItems", "items", "default", "description", "title", "$schema",
    "examples"};

std::string toml_type(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    default: return "date/time";
  }
}

// JSON Schema type names as a user writing TOML reads them.
std::string toml_word(const std::string& schema_type) {
  if (schema_type == "object") return "table";
  if (schema_type == "number") return "number";
  return schema_type;
}

bool matches_type(const toml::node& n, const std::string& t) {
  if (t == "object") return n.is_table();
  if (t == "array") return n.is_array();
  if (t == "string") return n.is_string();
  if (t == "integer") return n.is_integer();
  if (t == "number") return n.is_integer() || n.is_floating_point();
  if (t == "boolean") return n.is_boolean();
  if (t == "null") return false;
  return false;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

class Validator {
 public:
  explicit Validator(std::string file) : file_(std::move(file)) {}

  std::string skip_key;  // skipped in the top-level table only

  json check(const toml::node& n, const json& schema, const std::string& field) const {
    check_type(n, schema, field);
    json value = to_json(n, schema, field);
    if (schema.contains("enum")) {
      const json& options = schema["enum"];
      if (std::find(options.begin(), options.end(), value) == options.end()) {
        error(n, field, fmt::format("expected one of {}, got {}", list(options), value.dump()));
      }
    }
    if (schema.contains("const") && schema["const"] != value) {
      error(n, field, fmt::format("expected {}, got {}", schema["const"].dump(), value.dump()));
    }
    if (value.is_number()) check_number(n, value.get<double>(), schema, field);
    if (value.is_string() && schema.contains("minLength") &&
        value.get<std::string>().size() < schema["minLength"].get<size_t>()) {
      error(n, field, fmt::format("must have at least {} characters", schema["minLength"].get<size_t>()));
    }
    return value;
  }

 private:
  [[noreturn]] void error(const toml::node& n, const std::string& field, const std::string& msg) const {
    fail("{}: {}: {}", where(file_, n), field, msg);
  }

  static std::string list(const json& options) {
    std::string out;
    for (const auto& o : options) out += (out.empty() ? "" : ", ") + o.dump();
    return out;
  }

  void check_type(const toml::node& n, const json& schema, const std::string& field) const {
    if (!schema.contains("type")) return;
    std::vector<std::string> types;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) types.push_back(t.get<std::string>());
    } else {
      types.push_back(schema["type"].get<std::string>());
    }
    for (const auto& t : types) {
      if (matches_type(n, t)) return;
    }
    std::string expected;
    for (const auto& t : types) expected += (expected.empty() ? "" : " or ") + toml_word(t);
    error(n, field, fmt::format("expected {}, got {}", expected, toml_type(n)));
  }

  void check_number(const toml::node& n, double v, const json& s, const std::string& field) const {
    auto text = [](const json& j) { return j.dump(); };
    if (s.contains("minimum") && v < s["minimum"].get<double>())
      error(n, field, fmt::format("must be >= {}, got {}", text(s["minimum"]), v));
    if (s.contains("maximum") && v > s["maximum"].get<double>())
      error(n, field, fmt::format("must be <= {}, got {}", text(s["maximum"]), v));
    if (s.contains("exclusiveMinimum") && v <= s["exclusiveMinimum"].get<double>())
      error(n, field, fmt::format("must be > {}, got {}", text(s["exclusiveMinimum"]), v));
    if (s.contains("exclusiveMaximum") && v >= s["exclusiveMaximum"].get<double>())
      error(n, field, fmt::format("must be < {}, got {}", text(s["exclusiveMaximum"]), v));
  }

  json to_json(const toml::node& n, const json& schema, const std::string& field) const {
    switch (n.type()) {
      case toml::node_type::string: return std::string(*n.value<std::string_view>());
      case toml::node_type::integer: return *n.value<int64_t>();
      case toml::node_type::floating_point: return *n.value<double>();
      case toml::node_type::boolean: return *n.value<bool>();
      case toml::node_type::array: return array(*n.as_array(), schema, field);
      case toml::node_type::table: return object(*n.as_table(), schema, field);
      default: error(n, field, "dates and times are not supported in plugin settings");
    }
  }

  json array(const toml::array& a, const json& schema, const std::string& field) const {
    if (schema.contains("minItems") && a.size() < schema["minItems"].get<size_t>())
      error(a, field, fmt::format("expected at least {} items, got {}", schema["minItems"].get<size_t>(), a.size()));
    if (schema.contains("maxItems") && a.size() > schema["maxItems"].get<size_t>())
      error(a, field, fmt::format("expected at most {} items, got {}", schema["maxItems"].get<size_t>(), a.size()));
    json out = json::array();
    const json item_schema = schema.value("items", json::object());
    for (size_t i = 0; i < a.size(); ++i) {
      out.push_back(check(*a.get(i), item_schema, fmt::format("{}[{}]", field, i)));
    }
    return out;
  }

  json object(const toml::table& t, const json& schema, const std::string& field) const {
    const json props = schema.value("properties", json::object());
    json out = json::object();
    for (const auto& [key, value] : t) {
      std::string name(key.str());
      if (&t == top_ && name == skip_key) continue;
      std::string sub = field.empty() ? name : field + "." + name;
      if (props.contains(name)) {
        out[name] = check(value, props[name], sub);
      } else if (schema.value("additionalProperties", true) == false) {
        fail("{}: {}: unknown key '{}'{}", where(file_, key.source()), sub, name, suggestion(name, props));
      } else {
        out[name] = check(value, json::object(), sub);
      }
    }
    for (const auto& req : schema.value("required", json::array())) {
      std::string name = req.get<std::string>();
      if (!out.contains(name)) {
        std::string what = props.contains(name) ? props[name].value("description", "") : "";
        error(t, field, fmt::format("missing required key '{}'{}", name, what.empty() ? "" : " (" + what + ")"));
      }
    }
    for (const auto& [name, prop] : props.items()) {
      if (!out.contains(name) && prop.contains("default")) out[name] = prop["default"];
    }
    return out;
  }

  static std::string suggestion(const std::string& name, const json& props) {
    std::string best;
    size_t best_d = 3;  // suggest only close matches
    std::string known;
    for (const auto& [key, _] : props.items()) {
      known += (known.empty() ? "" : ", ") + key;
      size_t d = edit_distance(name, key);
      if (d < best_d) best_d = d, best = key;
    }
    if (!best.empty()) return fmt::format("; did you mean '{}'?", best);
    return known.empty() ? "; this component takes no settings" : "; expected one of: " + known;
  }

  std::string file_;

 public:
  const toml::table* top_ = nullptr;
};

void check_supported_rec(const json& schema, const std::string& component, const std::string& path) {
  if (!schema.is_object()) fail("plugin component '{}': config schema at '{}' is not an object", component, path);
  for (const auto& [key, value] : schema.items()) {
    if (!kSupported.count(key)) {
      fail("plugin component '{}': config schema keyword '{}' at '{}' is not supported by this dshost",
           component, key, path.empty() ? "/" : path);
    }
  }
  if (schema.contains("properties")) {
    for (const auto& [key, sub] : schema["properties"].items())
      check_supported_rec(sub, component, path + "/properties/" + key);
  }
  if (schema.contains("items")) check_supported_rec(schema["items"], component, path + "/items");
}

}  // namespace

void check_schema_supported(const json& schema, const std::string& component) {
  check_supported_rec(schema, component, "");
}

json with_schema_defaults(json settings, const json& schema, const std::string& component) {
  const json props = schema.value("properties", json::object());
  for (const auto& [name, prop] : props.items()) {
    if (!settings.contains(name) && prop.contains("default")) settings[name] = prop["default"];
  }
  for (const auto& req : schema.value("required", json::array())) {
    if (!settings.contains(req.get<std::string>())) fail("{}: missing required setting '{}'", component, req.get<std::string>());
  }
  return settings;
}

json validate_settings(const toml::table& settings, const json& schema, const std::string& file,
                       const std::string& field) {
  Validator v(file);
  v.skip_key = "plugin";
  v.top_ = &settings;
  return v.check(settings, schema, field);
}

}  // namespace dsforge
