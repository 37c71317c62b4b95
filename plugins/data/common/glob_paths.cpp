// glob_paths.cpp: glob(3) wrapper; see glob_paths.hpp.
#include "common/glob_paths.hpp"

#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <new>
#include <unordered_set>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

// Frees the glob_t however we leave the function.
struct GlobResult {
  glob_t g{};
  ~GlobResult() { globfree(&g); }
};

// For a relative pattern, where it was resolved: the usual cause of "matched
// no files" is running from another directory.
std::string relative_hint(const std::string& pattern) {
  if (!pattern.empty() && (pattern[0] == '/' || pattern[0] == '~')) return "";
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return "";
  return std::string(" (relative to the working directory ") + cwd + ")";
}

}  // namespace

std::vector<std::string> expand_globs(const std::vector<std::string>& patterns) {
  if (patterns.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "path: no file pattern given");
  std::vector<std::string> files;
  std::unordered_set<std::string> seen;
  for (const std::string& pattern : patterns) {
    if (pattern.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "path: empty file pattern");
    GlobResult result;
    // GLOB_MARK appends '/' to directories so they can be left out.
    const int rc = glob(pattern.c_str(), GLOB_MARK | GLOB_TILDE, nullptr, &result.g);
    if (rc == GLOB_NOSPACE) throw std::bad_alloc();
    if (rc == GLOB_ABORTED)
      throw ds::Error(DS_ERR_IO, "path '" + pattern + "': a directory could not be read");
    std::vector<std::string> matched;
    if (rc == 0) {
      for (size_t i = 0; i < result.g.gl_pathc; ++i) {
        std::string p = result.g.gl_pathv[i];
        if (!p.empty() && p.back() != '/') matched.push_back(std::move(p));
      }
    }
    if (matched.empty()) {
      const char* why = rc == 0 ? " (only directories)" : "";
      throw ds::Error(DS_ERR_NOT_FOUND,
                      "path '" + pattern + "' matched no files" + why + relative_hint(pattern));
    }
    std::sort(matched.begin(), matched.end());
    for (std::string& p : matched)
      if (seen.insert(p).second) files.push_back(std::move(p));
  }
  return files;
}

}  // namespace dsforge::data
