// bpe_trainer_sink.cpp: see bpe_trainer_sink.hpp.
#include "bpe_trainer_sink.hpp"

#include <cstdio>
#include <filesystem>

#include "common/config_get.hpp"

namespace dsforge::data::bpe {
namespace {

constexpr const char* kComponent = "bpe_trainer";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

[[noreturn]] void bad(const std::string& message) {
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string(kComponent) + ": " + message);
}

}  // namespace

BpeTrainerSinkOptions read_sink_options(const ds::Config& cfg) {
  BpeTrainerSinkOptions o;
  o.output = cfg.str("/output");
  if (o.output.empty()) bad("output must name a directory");
  std::error_code ec;
  if (std::filesystem::exists(o.output, ec) && !std::filesystem::is_directory(o.output, ec))
    bad("output '" + o.output + "' exists and is not a directory");

  const int64_t vocab = integer_or(cfg, "/vocab_size", static_cast<int64_t>(o.train.vocab_size));
  const int64_t min_freq =
      integer_or(cfg, "/min_frequency", static_cast<int64_t>(o.train.min_frequency));
  const int64_t max_docs = integer_or(cfg, "/max_documents", 0);
  if (min_freq < 0) bad("min_frequency must be >= 0, got " + std::to_string(min_freq));
  if (max_docs < 0) bad("max_documents must be >= 0, got " + std::to_string(max_docs));
  o.train.min_frequency = static_cast<uint64_t>(min_freq);
  o.max_documents = static_cast<uint64_t>(max_docs);
  if (cfg.has("/special_tokens")) o.train.special_tokens = cfg.strings("/special_tokens");
  o.train.pre_tokenizer = pre_tokenizer_style(
      choice_or(cfg, kComponent, "/pre_tokenizer", "deepseek_v3", {"deepseek_v3", "gpt2", "llama3"}));

  const size_t base = base_vocab_size(o.train.special_tokens);
  if (vocab < 0 || static_cast<size_t>(vocab) <= base)
    bad("vocab_size must be above " + std::to_string(base) +
        " (the special tokens and the 256 byte tokens alone fill that many ids), got " +
        std::to_string(vocab));
  o.train.vocab_size = static_cast<size_t>(vocab);

  o.files.bos_token = string_or(cfg, "/bos_token", o.files.bos_token);
  o.files.eos_token = string_or(cfg, "/eos_token", o.files.eos_token);
  o.files.pad_token = string_or(cfg, "/pad_token", o.files.pad_token);
  o.files.add_bos_token = boolean_or(cfg, "/add_bos_token", o.files.add_bos_token);
  for (const auto& [key, token] : {std::pair<const char*, const std::string&>{"bos_token", o.files.bos_token},
                                   {"eos_token", o.files.eos_token},
                                   {"pad_token", o.files.pad_token}}) {
    if (token.empty()) continue;
    bool listed = false;
    for (const std::string& s : o.train.special_tokens) listed = listed || s == token;
    if (!listed)
      bad(std::string(key) + " \"" + token +
          "\" is not in special_tokens; add it there or set " + key + " to \"\"");
  }
  return o;
}

BpeTrainerSink::BpeTrainerSink(const ds::Config& cfg)
    : opt_(read_sink_options(cfg)), counter_(opt_.train.pre_tokenizer) {}

void BpeTrainerSink::write(const ds_record_batch& in) {
  if (!progress_) {
    first_write_ = std::chrono::steady_clock::now();
    progress_ = std::make_unique<ds::Progress>("bpe_trainer: counting words", opt_.max_documents,
                                               "docs");
  }
  uint64_t counted = 0;
  for (size_t i = 0; i < in.count; ++i) {
    if (opt_.max_documents != 0 && counter_.documents() >= opt_.max_documents) {
      if (skipped_++ == 0)
        ds::log(DS_LOG_INFO, kComponent,
                "max_documents (" + std::to_string(opt_.max_documents) +
                    ") reached; further records are not counted");
      continue;
    }
    const uint64_t repaired = counter_.repaired_documents();
    counter_.add_document(ds::view(in.records[i].text));
    if (counter_.repaired_documents() != repaired && repaired == 0) {
      const ds_record& r = in.records[i];
      ds::log(DS_LOG_WARN, kComponent,
              where(r.origin.size ? std::string(ds::view(r.origin)) : "<record>", r.line) +
                  ": text is not valid UTF-8; ill-formed bytes counted as U+FFFD "
                  "(further cases are only counted)");
    }
    ++counted;
  }
  progress_->advance(counted);
}

void BpeTrainerSink::commit() {
  const double count_s = progress_ ? seconds_since(first_write_) : 0.0;
  progress_.reset();
  if (counter_.documents() == 0)
    throw ds::Error(DS_ERR_BAD_DATA, std::string(kComponent) +
                                         ": no records reached the sink; nothing to train on "
                                         "(check the source path and the filters before it)");
  ds::log(DS_LOG_INFO, kComponent,
          "counted " + std::to_string(counter_.documents()) + " documents (" +
              fixed(double(counter_.bytes()) / 1e6, 2) + " MB, " +
              std::to_string(counter_.words()) + " words, " +
              std::to_string(counter_.counts().size()) + " distinct) in " + fixed(count_s, 2) +
              " s" +
              (counter_.repaired_documents()
                   ? "; " + std::to_string(counter_.repaired_documents()) +
                         " had invalid UTF-8 replaced"
                   : std::string()) +
              (skipped_ ? "; " + std::to_string(skipped_) + " past max_documents not counted"
                        : std::string()));

  const auto t0 = std::chrono::steady_clock::now();
  BpeModel model;
  {
    const size_t base = base_vocab_size(opt_.train.special_tokens);
    ds::Progress progress("bpe_trainer: merges", opt_.train.vocab_size - base, "merges");
    size_t reported = 0;
    model = train_bpe(counter_.counts(), opt_.train, [&](size_t steps, size_t) {
      if (steps - reported >= 64) {
        progress.advance(steps - reported);
        reported = steps;
      }
    });
    progress.advance(model.merge_steps - reported);
  }
  const double train_s = seconds_since(t0);
  write_tokenizer_json(model, opt_.files, opt_.output);
  std::string note;
  if (model.vocab.size() < opt_.train.vocab_size)
    note = " (below vocab_size " + std::to_string(opt_.train.vocab_size) +
           ": no pair left occurring min_frequency=" + std::to_string(opt_.train.min_frequency) +
           " times)";
  ds::stat_add("vocab_size", model.vocab.size());
  ds::stat_add("merges", model.merges.size());
  ds::log(DS_LOG_INFO, kComponent,
          "trained vocabulary of " + std::to_string(model.vocab.size()) + note + " with " +
              std::to_string(model.merges.size()) + " merges in " + fixed(train_s, 2) +
              " s; wrote " + opt_.output + "/tokenizer.json and tokenizer_config.json");
}

}  // namespace dsforge::data::bpe
