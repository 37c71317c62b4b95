// text_plugin.cpp: the dsforge-text library: the `text` source, its config
// schema, and the exported entry point.
#include "dsforge/dsforge.hpp"
#include "text_source.hpp"

namespace {

// Defaults here must match the fallbacks in text_source.cpp.
constexpr const char* kSourceSchema = R"json({
  "type": "object",
  "properties": {
    "path": {
      "type": ["string", "array"], "items": {"type": "string"},
      "description": "text file, glob pattern, or a list of them"
    },
    "separator": {"type": "string", "default": "",
                  "description": "a line equal to this separates documents (\"%\" for fortune files); \"\" = one document per file"},
    "encoding_errors": {"type": "string", "enum": ["skip", "fail", "replace"], "default": "skip",
                        "description": "invalid UTF-8: skip the document, stop the run, or replace bad bytes with U+FFFD"},
    "skip_empty": {"type": "boolean", "default": true,
                   "description": "drop empty and whitespace-only documents (reason \"empty\")"}
  },
  "required": ["path"],
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-text", "0.1.0", "Apache-2.0",
               ds::source<dsforge::data::TextSource>(
                   "text", "0.1.0",
                   "Read plain UTF-8 text files, one document per file or per separator",
                   kSourceSchema))
