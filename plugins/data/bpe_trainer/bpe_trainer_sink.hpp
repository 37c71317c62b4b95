// bpe_trainer_sink.hpp: the `bpe_trainer` sink. write() pre-tokenizes each
// record's text and counts its words (the word -> count map is all it
// keeps); commit() trains byte-level BPE on the counts and writes
// <output>/tokenizer.json and <output>/tokenizer_config.json atomically.
// Destroyed without commit it writes nothing. Records past max_documents
// are not counted (logged once).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "bpe_tokenizer_json.hpp"
#include "bpe_train.hpp"
#include "bpe_word_counts.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data::bpe {

struct BpeTrainerSinkOptions {
  std::string output;  // directory
  BpeTrainOptions train;
  TokenizerFileOptions files;
  uint64_t max_documents = 0;  // 0: all
};

// Reads and checks the settings (vocab_size large enough for the special
// tokens and the 256 bytes, bos/eos/pad among the special tokens, output not
// an existing file). Throws ds::Error(DS_ERR_INVALID_ARGUMENT).
BpeTrainerSinkOptions read_sink_options(const ds::Config& cfg);

class BpeTrainerSink {
 public:
  explicit BpeTrainerSink(const ds::Config& cfg);
  void write(const ds_record_batch& in);
  void commit();

 private:
  BpeTrainerSinkOptions opt_;
  WordCounter counter_;
  std::unique_ptr<ds::Progress> progress_;  // of counting, while records come
  std::chrono::steady_clock::time_point first_write_;
  uint64_t skipped_ = 0;
};

}  // namespace dsforge::data::bpe
