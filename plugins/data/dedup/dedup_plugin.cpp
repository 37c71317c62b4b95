// dedup_plugin.cpp: the dsforge-dedup library: the `exact_dedup` and
// `minhash_dedup` transforms, their config schemas, and the exported entry
// point.
#include "dsforge/dsforge.hpp"
#include "exact_transform.hpp"
#include "minhash_transform.hpp"

namespace {

// Defaults here must match exact_transform.cpp.
constexpr const char* kExactSchema = R"json({
  "type": "object",
  "properties": {
    "normalize": {"type": "string", "enum": ["none", "whitespace", "casefold_whitespace"],
                  "default": "whitespace",
                  "description": "what counts as the same text: none = identical bytes; whitespace = runs of whitespace (newlines too) collapsed to one space and the text trimmed; casefold_whitespace = that plus ASCII A-Z folded to a-z. CJK and other non-ASCII letters are never changed; the record's text is never changed"}
  },
  "additionalProperties": false
})json";

// Defaults here must match minhash_transform.cpp and NearDedupOptions.
constexpr const char* kMinHashSchema = R"json({
  "type": "object",
  "properties": {
    "ngram": {"type": "integer", "minimum": 1, "maximum": 64, "default": 5,
              "description": "tokens per shingle (words or characters, see tokenizer)"},
    "tokenizer": {"type": "string", "enum": ["auto", "words", "chars"], "default": "auto",
                  "description": "words: lowercased runs of letters and digits (each Han/kana character is its own token); chars: each letter or digit, punctuation and spaces skipped; auto: per document, chars when CJK code points are at least 30% of its letters and digits, else words"},
    "num_perm": {"type": "integer", "minimum": 1, "maximum": 8192, "default": 128,
                 "description": "MinHash permutations (signature length)"},
    "bands": {"type": "integer", "minimum": 1,
              "description": "LSH bands; set together with rows (bands * rows = num_perm), else both are chosen from threshold"},
    "rows": {"type": "integer", "minimum": 1,
             "description": "signature entries per LSH band; set together with bands"},
    "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.8,
                  "description": "Jaccard similarity of shingle sets that counts as a near duplicate: chooses bands and rows (minimizing false positive + false negative area, as datasketch does) unless they are given, and is the cut of verify"},
    "seed": {"type": "integer", "minimum": 0, "default": 1,
             "description": "seed of the permutations; the same seed gives the same result"},
    "verify": {"type": "boolean", "default": true,
               "description": "join an LSH candidate pair only when its estimated Jaccard similarity is >= threshold"}
  },
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-dedup", "0.1.0", "Apache-2.0",
               ds::transform<dsforge::data::ExactDedupTransform>(
                   "exact_dedup", "0.1.0",
                   "Drop records whose normalized text was seen before (128-bit hash, streaming)",
                   kExactSchema),
               ds::transform<dsforge::data::MinHashDedupTransform>(
                   "minhash_dedup", "0.1.0",
                   "Drop near duplicates: MinHash + LSH, first record of each cluster kept",
                   kMinHashSchema))
