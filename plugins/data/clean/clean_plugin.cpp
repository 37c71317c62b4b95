// clean_plugin.cpp: the dsforge-clean library: the `clean` transform, its
// config schema, and the exported entry point.
#include "clean_transform.hpp"
#include "dsforge/dsforge.hpp"

namespace {

// Defaults here must match CleanOptions and clean_transform.cpp.
constexpr const char* kCleanSchema = R"json({
  "type": "object",
  "properties": {
    "strip_ansi": {"type": "boolean", "default": true,
                   "description": "remove ANSI/VT100 escape sequences (ESC[33m, OSC titles)"},
    "strip_control": {"type": "boolean", "default": true,
                      "description": "remove control characters except newline and tab, and zero-width space / BOM"},
    "strip_urls": {"type": "boolean", "default": false,
                   "description": "remove http(s)://, ftp:// and www. URLs"},
    "normalize": {"type": "string", "enum": ["none", "nfc", "nfkc"], "default": "none",
                  "description": "Unicode normalization; nfkc folds fullwidth ASCII"},
    "whitespace": {"type": "string", "enum": ["collapse", "keep"], "default": "collapse",
                   "description": "collapse runs of spaces, trim lines and the document; newlines kept"},
    "min_chars": {"type": "integer", "minimum": 0, "default": 1,
                  "description": "drop records with fewer code points after cleaning"}
  },
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-clean", "0.1.0", "Apache-2.0",
               ds::transform<dsforge::data::CleanTransform>(
                   "clean", "0.1.0",
                   "Strip escapes, controls and URLs; normalize Unicode and whitespace",
                   kCleanSchema, DS_COMPONENT_PARALLEL))
