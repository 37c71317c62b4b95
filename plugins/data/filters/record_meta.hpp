// record_meta.hpp: reading and rewriting a record's meta (a JSON object
// text, or empty) for the transforms that add fields to it. Host-free.
// Field order is kept (ordered_json), so meta written back diffs cleanly.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dsforge::data {

// The meta as a JSON object; empty meta is an empty object. Throws
// ds::Error(DS_ERR_BAD_DATA) starting with `where` when meta is not valid
// JSON or not an object.
nlohmann::ordered_json parse_meta(std::string_view meta, const std::string& where);

// Compact JSON, UTF-8 unescaped; ill-formed UTF-8 replaced, not fatal.
std::string dump_meta(const nlohmann::ordered_json& meta);

}  // namespace dsforge::data
