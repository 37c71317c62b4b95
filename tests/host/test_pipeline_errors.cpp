// test_pipeline_errors.cpp: bad pipelines, each with the exact
// file:line:col message a user sees. Settings are checked against the real
// data plugins' schemas.
#include <string>
#include <vector>

#include "built_plugins.hpp"
#include "catch.hpp"
#include "common/user_error.hpp"
#include "config/pipeline.hpp"
#include "plugins/registry.hpp"
#include "run/plan.hpp"

using namespace dsforge;

namespace {

const char* kHeader = "[pipeline]\nname = \"bad\"\n";

struct BadPipeline {
  const char* what;
  std::string body;      // after kHeader (2 lines)
  std::string expected;  // the whole message
};

std::string error_of(const std::string& text) {
  try {
    PipelineConfig p = parse_pipeline(text, "bad.toml");
    build_plan(p, test::built_plugins(), "");
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kStage = "[[stage]]\nid = \"prep\"\nkind = \"data\"\n";  // lines 3-5
const std::string kSink = "sink = { plugin = \"jsonl\", path = \"o.jsonl\" }\n";

}  // namespace

TEST_CASE("bad pipelines give file:line:col, the field and what was expected") {
  const std::vector<BadPipeline> cases = {
      {"syntax error", "[[stage]\nid = \"prep\"\n",
       "bad.toml:3:9: TOML syntax error: Error while parsing table header: expected ']', saw '\\n'"},
      {"unknown plugin", kStage + "source = { plugin = \"nope\", path = \"x\" }\n" + kSink,
       "bad.toml:6:21: stage 'prep'.source.plugin: unknown source plugin 'nope'; available sources: json, jsonl, text"},
      {"plugin of another kind", kStage + "source = { plugin = \"clean\" }\n" + kSink,
       "bad.toml:6:21: stage 'prep'.source.plugin: unknown source plugin 'clean'; 'clean' is a transform, not a "
       "source; available sources: json, jsonl, text"},
      {"wrong type", kStage + "source = { plugin = \"jsonl\", path = \"x\" }\nsink = { plugin = \"jsonl\", path = 5 }\n",
       "bad.toml:7:35: stage 'prep'.sink.path: expected string, got integer"},
      {"missing field", kStage + "source = { plugin = \"jsonl\", path = \"x\" }\nsink = { plugin = \"jsonl\" }\n",
       "bad.toml:7:8: stage 'prep'.sink: missing required key 'path' (output file, written atomically on commit)"},
      {"unknown key", kStage + "source = { plugin = \"jsonl\", path = \"x\" }\n"
                               "transforms = [ { plugin = \"clean\", strip_url = true } ]\n" + kSink,
       "bad.toml:7:36: stage 'prep'.transforms[0].strip_url: unknown key 'strip_url'; did you mean 'strip_urls'?"},
      {"value not in enum", kStage + "source = { plugin = \"jsonl\", path = \"x\", on_error = \"ignore\" }\n" + kSink,
       "bad.toml:6:53: stage 'prep'.source.on_error: expected one of \"skip\", \"fail\", got \"ignore\""},
      {"number out of range", kStage + "source = { plugin = \"jsonl\", path = \"x\" }\n"
                                       "transforms = [ { plugin = \"clean\", min_chars = -3 } ]\n" + kSink,
       "bad.toml:7:48: stage 'prep'.transforms[0].min_chars: must be >= 0, got -3"},
      {"missing stage field", kStage + kSink, "bad.toml:3:1: stage 'prep': missing required key 'source'"},
      {"unknown stage kind", "[[stage]]\nid = \"prep\"\nkind = \"bake\"\n",
       "bad.toml:5:8: stage 'prep'.kind: unknown stage kind \"bake\"; this dshost runs: data"},
      {"unknown top-level key", "\n[stages]\nx = 1\n", "bad.toml:4:2: stages: unknown key 'stages'; expected one of: pipeline, stage"},
      {"duplicate stage id", kStage + "source = { plugin = \"jsonl\", path = \"x\" }\n" + kSink + kStage +
                                 "source = { plugin = \"jsonl\", path = \"x\" }\n" + kSink,
       "bad.toml:8:1: stage 'prep': duplicate stage id"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(error_of(kHeader + c.body) == c.expected);
  }
  // Errors in the [pipeline] table itself.
  CHECK(error_of("[pipeline]\nnmae = \"x\"\n") ==
        "bad.toml:2:1: pipeline.nmae: unknown key 'nmae'; expected one of: name, device, seed, plugin_path");
  CHECK(error_of("[pipeline]\ndevice = \"tpu\"\n" + kStage) ==
        "bad.toml:2:10: pipeline.device: expected \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"tpu\"");
  CHECK(error_of("[pipeline]\nname = \"x\"\n") == "bad.toml: no stages: add at least one [[stage]] table");
}

TEST_CASE("a good pipeline validates and gets the schema defaults") {
  PipelineConfig p = parse_pipeline(kHeader + kStage + "source = { plugin = \"text\", path = \"/etc/hostname\" }\n"
                                    "transforms = [ { plugin = \"clean\" } ]\n" + kSink, "good.toml");
  Plan plan = build_plan(p, test::built_plugins(), "");
  REQUIRE(plan.stages.size() == 1);
  const auto& clean = plan.stages[0].transforms.at(0).settings;
  CHECK(clean.at("strip_ansi") == true);
  CHECK(clean.at("normalize") == "none");
  CHECK_FALSE(clean.contains("plugin"));
  CHECK(plan.stages[0].source.settings.at("path") == "/etc/hostname");
  CHECK_THROWS_AS(build_plan(p, test::built_plugins(), "nope"), UserError);
}
