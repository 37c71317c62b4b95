// tokenizer.cpp: Tokenizer: loading the parts of tokenizer.json and running
// them in `tokenizers`' order. The parts live in their own files; this file
// only wires them and keeps the per-id tables decode needs.
#include "tokenizer.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tokenizer_added_tokens.hpp"
#include "tokenizer_bpe.hpp"
#include "tokenizer_byte_level.hpp"
#include "tokenizer_config.hpp"
#include "tokenizer_decoders.hpp"
#include "tokenizer_json.hpp"
#include "tokenizer_normalizers.hpp"
#include "tokenizer_pieces.hpp"
#include "tokenizer_post_processors.hpp"
#include "tokenizer_pre_tokenizers.hpp"
#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

struct Tokenizer::Impl {
  std::unique_ptr<BpeModel> model;
  AddedVocabulary added;
  std::unique_ptr<Normalizer> normalizer;  // null: none
  PreTokenizerChain pre;
  std::unique_ptr<PostProcessor> post;  // null: adds nothing
  std::unique_ptr<Decoder> decoder;     // null: tokens joined by " "

  uint32_t id_end = 0;  // one past the largest id
  size_t distinct_ids = 0;
  std::vector<uint8_t> special;  // per id: decodes to a special token
  // Plain ByteLevel decoder: each id's decoded bytes, ready to concatenate.
  bool byte_table = false;
  std::string bytes_arena;
  std::vector<uint32_t> bytes_offset;  // id -> offset; id_end + 1 entries
  std::vector<uint8_t> bytes_known;    // id has a token

  TokenizerConfig config;
  std::optional<uint32_t> bos, eos, pad, unk;

  std::optional<std::string> token_of(uint32_t id) const {
    if (const AddedToken* t = added.find(id)) return t->content;
    if (auto s = model->id_to_token(id)) return std::string(*s);
    return std::nullopt;
  }
  std::optional<uint32_t> id_of(std::string_view token) const {
    if (auto id = added.token_to_id(token)) return id;
    return model->token_to_id(token);
  }
  void build_id_tables();
  void encode(std::string_view text, bool add_special_tokens, std::vector<uint32_t>& out) const;
  std::string decode(const std::vector<uint32_t>& ids, bool skip_special_tokens, bool lossy) const;
};

namespace {

// Per-thread scratch of encode().
struct Scratch {
  Work work;
  BpeScratch bpe;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

void Tokenizer::Impl::build_id_tables() {
  id_end = model->id_end();
  size_t extra = 0;
  for (const auto& [id, token] : added.by_id()) {
    id_end = std::max(id_end, id + 1);
    if (!model->id_to_token(id)) ++extra;
  }
  distinct_ids = model->vocab_size() + extra;
  special.assign(id_end, 0);
  for (uint32_t id = 0; id < id_end; ++id) {
    const auto t = token_of(id);
    special[id] = t && added.is_special_content(*t);
  }
  byte_table = decoder && decoder->is_byte_level();
  if (!byte_table) return;
  bytes_offset.assign(id_end + 1, 0);
  bytes_known.assign(id_end, 0);
  for (uint32_t id = 0; id < id_end; ++id) {
    bytes_offset[id] = static_cast<uint32_t>(bytes_arena.size());
    if (const auto t = token_of(id)) {
      bytes_known[id] = 1;
      if (!byte_level_unmap(*t, bytes_arena)) bytes_arena.append(*t);
    }
  }
  bytes_offset[id_end] = static_cast<uint32_t>(bytes_arena.size());
}

void Tokenizer::Impl::encode(std::string_view text, bool add_special_tokens,
                             std::vector<uint32_t>& out) const {
  out.clear();
  if (text.size() >= UINT32_MAX) {
    throw std::length_error("encode: a text of " + std::to_string(text.size()) +
                            " bytes; one call takes less than 4 GiB");
  }
  Scratch& s = scratch();
  Work& w = s.work;
  w.reset(text);
  added.split_raw(w);
  if (normalizer) {
    const Normalizer& n = *normalizer;
    rewrite_pieces(w, [&n](std::string_view in, const Piece&, std::string& o) { n.normalize(in, o); });
  }
  added.split_normalized(w);
  pre.run(w);
  for (const Piece& p : w.pieces) {
    if (p.added_id >= 0) {
      out.push_back(static_cast<uint32_t>(p.added_id));
    } else {
      model->tokenize(w.view(p), pre.bytes_left_raw, s.bpe, out);
    }
  }
  if (post) post->process(out, add_special_tokens);
  w.trim(size_t{64} << 20);  // per-thread scratch stays small after a huge text
}

std::string Tokenizer::Impl::decode(const std::vector<uint32_t>& ids, bool skip_special_tokens,
                                    bool lossy) const {
  if (byte_table) {
    std::string bytes;
    for (const uint32_t id : ids) {
      if (id >= id_end || !bytes_known[id] || (skip_special_tokens && special[id])) continue;
      bytes.append(bytes_arena, bytes_offset[id], bytes_offset[id + 1] - bytes_offset[id]);
    }
    if (!lossy) return bytes;
    std::string text;
    text.reserve(bytes.size());
    append_utf8_lossy(text, bytes);
    return text;
  }
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const uint32_t id : ids) {
    if (id >= id_end || (skip_special_tokens && special[id])) continue;
    if (auto t = token_of(id)) tokens.push_back(std::move(*t));
  }
  std::string text;
  if (decoder) {
    decoder->decode_chain(tokens, lossy);
    for (const std::string& t : tokens) text += t;
  } else {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) text += ' ';
      text += tokens[i];
    }
  }
  return text;
}

