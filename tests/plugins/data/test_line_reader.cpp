// test_line_reader.cpp: line splitting, line numbers, the final line
// without '\n', lines over the limit, and chunk boundaries.
#include "catch.hpp"
#include "common/line_reader.hpp"
#include "dsforge/dsforge.hpp"
#include "temp_dir.hpp"

using dsforge::data::LineReader;

TEST_CASE("LineReader splits on newlines and numbers lines", "[line_reader]") {
  TempDir dir;
  LineReader r(dir.write("a.txt", "one\n\nthree\r\nlast"), 100);
  std::string line;
  REQUIRE(r.next(line));
  CHECK(line == "one");
  CHECK(r.line_number() == 1);
  REQUIRE(r.next(line));
  CHECK(line.empty());
  REQUIRE(r.next(line));
  CHECK(line == "three\r");  // '\r' is the caller's business
  REQUIRE(r.next(line));
  CHECK(line == "last");
  CHECK(r.line_number() == 4);
  CHECK_FALSE(r.next(line));
  CHECK_FALSE(r.next(line));
}

TEST_CASE("LineReader: empty file has no lines, a lone newline has one", "[line_reader]") {
  TempDir dir;
  std::string line;
  LineReader empty(dir.write("empty.txt", ""), 10);
  CHECK_FALSE(empty.next(line));
  LineReader one(dir.write("nl.txt", "\n"), 10);
  REQUIRE(one.next(line));
  CHECK(line.empty());
  CHECK_FALSE(one.next(line));
}

TEST_CASE("LineReader flags and skips lines over the limit", "[line_reader]") {
  TempDir dir;
  LineReader r(dir.write("long.txt", "12345\n123456\nok\n"), 5);
  std::string line;
  REQUIRE(r.next(line));
  CHECK(line == "12345");
  CHECK_FALSE(r.too_long());
  REQUIRE(r.next(line));
  CHECK(r.too_long());
  CHECK(line.empty());
  CHECK(r.line_number() == 2);
  REQUIRE(r.next(line));
  CHECK_FALSE(r.too_long());
  CHECK(line == "ok");
  CHECK(r.line_number() == 3);
}

TEST_CASE("LineReader joins lines across its 1 MiB chunks", "[line_reader]") {
  TempDir dir;
  const std::string big(3 * (1 << 20) + 17, 'x');
  LineReader r(dir.write("big.txt", "a\n" + big + "\nb"), big.size());
  std::string line;
  REQUIRE(r.next(line));
  REQUIRE(r.next(line));
  CHECK(line == big);
  REQUIRE(r.next(line));
  CHECK(line == "b");
  CHECK(r.line_number() == 3);
}

TEST_CASE("LineReader names a file it cannot open", "[line_reader]") {
  TempDir dir;
  const std::string missing = dir / "missing.jsonl";
  REQUIRE_THROWS_WITH(LineReader(missing, 10),
                      "cannot open '" + missing + "': No such file or directory");
}
