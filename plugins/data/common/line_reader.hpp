// line_reader.hpp: reads a file line by line in fixed-size chunks, so memory
// stays bounded by the longest line kept, not by the file. A line longer than
// a limit is skipped (read to its end and flagged) instead of buffered.
// Lines are split on '\n' only; a '\r' before it stays in the line. Does not
// decode or validate text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dsforge::data {

class LineReader {
 public:
  // Opens `path`; throws ds::Error(DS_ERR_IO) naming it and strerror.
  LineReader(std::string path, size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line into `line` (without its '\n'); false at end of
  // file. A last line without '\n' is still a line. When the line exceeded
  // max_line_bytes, `line` is empty and too_long() is true.
  // Throws ds::Error(DS_ERR_IO) on a read error.
  bool next(std::string& line);
  bool too_long() const { return too_long_; }
  // 1-based number of the line last returned by next().
  int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }

 private:
  bool fill();  // false at end of file

  std::string path_;
  size_t max_line_bytes_;
  int fd_ = -1;
  std::vector<char> chunk_;
  size_t begin_ = 0, end_ = 0;  // unread bytes of chunk_
  bool eof_ = false;
  bool too_long_ = false;
  int64_t line_number_ = 0;
};

}  // namespace dsforge::data
