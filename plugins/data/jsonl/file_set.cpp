// file_set.cpp: see file_set.hpp.
#include "file_set.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

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
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory; see common/atomic_file.cpp.
  if (rc != 0 && err != EINVAL && err != ENOTSUP) throw_io("cannot fsync directory", dir, err);
}

}  // namespace

AtomicFileSet::~AtomicFileSet() {
  for (File& f : files_) {
    if (f.fd >= 0) ::close(f.fd);
    if (!committed_) ::unlink(f.temp.c_str());
  }
}

size_t AtomicFileSet::add(const std::string& path) {
  if (committed_) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "add '" + path + "' after commit");
  for (const File& f : files_)
    if (f.path == path) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "'" + path + "' added twice");
  std::error_code ec;
  if (path.empty() || path.back() == '/' || std::filesystem::is_directory(path, ec))
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "output path '" + path + "' is a directory; expected a file name");
  std::filesystem::create_directories(parent_dir(path), ec);
  if (ec)
    throw ds::Error(DS_ERR_IO, "cannot create directory '" + parent_dir(path) + "': " + ec.message());
  File f;
  f.path = path;
  f.temp = path + ".tmp." + std::to_string(::getpid());
  f.fd = ::open(f.temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (f.fd < 0) throw_io("cannot create", f.temp, errno);
  files_.push_back(std::move(f));
  return files_.size() - 1;
}

void AtomicFileSet::flush(File& f) {
  size_t done = 0;
  while (done < f.buffer.size()) {
    const ssize_t n = ::write(f.fd, f.buffer.data() + done, f.buffer.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io("cannot write", f.temp, errno);
    }
    done += static_cast<size_t>(n);
  }
  f.buffer.clear();
}

void AtomicFileSet::write(size_t index, std::string_view bytes) {
  if (committed_)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "write to '" + files_[index].path + "' after commit");
  File& f = files_[index];
  f.buffer.append(bytes);
  if (f.buffer.size() >= kFlushBytes) flush(f);
}

void AtomicFileSet::commit() {
  if (committed_) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "file set committed twice");
  // Phase 1: everything durable under its temporary name.
  for (File& f : files_) {
    flush(f);
    if (::fsync(f.fd) != 0) throw_io("cannot fsync", f.temp, errno);
    const int rc = ::close(f.fd);  // may report a deferred write error (NFS)
    f.fd = -1;
    if (rc != 0) throw_io("cannot close", f.temp, errno);
  }
  // Phase 2: all renames back to back.
  for (const File& f : files_)
    if (::rename(f.temp.c_str(), f.path.c_str()) != 0)
      throw_io("cannot rename '" + f.temp + "' to", f.path, errno);
  committed_ = true;
  // Phase 3: the renames themselves durable.
  std::set<std::string> dirs;
  for (const File& f : files_) dirs.insert(parent_dir(f.path));
  for (const std::string& d : dirs) fsync_dir(d);
}

}  // namespace dsforge::data
