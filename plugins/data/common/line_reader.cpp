// line_reader.cpp: chunked line reading with read(2); see line_reader.hpp.
#include "common/line_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {
constexpr size_t kChunkBytes = size_t(1) << 20;
}

LineReader::LineReader(std::string path, size_t max_line_bytes)
    : path_(std::move(path)), max_line_bytes_(max_line_bytes), chunk_(kChunkBytes) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw ds::Error(DS_ERR_IO, "cannot open '" + path_ + "': " + std::strerror(errno));
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  for (;;) {
    const ssize_t n = ::read(fd_, chunk_.data(), chunk_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      // Name the line we were reading: it is where the damage is.
      throw ds::Error(DS_ERR_IO, "cannot read '" + path_ + "' after line " +
                                     std::to_string(line_number_) + ": " + std::strerror(errno));
    }
    begin_ = 0;
    end_ = static_cast<size_t>(n);
    if (n == 0) eof_ = true;
    return n > 0;
  }
}

bool LineReader::next(std::string& line) {
  line.clear();
  too_long_ = false;
  bool any = false;  // saw at least one byte (or the '\n') of this line
  for (;;) {
    if (begin_ == end_ && !fill()) {
      if (!any) return false;
      break;  // last line without '\n'
    }
    any = true;
    const char* start = chunk_.data() + begin_;
    const size_t avail = end_ - begin_;
    const void* nl = std::memchr(start, '\n', avail);
    const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
    if (!too_long_) {
      if (line.size() + take > max_line_bytes_) {
        too_long_ = true;
        line.clear();
        line.shrink_to_fit();  // the point of the limit is not to hold it
      } else {
        line.append(start, take);
      }
    }
    begin_ += nl ? take + 1 : take;
    if (nl) break;
  }
  ++line_number_;
  return true;
}

}  // namespace dsforge::data
