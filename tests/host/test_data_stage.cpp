// test_data_stage.cpp: the data stage runner with real plugins: parallel
// transforms give output identical to one thread, stats add up, and the
// stats file is written.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "built_plugins.hpp"
#include "catch.hpp"
#include "config/pipeline.hpp"
#include "run/data_stage.hpp"
#include "run/plan.hpp"

using namespace dsforge;
namespace fs = std::filesystem;

namespace {

DataStageStats run(const fs::path& in, const fs::path& out, int threads, int batch, const fs::path& stats = {}) {
  std::string toml = "[[stage]]\nid = \"s\"\nkind = \"data\"\nthreads = " + std::to_string(threads) +
                     "\nbatch_size = " + std::to_string(batch) + "\n" +
                     (stats.empty() ? "" : "stats = \"" + stats.string() + "\"\n") +
                     "source = { plugin = \"jsonl\", path = \"" + in.string() + "\" }\n"
                     "transforms = [ { plugin = \"clean\", strip_urls = true, min_chars = 3 } ]\n"
                     "sink = { plugin = \"jsonl\", path = \"" + out.string() + "\" }\n";
  PipelineConfig p = parse_pipeline(toml, "t.toml");
  Plan plan = build_plan(p, test::built_plugins(), "");
  return run_data_stage(plan.stages.at(0));
}

}  // namespace

TEST_CASE("parallel transforms give the same output as one thread") {
  fs::path dir = fs::temp_directory_path() / ("dsforge-stage-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream in(dir / "in.jsonl");
    for (int i = 0; i < 5000; ++i) {
      // Mixed text, some dropped by min_chars, some with URLs and escapes.
      std::string text = i % 7 == 0 ? "x" : "第" + std::to_string(i) + "行 \x1b[31mred\x1b[m see https://e.x/" +
                                                std::to_string(i) + " 。";
      in << "{\"text\": \"" << (text == "x" ? "x" : "") << "\", \"i\": " << i << "}\n";
      if (text != "x") {
        std::string escaped;
        for (char c : text) escaped += c == '\x1b' ? std::string("\\u001b") : std::string(1, c);
        in << "{\"text\": \"" << escaped << "\", \"i\": " << i << "}\n";
      }
    }
  }
  DataStageStats one = run(dir / "in.jsonl", dir / "one.jsonl", 1, 64);
  DataStageStats four = run(dir / "in.jsonl", dir / "four.jsonl", 4, 37, dir / "stats" / "four.json");
  CHECK(four.threads == 4);
  std::string a = test::read_file(dir / "one.jsonl"), b = test::read_file(dir / "four.jsonl");
  CHECK(a.size() > 100000);
  CHECK(a == b);
  CHECK(a.find("\x1b") == std::string::npos);
  CHECK(a.find("https://") == std::string::npos);
  // Stats add up: every record is either passed on or dropped with a reason.
  for (const DataStageStats* s : {&one, &four}) {
    const StepStats& clean = s->steps.at(1);
    uint64_t dropped = 0;
    for (const auto& [reason, n] : clean.dropped) dropped += n;
    CHECK(clean.records_in == s->steps.at(0).records_out);
    CHECK(clean.records_in == clean.records_out + dropped);
    CHECK(clean.dropped.at("empty_after_clean") > 0);
  }
  CHECK(one.steps.at(1).dropped == four.steps.at(1).dropped);
  auto stats = nlohmann::json::parse(test::read_file(dir / "stats" / "four.json"));
  CHECK(stats.at("threads") == 4);
  CHECK(stats.at("steps").at(1).at("records_out") == four.steps.at(1).records_out);
  fs::remove_all(dir);
}
