// json_scan.hpp: finds the elements of a JSON array inside a JSON document
// without building it, for the `json` source: a file holding [ {...}, ... ]
// or { "train": [ {...}, ... ], "test": [...] }. Host-free.
//
// The scan checks structure (brackets, strings, commas, colons) and tells
// where each element starts and ends and on which line, so the source can
// parse one element at a time (memory: the file plus two offsets per
// element) and report "file:line: train[17]: ...". Scalars are checked
// loosely here; each element is fully parsed (and so validated) later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::data {

struct JsonElement {
  size_t begin = 0;  // bytes [begin, end) of the element's JSON text
  size_t end = 0;
  int64_t line = 0;  // 1-based line of its first byte
};

// The elements of the top-level array (key empty) or of the array under the
// top-level object's `key`. A leading UTF-8 BOM is skipped. Throws
// ds::Error(DS_ERR_BAD_DATA) for malformed structure ("line 3, column 9:
// expected ',' or ']'"), or when the layout does not fit the key: an
// object without `key` (the message lists the keys holding arrays), an
// array with `key`, a missing key, or a key that is no array.
std::vector<JsonElement> locate_json_array(std::string_view text, const std::string& key);

}  // namespace dsforge::data
