// atomic_file.cpp: write to a temporary file, fsync, rename, fsync the
// directory. See atomic_file.hpp.
#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

constexpr size_t kFlushBytes = size_t(1) << 20;

[[noreturn]] void throw_io(const std::string& what, const std::string& path, int err) {
  throw ds::Error(DS_ERR_IO, what + " '" + path + "': " + std::strerror(err));
}

std::string parent_dir(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_io("cannot open directory", dir, errno);
  // Some file systems cannot fsync a directory (EINVAL); the rename is then
  // as durable as that file system makes it, which is all we can ask for.
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL && err != ENOTSUP) throw_io("cannot fsync directory", dir, err);
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "output path is empty");
  // Caught here, not as a failed rename at the end of a long run.
  std::error_code dir_ec;
  if (path_.back() == '/' || std::filesystem::is_directory(path_, dir_ec))
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "output path '" + path_ + "' is a directory; expected a file name");
  temp_path_ = path_ + ".tmp." + std::to_string(::getpid());
  std::error_code ec;
  std::filesystem::create_directories(parent_dir(path_), ec);
  if (ec)
    throw ds::Error(DS_ERR_IO,
                    "cannot create directory '" + parent_dir(path_) + "': " + ec.message());
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_io("cannot create", temp_path_, errno);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (committed_) return;
  close_fd();
  ::unlink(temp_path_.c_str());
}

void AtomicFileWriter::write(std::string_view bytes) {
  if (committed_) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "write to '" + path_ + "' after commit");
  buffer_.append(bytes);
  if (buffer_.size() >= kFlushBytes) flush_buffer();
}

void AtomicFileWriter::flush_buffer() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io("cannot write", temp_path_, errno);
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void AtomicFileWriter::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void AtomicFileWriter::commit() {
  if (committed_) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "'" + path_ + "' committed twice");
  flush_buffer();
  if (::fsync(fd_) != 0) throw_io("cannot fsync", temp_path_, errno);
  // close() can report a deferred write error (NFS); treat it as a failure.
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw_io("cannot close", temp_path_, errno);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw_io("cannot rename '" + temp_path_ + "' to", path_, errno);
  committed_ = true;
  fsync_dir(parent_dir(path_));
}

}  // namespace dsforge::data
