// bench_tokenizer.cpp: encode throughput of dsforge_tokenizer.
//
//   dsforge_tokenizer_bench --tokenizer tokenizer.json --corpus corpus.jsonl
//                           [--min-mb 50] [--threads N] [--cache WORDS]
//
// Repeats the "text" of every corpus row until the texts hold at least
// --min-mb MB (1 MB = 1e6 bytes), encodes them all (no special tokens) on one
// thread and then with encode_batch on N threads (default: every core), and
// prints one JSON object per run:
//   {"impl": "dsforge", "bytes": ..., "threads": N, "seconds": ..., "mb_per_s": ...,
//    "cpu_seconds": ..., "tokens": ...}
// seconds is wall time; cpu_seconds the CPU time the process spent (useful
// on a shared machine, where wall time also counts other people's work).
// Loading is not timed; a warm-up pass over the corpus runs first (the BPE
// word cache is filled, as the `tokenizers` one is in its own benchmark).
#include <time.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tokenizer.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void report(size_t bytes, size_t threads, double seconds, double cpu, size_t tokens) {
  std::cout << nlohmann::json{{"impl", "dsforge"},
                              {"bytes", bytes},
                              {"threads", threads},
                              {"seconds", seconds},
                              {"mb_per_s", bytes / seconds / 1e6},
                              {"cpu_seconds", cpu},
                              {"tokens", tokens}}
                   .dump()
            << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  std::string tokenizer_path, corpus_path;
  double min_mb = 50;
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  dsforge::tokenizer::TokenizerOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--tokenizer") {
      tokenizer_path = argv[i + 1];
    } else if (a == "--corpus") {
      corpus_path = argv[i + 1];
    } else if (a == "--min-mb") {
      min_mb = std::stod(argv[i + 1]);
    } else if (a == "--threads") {
      threads = std::stoul(argv[i + 1]);
    } else if (a == "--cache") {
      options.cache_capacity = std::stoul(argv[i + 1]);
    } else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (tokenizer_path.empty() || corpus_path.empty()) {
    std::cerr << "usage: dsforge_tokenizer_bench --tokenizer PATH --corpus JSONL [--min-mb 50] [--threads N] "
                 "[--cache WORDS]\n";
    return 2;
  }
  try {
    std::vector<std::string> rows;
    std::ifstream in(corpus_path);
    if (!in) throw std::runtime_error("cannot open " + corpus_path);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) rows.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    }
    std::vector<std::string> texts;
    size_t bytes = 0;
    while (bytes < min_mb * 1e6) {
      for (const auto& r : rows) {
        texts.push_back(r);
        bytes += r.size();
      }
    }
    const auto tok = dsforge::tokenizer::Tokenizer::from_file(tokenizer_path, std::nullopt, options);
    std::vector<uint32_t> ids;
    for (const auto& r : rows) tok.encode(r, false, ids);  // warm-up

    size_t tokens = 0;
    double cpu = cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    for (const auto& t : texts) {
      tok.encode(t, false, ids);
      tokens += ids.size();
    }
    report(bytes, 1, seconds_since(start), cpu_seconds() - cpu, tokens);

    cpu = cpu_seconds();
    start = std::chrono::steady_clock::now();
    const auto batch = tok.encode_batch(texts, false, threads);
    const double s = seconds_since(start);
    const double c = cpu_seconds() - cpu;
    tokens = 0;
    for (const auto& b : batch) tokens += b.size();
    report(bytes, threads, s, c, tokens);
  } catch (const std::exception& e) {
    std::cerr << "dsforge_tokenizer_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
