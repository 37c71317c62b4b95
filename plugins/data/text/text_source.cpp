// text_source.cpp: text files -> documents. See text_source.hpp.
#include "text_source.hpp"

#include <algorithm>
#include <limits>

#include "common/config_get.hpp"
#include "common/glob_paths.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {
namespace {

TextSourceOptions read_options(const ds::Config& cfg) {
  TextSourceOptions opt;
  opt.files = expand_globs(cfg.string_or_strings("/path"));
  opt.separator = string_or(cfg, "/separator", "");
  if (opt.separator.find('\n') != std::string::npos)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "text: separator is matched against whole lines and cannot contain a newline");
  const std::string errors =
      choice_or(cfg, "text", "/encoding_errors", "skip", {"skip", "fail", "replace"});
  opt.encoding_errors = errors == "fail"      ? EncodingErrors::fail
                        : errors == "replace" ? EncodingErrors::replace
                                              : EncodingErrors::skip;
  opt.skip_empty = boolean_or(cfg, "/skip_empty", true);
  return opt;
}

// A CRLF file has "%\r" lines; they still separate.
bool is_separator(const std::string& line, const std::string& sep) {
  if (line.size() == sep.size() + 1 && line.back() == '\r')
    return line.compare(0, sep.size(), sep) == 0;
  return line == sep;
}

bool is_blank(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Step step = utf8_decode(text, pos);
    if (!step.ok || !is_unicode_space(step.code_point)) return false;
    pos += step.length;
  }
  return true;
}

}  // namespace

TextSource::TextSource(const ds::Config& cfg) : opt_(read_options(cfg)) {}

bool TextSource::next(ds::BatchWriter& out, size_t max_records) {
  size_t pushed = 0;
  while (pushed < max_records) {
    if (!reader_) {
      if (next_file_ == opt_.files.size()) return true;
      origin_ = opt_.files[next_file_++];
      // No line limit: a document is as long as the file says.
      reader_ = std::make_unique<LineReader>(origin_, std::numeric_limits<size_t>::max());
      if (opt_.separator.empty()) {
        // One document per file, even an empty file (skip_empty decides).
        doc_.clear();
        doc_line_ = 1;
        while (reader_->next(line_)) {
          if (reader_->line_number() > 1) doc_ += '\n';
          doc_ += line_;
        }
        reader_.reset();
        if (emit(out)) ++pushed;
        continue;
      }
    }
    if (!read_document()) {
      reader_.reset();
      continue;
    }
    if (emit(out)) ++pushed;
  }
  return false;
}

// Separator mode: collects the lines up to the next separator line or the
// end of the file. Runs of zero lines (two separators in a row, the final
// separator before EOF) are not documents at all.
bool TextSource::read_document() {
  for (;;) {
    doc_.clear();
    doc_line_ = 0;
    bool at_eof = true;
    while (reader_->next(line_)) {
      if (is_separator(line_, opt_.separator)) {
        at_eof = false;
        break;
      }
      if (doc_line_ == 0)
        doc_line_ = reader_->line_number();
      else
        doc_ += '\n';
      doc_ += line_;
    }
    if (doc_line_ != 0) return true;
    if (at_eof) return false;
  }
}

// Checks the assembled document and pushes it; false when it was dropped.
bool TextSource::emit(ds::BatchWriter& out) {
  if (const std::optional<size_t> bad = first_invalid_utf8(doc_)) {
    switch (opt_.encoding_errors) {
      case EncodingErrors::replace:
        doc_ = replace_invalid_utf8(doc_);
        break;
      case EncodingErrors::fail:
      case EncodingErrors::skip: {
        // Name the line of the bad byte, not only where the document starts.
        const int64_t bad_line =
            doc_line_ + static_cast<int64_t>(std::count(doc_.begin(), doc_.begin() + *bad, '\n'));
        const size_t nl = *bad == 0 ? std::string::npos : doc_.rfind('\n', *bad - 1);
        const size_t line_start = nl == std::string::npos ? 0 : nl + 1;
        const std::string msg =
            where(origin_, bad_line) + ": " +
            describe_invalid_utf8(std::string_view(doc_).substr(line_start), *bad - line_start);
        if (opt_.encoding_errors == EncodingErrors::fail) throw ds::Error(DS_ERR_BAD_DATA, msg);
        ds::log(DS_LOG_WARN, "text",
                msg + "; document starting at line " + std::to_string(doc_line_) + " skipped");
        out.drop("invalid_utf8");
        return false;
      }
    }
  }
  if (opt_.skip_empty && is_blank(doc_)) {
    out.drop("empty");
    return false;
  }
  out.push(doc_, {}, origin_, doc_line_);
  return true;
}

}  // namespace dsforge::data
