// test_glob_paths.cpp: glob expansion order, directories, duplicates and the
// errors for patterns that match nothing.
#include "catch.hpp"
#include "common/glob_paths.hpp"
#include "dsforge/dsforge.hpp"
#include "temp_dir.hpp"

using dsforge::data::expand_globs;

TEST_CASE("expand_globs sorts matches bytewise per pattern", "[glob]") {
  TempDir dir;
  dir.write("b.jsonl", "");
  dir.write("a.jsonl", "");
  dir.write("C.jsonl", "");
  dir.write("notes.txt", "");
  const auto files = expand_globs({dir / "*.jsonl"});
  REQUIRE(files.size() == 3);
  CHECK(files[0] == dir / "C.jsonl");  // 'C' < 'a' bytewise, whatever the locale
  CHECK(files[1] == dir / "a.jsonl");
  CHECK(files[2] == dir / "b.jsonl");
}

TEST_CASE("expand_globs keeps pattern order and drops repeats", "[glob]") {
  TempDir dir;
  dir.write("a.txt", "");
  dir.write("b.txt", "");
  const auto files = expand_globs({dir / "b.txt", dir / "*.txt"});
  REQUIRE(files.size() == 2);
  CHECK(files[0] == dir / "b.txt");
  CHECK(files[1] == dir / "a.txt");
}

TEST_CASE("expand_globs leaves directories out", "[glob]") {
  TempDir dir;
  dir.write("sub/inner.txt", "");
  dir.write("top.txt", "");
  const auto files = expand_globs({dir / "*"});
  REQUIRE(files.size() == 1);
  CHECK(files[0] == dir / "top.txt");
}

TEST_CASE("a pattern that matches nothing is an error naming it", "[glob]") {
  TempDir dir;
  dir.write("a.txt", "");
  const std::string missing = dir / "*.jsonl";
  REQUIRE_THROWS_WITH(expand_globs({dir / "a.txt", missing}),
                      "path '" + missing + "' matched no files");
  try {
    expand_globs({dir / "nope.txt"});
    FAIL("expected an error");
  } catch (const ds::Error& e) {
    CHECK(e.code() == DS_ERR_NOT_FOUND);
  }
  SECTION("a directory alone is not a file") {
    dir.write("sub/x", "");
    REQUIRE_THROWS_WITH(expand_globs({dir / "sub"}),
                        "path '" + (dir / "sub") + "' matched no files (only directories)");
  }
  SECTION("relative patterns say where they were resolved") {
    try {
      expand_globs({"surely/not/here-*.jsonl"});
      FAIL("expected an error");
    } catch (const ds::Error& e) {
      CHECK(std::string(e.what()).find("relative to the working directory") != std::string::npos);
    }
  }
  CHECK_THROWS(expand_globs({}));
  CHECK_THROWS(expand_globs({""}));
}
