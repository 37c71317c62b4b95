// test_atomic_file.cpp: the atomic writer leaves either nothing or the whole
// file: commit renames, destruction without commit cleans up.
#include <unistd.h>

#include <filesystem>

#include "catch.hpp"
#include "common/atomic_file.hpp"
#include "dsforge/dsforge.hpp"
#include "temp_dir.hpp"

using dsforge::data::AtomicFileWriter;
namespace fs = std::filesystem;

TEST_CASE("commit makes the whole file visible under its name", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir / "out/nested/data.jsonl";  // parents are created
  {
    AtomicFileWriter w(path);
    CHECK(w.temp_path() == path + ".tmp." + std::to_string(getpid()));
    w.write("{\"text\":\"你好\"}\n");
    CHECK(fs::exists(w.temp_path()));
    CHECK_FALSE(fs::exists(path));       // nothing visible before commit
    w.write(std::string(3 << 20, 'x'));  // past the internal buffer
    w.commit();
    CHECK(w.committed());
    CHECK_FALSE(fs::exists(w.temp_path()));
    CHECK_THROWS(w.write("late"));
    CHECK_THROWS(w.commit());
  }
  const std::string content = read_file(path);
  CHECK(content.size() == std::string("{\"text\":\"你好\"}\n").size() + (3u << 20));
  CHECK(content.rfind("{\"text\":\"你好\"}\n", 0) == 0);
}

TEST_CASE("commit replaces an existing file", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir.write("data.txt", "old");
  AtomicFileWriter w(path);
  w.write("new");
  CHECK(read_file(path) == "old");
  w.commit();
  CHECK(read_file(path) == "new");
}

TEST_CASE("destroying without commit leaves nothing behind", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir / "data.txt";
  std::string temp;
  {
    AtomicFileWriter w(path);
    temp = w.temp_path();
    w.write(std::string(2 << 20, 'y'));  // some of it already on disk
    CHECK(fs::exists(temp));
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("aborting keeps the previous file intact", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir.write("data.txt", "old");
  { AtomicFileWriter(path).write("half"); }
  CHECK(read_file(path) == "old");
}

TEST_CASE("an unwritable location is an IO error naming the path", "[atomic_file]") {
  TempDir dir;
  const std::string file = dir.write("plain-file", "");
  const std::string path = file + "/sub/data.txt";  // parent is a file
  try {
    AtomicFileWriter w(path);
    FAIL("expected an error");
  } catch (const ds::Error& e) {
    CHECK(e.code() == DS_ERR_IO);
    CHECK(std::string(e.what()).find(file) != std::string::npos);
  }
}

TEST_CASE("a directory is not an output file", "[atomic_file]") {
  TempDir dir;
  REQUIRE_THROWS_WITH(AtomicFileWriter(dir.path()),
                      "output path '" + dir.path() + "' is a directory; expected a file name");
  CHECK_THROWS(AtomicFileWriter(dir / "newdir/"));
  CHECK(fs::is_empty(dir.path()));
}
