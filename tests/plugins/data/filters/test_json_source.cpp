// test_json_source.cpp: the `json` source on both layouts (a top-level
// array; an object whose key holds the array), element line numbers, and
// errors naming file, line and array index.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catch.hpp"
#include "fake_host.hpp"
#include "json_scan.hpp"
#include "json_source.hpp"
#include "jsonl_schemas.hpp"
#include "temp_dir.hpp"

using namespace dsforge::data;
using fake::Record;
using nlohmann::json;

namespace {

std::vector<Record> read_json(const json& settings, fake::Output* out = nullptr, size_t max = 2) {
  fake::Settings s(kJsonSourceSchema, settings);
  JsonSource src(s.config());
  return fake::read_source(src, max, out);
}

std::string scan_error(const std::string& text, const std::string& key) {
  try {
    locate_json_array(text, key);
    return "";
  } catch (const ds::Error& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("json_scan finds array elements, their bytes and lines", "[json]") {
  const std::string text = "\xEF\xBB\xBF[\n  {\"text\": \"a]\\\"}\"},\n  {\"text\": \"b\"} ,\n\n  7\n]\n";
  const std::vector<JsonElement> e = locate_json_array(text, "");
  REQUIRE(e.size() == 3);
  CHECK(text.substr(e[0].begin, e[0].end - e[0].begin) == "{\"text\": \"a]\\\"}\"}");
  CHECK(e[0].line == 2);
  CHECK(text.substr(e[1].begin, e[1].end - e[1].begin) == "{\"text\": \"b\"}");
  CHECK(e[1].line == 3);
  CHECK(text.substr(e[2].begin, e[2].end - e[2].begin) == "7");
  CHECK(e[2].line == 5);
  CHECK(locate_json_array("[]", "").empty());
  const std::string keyed = R"({"meta": {"n": [1, 2]}, "train": [{"a": 1}, {"b": [2]}], "test": []})";
  const std::vector<JsonElement> t = locate_json_array(keyed, "train");
  REQUIRE(t.size() == 2);
  CHECK(keyed.substr(t[1].begin, t[1].end - t[1].begin) == "{\"b\": [2]}");
  CHECK(locate_json_array(keyed, "test").empty());
  CHECK(locate_json_array(R"({"tr\u0061in": [1]})", "train").size() == 1);  // escaped key
}

TEST_CASE("json_scan errors say where and what", "[json]") {
  CHECK(scan_error("[\n {\"a\": 1}\n {\"b\": 2}]", "") == "line 3, column 2: expected ',' or ']', got '{'");
  CHECK(scan_error("[{\"a\": 1}", "") == "line 1, column 10: expected ',' or ']', got the end of the file");
  CHECK(scan_error("[\"abc", "") == "line 1, column 2: unterminated string");
  CHECK(scan_error("[1] [2]", "") == "line 1, column 5: unexpected content after the top-level value");
  CHECK(scan_error("", "") == "the file is empty; expected a JSON array or object");
  CHECK(scan_error("\"text\"", "") == "line 1, column 1: expected a JSON array or object at the top level");
  CHECK(scan_error(R"({"train": [], "dev": [], "n": 1})", "") ==
        "the top level is an object; set `key` to the member holding the array "
        "(members holding arrays: \"train\", \"dev\")");
  CHECK(scan_error(R"({"train": [], "n": 1})", "test") ==
        "no key \"test\" at the top level (keys: \"train\", \"n\")");
  CHECK(scan_error(R"({"train": "x"})", "train") == "\"train\" holds a string, expected an array of objects");
  CHECK(scan_error("[1]", "train") ==
        "key \"train\" is set but the top level is an array; remove `key` to read it");
  CHECK(scan_error(std::string(600, '[') + std::string(600, ']'), "").find("nesting deeper than 512") !=
        std::string::npos);
}

TEST_CASE("json source: a top-level array of objects", "[json]") {
  fake::Host host;
  TempDir dir;
  const std::string path = dir.write("data.json",
                                     "[\n"
                                     "  {\"text\": \"你好，世界\", \"id\": 1},\n"
                                     "  {\"id\": 2, \"text\": \"second\", \"tags\": [\"a\"]},\n"
                                     "  {\"text\": \"third\"}\n"
                                     "]\n");
  const auto records = read_json({{"path", path}});
  REQUIRE(records.size() == 3);
  CHECK(records[0] == Record{"你好，世界", "{\"id\":1}", path, 2});
  CHECK(records[1] == Record{"second", "{\"id\":2,\"tags\":[\"a\"]}", path, 3});
  CHECK(records[2] == Record{"third", "", path, 4});
}

TEST_CASE("json source: the array under a key, several files by glob", "[json]") {
  fake::Host host;
  TempDir dir;
  dir.write("a.json", R"({"version": 2, "train": [{"content": "a1"}, {"content": "a2"}], "test": [{"content": "t"}]})");
  dir.write("b.json", "{\"train\": [\n{\"content\": \"b1\", \"lang\": \"zh\"}]}");
  const auto records = read_json({{"path", dir / "*.json"}, {"key", "train"}, {"text_field", "content"}});
  REQUIRE(records.size() == 3);
  CHECK(records[0].text == "a1");
  CHECK(records[1].text == "a2");
  CHECK(records[2] == Record{"b1", "{\"lang\":\"zh\"}", dir / "b.json", 2});
}

TEST_CASE("json source: bad elements are skipped naming file:line and key[index]", "[json]") {
  fake::Host host;
  TempDir dir;
  const std::string path = dir.write("d.json",
                                     "{\"train\": [\n"
                                     "  {\"text\": \"ok\"},\n"
                                     "  {\"title\": \"no text\"},\n"
                                     "  [1, 2],\n"
                                     "  {\"text\": tru},\n"
                                     "  {\"text\": \"bad \xff byte\"},\n"
                                     "  {\"text\": 5},\n"
                                     "  {\"text\": \"last\"}\n"
                                     "]}\n");
  fake::Output out;
  const auto records = read_json({{"path", path}, {"key", "train"}}, &out);
  CHECK(records.size() == 2);
  CHECK(records[1] == Record{"last", "", path, 8});
  CHECK(out.dropped("missing_field") == 2);
  CHECK(out.dropped("bad_json") == 2);
  CHECK(out.dropped("invalid_utf8") == 1);
  CHECK(host.logged("WARN json: " + path + ":3: train[1]: no field \"text\" (element skipped)"));
  CHECK(host.logged(path + ":4: train[2]: expected a JSON object, got array"));
  CHECK(host.logged(path + ":5: train[3]: bad JSON at byte"));
  CHECK(host.logged(path + ":6: train[4]: invalid UTF-8 at byte"));
  CHECK(host.logged(path + ":7: train[5]: field \"text\" has type number, expected string"));
}

TEST_CASE("json source: on_error = fail stops at the first bad element; bad layouts always stop", "[json]") {
  fake::Host host;
  TempDir dir;
  const std::string path = dir.write("d.json", "[{\"text\": \"ok\"}, {\"text\": null}]");
  CHECK_THROWS_WITH(read_json({{"path", path}, {"on_error", "fail"}}),
                    path + ":1: [1]: field \"text\" has type null, expected string");
  const std::string keyed = dir.write("k.json", "{\"train\": []}");
  CHECK_THROWS_WITH(read_json({{"path", keyed}}),
                    keyed + ": the top level is an object; set `key` to the member holding the array "
                            "(members holding arrays: \"train\")");
  const std::string broken = dir.write("broken.json", "[{\"text\": \"a\"}\n{\"text\": \"b\"}]");
  CHECK_THROWS_WITH(read_json({{"path", broken}}),
                    broken + ": line 2, column 1: expected ',' or ']', got '{'");
  CHECK_THROWS_WITH(read_json({{"path", dir / "none-*.json"}}), Catch::Contains("none-*.json"));
}
