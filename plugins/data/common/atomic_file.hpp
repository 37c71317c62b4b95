// atomic_file.hpp: writes a file so that readers see either the old file or
// the complete new one, never a partial one, even across a crash.
//
// Writes go to `<path>.tmp.<pid>`; commit() flushes, fsyncs the file, renames
// it over `path` and fsyncs the directory so the rename itself is durable.
// Destroying the writer without commit() removes the temporary file. Not
// thread-safe; one writer per output file.
#pragma once

#include <string>
#include <string_view>

namespace dsforge::data {

class AtomicFileWriter {
 public:
  // Creates missing parent directories and opens the temporary file.
  // Throws ds::Error(DS_ERR_IO) naming the path and strerror.
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Buffered append. Throws ds::Error(DS_ERR_IO) (a full disk) or
  // DS_ERR_INVALID_ARGUMENT after commit().
  void write(std::string_view bytes);
  // Makes the file durable and visible under path(). Only once.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  bool committed() const { return committed_; }

 private:
  void flush_buffer();
  void close_fd();

  std::string path_;
  std::string temp_path_;
  std::string buffer_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace dsforge::data
