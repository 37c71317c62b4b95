// user_error.hpp: the one exception type dshost throws for problems the user
// can fix (bad TOML, missing file, refused plugin). Its message is shown as is,
// so it must already name the file, line, field or value. Bugs use other
// exception types and are reported as internal errors.
#pragma once

#include <fmt/format.h>

#include <string>

#include "common/error.hpp"

namespace dsforge {


template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw UserError(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace dsforge
