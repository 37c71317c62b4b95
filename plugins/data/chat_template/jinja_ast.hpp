// jinja_ast.hpp: the parsed template. Expressions and statements are plain
// structs tagged by kind (the evaluator switches on it); each node keeps the
// line and column it starts at for error messages.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jinja_value.hpp"

namespace dsforge::data::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    literal,      // value
    name,         // name
    list,         // args: items
    tuple,        // args: items
    dict,         // args: key0, value0, key1, value1, ...
    getattr,      // args[0].name
    getitem,      // args[0][args[1]]
    slice,        // args[0][args[1]:args[2]:args[3]] (each bound may be null)
    call,         // args[0](args[1..], kwargs)
    filter,       // args[0] | name(args[1..], kwargs); args[0] null in a filter block
    test,         // args[0] is [not] name(args[1..], kwargs)
    unary,        // name ("not", "-", "+") args[0]
    binary,       // args[0] name args[1]: or and + - * / // % ** ~ in notin
    compare,      // args[0] ops[0] args[1] ops[1] args[2] ...
    condexpr,     // args[1] if args[0] else args[2] (args[2] may be null)
    block_input,  // the rendered body of a filter block or set block
  };

  Kind kind = Kind::literal;
  int line = 0;
  int column = 0;
  Value value;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;
  bool negated = false;
  int height = 1;  // longest path to a leaf; the parser bounds it
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Stmt {
  enum class Kind {
    text,       // text
    output,     // {{ expr }}
    if_,        // conds[i] -> bodies[i]; bodies.back() is the else branch when longer
    for_,       // for targets in expr [if cond] body [else else_body]
    set,        // set targets = expr; attribute set when attr is non-empty
    set_block,  // set targets[0] [| filter] body endset
    macro,      // macro name(params = defaults) body
    filter,     // filter expr(block_input) body endfilter
    with,       // with targets[i] = values[i] body endwith
    break_,
    continue_,
    scope,      // a body rendered as is ({% generation %})
  };

  Kind kind = Kind::text;
  int line = 0;
  int column = 0;
  std::string text;
  ExprPtr expr;
  ExprPtr cond;
  std::vector<ExprPtr> conds;
  std::vector<Body> bodies;
  std::vector<std::string> targets;
  bool unpack = false;  // targets came as a tuple: a, b = ...
  std::string attr;     // set ns.attr
  std::vector<ExprPtr> values;  // macro defaults (null = required), with values
  bool catch_varargs = false;   // macro body reads `varargs`: extra positional arguments allowed
  bool catch_kwargs = false;    // macro body reads `kwargs`: unknown keyword arguments allowed
  Body body;
  Body else_body;
};

struct Program {
  Body body;
};

}  // namespace dsforge::data::jinja
