// bpe_tokenizer_json.cpp: see bpe_tokenizer_json.hpp.
#include "bpe_tokenizer_json.hpp"

#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data::bpe {
namespace {

using ojson = nlohmann::ordered_json;

// Id of special token `token` (the first, if listed twice).
uint32_t special_id(const BpeModel& model, const std::string& token, const char* what) {
  for (size_t i = 0; i < model.special_count; ++i)
    if (model.vocab[i] == token) return static_cast<uint32_t>(i);
  std::string list;
  for (size_t i = 0; i < model.special_count; ++i)
    list += (i ? ", \"" : "\"") + model.vocab[i] + "\"";
  throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                  std::string(what) + " \"" + token + "\" is not one of the special tokens [" +
                      list + "]; add it to special_tokens or set " + what + " to \"\"");
}

void check_tokens(const BpeModel& model, const TokenizerFileOptions& o) {
  if (!o.bos_token.empty()) special_id(model, o.bos_token, "bos_token");
  if (!o.eos_token.empty()) special_id(model, o.eos_token, "eos_token");
  if (!o.pad_token.empty()) special_id(model, o.pad_token, "pad_token");
}

ojson added_token(const std::string& content, size_t id) {
  ojson t = ojson::object();
  t["id"] = id;
  t["content"] = content;
  t["single_word"] = false;
  t["lstrip"] = false;
  t["rstrip"] = false;
  t["normalized"] = false;
  t["special"] = true;
  return t;
}

ojson byte_level(bool trim_offsets) {
  ojson b = ojson::object();
  b["type"] = "ByteLevel";
  b["add_prefix_space"] = false;
  b["trim_offsets"] = trim_offsets;
  b["use_regex"] = false;
  return b;
}

ojson pre_tokenizer(PreTokenizerStyle style) {
  ojson steps = ojson::array();
  for (const std::string& pattern : split_patterns(style)) {
    ojson split = ojson::object();
    split["type"] = "Split";
    split["pattern"] = ojson{{"Regex", pattern}};
    split["behavior"] = "Isolated";
    split["invert"] = false;
    steps.push_back(std::move(split));
  }
  steps.push_back(byte_level(true));
  ojson seq = ojson::object();
  seq["type"] = "Sequence";
  seq["pretokenizers"] = std::move(steps);
  return seq;
}

ojson template_piece(const char* kind, const std::string& id, int type_id) {
  ojson inner = ojson::object();
  inner["id"] = id;
  inner["type_id"] = type_id;
  ojson piece = ojson::object();
  piece[kind] = std::move(inner);
  return piece;
}

ojson post_processor(const BpeModel& model, const TokenizerFileOptions& o) {
  if (!o.add_bos_token || o.bos_token.empty()) return byte_level(false);
  const uint32_t bos = special_id(model, o.bos_token, "bos_token");
  ojson tpl = ojson::object();
  tpl["type"] = "TemplateProcessing";
  tpl["single"] = ojson::array({template_piece("SpecialToken", o.bos_token, 0),
                                template_piece("Sequence", "A", 0)});
  tpl["pair"] = ojson::array({template_piece("SpecialToken", o.bos_token, 0),
                              template_piece("Sequence", "A", 0),
                              template_piece("SpecialToken", o.bos_token, 1),
                              template_piece("Sequence", "B", 1)});
  ojson special = ojson::object();
  special["id"] = o.bos_token;
  special["ids"] = ojson::array({bos});
  special["tokens"] = ojson::array({o.bos_token});
  tpl["special_tokens"] = ojson{{o.bos_token, std::move(special)}};
  ojson seq = ojson::object();
  seq["type"] = "Sequence";
  seq["processors"] = ojson::array({byte_level(false), std::move(tpl)});
  return seq;
}

// The model without vocab and merges: they are spliced in as text by
// splice_vocab_and_merges(), since an ordered_json object finds keys by
// linear search and a 100k-token vocabulary would take quadratic time.
ojson bpe_model_head() {
  ojson m = ojson::object();
  m["type"] = "BPE";
  m["dropout"] = nullptr;
  m["unk_token"] = nullptr;
  m["continuing_subword_prefix"] = nullptr;
  m["end_of_word_suffix"] = nullptr;
  m["fuse_unk"] = false;
  m["byte_fallback"] = false;
  m["ignore_merges"] = false;
  m["vocab"] = ojson::object();
  m["merges"] = ojson::array();
  return m;
}

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

