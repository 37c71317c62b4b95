// test_jsonl_split_by.cpp: the jsonl sink's split_by: one file per value of
// a meta field (<stem>.<value><ext>), all appearing together on commit and
// none without it.
#include <filesystem>
#include <string>
#include <vector>

#include "catch.hpp"
#include "fake_host.hpp"
#include "jsonl_schemas.hpp"
#include "jsonl_sink.hpp"
#include "temp_dir.hpp"

using namespace dsforge::data;
using fake::Record;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_records(JsonlSink& sink, const std::vector<Record>& records) {
  fake::BatchView view(records);
  sink.write(view.batch());
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

}  // namespace

TEST_CASE("split_path puts the value before the extension", "[split_by]") {
  CHECK(split_path("out/data.jsonl", "train") == "out/data.train.jsonl");
  CHECK(split_path("out/data.tar.jsonl", "eval") == "out/data.tar.eval.jsonl");
  CHECK(split_path("out/data", "train") == "out/data.train");
  CHECK(split_path("out.d/data", "train") == "out.d/data.train");
  CHECK(split_path("训练/数据.jsonl", "验证") == "训练/数据.验证.jsonl");
}

TEST_CASE("split_by writes one file per value, all on commit", "[split_by]") {
  fake::Host host;
  TempDir dir;
  const std::string path = dir / "out/data.jsonl";
  {
    fake::Settings s(kJsonlSinkSchema, {{"path", path}, {"split_by", "split"}});
    JsonlSink sink(s.config());
    write_records(sink, {{"a", "{\"split\":\"train\",\"id\":1}", "in", 1},
                         {"b", "{\"split\":\"eval\"}", "in", 2},
                         {"你好", "{\"split\":\"train\"}", "in", 3}});
    write_records(sink, {{"c", "{\"id\":4,\"split\":\"eval\"}", "in", 4}});
    // Nothing visible before commit: only temporary files.
    CHECK_FALSE(fs::exists(dir / "out/data.train.jsonl"));
    CHECK_FALSE(fs::exists(dir / "out/data.eval.jsonl"));
    CHECK(files_in(dir / "out") == 2);
    sink.commit();
  }
  CHECK(read_file(dir / "out/data.train.jsonl") ==
        "{\"text\":\"a\",\"split\":\"train\",\"id\":1}\n{\"text\":\"你好\",\"split\":\"train\"}\n");
  CHECK(read_file(dir / "out/data.eval.jsonl") ==
        "{\"text\":\"b\",\"split\":\"eval\"}\n{\"text\":\"c\",\"id\":4,\"split\":\"eval\"}\n");
  CHECK_FALSE(fs::exists(path));
  CHECK(files_in(dir / "out") == 2);  // no temporary files left
  CHECK(host.logged("wrote 2 records to '" + dir / "out/data.train.jsonl" + "'"));
}

TEST_CASE("split_by without commit leaves nothing; old files stay until commit", "[split_by]") {
  fake::Host host;
  TempDir dir;
  const std::string old = dir.write("data.train.jsonl", "old\n");
  {
    fake::Settings s(kJsonlSinkSchema, {{"path", dir / "data.jsonl"}, {"split_by", "split"}});
    JsonlSink sink(s.config());
    write_records(sink, {{"a", "{\"split\":\"train\"}", "", 0}, {"b", "{\"split\":\"eval\"}", "", 0}});
  }  // destroyed without commit: a failed run
  CHECK(read_file(old) == "old\n");
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("split_by refuses records without a usable value, naming the record", "[split_by]") {
  fake::Host host;
  TempDir dir;
  fake::Settings s(kJsonlSinkSchema, {{"path", dir / "d.jsonl"}, {"split_by", "split"}});
  JsonlSink sink(s.config());
  CHECK_THROWS_WITH(write_records(sink, {{"a", "{\"id\":1}", "in.jsonl", 5}}),
                    Catch::StartsWith("in.jsonl:5: no meta field \"split\" for split_by"));
  CHECK_THROWS_WITH(write_records(sink, {{"a", "", "in.jsonl", 6}}),
                    Catch::StartsWith("in.jsonl:6: no meta field \"split\""));
  CHECK_THROWS_WITH(write_records(sink, {{"a", "{\"split\":\"../x\"}", "in.jsonl", 7}}),
                    Catch::StartsWith("in.jsonl:7: meta field \"split\" = \"../x\" cannot be part of a file name"));
  CHECK_THROWS_WITH(write_records(sink, {{"a", "{\"split\":[1]}", "in.jsonl", 8}}),
                    Catch::Contains("is array, expected a string"));
  write_records(sink, {{"a", "{\"split\":3}", "", 0}});  // integers name files too
  sink.commit();
  CHECK(read_file(dir / "d.3.jsonl") == "{\"text\":\"a\",\"split\":3}\n");
}

TEST_CASE("without split_by the sink writes one file as before", "[split_by]") {
  fake::Host host;
  TempDir dir;
  fake::Settings s(kJsonlSinkSchema, {{"path", dir / "one.jsonl"}});
  JsonlSink sink(s.config());
  write_records(sink, {{"a", "{\"split\":\"train\"}", "", 0}, {"b", "", "", 0}});
  sink.commit();
  CHECK(read_file(dir / "one.jsonl") == "{\"text\":\"a\",\"split\":\"train\"}\n{\"text\":\"b\"}\n");
}
