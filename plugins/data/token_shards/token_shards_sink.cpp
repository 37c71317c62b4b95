// token_shards_sink.cpp: the `token_shards` sink: tokenizes each record with
// a Hugging Face tokenizer and packs the ids into shards
// (token_shard_writer.hpp). Instruction records (meta "prompt_bytes", set by
// a source's `fields` mapping) get a loss mask: the prompt is tokenized
// separately from the response and masked out, so the mask is exact.
// Batches are tokenized on several threads; output order is input order, so
// the shards are byte-identical for the same input.
#include <dsforge/dsforge.hpp>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "token_shard_writer.hpp"
#include "tokenizer.hpp"

namespace fs = std::filesystem;

namespace {

const char* kSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["output", "tokenizer"],
  "properties": {
    "output": {"type": "string", "minLength": 1, "description": "output directory: shard-*.bin + index.json"},
    "tokenizer": {"type": "string", "minLength": 1, "description": "tokenizer.json or the folder holding it"},
    "add_special_tokens": {"type": "boolean", "default": true, "description": "add what the tokenizer's post-processor adds (BOS)"},
    "append_eos": {"type": "boolean", "default": true, "description": "end every document with the EOS token"},
    "shard_tokens": {"type": "integer", "minimum": 1, "default": 16777216, "description": "tokens per shard file"},
    "loss_mask": {"enum": ["auto", "always", "never"], "default": "auto",
                  "description": "auto: store a mask when any record has a prompt (meta prompt_bytes)"},
    "prompt_field": {"type": "string", "default": "prompt_bytes",
                     "description": "meta key holding the prompt's length in bytes"},
    "threads": {"type": "integer", "minimum": 0, "default": 0, "description": "tokenizer threads, 0 = one per core"}
  }
})json";

std::string tokenizer_file(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) ? (fs::path(path) / "tokenizer.json").string() : path;
}

std::optional<std::string> config_file(const std::string& tokenizer_json) {
  fs::path cfg = fs::path(tokenizer_json).parent_path() / "tokenizer_config.json";
  std::error_code ec;
  if (fs::exists(cfg, ec)) return cfg.string();
  return std::nullopt;
}

class TokenShardsSink {
 public:
  explicit TokenShardsSink(const ds::Config& cfg)
      : add_special_(cfg.boolean("/add_special_tokens")),
        append_eos_(cfg.boolean("/append_eos")),
        prompt_field_(cfg.str("/prompt_field")),
        threads_(static_cast<size_t>(cfg.integer("/threads"))),
        mask_mode_(cfg.str("/loss_mask")) {
    std::string tj = tokenizer_file(cfg.str("/tokenizer"));
    try {
      tok_.emplace(dsforge::tokenizer::Tokenizer::from_file(tj, config_file(tj)));
    } catch (const std::exception& e) {
      throw ds::Error(DS_ERR_BAD_DATA, e.what());
    }
    if (append_eos_ && !tok_->eos_id()) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, tj + ": append_eos needs an eos_token (tokenizer_config.json); "
                                                    "set append_eos = false");
    }
    output_ = cfg.str("/output");
    shard_tokens_ = static_cast<uint64_t>(cfg.integer("/shard_tokens"));
  }

  void write(const ds_record_batch& in) {
    // Split each record into prompt and response, tokenize all pieces on
    // several threads, then add documents in input order.
    std::vector<std::string> pieces;
    std::vector<bool> has_prompt(in.count, false);
    for (size_t i = 0; i < in.count; ++i) {
      std::string_view text = ds::view(in.records[i].text);
      size_t prompt = prompt_bytes(in.records[i]);
      has_prompt[i] = prompt > 0;
      if (prompt > text.size()) {
        throw ds::Error(DS_ERR_BAD_DATA, std::string(ds::view(in.records[i].origin)) + ":" +
                                             std::to_string(in.records[i].line) + ": " + prompt_field_ + " " +
                                             std::to_string(prompt) + " exceeds the text's " +
                                             std::to_string(text.size()) + " bytes");
      }
      pieces.emplace_back(text.substr(0, prompt));
      pieces.emplace_back(text.substr(prompt));
    }
    auto ids = tok_->encode_batch(pieces, false, threads_);
    ensure_writer(has_prompt);
    std::vector<uint32_t> doc;
    std::vector<uint8_t> mask;
    for (size_t i = 0; i < in.count; ++i) {
      doc.clear();
      mask.clear();
      if (add_special_) {
        // The post-processor's additions around an empty text are the prefix
        // (e.g. BOS): computed once and reused.
        doc = special_prefix();
        mask.assign(doc.size(), 0);
      }
      const auto& prompt = ids[2 * i];
      const auto& response = ids[2 * i + 1];
      doc.insert(doc.end(), prompt.begin(), prompt.end());
      mask.insert(mask.end(), prompt.size(), 0);
      doc.insert(doc.end(), response.begin(), response.end());
      mask.insert(mask.end(), response.size(), 1);
      if (append_eos_) {
        doc.push_back(*tok_->eos_id());
        mask.push_back(1);
      }
      if (!has_prompt[i]) std::fill(mask.begin(), mask.end(), 1);  // plain text: every token is a target
      writer_->add_document(doc, mask);
    }
  }

  void commit() {
    ensure_writer({});
    writer_->commit();
    ds::stat_add("tokens", writer_->tokens());
    ds::stat_add("shards", writer_->shards());
    ds::log(DS_LOG_INFO, "token_shards",
            "wrote " + std::to_string(writer_->documents()) + " documents, " + std::to_string(writer_->tokens()) +
                " tokens in " + std::to_string(writer_->shards()) + " shard(s) to '" + output_ + "'");
  }

 private:
  size_t prompt_bytes(const ds_record& r) const {
    if (r.meta.size == 0) return 0;
    auto meta = nlohmann::json::parse(ds::view(r.meta), nullptr, false);
    if (meta.is_discarded() || !meta.is_object() || !meta.contains(prompt_field_)) return 0;
    const auto& v = meta[prompt_field_];
    return v.is_number_unsigned() || v.is_number_integer() ? v.get<size_t>() : 0;
  }

  const std::vector<uint32_t>& special_prefix() {
    if (!prefix_) prefix_ = tok_->encode("", true);
    return *prefix_;
  }

  // The writer is made at the first batch, once we know whether records
  // carry prompts (loss_mask = "auto").
  void ensure_writer(const std::vector<bool>& has_prompt) {
    if (writer_) return;
    bool any_prompt = std::find(has_prompt.begin(), has_prompt.end(), true) != has_prompt.end();
    bool mask = mask_mode_ == "always" || (mask_mode_ == "auto" && any_prompt);
    writer_.emplace(dsforge::data::TokenShardOptions{output_, shard_tokens_,
                                                      static_cast<uint32_t>(tok_->vocab_size()), mask});
  }

  bool add_special_, append_eos_;
  std::string prompt_field_;
  size_t threads_;
  std::string mask_mode_;
  std::string output_;
  uint64_t shard_tokens_ = 0;
  std::optional<dsforge::tokenizer::Tokenizer> tok_;
  std::optional<std::vector<uint32_t>> prefix_;
  std::optional<dsforge::data::TokenShardWriter> writer_;
};

}  // namespace

DSFORGE_PLUGIN("dsforge-token-shards", "0.1.0", "Apache-2.0",
               ds::sink<TokenShardsSink>("token_shards", "0.1.0",
                                         "Tokenize records and pack them into binary token shards", kSchema))
