// atomic_write.cpp
#include "common/atomic_write.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/user_error.hpp"

namespace fs = std::filesystem;

namespace dsforge {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open directory for fsync: {}", dir.string(), std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) fail("{}: fsync failed: {}", dir.string(), std::strerror(err));
}

}  // namespace

AtomicOutputFile::AtomicOutputFile(fs::path path) : path_(std::move(path)) {
  fs::path dir = path_.parent_path().empty() ? fs::path(".") : path_.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail("{}: cannot create directory: {}", dir.string(), ec.message());
  tmp_ = path_;
  tmp_ += ".tmp." + std::to_string(::getpid());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("{}: cannot create: {}", tmp_.string(), std::strerror(errno));
}

AtomicOutputFile::~AtomicOutputFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicOutputFile::write(std::string_view bytes) {
  if (fd_ < 0) fail("{}: write after commit", path_.string());
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) flush();
}

void AtomicOutputFile::flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("{}: write failed: {}", tmp_.string(), std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void AtomicOutputFile::commit() {
  flush();
  if (::fsync(fd_) != 0) fail("{}: fsync failed: {}", tmp_.string(), std::strerror(errno));
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) {
    ::unlink(tmp_.c_str());
    fail("{}: close failed: {}", tmp_.string(), std::strerror(errno));
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_.c_str());
    fail("{}: rename from {} failed: {}", path_.string(), tmp_.string(), std::strerror(err));
  }
  fsync_directory(path_.parent_path().empty() ? fs::path(".") : path_.parent_path());
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  AtomicOutputFile out(path);
  out.write(content);
  out.commit();
}

}  // namespace dsforge
