// lora_targets.cpp: PEFT's target_modules matching (see lora_targets.hpp).
#include "lora_targets.hpp"

namespace dslora {

TargetMatcher TargetMatcher::names(std::vector<std::string> names) {
  TargetMatcher m;
  m.names_ = std::move(names);
  return m;
}

TargetMatcher TargetMatcher::regex(const std::string& pattern) {
  TargetMatcher m;
  m.is_regex_ = true;
  m.pattern_ = pattern;
  m.re_ = std::regex(pattern, std::regex::ECMAScript);
  return m;
}

bool TargetMatcher::matches(const std::string& name) const {
  if (is_regex_) return std::regex_match(name, re_);
  for (const auto& n : names_) {
    if (name == n) return true;
    if (name.size() > n.size() && name.compare(name.size() - n.size(), n.size(), n) == 0 &&
        name[name.size() - n.size() - 1] == '.')
      return true;
  }
  return false;
}

}  // namespace dslora
