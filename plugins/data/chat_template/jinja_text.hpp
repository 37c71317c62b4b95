// jinja_text.hpp: the Python str semantics chat templates lean on, for UTF-8
// std::string: code point indexing and slicing, str.isspace(), case mapping,
// strip/split/replace/title, repr() quoting and float repr().
//
// Not a Unicode library: case mapping covers ASCII, Latin-1, Latin
// Extended-A, Greek, Cyrillic and fullwidth Latin (one-to-one simple
// mappings; "ß".upper() stays "ß" where Python gives "SS"). Strings are
// expected to be valid UTF-8 (an ill-formed byte is treated as U+FFFD).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::data::jinja {

// UTF-8 <-> code points.
std::u32string to_u32(std::string_view s);
std::string to_utf8(std::u32string_view s);
void append_utf8(std::string& out, char32_t cp);
size_t code_point_count(std::string_view s);

// Python str.isspace() for one code point (includes \x1c..\x1f, \x85,
// U+2028/2029 and the Zs spaces).
bool py_isspace(char32_t cp);
// Python str.isprintable() for one code point, approximately: control
// characters, Zs other than ' ', line/paragraph separators and the common
// format characters are not printable.
bool py_isprintable(char32_t cp);

// str.isalpha() for one code point, approximately: ASCII letters, and
// printable non-space characters outside the punctuation, symbol and emoji
// blocks (so CJK ideographs and accented letters count, "，" does not).
bool py_isalpha(char32_t cp);

char32_t py_upper(char32_t cp);
char32_t py_lower(char32_t cp);
bool py_iscased(char32_t cp);

std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_capitalize(std::string_view s);   // str.capitalize()
std::string py_title(std::string_view s);        // str.title()
std::string py_swapcase(std::string_view s);

// str.strip()/lstrip()/rstrip(); chars == nullopt strips whitespace.
std::string py_strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                     bool right);
// str.split(sep, maxsplit) / str.rsplit(); sep == nullopt splits on whitespace
// runs. An empty sep throws std::invalid_argument("empty separator").
std::vector<std::string> py_split(std::string_view s, const std::optional<std::string>& sep,
                                  int64_t maxsplit);
std::vector<std::string> py_rsplit(std::string_view s, const std::optional<std::string>& sep,
                                   int64_t maxsplit);
std::vector<std::string> py_splitlines(std::string_view s, bool keepends);
// str.replace(old, new, count); count < 0 replaces all. Empty old inserts
// between code points as Python does.
std::string py_replace(std::string_view s, std::string_view old, std::string_view repl,
                       int64_t count);
// str.find()/rfind() in code points; -1 when absent.
int64_t py_find(std::string_view s, std::string_view sub, bool reverse);
int64_t py_count(std::string_view s, std::string_view sub);

// repr() of a str: single quotes unless the text holds ' and no ".
std::string py_repr_string(std::string_view s);
// repr() of a float: shortest round-trip digits, fixed notation for
// exponents in [-4, 16), "1e+16" style otherwise, "inf", "nan".
std::string py_float_repr(double d);

// Python slice semantics: the indices a[start:stop:step] visits for a
// sequence of length n. step must not be 0.
std::vector<int64_t> slice_indices(int64_t n, std::optional<int64_t> start,
                                   std::optional<int64_t> stop, std::optional<int64_t> step);

}  // namespace dsforge::data::jinja
