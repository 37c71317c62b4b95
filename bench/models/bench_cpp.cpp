// bench_cpp.cpp: forward (prefill) and KV-cache decode tokens/s of a Hugging
// Face Llama folder through dsforge::ModelRunner, i.e. dshost's model code with
// the attention and MLP blocks from the plugins. bench_eager.py measures the
// same things in PyTorch eager; run.sh drives both.
//
//   bench_models --model DIR --plugins BUILD/plugins [--repeat 3] [--threads N]
//                [--forward 1x512,4x128] [--decode-batch 1] [--decode-prompt 128] [--decode-new 128]
//
// Forward: generate(..., max_new_tokens = 1): one full forward of the prompt
// (logits at every position, as `dshost forward`) plus a greedy pick of the
// next token; its prefill_seconds. Decode: greedy generate of decode-new
// tokens after a decode-prompt prompt, EOS ignored, KV cache on; tokens/s is
// batch * (decode-new - 1) / decode_seconds (the first new token belongs to
// the prefill). One warm-up run of each shape, then the median of --repeat.
// Prints one JSON object.
#include <ATen/Parallel.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/model_runner.hpp"
#include "plugins/registry.hpp"
#include "plugins/registry_component_factory.hpp"

namespace {

struct Shape {
  int64_t batch = 1;
  int64_t tokens = 1;
};

std::vector<Shape> parse_shapes(const std::string& s) {
  std::vector<Shape> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(start, end - start);
    size_t x = item.find('x');
    if (x == std::string::npos) throw std::runtime_error("--forward: expected BxT items, got '" + item + "'");
    out.push_back({std::stoll(item.substr(0, x)), std::stoll(item.substr(x + 1))});
    start = end + 1;
  }
  return out;
}

// The same ids as bench_eager.py's make_ids.
std::vector<std::vector<int64_t>> make_ids(int64_t batch, int64_t tokens, int64_t vocab) {
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < tokens; ++i) rows[static_cast<size_t>(b)].push_back((17 + b * 7919 + i * 104729) % vocab);
  return rows;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int64_t vocab_of(const std::string& model) {
  std::FILE* f = std::fopen((model + "/config.json").c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + model + "/config.json");
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return nlohmann::json::parse(text).at("vocab_size").get<int64_t>();
}

}  // namespace

int main(int argc, char** argv) try {
  std::string model, plugins, forward = "1x512,4x128";
  int repeat = 3, threads = 0;
  int64_t decode_batch = 1, decode_prompt = 128, decode_new = 128;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--model") model = value();
    else if (a == "--plugins") plugins = value();
    else if (a == "--repeat") repeat = std::stoi(value());
    else if (a == "--threads") threads = std::stoi(value());
    else if (a == "--forward") forward = value();
    else if (a == "--decode-batch") decode_batch = std::stoll(value());
    else if (a == "--decode-prompt") decode_prompt = std::stoll(value());
    else if (a == "--decode-new") decode_new = std::stoll(value());
    else throw std::runtime_error("unknown argument " + a);
  }
  if (model.empty() || plugins.empty()) throw std::runtime_error("usage: bench_models --model DIR --plugins DIR");
  if (repeat < 1 || decode_new < 2) throw std::runtime_error("--repeat >= 1 and --decode-new >= 2");
  if (threads > 0) at::set_num_threads(threads);

  using clock = std::chrono::steady_clock;
  auto t_load = clock::now();
  dsforge::Registry registry;
  registry.load_directories(dsforge::plugin_search_path({}, {plugins}));
  dsforge::RegistryComponentFactory factory(registry);
  dsforge::ModelOptions options;
  options.model = model;
  dsforge::ModelRunner runner(options, factory);
  const double load_seconds = std::chrono::duration<double>(clock::now() - t_load).count();
  const int64_t vocab = vocab_of(model);

  dsforge::SamplingOptions greedy;
  greedy.greedy = true;
  greedy.ignore_eos = true;

  nlohmann::json out;
  out["impl"] = "dsforge";
  out["summary"] = runner.summary();
  out["threads"] = at::get_num_threads();
  out["load_seconds"] = load_seconds;
  out["repeat"] = repeat;

  nlohmann::json fwd = nlohmann::json::array();
  for (const Shape& s : parse_shapes(forward)) {
    auto ids = make_ids(s.batch, s.tokens, vocab);
    runner.generate(ids, 1, greedy, true);  // warm-up
    std::vector<double> secs;
    for (int r = 0; r < repeat; ++r) secs.push_back(runner.generate(ids, 1, greedy, true).prefill_seconds);
    double med = median(secs);
    fwd.push_back({{"batch", s.batch},
                   {"tokens", s.tokens},
                   {"seconds", secs},
                   {"median_seconds", med},
                   {"tokens_per_s", static_cast<double>(s.batch * s.tokens) / med}});
  }
  out["forward"] = fwd;

  auto ids = make_ids(decode_batch, decode_prompt, vocab);
  runner.generate(ids, decode_new, greedy, true);  // warm-up
  std::vector<double> decode_secs, prefill_secs;
  std::vector<int64_t> first_row;
  for (int r = 0; r < repeat; ++r) {
    dsforge::GenerateResult g = runner.generate(ids, decode_new, greedy, true);
    decode_secs.push_back(g.decode_seconds);
    prefill_secs.push_back(g.prefill_seconds);
    first_row.assign(g.ids[0].begin() + decode_prompt, g.ids[0].end());
  }
  const double med = median(decode_secs);
  const int64_t steps = decode_batch * (decode_new - 1);
  out["decode"] = {{"batch", decode_batch},
                   {"prompt_tokens", decode_prompt},
                   {"new_tokens", decode_new},
                   {"timed_tokens", steps},
                   {"seconds", decode_secs},
                   {"median_seconds", med},
                   {"tokens_per_s", static_cast<double>(steps) / med},
                   {"ms_per_step", 1000.0 * med / static_cast<double>(decode_new - 1)},
                   {"prefill_median_seconds", median(prefill_secs)},
                   {"row0_new_ids", first_row}};
  std::cout << out.dump() << std::endl;
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bench_models: " << e.what() << "\n";
  return 1;
}
