// text_source.hpp: the `text` source. Plain UTF-8 text files become records:
// the whole file as one document, or documents split by a separator line
// (a line consisting exactly of e.g. "%", as in fortune files). Streams line
// by line; does not clean text (that is the clean transform's job) and does
// not guess encodings other than UTF-8.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/line_reader.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {

enum class EncodingErrors { skip, fail, replace };

struct TextSourceOptions {
  std::vector<std::string> files;  // expanded from `path`
  std::string separator;           // "" = one document per file
  EncodingErrors encoding_errors = EncodingErrors::skip;
  bool skip_empty = true;
};

class TextSource {
 public:
  explicit TextSource(const ds::Config& cfg);
  // Pushes up to max_records documents; true once every file is read.
  bool next(ds::BatchWriter& out, size_t max_records);

 private:
  bool read_document();  // false when the current file has no more documents
  bool emit(ds::BatchWriter& out);

  TextSourceOptions opt_;
  size_t next_file_ = 0;
  std::string origin_;  // the file being read
  std::unique_ptr<LineReader> reader_;
  std::string line_;
  std::string doc_;       // the document being assembled
  int64_t doc_line_ = 0;  // its first line
};

}  // namespace dsforge::data
