// cmd_tokenize.cpp: `dshost tokenize` and `dshost chat-template`: the
// tokenizer plugin on single strings or on JSONL files.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/load_registry.hpp"
#include "common/atomic_write.hpp"
#include "common/progress.hpp"
#include "common/user_error.hpp"
#include "tokenizer/tokenizer_client.hpp"

namespace dsforge::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

// Calls `row` for each JSON object line of `input`, writing what it returns
// to `output` atomically. Errors name input:line.
template <class Row>
void map_jsonl(const std::string& input, const std::string& output, const char* label, Row&& row) {
  std::ifstream in(input, std::ios::binary);
  if (!in) fail("{}: cannot open: {}", input, std::strerror(errno));
  AtomicOutputFile out(output);
  Progress progress(label, 0, "rows");
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ordered_json obj;
    try {
      obj = ordered_json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}:{}: not valid JSON: {}", input, line_no, e.what());
    }
    if (!obj.is_object()) fail("{}:{}: expected a JSON object, got {}", input, line_no, obj.type_name());
    try {
      row(obj);
    } catch (const UserError& e) {
      fail("{}:{}: {}", input, line_no, e.what());
    } catch (const nlohmann::json::exception& e) {
      fail("{}:{}: {}", input, line_no, e.what());
    }
    out.write(obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    out.write("\n");
    progress.advance(1);
  }
  out.commit();
  progress.finish();
}

}  // namespace

int cmd_tokenize(const GlobalOptions& g, const TokenizeOptions& o) {
  auto registry = load_registry(g);
  TokenizerClient tok(*registry, o.tokenizer, o.plugin);
  if (o.input.empty()) {
    if (o.text.empty()) fail("give --text TEXT, or --input FILE.jsonl with --output");
    std::vector<uint32_t> ids = tok.encode(o.text, o.add_special_tokens);
    ordered_json pieces = ordered_json::array();
    for (uint32_t id : ids) pieces.push_back(tok.decode({id}, false));
    if (o.json) {
      std::printf("%s\n", ordered_json{{"ids", ids}, {"pieces", pieces}}.dump().c_str());
      return 0;
    }
    std::printf("%zu tokens\n", ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      std::printf("%8u  %-24s %s\n", ids[i], tok.id_to_token(ids[i]).c_str(), pieces[i].dump().c_str());
    }
    return 0;
  }
  if (o.output.empty()) fail("--input needs --output");
  map_jsonl(o.input, o.output, "tokenize", [&](ordered_json& obj) {
    if (!obj.contains(o.field)) fail("no field \"{}\"", o.field);
    if (!obj[o.field].is_string()) fail("field \"{}\" is {}, not a string", o.field, obj[o.field].type_name());
    obj["ids"] = tok.encode(obj[o.field].get_ref<const std::string&>(), o.add_special_tokens);
  });
  return 0;
}

int cmd_chat_template(const GlobalOptions& g, const ChatTemplateOptions& o) {
  auto registry = load_registry(g);
  TokenizerClient tok(*registry, o.tokenizer, o.plugin);
  map_jsonl(o.input, o.output, "chat-template", [&](ordered_json& obj) {
    if (!obj.contains("messages") || !obj["messages"].is_array()) fail("expected a \"messages\" array");
    bool add_generation_prompt = obj.value("add_generation_prompt", o.add_generation_prompt);
    std::string extra = obj.contains("tools") ? ordered_json{{"tools", obj["tools"]}}.dump() : "";
    obj["text"] = tok.apply_chat_template(obj["messages"].dump(), add_generation_prompt, extra);
  });
  return 0;
}

}  // namespace dsforge::cli
