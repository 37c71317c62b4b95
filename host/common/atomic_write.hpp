// atomic_write.hpp: write files so that readers see the old content or the
// new, never a mix: a temp file in the same directory, fsync, rename, fsync
// of the directory. Missing parent directories are created.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace dsforge {

// Streaming: write() as often as needed, then commit(). Destroyed without
// commit(), it removes the temp file and the old file stays as it was.
class AtomicOutputFile {
 public:
  explicit AtomicOutputFile(std::filesystem::path path);  // throws UserError
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  void write(std::string_view bytes);  // buffered
  void commit();

 private:
  void flush();
  std::filesystem::path path_, tmp_;
  std::string buffer_;
  int fd_ = -1;
};

// One-shot convenience. Throws UserError naming the path and the system error.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace dsforge
