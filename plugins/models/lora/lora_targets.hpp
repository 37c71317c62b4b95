// lora_targets.hpp: which linear layers an adapter wraps, by PEFT's rules:
// a list of names matches a layer whose full name equals one of them or ends
// with "." + one of them; a single string is a regular expression that must
// match the whole name.
#pragma once

#include <regex>
#include <string>
#include <vector>

namespace dslora {

class TargetMatcher {
 public:
  TargetMatcher() = default;
  static TargetMatcher names(std::vector<std::string> names);
  static TargetMatcher regex(const std::string& pattern);  // throws std::regex_error
  bool matches(const std::string& linear_name) const;
  // What adapter_config.json stores back.
  bool is_regex() const { return is_regex_; }
  const std::vector<std::string>& name_list() const { return names_; }
  const std::string& pattern() const { return pattern_; }

 private:
  bool is_regex_ = false;
  std::vector<std::string> names_;
  std::string pattern_;
  std::regex re_;
};

}  // namespace dslora
