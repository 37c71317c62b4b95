// jsonl_plugin.cpp: the dsforge-jsonl library: the `jsonl` and `json`
// sources and the `jsonl` sink, and the exported entry point. Schemas are in
// jsonl_schemas.hpp.
#include "dsforge/dsforge.hpp"
#include "json_source.hpp"
#include "jsonl_schemas.hpp"
#include "jsonl_sink.hpp"
#include "jsonl_source.hpp"

using namespace dsforge::data;

DSFORGE_PLUGIN(
    "dsforge-jsonl", "0.2.0", "Apache-2.0",
    ds::source<JsonlSource>("jsonl", "0.2.0", "Read JSON Lines files (globs) into text records",
                            kJsonlSourceSchema),
    ds::source<JsonSource>("json", "0.1.0",
                           "Read JSON files holding an array of objects (or a key's array)",
                           kJsonSourceSchema),
    ds::sink<JsonlSink>("jsonl", "0.2.0",
                        "Write records as JSON Lines, atomically; optionally one file per split",
                        kJsonlSinkSchema))
