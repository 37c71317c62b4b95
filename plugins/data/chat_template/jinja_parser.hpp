// jinja_parser.hpp: tokens -> Program, with jinja2's operator precedence
// (condexpr < or < and < not < comparisons and `in` < + - < ~ < * / // % <
// ** < unary - + < postfix . [] () < filters `|` and tests `is`).
//
// Unknown filters and tests are rejected here, as jinja2 does when it
// compiles, so an error names the line and column of the filter; like
// jinja2, not inside an `if` or inline if-expression, where they fail only
// when evaluated. Tags with no
// meaning in a single self-contained template (include, import, extends,
// block, call) are rejected with a clear message.
#pragma once

#include <vector>

#include "jinja_ast.hpp"
#include "jinja_lexer.hpp"

namespace dsforge::data::jinja {

// Throws Failure (kind syntax) with the line and column of the offending token.
Program parse_program(const std::vector<Token>& tokens);

}  // namespace dsforge::data::jinja
