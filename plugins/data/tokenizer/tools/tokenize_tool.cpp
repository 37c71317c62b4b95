// tokenize_tool.cpp: dsforge_tokenize_tool, a JSONL filter around Tokenizer
// for scripts and cross-checks.
//
//   dsforge_tokenize_tool --tokenizer tokenizer.json [--config tokenizer_config.json]
//                         [--with-special] [--decode] < in.jsonl > out.jsonl
//
// Reads one {"text": "..."} per line and writes one {"ids": [...]} per line
// (plus "ids_with_special" with --with-special, and "decoded", the decode of
// "ids" keeping special tokens, with --decode). A line that cannot be read
// gives {"error": "..."} and the tool goes on; a tokenizer that cannot be
// loaded ends it with status 1.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "tokenizer.hpp"

namespace {

void usage() {
  std::cerr << "usage: dsforge_tokenize_tool --tokenizer PATH [--config PATH] [--with-special] [--decode]\n"
               "reads JSONL {\"text\": ...} on stdin, writes JSONL {\"ids\": [...]} on stdout\n";
}

void append_ids(std::string& out, const char* key, const std::vector<uint32_t>& ids) {
  out += '"';
  out += key;
  out += "\":[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
}

}  // namespace

int main(int argc, char** argv) {
  std::string tokenizer_path;
  std::optional<std::string> config_path;
  bool with_special = false, decode = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tokenizer" && i + 1 < argc) {
      tokenizer_path = argv[++i];
    } else if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a == "--with-special") {
      with_special = true;
    } else if (a == "--decode") {
      decode = true;
    } else {
      usage();
      return 2;
    }
  }
  if (tokenizer_path.empty()) {
    usage();
    return 2;
  }
  std::optional<dsforge::tokenizer::Tokenizer> tok;
  try {
    tok = dsforge::tokenizer::Tokenizer::from_file(tokenizer_path, config_path);
  } catch (const std::exception& e) {
    std::cerr << "dsforge_tokenize_tool: " << e.what() << "\n";
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line, out;
  std::vector<uint32_t> ids, special_ids;
  while (std::getline(std::cin, line)) {
    out.clear();
    try {
      const auto row = nlohmann::json::parse(line);
      const std::string text = row.at("text").get<std::string>();
      tok->encode(text, false, ids);
      out += '{';
      append_ids(out, "ids", ids);
      if (with_special) {
        tok->encode(text, true, special_ids);
        out += ',';
        append_ids(out, "ids_with_special", special_ids);
      }
      if (decode) {
        out += ",\"decoded\":";
        out += nlohmann::json(tok->decode(ids, false))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
      out += '}';
    } catch (const std::exception& e) {
      out =
          nlohmann::json{{"error", e.what()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    out += '\n';
    std::cout << out;
  }
  std::cout.flush();
  return 0;
}
