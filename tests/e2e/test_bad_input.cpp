// test_bad_input.cpp: dshost on hostile input files. Invalid UTF-8, empty
// records, missing fields, a 100 MB single line and a truncated file are
// each reported with file and line, counted in the stats, and never stop or
// crash a run that asked to skip them.
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "catch.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
  int exit_code;
  std::string out;  // stdout and stderr
};

Result run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("hostile JSONL is reported line by line and counted, and the run completes") {
  fs::path dir = fs::temp_directory_path() / ("dsforge-bad-input-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path good = dir / "a.jsonl", huge = dir / "b.jsonl", cut = dir / "c.jsonl";
  {
    std::ofstream a(good, std::ios::binary);
    a << "{\"text\": \"第一行 fine\"}\n";              // 1 kept
    a << "{\"text\": \"bad \xC3\x28 utf8\"}\n";        // 2 invalid_utf8
    a << "{\"text\": \"\"}\n";                          // 3 empty: dropped by clean
    a << "{\"title\": \"no text\"}\n";                  // 4 missing_field
    a << "\n";                                          // 5 blank: skipped silently
    a << "{\"text\": \"kept again\"}\n";                // 6 kept
    std::ofstream b(huge, std::ios::binary);            // one 100 MB line, then a good one
    b << "{\"text\": \"" << std::string(100u << 20, 'x') << "\"}\n";
    b << "{\"text\": \"after the huge line\"}\n";
    std::ofstream c(cut, std::ios::binary);              // truncated mid-record, no newline
    c << "{\"text\": \"complete\"}\n{\"text\": \"trunc";
  }
  std::ofstream(dir / "p.toml") << "[[stage]]\nid = \"s\"\nkind = \"data\"\nstats = \"" << (dir / "stats.json").string()
                                << "\"\nsource = { plugin = \"jsonl\", path = \"" << (dir / "*.jsonl").string()
                                << "\", max_line_bytes = 1048576 }\n"
                                   "transforms = [ { plugin = \"clean\" } ]\n"
                                   "sink = { plugin = \"jsonl\", path = \"" << (dir / "out" / "o.jsonl").string() << "\" }\n";
  Result r = run(std::string(DSFORGE_BINARY_DIR) + "/dshost run " + (dir / "p.toml").string());
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(good.string() + ":2: invalid UTF-8") != std::string::npos);
  CHECK(r.out.find(good.string() + ":4: no field \"text\"") != std::string::npos);
  CHECK(r.out.find(huge.string() + ":1:") != std::string::npos);
  CHECK(r.out.find(cut.string() + ":2:") != std::string::npos);

  auto stats = nlohmann::json::parse(std::ifstream(dir / "stats.json"));
  const auto& source = stats.at("steps").at(0);
  CHECK(source.at("dropped").at("invalid_utf8") == 1);
  CHECK(source.at("dropped").at("missing_field") == 1);
  CHECK(source.at("dropped").at("line_too_long") == 1);
  CHECK(source.at("dropped").at("bad_json") == 1);  // the truncated record
  CHECK(stats.at("steps").at(1).at("dropped").at("empty_after_clean") == 1);
  CHECK(stats.at("steps").at(2).at("records_out") == 4);  // fine, kept again, after, complete

  // With on_error = "fail" the first bad line stops the run: exit 1, location named.
  std::ofstream(dir / "f.toml") << "[[stage]]\nid = \"s\"\nkind = \"data\"\nsource = { plugin = \"jsonl\", path = \""
                                << good.string() << "\", on_error = \"fail\" }\n"
                                << "sink = { plugin = \"jsonl\", path = \"" << (dir / "out" / "f.jsonl").string() << "\" }\n";
  Result f = run(std::string(DSFORGE_BINARY_DIR) + "/dshost run " + (dir / "f.toml").string());
  CHECK(f.exit_code == 1);
  CHECK(f.out.find(good.string() + ":2: invalid UTF-8") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out" / "f.jsonl"));
  fs::remove_all(dir);
}
