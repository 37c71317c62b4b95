// atomic_write.hpp: write a whole file so that readers see the old content or
// the new, never a mix: temp file in the same directory, fsync, rename,
// fsync the directory. Creates missing parent directories.
#pragma once

#include <filesystem>
#include <string_view>

namespace dsforge {

// Throws UserError naming the path and the system error.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace dsforge
