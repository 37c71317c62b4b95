// hf_tokenizer_plugin.cpp: the `hf_tokenizer` component (DS_KIND_TOKENIZER):
// a Hugging Face tokenizer folder (tokenizer.json, tokenizer_config.json and
// its chat template) served through the tokenizer ABI. The work is done by
// the host-free libraries in ../tokenizer and ../chat_template; this file only
// adapts them and turns their exceptions into the right status codes.
#include <dsforge/dsforge.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "chat_template.hpp"
#include "tokenizer.hpp"

namespace fs = std::filesystem;

namespace {

const char* kSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {"type": "string", "minLength": 1,
             "description": "tokenizer.json, or the folder holding it and tokenizer_config.json"},
    "config_adds_bos_eos": {"type": "boolean", "default": false,
             "description": "add BOS/EOS from tokenizer_config.json's add_bos_token/add_eos_token (transformers 4 LlamaTokenizerFast) instead of tokenizer.json's post-processor"},
    "chat_template": {"type": "string", "default": "",
             "description": "name of the chat template to use when the config holds several"}
  }
})";

struct Paths {
  std::string tokenizer_json;
  std::optional<std::string> config_json;
};

Paths resolve(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
  Paths out;
  out.tokenizer_json = fs::is_directory(p, ec) ? (p / "tokenizer.json").string() : path;
  if (!fs::exists(out.tokenizer_json, ec)) {
    throw ds::Error(DS_ERR_NOT_FOUND, out.tokenizer_json + ": no such file (expected a Hugging Face tokenizer.json)");
  }
  fs::path cfg = (dir.empty() ? fs::path(".") : dir) / "tokenizer_config.json";
  if (fs::exists(cfg, ec)) out.config_json = cfg.string();
  return out;
}

class HfTokenizer {
 public:
  explicit HfTokenizer(const ds::Config& cfg) : template_name_(cfg.str("/chat_template")) {
    Paths paths = resolve(cfg.str("/path"));
    dsforge::tokenizer::TokenizerOptions options;
    options.config_adds_bos_eos = cfg.boolean("/config_adds_bos_eos");
    try {
      tok_.emplace(dsforge::tokenizer::Tokenizer::from_file(paths.tokenizer_json, paths.config_json, options));
    } catch (const ds::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw ds::Error(DS_ERR_BAD_DATA, e.what());
    }
    if (paths.config_json) {
      try {
        chat_ = dsforge::data::load_tokenizer_chat_config(*paths.config_json);
      } catch (const ds::Error& e) {
        if (e.code() != DS_ERR_NOT_FOUND) throw;  // a broken config is an error; no template is not
        chat_error_ = e.what();
      }
    } else {
      chat_error_ = "no tokenizer_config.json beside " + paths.tokenizer_json;
    }
  }

  ds_tokenizer_info info() const {
    auto id = [](std::optional<uint32_t> v) { return v ? static_cast<int64_t>(*v) : int64_t{-1}; };
    ds_tokenizer_info i{};
    i.struct_size = sizeof(i);
    i.vocab_size = static_cast<int64_t>(tok_->vocab_size());
    i.bos_id = id(tok_->bos_id());
    i.eos_id = id(tok_->eos_id());
    i.pad_id = id(tok_->pad_id());
    i.unk_id = id(tok_->unk_id());
    return i;
  }

  std::vector<uint32_t> encode(std::string_view text, bool add_special) const { return tok_->encode(text, add_special); }

  std::string decode(const uint32_t* ids, size_t n, bool skip_special) const {
    return tok_->decode(std::vector<uint32_t>(ids, ids + n), skip_special);
  }

  std::string id_to_token(uint32_t id) const {
    if (id >= tok_->vocab_size()) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "id " + std::to_string(id) + " is outside the vocabulary (size " +
                                                   std::to_string(tok_->vocab_size()) + ")");
    }
    return tok_->id_to_token(id);
  }

  std::string apply_chat_template(std::string_view messages, bool add_generation_prompt, std::string_view extra) const {
    if (!chat_) throw ds::Error(DS_ERR_NOT_FOUND, "no chat template: " + chat_error_);
    nlohmann::ordered_json m, x = nlohmann::ordered_json::object();
    try {
      m = nlohmann::ordered_json::parse(messages);
      if (!extra.empty()) x = nlohmann::ordered_json::parse(extra);
    } catch (const nlohmann::json::exception& e) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string("chat template input is not valid JSON: ") + e.what());
    }
    if (!m.is_array()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "messages must be a JSON array");
    try {
      return chat_->apply(m, add_generation_prompt, x, template_name_);
    } catch (const ds::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, e.what());
    }
  }

 private:
  std::string template_name_;
  std::optional<dsforge::tokenizer::Tokenizer> tok_;
  std::optional<dsforge::data::TokenizerChatConfig> chat_;
  std::string chat_error_;
};

}  // namespace

DSFORGE_PLUGIN("dsforge-hf-tokenizer", "0.1.0", "Apache-2.0",
               ds::tokenizer<HfTokenizer>("hf_tokenizer", "0.1.0",
                                          "Hugging Face tokenizer.json (byte-level BPE) with chat templates", kSchema))
