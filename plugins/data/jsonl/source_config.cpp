// source_config.cpp: see source_config.hpp.
#include "source_config.hpp"

#include "common/config_get.hpp"
#include "common/glob_paths.hpp"

namespace dsforge::data {
namespace {

FieldTemplate read_template(const ds::Config& cfg, const char* component, const char* key) {
  try {
    return FieldTemplate(cfg.str(key));
  } catch (const ds::Error& e) {
    throw ds::Error(e.code(), std::string(component) + ": fields." + (key + 8) + ": " + e.what());
  }
}

}  // namespace

SourceSettings read_source_settings(const ds::Config& cfg, const char* component) {
  SourceSettings s;
  s.files = expand_globs(cfg.string_or_strings("/path"));
  s.mapping.text_field = string_or(cfg, "/text_field", s.mapping.text_field);
  if (s.mapping.text_field.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string(component) + ": text_field must not be empty");
  if (cfg.has("/fields")) {
    if (!cfg.has("/fields/response"))
      throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                      std::string(component) +
                          ": fields needs `response` (and optionally `prompt`), e.g. "
                          "fields = { prompt = \"Question: {question}\\nAnswer: \", response = \"{answer}\" }");
    FieldsMapping fields;
    if (cfg.has("/fields/prompt")) fields.prompt = read_template(cfg, component, "/fields/prompt");
    fields.response = read_template(cfg, component, "/fields/response");
    s.mapping.fields = std::move(fields);
  }
  s.fail_on_error = choice_or(cfg, component, "/on_error", "skip", {"skip", "fail"}) == "fail";
  return s;
}

}  // namespace dsforge::data
