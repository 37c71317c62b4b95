// jinja_eval.hpp: renders a parsed Program against a JSON context.
//
// Scoping follows jinja2: `if` shares its scope; each `for` iteration, macro
// call and `with` body gets a child scope, so a `set` inside a loop is gone
// after the iteration (templates carry state out of loops in namespace()
// objects). Macros see the scope they were defined in, live.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "jinja_ast.hpp"

namespace dsforge::data::jinja {

struct RenderLimits {
  int max_call_depth = 200;           // nested macro calls
  size_t max_output_bytes = 1u << 30;  // a runaway template fails instead of eating memory
};

// Throws Failure (kind render or raised) with the line and column of the
// innermost expression or statement that failed.
std::string render_program(const Program& program, const nlohmann::ordered_json& context,
                           const RenderLimits& limits = {});

}  // namespace dsforge::data::jinja
