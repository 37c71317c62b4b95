// glob_paths.hpp: turns the `path` setting of a source (one pattern or a
// list) into the list of files to read. Uses POSIX glob(3) with `~`
// expansion; does not recurse (`**` is not special) and does not read files.
#pragma once

#include <string>
#include <vector>

namespace dsforge::data {

// Expands each pattern, in the order given. The files of one pattern are
// sorted bytewise (not by locale) so runs are reproducible; directories are
// left out; a file matched by an earlier pattern is not listed twice.
// Throws ds::Error(DS_ERR_NOT_FOUND) naming the pattern when it matches no
// file, DS_ERR_IO when a directory could not be read.
std::vector<std::string> expand_globs(const std::vector<std::string>& patterns);

}  // namespace dsforge::data
