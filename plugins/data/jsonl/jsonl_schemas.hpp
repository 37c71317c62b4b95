// jsonl_schemas.hpp: the config schemas of the dsforge-jsonl components.
// The `fields` block is the same in both sources. Defaults here must match
// the fallbacks in source_config.cpp, jsonl_source.cpp, json_source.cpp and
// jsonl_sink.cpp.
#pragma once

namespace dsforge::data {

inline constexpr const char* kJsonlSourceSchema = R"json({
  "type": "object",
  "properties": {
    "path": {
      "type": ["string", "array"], "items": {"type": "string"},
      "description": "JSON Lines file, glob pattern, or a list of them"
    },
    "text_field": {"type": "string", "default": "text",
                   "description": "field holding the record text; the other fields become meta"},
    "fields": {
      "type": "object",
      "properties": {
        "prompt": {"type": "string", "default": "",
                   "description": "template of the prompt part, e.g. \"Question: {question}\\nAnswer: \""},
        "response": {"type": "string", "description": "template of the response part, e.g. \"{answer}\""}
      },
      "required": ["response"],
      "additionalProperties": false,
      "description": "instead of text_field: text = prompt + response filled from the object's fields; meta gets prompt_chars and prompt_bytes"
    },
    "on_error": {"type": "string", "enum": ["skip", "fail"], "default": "skip",
                 "description": "bad line: skip it with a warning, or stop the run"},
    "max_line_bytes": {"type": "integer", "minimum": 1, "default": 67108864,
                       "description": "longer lines are bad data (line_too_long)"}
  },
  "required": ["path"],
  "additionalProperties": false
})json";

inline constexpr const char* kJsonSourceSchema = R"json({
  "type": "object",
  "properties": {
    "path": {
      "type": ["string", "array"], "items": {"type": "string"},
      "description": "JSON file, glob pattern, or a list of them"
    },
    "key": {"type": "string",
            "description": "top-level key holding the array (\"train\"); unset when the file is the array"},
    "text_field": {"type": "string", "default": "text",
                   "description": "field holding the record text; the other fields become meta"},
    "fields": {
      "type": "object",
      "properties": {
        "prompt": {"type": "string", "default": "",
                   "description": "template of the prompt part, e.g. \"Question: {question}\\nAnswer: \""},
        "response": {"type": "string", "description": "template of the response part, e.g. \"{answer}\""}
      },
      "required": ["response"],
      "additionalProperties": false,
      "description": "instead of text_field: text = prompt + response filled from the object's fields; meta gets prompt_chars and prompt_bytes"
    },
    "on_error": {"type": "string", "enum": ["skip", "fail"], "default": "skip",
                 "description": "bad element: skip it with a warning, or stop the run"}
  },
  "required": ["path"],
  "additionalProperties": false
})json";

inline constexpr const char* kJsonlSinkSchema = R"json({
  "type": "object",
  "properties": {
    "path": {"type": "string", "description": "output file, written atomically on commit"},
    "text_field": {"type": "string", "default": "text",
                   "description": "field the record text is written to"},
    "split_by": {"type": "string", "minLength": 1,
                 "description": "meta field (e.g. \"split\"): one file per value, <stem>.<value><ext>"}
  },
  "required": ["path"],
  "additionalProperties": false
})json";

}  // namespace dsforge::data
