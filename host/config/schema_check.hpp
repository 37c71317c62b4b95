// schema_check.hpp: checks a component's TOML settings against the JSON
// Schema the component declares and returns them as JSON with defaults
// filled in. Errors name file:line:col, the field and what was expected.
//
// Supported keywords (what component configs need): type (incl. a list of
// types), properties, required, additionalProperties (bool), enum, const,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
// minItems, maxItems, items, default, description. Not supported: $ref,
// allOf/anyOf/oneOf, patterns, formats; a schema using them is rejected when
// the plugin loads, not silently ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <toml++/toml.h>

namespace dsforge {

// Throws UserError if `schema` uses keywords we do not implement.
void check_schema_supported(const nlohmann::json& schema, const std::string& component);

// `file` and `field` are used in messages ("pipeline.toml:7:12: stage 'prep'.source.path").
// The key `plugin` of the table names the component and is not a setting.
nlohmann::json validate_settings(const toml::table& settings, const nlohmann::json& schema,
                                 const std::string& file, const std::string& field);

// Settings built by dshost itself (not from TOML): adds the schema's
// defaults for missing top-level keys and checks that required keys are
// present. Throws UserError naming the component and the key.
nlohmann::json with_schema_defaults(nlohmann::json settings, const nlohmann::json& schema,
                                    const std::string& component);

}  // namespace dsforge
