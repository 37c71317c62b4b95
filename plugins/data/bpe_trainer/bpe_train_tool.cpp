// bpe_train_tool.cpp: dsforge_bpe_train_tool, BPE training from the command
// line without the host, for scripts, benchmarks and the cross-check
// against the `tokenizers` library.
//
//   dsforge_bpe_train_tool --input FILE [--input FILE ...] --output DIR
//       [--format fortune|lines|whole] [--vocab-size N] [--min-frequency N]
//       [--pre-tokenizer deepseek_v3|gpt2|llama3] [--special-token TOK ...]
//       [--bos-token TOK] [--eos-token TOK] [--pad-token TOK] [--no-bos]
//       [--max-documents N] [--dump-words FILE]
//
// Documents: `fortune` splits a file on lines that are exactly "%" (the
// fortune(6) format; a document is its lines joined by "\n", empty ones
// skipped), `lines` takes each non-empty line, `whole` takes each file.
// Writes DIR/tokenizer.json and DIR/tokenizer_config.json, and prints one
// JSON object of statistics and timings on stdout. --dump-words writes the
// word counts as a JSON object {byte-level word: count}, sorted, for
// comparing pre-tokenization with `tokenizers`. Exit status 2 for bad
// arguments, 1 for any other error.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bpe_byte_level.hpp"
#include "bpe_tokenizer_json.hpp"
#include "bpe_train.hpp"
#include "bpe_word_counts.hpp"
#include "dsforge/dsforge.hpp"

namespace {

using namespace dsforge::data::bpe;

struct Args {
  std::vector<std::string> inputs;
  std::string output;
  std::string format = "lines";
  std::string dump_words;
  uint64_t max_documents = 0;
  bool special_given = false;
  BpeTrainOptions train;
  TokenizerFileOptions files;
};

void usage() {
  std::cerr << "usage: dsforge_bpe_train_tool --input FILE [--input FILE ...] --output DIR\n"
               "  [--format fortune|lines|whole] [--vocab-size N] [--min-frequency N]\n"
               "  [--pre-tokenizer deepseek_v3|gpt2|llama3] [--special-token TOK ...]\n"
               "  [--bos-token TOK] [--eos-token TOK] [--pad-token TOK] [--no-bos]\n"
               "  [--max-documents N] [--dump-words FILE]\n";
}

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(k + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> uint64_t {
      const std::string v = value();
      size_t used = 0;
      const unsigned long long n = std::stoull(v, &used);
      if (used != v.size() || v[0] == '-') throw std::invalid_argument(k + ": not a number: " + v);
      return n;
    };
    if (k == "--input") {
      a.inputs.push_back(value());
    } else if (k == "--output") {
      a.output = value();
    } else if (k == "--format") {
      a.format = value();
      if (a.format != "fortune" && a.format != "lines" && a.format != "whole")
        throw std::invalid_argument("--format must be fortune, lines or whole, got " + a.format);
    } else if (k == "--vocab-size") {
      a.train.vocab_size = number();
    } else if (k == "--min-frequency") {
      a.train.min_frequency = number();
    } else if (k == "--pre-tokenizer") {
      a.train.pre_tokenizer = pre_tokenizer_style(value());
    } else if (k == "--special-token") {
      if (!a.special_given) a.train.special_tokens.clear();
      a.special_given = true;
      a.train.special_tokens.push_back(value());
    } else if (k == "--bos-token") {
      a.files.bos_token = value();
    } else if (k == "--eos-token") {
      a.files.eos_token = value();
    } else if (k == "--pad-token") {
      a.files.pad_token = value();
    } else if (k == "--no-bos") {
      a.files.add_bos_token = false;
    } else if (k == "--max-documents") {
      a.max_documents = number();
    } else if (k == "--dump-words") {
      a.dump_words = value();
    } else {
      throw std::invalid_argument("unknown argument " + k);
    }
  }
  if (a.inputs.empty() || a.output.empty())
    throw std::invalid_argument("--input and --output are required");
  return true;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Calls add(doc) for each document of `text` in `format`.
template <class F>
void for_each_document(const std::string& text, const std::string& format, F&& add) {
  if (format == "whole") {
    if (!text.empty()) add(std::string_view(text));
    return;
  }
  std::string doc;
  bool started = false;  // doc has a line (maybe empty)
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (format == "lines") {
      if (!line.empty()) add(line);
    } else if (line == "%") {
      if (!doc.empty()) add(std::string_view(doc));
      doc.clear();
      started = false;
    } else {
      if (started) doc += '\n';
      doc += line;
      started = true;
    }
  }
  if (format == "fortune" && !doc.empty()) add(std::string_view(doc));
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  try {
    parse_args(argc, argv, a);
  } catch (const std::exception& e) {
    std::cerr << "dsforge_bpe_train_tool: " << e.what() << "\n";
    usage();
    return 2;
  }
  try {
    const auto t0 = std::chrono::steady_clock::now();
    WordCounter counter(a.train.pre_tokenizer);
    for (const std::string& path : a.inputs) {
      const std::string text = read_whole(path);
      for_each_document(text, a.format, [&](std::string_view doc) {
        if (a.max_documents == 0 || counter.documents() < a.max_documents) counter.add_document(doc);
      });
    }
    const double count_s = seconds_since(t0);

    const auto t1 = std::chrono::steady_clock::now();
    const BpeModel model = train_bpe(counter.counts(), a.train);
    const double train_s = seconds_since(t1);

    const auto t2 = std::chrono::steady_clock::now();
    write_tokenizer_json(model, a.files, a.output);
    const double write_s = seconds_since(t2);

    if (!a.dump_words.empty()) {
      nlohmann::json words = nlohmann::json::object();  // a std::map: sorted keys
      for (const auto& [word, count] : counter.counts()) words[byte_level_encode(word)] = count;
      std::ofstream(a.dump_words, std::ios::binary) << words.dump() << "\n";
    }

    nlohmann::ordered_json stats = nlohmann::ordered_json::object();
    stats["documents"] = counter.documents();
    stats["bytes"] = counter.bytes();
    stats["words"] = counter.words();
    stats["distinct_words"] = counter.counts().size();
    stats["vocab_size"] = model.vocab.size();
    stats["merges"] = model.merges.size();
    stats["merge_steps"] = model.merge_steps;
    stats["count_seconds"] = count_s;
    stats["train_seconds"] = train_s;
    stats["write_seconds"] = write_s;
    std::cout << stats.dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "dsforge_bpe_train_tool: " << e.what() << "\n";
    return 1;
  }
}
