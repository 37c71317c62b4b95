// error.hpp: the one exception type dshost throws for problems the user can
// fix (bad TOML, missing file, refused plugin, a tensor missing from a
// checkpoint). Its message is shown as is, so it must already name the file,
// line, field or value. Bugs use other exception types and are reported as
// internal errors. No fmt here: LibTorch-side files include it too (they
// build messages with their own cat()); user_error.hpp adds fail().
#pragma once

#include <stdexcept>
#include <string>

namespace dsforge {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace dsforge
