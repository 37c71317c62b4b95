// file_set.hpp: several output files that become visible together, for the
// jsonl sink's split_by (data.train.jsonl, data.eval.jsonl, ...).
//
// Like common/atomic_file.hpp, each file is written to `<path>.tmp.<pid>`.
// commit() runs in phases: first every file is flushed, fsynced and
// closed; only when all of them succeeded are they renamed into place, one
// right after the other, and their directories fsynced. So a full disk or
// an I/O error leaves none of the new files visible (the old ones stay),
// and a crash can split the set only inside the rename loop (microseconds,
// same directory). Destroyed without commit(), it removes its temporary
// files. Not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::data {

class AtomicFileSet {
 public:
  AtomicFileSet() = default;
  ~AtomicFileSet();
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;

  // Adds an output file (creating missing parent directories and its
  // temporary file); returns its index. Throws ds::Error(DS_ERR_IO) naming
  // the path, DS_ERR_INVALID_ARGUMENT for a directory or a path added twice.
  size_t add(const std::string& path);
  // Buffered append to file `index`.
  void write(size_t index, std::string_view bytes);
  // Makes every file durable and visible. Only once.
  void commit();

  size_t size() const { return files_.size(); }
  const std::string& path(size_t index) const { return files_[index].path; }
  const std::string& temp_path(size_t index) const { return files_[index].temp; }

 private:
  struct File {
    std::string path;
    std::string temp;
    std::string buffer;
    int fd = -1;
  };
  void flush(File& f);

  std::vector<File> files_;
  bool committed_ = false;
};

}  // namespace dsforge::data
