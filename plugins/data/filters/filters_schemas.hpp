// filters_schemas.hpp: the config schemas of the dsforge-filters
// components (JSON Schema, the subset dshost validates). Defaults here must
// match the fallbacks in the *_filter.cpp / *_transform.cpp files; the unit
// tests construct every component from these defaults.
#pragma once

namespace dsforge::data {

inline constexpr const char* kLengthFilterSchema = R"json({
  "type": "object",
  "properties": {
    "min_chars": {"type": "integer", "minimum": 0, "default": 0,
                  "description": "drop records with fewer Unicode code points (too_short)"},
    "max_chars": {"type": "integer", "minimum": 0,
                  "description": "drop records with more code points (too_long); no limit when unset"},
    "min_bytes": {"type": "integer", "minimum": 0, "default": 0,
                  "description": "drop records with fewer UTF-8 bytes (too_short)"},
    "max_bytes": {"type": "integer", "minimum": 0,
                  "description": "drop records with more UTF-8 bytes (too_long); no limit when unset"},
    "tokenizer": {"type": "string", "minLength": 1,
                  "description": "tokenizer.json (or its folder) for min_tokens / max_tokens"},
    "min_tokens": {"type": "integer", "minimum": 0,
                   "description": "drop records with fewer tokens (too_few_tokens); needs tokenizer"},
    "max_tokens": {"type": "integer", "minimum": 0,
                   "description": "drop records with more tokens (too_many_tokens); needs tokenizer"}
  },
  "additionalProperties": false
})json";

inline constexpr const char* kSensitiveFilterSchema = R"json({
  "type": "object",
  "properties": {
    "words": {"type": "array", "items": {"type": "string", "minLength": 1},
              "description": "words to find (UTF-8; Chinese words work as they are)"},
    "words_file": {"type": "string",
                   "description": "word list: one word per line, UTF-8, '#' starts a comment line"},
    "action": {"type": "string", "enum": ["drop", "mask"], "default": "drop",
               "description": "drop matching records (reason sensitive), or mask the matches"},
    "mask_char": {"type": "string", "minLength": 1, "default": "*",
                  "description": "mask, repeated once per code point of a match"},
    "ignore_case": {"type": "boolean", "default": false,
                    "description": "ASCII letters match regardless of case"},
    "whole_words": {"type": "boolean", "default": false,
                    "description": "a match may not start or end inside an ASCII word (no 'ass' in 'class')"}
  },
  "additionalProperties": false
})json";

inline constexpr const char* kAugmentSchema = R"json({
  "type": "object",
  "properties": {
    "seed": {"type": "integer", "default": 0,
             "description": "with the record's position, fixes every random choice"},
    "keep_original": {"type": "boolean", "default": true,
                      "description": "emit the original record before its augmented copy"},
    "punctuation_noise": {
      "type": "object",
      "properties": {
        "rate": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.1,
                 "description": "probability per eligible position"},
        "mode": {"type": "string", "enum": ["insert", "delete", "both"], "default": "insert",
                 "description": "insert marks at word ends / after CJK letters, delete existing marks, or both"}
      },
      "additionalProperties": false,
      "description": "insert or delete punctuation (ASCII in Latin text, full-width in CJK text)"
    },
    "synonyms_file": {"type": "string",
                      "description": "synonym table: lines 'word<TAB>syn1|syn2' (or 'word,syn1|syn2')"},
    "synonyms": {"type": "object",
                 "description": "inline synonym table: word = [\"syn1\", \"syn2\"] or word = \"syn1|syn2\""},
    "synonym_rate": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.1,
                     "description": "probability that a dictionary word is replaced"},
    "templates": {"type": "array", "items": {"type": "string"},
                  "description": "templates with {text} and {field} placeholders; one is chosen per record"}
  },
  "additionalProperties": false
})json";

inline constexpr const char* kShuffleSchema = R"json({
  "type": "object",
  "properties": {
    "buffer_size": {"type": "integer", "minimum": 1, "default": 10000,
                    "description": "records held for the streaming shuffle (memory bound)"},
    "seed": {"type": "integer", "default": 0,
             "description": "same seed and input order give the same output order"}
  },
  "additionalProperties": false
})json";

inline constexpr const char* kSplitSchema = R"json({
  "type": "object",
  "properties": {
    "names": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
              "default": ["train", "eval"], "description": "split names"},
    "ratios": {"type": "array", "items": {"type": "number", "minimum": 0}, "minItems": 1,
               "default": [0.98, 0.02],
               "description": "relative size of each split, one per name (normalized)"},
    "seed": {"type": "integer", "default": 0,
             "description": "hashed with the text; a new seed gives a new split"},
    "field": {"type": "string", "minLength": 1, "default": "split",
              "description": "meta field that receives the split name"}
  },
  "additionalProperties": false
})json";

}  // namespace dsforge::data