// ---- Tokenizer ----

namespace {

std::shared_ptr<Tokenizer::Impl> build_impl(std::string_view json, const std::string& file,
                                            std::optional<std::string_view> config_json,
                                            const std::string& config_file, const TokenizerOptions& options) {
  // The config first, so its errors are not hidden behind a slow load.
  TokenizerConfig config;
  if (config_json) config = parse_tokenizer_config(*config_json, config_file);

  const nlohmann::json doc = parse_json(json, file);
  const JsonNode root(doc, "", file);
  if (!root.is_object()) root.expected("an object");
  auto impl = std::make_shared<Tokenizer::Impl>();
  impl->model = BpeModel::load(root.at("model"), options.cache_capacity);
  if (auto n = root.find("normalizer")) impl->normalizer = make_normalizer(*n);
  if (auto p = root.find("pre_tokenizer")) impl->pre = make_pre_tokenizer(*p);
  if (impl->pre.bytes_left_raw) impl->model->enable_raw_bytes();
  if (auto p = root.find("post_processor")) impl->post = make_post_processor(*p);
  if (auto d = root.find("decoder")) impl->decoder = make_decoder(*d);
  if (auto a = root.find("added_tokens")) impl->added.load(*a, *impl->model, impl->normalizer.get());
  impl->build_id_tables();
  if (!config_json) return impl;

  impl->config = config;
  const auto lookup = [&](const std::optional<std::string>& token) -> std::optional<uint32_t> {
    if (!token) return std::nullopt;
    return impl->id_of(*token);
  };
  impl->bos = lookup(config.bos_token);
  impl->eos = lookup(config.eos_token);
  impl->pad = lookup(config.pad_token);
  impl->unk = lookup(config.unk_token);
  if (options.config_adds_bos_eos) {
    // transformers 4's LlamaTokenizerFast.update_post_processor: "<bos> $A <eos>".
    std::vector<uint32_t> prefix, suffix;
    if (config.add_bos_token) {
      if (!impl->bos)
        throw std::runtime_error(config_file +
                                 ": add_bos_token is true but bos_token is missing or not in the vocabulary");
      prefix.push_back(*impl->bos);
    }
    if (config.add_eos_token) {
      if (!impl->eos)
        throw std::runtime_error(config_file +
                                 ": add_eos_token is true but eos_token is missing or not in the vocabulary");
      suffix.push_back(*impl->eos);
    }
    impl->post = make_affix_processor(std::move(prefix), std::move(suffix));
  }
  return impl;
}

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Tokenizer Tokenizer::from_file(const std::string& tokenizer_json,
                               const std::optional<std::string>& tokenizer_config_json,
                               const TokenizerOptions& options) {
  const std::string text = read_file(tokenizer_json);
  if (!tokenizer_config_json) return Tokenizer(build_impl(text, tokenizer_json, std::nullopt, "", options));
  const std::string config = read_file(*tokenizer_config_json);
  return Tokenizer(
      build_impl(text, tokenizer_json, std::string_view(config), *tokenizer_config_json, options));
}

Tokenizer Tokenizer::from_json(std::string_view tokenizer_json, std::string_view name,
                               std::optional<std::string_view> tokenizer_config_json,
                               const TokenizerOptions& options) {
  return Tokenizer(
      build_impl(tokenizer_json, std::string(name), tokenizer_config_json, "tokenizer_config.json", options));
}

std::vector<uint32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  std::vector<uint32_t> out;
  impl_->encode(text, add_special_tokens, out);
  return out;
}

void Tokenizer::encode(std::string_view text, bool add_special_tokens, std::vector<uint32_t>& out) const {
  impl_->encode(text, add_special_tokens, out);
}

std::vector<std::vector<uint32_t>> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                                           bool add_special_tokens, size_t threads) const {
  std::vector<std::vector<uint32_t>> out(texts.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, texts.size());
  if (threads <= 1) {
    for (size_t i = 0; i < texts.size(); ++i) impl_->encode(texts[i], add_special_tokens, out[i]);
    return out;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    try {
      for (size_t i = next++; i < texts.size(); i = next++)
        impl_->encode(texts[i], add_special_tokens, out[i]);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = texts.size();
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return out;
}

std::string Tokenizer::decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const {
  return impl_->decode(ids, skip_special_tokens, true);
}

std::string Tokenizer::decode_bytes(const std::vector<uint32_t>& ids, bool skip_special_tokens) const {
  return impl_->decode(ids, skip_special_tokens, false);
}

std::string Tokenizer::id_to_token(uint32_t id) const { return impl_->token_of(id).value_or(std::string()); }

std::optional<uint32_t> Tokenizer::token_to_id(std::string_view token) const { return impl_->id_of(token); }

size_t Tokenizer::vocab_size() const { return impl_->distinct_ids; }

bool Tokenizer::is_special(uint32_t id) const { return id < impl_->id_end && impl_->special[id]; }

std::optional<uint32_t> Tokenizer::bos_id() const { return impl_->bos; }
std::optional<uint32_t> Tokenizer::eos_id() const { return impl_->eos; }
std::optional<uint32_t> Tokenizer::pad_id() const { return impl_->pad; }
std::optional<uint32_t> Tokenizer::unk_id() const { return impl_->unk; }
bool Tokenizer::add_bos_token() const { return impl_->config.add_bos_token; }
bool Tokenizer::add_eos_token() const { return impl_->config.add_eos_token; }

}  // namespace dsforge::tokenizer
