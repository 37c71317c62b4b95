// jsonl_plugin.cpp: the dsforge-jsonl library: the `jsonl` source and the
// `jsonl` sink, their config schemas, and the exported entry point.
#include "dsforge/dsforge.hpp"
#include "jsonl_sink.hpp"
#include "jsonl_source.hpp"

namespace {

// Defaults here must match the fallbacks in jsonl_source.cpp / jsonl_sink.cpp.
constexpr const char* kSourceSchema = R"json({
  "type": "object",
  "properties": {
    "path": {
      "type": ["string", "array"], "items": {"type": "string"},
      "description": "JSON Lines file, glob pattern, or a list of them"
    },
    "text_field": {"type": "string", "default": "text",
                   "description": "field holding the record text; the other fields become meta"},
    "on_error": {"type": "string", "enum": ["skip", "fail"], "default": "skip",
                 "description": "bad line: skip it with a warning, or stop the run"},
    "max_line_bytes": {"type": "integer", "minimum": 1, "default": 67108864,
                       "description": "longer lines are bad data (line_too_long)"}
  },
  "required": ["path"],
  "additionalProperties": false
})json";

constexpr const char* kSinkSchema = R"json({
  "type": "object",
  "properties": {
    "path": {"type": "string", "description": "output file, written atomically on commit"},
    "text_field": {"type": "string", "default": "text",
                   "description": "field the record text is written to"}
  },
  "required": ["path"],
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN(
    "dsforge-jsonl", "0.1.0", "Apache-2.0",
    ds::source<dsforge::data::JsonlSource>("jsonl", "0.1.0",
                                           "Read JSON Lines files (globs) into text records",
                                           kSourceSchema),
    ds::sink<dsforge::data::JsonlSink>("jsonl", "0.1.0", "Write records as JSON Lines, atomically",
                                       kSinkSchema))
