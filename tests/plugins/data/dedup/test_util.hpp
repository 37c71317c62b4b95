// test_util.hpp: helpers that keep the dedup tests to the Catch2 subset that
// v2 and v3 share (TEST_CASE, SECTION, REQUIRE, CHECK, INFO).
#pragma once

#include <cmath>
#include <exception>
#include <string>

namespace dedup_test {

inline bool near(double a, double b, double tol) { return std::fabs(a - b) <= tol; }
inline bool near_rel(double a, double b, double rel) {
  return std::fabs(a - b) <= rel * std::fmax(std::fabs(a), std::fabs(b));
}

// The what() of the exception f throws, or "<no exception>".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace dedup_test
