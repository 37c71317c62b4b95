// test_jsonl_plugin.cpp: the jsonl source and sink as dshost runs them
// (loaded from the built .so through the ABI): bad lines are reported with
// file:line and skipped or fatal by option; the sink writes atomically.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/host_api.hpp"
#include "built_plugins.hpp"
#include "catch.hpp"
#include "common/user_error.hpp"
#include "config/pipeline.hpp"
#include "run/data_stage.hpp"
#include "run/plan.hpp"

using namespace dsforge;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("dsforge-jsonl-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

DataStageStats run(const std::string& toml) {
  PipelineConfig p = parse_pipeline(toml, "t.toml");
  Plan plan = build_plan(p, test::built_plugins(), "");
  return run_data_stage(plan.stages.at(0));
}

std::string pipeline(const fs::path& in, const fs::path& out, const std::string& on_error) {
  return "[[stage]]\nid = \"s\"\nkind = \"data\"\n"
         "source = { plugin = \"jsonl\", path = \"" + in.string() + "\", on_error = \"" + on_error + "\" }\n"
         "sink = { plugin = \"jsonl\", path = \"" + out.string() + "\" }\n";
}

}  // namespace

TEST_CASE("bad JSONL lines are skipped and counted by reason, good ones keep their fields") {
  TempDir dir;
  fs::path in = dir.path / "in.jsonl", out = dir.path / "sub" / "out.jsonl";
  std::ofstream(in) << "{\"text\": \"你好，世界\", \"id\": 1}\n"
                       "{\"text\": \"broken\"\n"
                       "\n"
                       "{\"title\": \"no text field\"}\n"
                       "[1, 2]\n"
                       "{\"text\": \"bad \xff utf8\"}\n"
                       "{\"text\": \"last\", \"tags\": [\"a\"]}\n";
  DataStageStats stats = run(pipeline(in, out, "skip"));
  const auto& src = stats.steps.front();
  CHECK(src.records_out == 2);
  CHECK(src.dropped.at("bad_json") == 2);
  CHECK(src.dropped.at("missing_field") == 1);
  CHECK(src.dropped.at("invalid_utf8") == 1);
  CHECK(test::read_file(out) == "{\"text\":\"你好，世界\",\"id\":1}\n{\"text\":\"last\",\"tags\":[\"a\"]}\n");
  for (const auto& e : fs::directory_iterator(out.parent_path())) CHECK(e.path() == out);  // no temp files left
}

TEST_CASE("with on_error = fail the first bad line stops the run naming file and line, and no output appears") {
  TempDir dir;
  fs::path in = dir.path / "in.jsonl", out = dir.path / "out.jsonl";
  std::ofstream(in) << "{\"text\": \"ok\"}\n{\"text\": 5}\n";
  try {
    run(pipeline(in, out, "fail"));
    FAIL("expected the run to fail");
  } catch (const UserError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find(in.string() + ":2:") != std::string::npos);
    CHECK(msg.find("t.toml:4:10: stage 's'.source (source jsonl (dsforge-jsonl))") == 0);
  }
  CHECK_FALSE(fs::exists(out));
  size_t files = 0;  // only the input: no output, no temp file
  for (const auto& e : fs::directory_iterator(dir.path)) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("a glob that matches nothing is an error naming the pattern") {
  TempDir dir;
  try {
    run(pipeline(dir.path / "nothing-*.jsonl", dir.path / "o.jsonl", "skip"));
    FAIL("expected an error");
  } catch (const UserError& e) {
    CHECK(std::string(e.what()).find("nothing-*.jsonl") != std::string::npos);
  }
}