// Replaces the empty model.vocab and model.merges of `text` (the dump of a
// root whose last member is the model from bpe_model_head(), indent 2).
std::string splice_vocab_and_merges(std::string text, const BpeModel& model) {
  const std::string indent(6, ' ');
  std::string vocab = "\"vocab\": {";
  // A token listed twice (a special token that is also a byte character)
  // keeps its first id, as the vocabulary map does.
  std::unordered_set<std::string> seen;
  bool first = true;
  for (size_t id = 0; id < model.vocab.size(); ++id) {
    if (!seen.insert(model.vocab[id]).second) continue;
    vocab += first ? "\n" : ",\n";
    first = false;
    vocab += indent + json_string(model.vocab[id]) + ": " + std::to_string(id);
  }
  vocab += first ? "}" : "\n    }";
  std::string merges = "\"merges\": [";
  for (size_t i = 0; i < model.merges.size(); ++i) {
    merges += i ? ",\n" : "\n";
    merges += indent + json_string(model.merges[i].first + " " + model.merges[i].second);
  }
  merges += model.merges.empty() ? "]" : "\n    ]";
  // Both are the model's last members, and the model is the root's last.
  const std::string empty_merges = "\"merges\": []";
  const std::string empty_vocab = "\"vocab\": {}";
  text.replace(text.rfind(empty_merges), empty_merges.size(), merges);
  text.replace(text.rfind(empty_vocab), empty_vocab.size(), vocab);
  return text;
}

std::string dump(const ojson& j) {
  // strict: every string here is valid UTF-8 (byte-level text, checked
  // special tokens), so a failure would be a bug worth seeing.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::strict) + "\n";
}

}  // namespace

std::string tokenizer_json_text(const BpeModel& model, const TokenizerFileOptions& options) {
  check_tokens(model, options);
  ojson root = ojson::object();
  root["version"] = "1.0";
  root["truncation"] = nullptr;
  root["padding"] = nullptr;
  ojson added = ojson::array();
  for (size_t i = 0; i < model.special_count; ++i) added.push_back(added_token(model.vocab[i], i));
  root["added_tokens"] = std::move(added);
  root["normalizer"] = nullptr;
  root["pre_tokenizer"] = pre_tokenizer(model.pre_tokenizer);
  root["post_processor"] = post_processor(model, options);
  root["decoder"] = byte_level(true);
  root["model"] = bpe_model_head();
  return splice_vocab_and_merges(dump(root), model);
}

std::string tokenizer_config_json_text(const BpeModel& model, const TokenizerFileOptions& options) {
  check_tokens(model, options);
  auto token_or_null = [](const std::string& t) { return t.empty() ? ojson(nullptr) : ojson(t); };
  ojson root = ojson::object();
  root["add_bos_token"] = options.add_bos_token && !options.bos_token.empty();
  root["add_eos_token"] = false;
  ojson decoder = ojson::object();
  for (size_t i = 0; i < model.special_count; ++i) {
    ojson t = added_token(model.vocab[i], i);
    t.erase("id");
    decoder[std::to_string(i)] = std::move(t);
  }
  root["added_tokens_decoder"] = std::move(decoder);
  root["bos_token"] = token_or_null(options.bos_token);
  root["clean_up_tokenization_spaces"] = false;
  root["eos_token"] = token_or_null(options.eos_token);
  root["pad_token"] = token_or_null(options.pad_token);
  root["tokenizer_class"] = "PreTrainedTokenizerFast";
  return dump(root);
}

void write_tokenizer_json(const BpeModel& model, const TokenizerFileOptions& options,
                          const std::string& dir) {
  const std::string tokenizer = tokenizer_json_text(model, options);
  const std::string config = tokenizer_config_json_text(model, options);
  const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  AtomicFileWriter tokenizer_file(base + "tokenizer.json");
  AtomicFileWriter config_file(base + "tokenizer_config.json");
  tokenizer_file.write(tokenizer);
  config_file.write(config);
  tokenizer_file.commit();
  config_file.commit();
}

}  // namespace dsforge::data::bpe
