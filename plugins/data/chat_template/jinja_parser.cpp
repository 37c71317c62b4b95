// jinja_parser.cpp: recursive descent over the token list (see
// jinja_parser.hpp). The structure follows jinja2's Parser method by method so
// precedence and the odd corners (`x is divisibleby 3`, adjacent string
// literals, `for x in y if cond`) behave the same.
#include "jinja_parser.hpp"

#include <algorithm>
#include <initializer_list>

#include "jinja_builtins.hpp"

namespace dsforge::data::jinja {
namespace {

// Whether `name` is read anywhere in a body (jinja2's find_undeclared, which
// decides whether a macro accepts extra arguments as varargs / kwargs).
bool reads_name(const Expr* e, const std::string& name) {
  if (e == nullptr) return false;
  if (e->kind == Expr::Kind::name && e->name == name) return true;
  for (const ExprPtr& a : e->args)
    if (reads_name(a.get(), name)) return true;
  for (const auto& kw : e->kwargs)
    if (reads_name(kw.second.get(), name)) return true;
  return false;
}

bool reads_name(const Body& body, const std::string& name) {
  for (const StmtPtr& s : body) {
    if (reads_name(s->expr.get(), name) || reads_name(s->cond.get(), name)) return true;
    for (const ExprPtr& e : s->conds)
      if (reads_name(e.get(), name)) return true;
    for (const ExprPtr& e : s->values)
      if (reads_name(e.get(), name)) return true;
    for (const Body& b : s->bodies)
      if (reads_name(b, name)) return true;
    if (reads_name(s->body, name) || reads_name(s->else_body, name)) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : t_(tokens) {}

  Program run() {
    Program p;
    p.body = parse_body({}, nullptr, "");
    // Unknown filters and tests fail here unless they sit where jinja2
    // defers them to run time: in an `if` or an inline if-expression.
    for (const Unknown& u : unknown_)
      if (!u.soft) throw Failure(Failure::Kind::syntax, u.message, u.node->line, u.node->column);
    return p;
  }

 private:
  const std::vector<Token>& t_;
  size_t i_ = 0;
  int loop_depth_ = 0;

  // jinja2's "soft frame": inside an if statement or an inline
  // if-expression an unknown filter or test is an error only when it runs.
  // Loop, macro, with, filter and set-block bodies are hard again.
  struct Unknown {
    const Expr* node;
    std::string message;
    bool soft;
  };
  std::vector<Unknown> unknown_;
  bool soft_ = false;

  // Bounds recursion (and so the evaluator's, which follows the tree) for
  // pathological input such as ten thousand nested parentheses.
  static constexpr int kMaxDepth = 256;
  int depth_ = 0;
  struct DepthGuard {
    DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) {
        --p_.depth_;
        p_.error("template nested deeper than " + std::to_string(kMaxDepth) + " levels", p_.cur());
      }
    }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& p_;
  };

  struct SoftScope {
    SoftScope(bool& flag, bool value) : flag_(flag), saved_(flag) { flag_ = value; }
    ~SoftScope() { flag_ = saved_; }
    SoftScope(const SoftScope&) = delete;
    SoftScope& operator=(const SoftScope&) = delete;
    bool& flag_;
    bool saved_;
  };

  // Sets n's height and rejects trees the evaluator could not walk without
  // risking the stack ("1 + 1 + ..." fifty thousand times parses without
  // recursion, but evaluates with it).
  ExprPtr seal(ExprPtr n) {
    int h = 0;
    for (const ExprPtr& a : n->args)
      if (a) h = std::max(h, a->height);
    for (const auto& kw : n->kwargs) h = std::max(h, kw.second->height);
    n->height = h + 1;
    if (n->height > kMaxDepth)
      throw Failure(Failure::Kind::syntax,
                    "expression nested deeper than " + std::to_string(kMaxDepth) + " levels",
                    n->line, n->column);
    return n;
  }

  void note_unknown(const Expr* n, const std::string& message) {
    unknown_.push_back({n, message, soft_});
  }

  // Marks the unknown filters and tests inside e as soft.
  void soften(const Expr* e) {
    if (e == nullptr) return;
    for (Unknown& u : unknown_)
      if (u.node == e) u.soft = true;
    for (const ExprPtr& a : e->args) soften(a.get());
    for (const auto& kw : e->kwargs) soften(kw.second.get());
  }

  const Token& cur() const { return t_[i_]; }
  const Token& peek(size_t k = 1) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  void next() {
    if (i_ + 1 < t_.size()) ++i_;
  }
  bool is_op(const char* op) const { return cur().type == TokenType::op && cur().value == op; }
  bool is_name(const char* name) const {
    return cur().type == TokenType::name && cur().value == name;
  }

  [[noreturn]] void error(const std::string& message, const Token& at) const {
    throw Failure(Failure::Kind::syntax, message, at.line, at.column);
  }

  void expect_op(const char* op) {
    if (!is_op(op)) error(std::string("expected '") + op + "', got " + describe_token(cur()), cur());
    next();
  }

  std::string expect_name() {
    if (cur().type != TokenType::name) error("expected a name, got " + describe_token(cur()), cur());
    std::string name = cur().value;
    next();
    return name;
  }

  // The end of a tag that opens a body, where jinja2 accepts a Python-style
  // colon: {% if x: %}, {% else: %}.
  void begin_body(const std::string& tag) {
    if (is_op(":")) next();
    expect_block_end(tag);
  }

  void expect_block_end(const std::string& tag) {
    if (cur().type != TokenType::block_end)
      error("expected end of statement block ('%}') after '" + tag + "', got " +
                describe_token(cur()),
            cur());
    next();
  }

  template <typename T>
  std::unique_ptr<T> node(typename T::Kind kind, const Token& at) const {
    auto n = std::make_unique<T>();
    n->kind = kind;
    n->line = at.line;
    n->column = at.column;
    return n;
  }

  // ---- statements ---------------------------------------------------------

  // Parses until a block tag whose name is in `stop`; returns with cur() at
  // that name. `opener` is the tag being closed, for the end-of-file error.
  Body parse_body(std::initializer_list<const char*> stop, const Token* opener,
                  const std::string& opener_name) {
    Body body;
    while (true) {
      const Token& t = cur();
      switch (t.type) {
        case TokenType::eof: {
          if (stop.size() == 0) return body;
          std::string expected;
          for (const char* s : stop) expected += (expected.empty() ? "'" : " or '") + std::string(s) + "'";
          error("unexpected end of template: expected " + expected + " to close the '" +
                    opener_name + "' tag opened at line " + std::to_string(opener->line) + ":" +
                    std::to_string(opener->column),
                *opener);
        }
        case TokenType::data: {
          auto s = node<Stmt>(Stmt::Kind::text, t);
          s->text = t.value;
          body.push_back(std::move(s));
          next();
          break;
        }
        case TokenType::var_begin: {
          auto s = node<Stmt>(Stmt::Kind::output, t);
          next();
          s->expr = parse_tuple(true, false, {});
          if (cur().type != TokenType::var_end)
            error("expected end of print statement ('}}'), got " + describe_token(cur()), cur());
          next();
          body.push_back(std::move(s));
          break;
        }
        case TokenType::block_begin: {
          next();
          if (cur().type == TokenType::name)
            for (const char* s : stop)
              if (cur().value == s) return body;
          body.push_back(parse_statement(t));
          break;
        }
        default: error("unexpected " + describe_token(t), t);
      }
    }
  }

  StmtPtr parse_statement(const Token& open) {
    const DepthGuard guard(*this);
    if (cur().type != TokenType::name)
      error("expected a tag name after '{%', got " + describe_token(cur()), cur());
    const std::string tag = cur().value;
    if (tag == "if") return parse_if(open);
    if (tag == "for") return parse_for(open);
    if (tag == "set") return parse_set(open);
    if (tag == "macro") return parse_macro(open);
    if (tag == "filter") return parse_filter_block(open);
    if (tag == "with") return parse_with(open);
    if (tag == "generation") {
      auto s = node<Stmt>(Stmt::Kind::scope, open);
      next();
      begin_body(tag);
      s->body = parse_body({"endgeneration"}, &open, tag);
      next();
      expect_block_end("endgeneration");
      return s;
    }
    if (tag == "break" || tag == "continue") {
      if (loop_depth_ == 0) error("'" + tag + "' outside of a for loop", cur());
      auto s = node<Stmt>(tag == "break" ? Stmt::Kind::break_ : Stmt::Kind::continue_, open);
      next();
      expect_block_end(tag);
      return s;
    }
    static const char* const unsupported[] = {"call", "include", "import", "from", "extends",
                                              "block", "autoescape", "do", "trans", "raw"};
    for (const char* u : unsupported)
      if (tag == u)
        error("the '" + tag + "' tag is not supported by dsforge's chat template engine", cur());
    if (tag.rfind("end", 0) == 0 || tag == "else" || tag == "elif")
      error("unexpected '" + tag + "' tag: no open block it could close", cur());
    error("unknown tag '" + tag + "'", cur());
  }

  StmtPtr parse_if(const Token& open) {
    const SoftScope soft(soft_, true);
    auto s = node<Stmt>(Stmt::Kind::if_, open);
    next();
    s->conds.push_back(parse_tuple(false, false, {}));
    begin_body("if");
    while (true) {
      s->bodies.push_back(parse_body({"elif", "else", "endif"}, &open, "if"));
      const std::string tag = cur().value;
      next();
      if (tag == "elif") {
        s->conds.push_back(parse_tuple(false, false, {}));
        begin_body(tag);
        continue;
      }
      if (tag == "else") {
        begin_body(tag);
        s->bodies.push_back(parse_body({"endif"}, &open, "if"));
        next();
      }
      expect_block_end("endif");
      return s;
    }
  }

  // Assignment targets: `a`, `a, b`, `(a, b)`.
  void parse_targets(Stmt& s) {
    const bool paren = is_op("(");
    if (paren) next();
    auto one = [&] {
      const Token& at = cur();
      std::string name = expect_name();
      static const char* const constants[] = {"true", "false", "none", "True", "False", "None"};
      for (const char* c : constants)
        if (name == c) error("can't assign to '" + name + "'", at);
      s.targets.push_back(std::move(name));
    };
    one();
    while (is_op(",")) {
      next();
      s.unpack = true;
      if (cur().type != TokenType::name) break;
      one();
    }
    if (paren) expect_op(")");
  }

  StmtPtr parse_for(const Token& open) {
    auto s = node<Stmt>(Stmt::Kind::for_, open);
    next();
    parse_targets(*s);
    if (!is_name("in")) error("expected 'in' in for loop, got " + describe_token(cur()), cur());
    next();
    s->expr = parse_tuple(false, false, {"recursive"});
    if (is_name("recursive")) error("recursive for loops are not supported", cur());
    if (is_name("if")) {
      next();
      s->cond = parse_expression();
    }
    begin_body("for");
    {
      const SoftScope hard(soft_, false);
      ++loop_depth_;
      s->body = parse_body({"endfor", "else"}, &open, "for");
      --loop_depth_;
      if (cur().value == "else") {
        next();
        begin_body("else");
        s->else_body = parse_body({"endfor"}, &open, "for");
      }
    }
    next();
    expect_block_end("endfor");
    return s;
  }

  StmtPtr parse_set(const Token& open) {
    auto s = node<Stmt>(Stmt::Kind::set, open);
    next();
    if (cur().type == TokenType::name && peek().type == TokenType::op && peek().value == ".") {
      s->targets.push_back(cur().value);
      next();
      next();
      s->attr = expect_name();
      expect_op("=");
      s->expr = parse_tuple(true, false, {});
      expect_block_end("set");
      return s;
    }
    parse_targets(*s);
    if (is_op("=")) {
      next();
      s->expr = parse_tuple(true, false, {});
      expect_block_end("set");
      return s;
    }
    if (s->unpack) error("a block 'set' assigns exactly one name", open);
    s->kind = Stmt::Kind::set_block;
    if (is_op("|")) s->expr = parse_filter(node<Expr>(Expr::Kind::block_input, cur()), false);
    begin_body("set");
    const SoftScope hard(soft_, false);
    s->body = parse_body({"endset"}, &open, "set");
    next();
    expect_block_end("endset");
    return s;
  }

  StmtPtr parse_macro(const Token& open) {
    auto s = node<Stmt>(Stmt::Kind::macro, open);
    next();
    s->text = expect_name();
    expect_op("(");
    bool any_default = false;
    while (!is_op(")")) {
      if (!s->targets.empty()) {
        expect_op(",");
        if (is_op(")")) break;
      }
      s->targets.push_back(expect_name());
      if (is_op("=")) {
        next();
        s->values.push_back(parse_expression());
        any_default = true;
      } else {
        if (any_default) error("non-default argument follows default argument", cur());
        s->values.push_back(nullptr);
      }
    }
    next();
    begin_body("macro");
    const int saved = loop_depth_;
    loop_depth_ = 0;
    const SoftScope hard(soft_, false);
    s->body = parse_body({"endmacro"}, &open, "macro");
    loop_depth_ = saved;
    s->catch_varargs = reads_name(s->body, "varargs");
    s->catch_kwargs = reads_name(s->body, "kwargs");
    next();
    expect_block_end("endmacro");
    return s;
  }

  StmtPtr parse_filter_block(const Token& open) {
    auto s = node<Stmt>(Stmt::Kind::filter, open);
    next();
    s->expr = parse_filter(node<Expr>(Expr::Kind::block_input, open), true);
    begin_body("filter");
    const SoftScope hard(soft_, false);
    s->body = parse_body({"endfilter"}, &open, "filter");
    next();
    expect_block_end("endfilter");
    return s;
  }

  StmtPtr parse_with(const Token& open) {
    auto s = node<Stmt>(Stmt::Kind::with, open);
    next();
    while (cur().type != TokenType::block_end) {
      if (!s->targets.empty()) expect_op(",");
      s->targets.push_back(expect_name());
      expect_op("=");
      s->values.push_back(parse_expression());
    }
    begin_body("with");
    const SoftScope hard(soft_, false);
    s->body = parse_body({"endwith"}, &open, "with");
    next();
    expect_block_end("endwith");
    return s;
  }

  // ---- expressions --------------------------------------------------------

  bool tuple_end(std::initializer_list<const char*> extra) const {
    const Token& t = cur();
    if (t.type == TokenType::var_end || t.type == TokenType::block_end || t.type == TokenType::eof)
      return true;
    if (is_op(")")) return true;
    if (t.type == TokenType::name)
      for (const char* e : extra)
        if (t.value == e) return true;
    return false;
  }

  ExprPtr parse_tuple(bool with_condexpr, bool explicit_parens,
                      std::initializer_list<const char*> extra_end) {
    const Token& start = cur();
    std::vector<ExprPtr> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      if (tuple_end(extra_end)) break;
      items.push_back(with_condexpr ? parse_expression() : parse_or());
      if (is_op(","))
        is_tuple = true;
      else
        break;
    }
    if (!is_tuple) {
      if (!items.empty()) return std::move(items[0]);
      if (!explicit_parens) error("expected an expression, got " + describe_token(cur()), cur());
    }
    auto n = node<Expr>(Expr::Kind::tuple, start);
    n->args = std::move(items);
    return seal(std::move(n));
  }

  ExprPtr parse_expression() {
    const DepthGuard guard(*this);
    ExprPtr e = parse_or();
    while (is_name("if")) {
      const Token& at = cur();
      next();
      soften(e.get());
      const SoftScope soft(soft_, true);
      auto c = node<Expr>(Expr::Kind::condexpr, at);
      ExprPtr test = parse_or();
      ExprPtr otherwise;
      if (is_name("else")) {
        next();
        otherwise = parse_expression();
      }
      c->args.push_back(std::move(test));
      c->args.push_back(std::move(e));
      c->args.push_back(std::move(otherwise));
      e = seal(std::move(c));
    }
    return e;
  }

  ExprPtr binary(const Token& at, std::string op, ExprPtr l, ExprPtr r) {
    auto n = node<Expr>(Expr::Kind::binary, at);
    n->name = std::move(op);
    n->args.push_back(std::move(l));
    n->args.push_back(std::move(r));
    return seal(std::move(n));
  }

  ExprPtr parse_or() {
    ExprPtr e = parse_and();
    while (is_name("or")) {
      const Token& at = cur();
      next();
      e = binary(at, "or", std::move(e), parse_and());
    }
    return e;
  }

  ExprPtr parse_and() {
    ExprPtr e = parse_not();
    while (is_name("and")) {
      const Token& at = cur();
      next();
      e = binary(at, "and", std::move(e), parse_not());
    }
    return e;
  }

  ExprPtr parse_not() {
    const DepthGuard guard(*this);
    if (is_name("not")) {
      auto n = node<Expr>(Expr::Kind::unary, cur());
      next();
      n->name = "not";
      n->args.push_back(parse_not());
      return seal(std::move(n));
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const Token& at = cur();
    ExprPtr first = parse_math1();
    std::vector<std::string> ops;
    std::vector<ExprPtr> operands;
    while (true) {
      const Token& t = cur();
      if (t.type == TokenType::op && (t.value == "==" || t.value == "!=" || t.value == "<" ||
                                      t.value == "<=" || t.value == ">" || t.value == ">=")) {
        ops.push_back(t.value);
        next();
      } else if (is_name("in")) {
        ops.push_back("in");
        next();
      } else if (is_name("not") && peek().type == TokenType::name && peek().value == "in") {
        ops.push_back("notin");
        next();
        next();
      } else {
        break;
      }
      operands.push_back(parse_math1());
    }
    if (ops.empty()) return first;
    auto n = node<Expr>(Expr::Kind::compare, at);
    n->args.push_back(std::move(first));
    for (auto& o : operands) n->args.push_back(std::move(o));
    n->ops = std::move(ops);
    return seal(std::move(n));
  }

  ExprPtr parse_math1() {
    ExprPtr e = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& at = cur();
      const std::string op = at.value;
      next();
      e = binary(at, op, std::move(e), parse_concat());
    }
    return e;
  }

  ExprPtr parse_concat() {
    ExprPtr e = parse_math2();
    while (is_op("~")) {
      const Token& at = cur();
      next();
      e = binary(at, "~", std::move(e), parse_math2());
    }
    return e;
  }

  ExprPtr parse_math2() {
    ExprPtr e = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& at = cur();
      const std::string op = at.value;
      next();
      e = binary(at, op, std::move(e), parse_pow());
    }
    return e;
  }

  ExprPtr parse_pow() {
    ExprPtr e = parse_unary(true);
    while (is_op("**")) {
      const Token& at = cur();
      next();
      e = binary(at, "**", std::move(e), parse_unary(true));
    }
    return e;
  }

  ExprPtr parse_unary(bool with_filter) {
    const DepthGuard guard(*this);
    ExprPtr e;
    if (is_op("-") || is_op("+")) {
      auto n = node<Expr>(Expr::Kind::unary, cur());
      n->name = cur().value;
      next();
      n->args.push_back(parse_unary(false));
      e = seal(std::move(n));
    } else {
      e = parse_primary();
    }
    e = parse_postfix(std::move(e));
    if (with_filter) e = parse_filter_expr(std::move(e));
    return e;
  }

  ExprPtr literal(const Token& at, Value v) {
    auto n = node<Expr>(Expr::Kind::literal, at);
    n->value = std::move(v);
    return n;
  }

  ExprPtr parse_primary() {
    const Token& t = cur();
    switch (t.type) {
      case TokenType::name: {
        next();
        if (t.value == "true" || t.value == "True") return literal(t, Value::boolean(true));
        if (t.value == "false" || t.value == "False") return literal(t, Value::boolean(false));
        if (t.value == "none" || t.value == "None") return literal(t, Value::none());
        auto n = node<Expr>(Expr::Kind::name, t);
        n->name = t.value;
        return n;
      }
      case TokenType::string: {
        std::string s;
        while (cur().type == TokenType::string) {
          s += cur().value;
          next();
        }
        return literal(t, Value::string(std::move(s)));
      }
      case TokenType::integer: next(); return literal(t, Value::integer(t.int_value));
      case TokenType::floating: next(); return literal(t, Value::floating(t.float_value));
      case TokenType::op:
        if (t.value == "(") {
          next();
          ExprPtr e = parse_tuple(true, true, {});
          expect_op(")");
          return e;
        }
        if (t.value == "[") {
          auto n = node<Expr>(Expr::Kind::list, t);
          next();
          while (!is_op("]")) {
            if (!n->args.empty()) {
              expect_op(",");
              if (is_op("]")) break;
            }
            n->args.push_back(parse_expression());
          }
          next();
          return seal(std::move(n));
        }
        if (t.value == "{") {
          auto n = node<Expr>(Expr::Kind::dict, t);
          next();
          while (!is_op("}")) {
            if (!n->args.empty()) {
              expect_op(",");
              if (is_op("}")) break;
            }
            n->args.push_back(parse_expression());
            expect_op(":");
            n->args.push_back(parse_expression());
          }
          next();
          return seal(std::move(n));
        }
        break;
      default: break;
    }
    error("unexpected " + describe_token(t) + " in expression", t);
  }

  ExprPtr parse_postfix(ExprPtr e) {
    while (true) {
      const Token& t = cur();
      if (is_op(".")) {
        next();
        if (cur().type == TokenType::name) {
          auto n = node<Expr>(Expr::Kind::getattr, t);
          n->name = cur().value;
          next();
          n->args.push_back(std::move(e));
          e = seal(std::move(n));
        } else if (cur().type == TokenType::integer) {
          auto n = node<Expr>(Expr::Kind::getitem, t);
          n->args.push_back(std::move(e));
          n->args.push_back(literal(cur(), Value::integer(cur().int_value)));
          next();
          e = seal(std::move(n));
        } else {
          error("expected an attribute name after '.', got " + describe_token(cur()), cur());
        }
      } else if (is_op("[")) {
        e = parse_subscript(std::move(e));
      } else if (is_op("(")) {
        e = parse_call(std::move(e), Expr::Kind::call, t);
      } else {
        return e;
      }
    }
  }

  // obj[i], obj[a:b:c], obj[i, j] (a tuple key, as jinja2 allows). A slice
  // inside a tuple key can match nothing, so it becomes an undefined marker
  // and the lookup yields undefined, as in jinja2.
  ExprPtr parse_subscript(ExprPtr obj) {
    const Token& at = cur();
    next();
    std::vector<ExprPtr> keys;
    ExprPtr only_slice;
    while (!is_op("]")) {
      if (!keys.empty()) expect_op(",");
      const Token& item_at = cur();
      ExprPtr start, stop, step;
      bool is_slice = false;
      if (!is_op(":")) start = parse_expression();
      if (is_op(":")) {
        is_slice = true;
        next();
        if (!is_op("]") && !is_op(":") && !is_op(",")) stop = parse_expression();
        if (is_op(":")) {
          next();
          if (!is_op("]") && !is_op(",")) step = parse_expression();
        }
      }
      if (is_slice) {
        auto sl = node<Expr>(Expr::Kind::slice, item_at);
        sl->args.push_back(nullptr);
        sl->args.push_back(std::move(start));
        sl->args.push_back(std::move(stop));
        sl->args.push_back(std::move(step));
        keys.push_back(std::move(sl));
      } else {
        keys.push_back(std::move(start));
      }
    }
    next();
    if (keys.size() == 1 && keys[0]->kind == Expr::Kind::slice && !keys[0]->args[0]) {
      keys[0]->args[0] = std::move(obj);
      return seal(std::move(keys[0]));
    }
    auto n = node<Expr>(Expr::Kind::getitem, at);
    n->args.push_back(std::move(obj));
    if (keys.size() == 1) {
      n->args.push_back(std::move(keys[0]));
    } else {
      auto tuple = node<Expr>(Expr::Kind::tuple, at);
      for (ExprPtr& k : keys) {
        if (k->kind == Expr::Kind::slice && !k->args[0]) k = literal(at, Value::undefined("a slice"));
        tuple->args.push_back(std::move(k));
      }
      n->args.push_back(seal(std::move(tuple)));
    }
    return seal(std::move(n));
  }

  // Parses `( args )` into n (args appended after what n already holds).
  void parse_call_args(Expr& n) {
    expect_op("(");
    bool any = false;
    while (!is_op(")")) {
      if (any) {
        expect_op(",");
        if (is_op(")")) break;
      }
      any = true;
      if (is_op("*") || is_op("**"))
        error("*args and **kwargs in calls are not supported", cur());
      if (cur().type == TokenType::name && peek().type == TokenType::op && peek().value == "=") {
        const Token& key_at = cur();
        std::string key = cur().value;
        for (const auto& kw : n.kwargs)
          if (kw.first == key) error("keyword argument repeated: " + key, key_at);
        next();
        next();
        n.kwargs.emplace_back(std::move(key), parse_expression());
      } else {
        if (!n.kwargs.empty()) error("positional argument follows keyword argument", cur());
        n.args.push_back(parse_expression());
      }
    }
    next();
  }

  // A call is located where its callee starts: "raise_exception(" reads
  // better in an error than the parenthesis.
  ExprPtr parse_call(ExprPtr callee, Expr::Kind kind, const Token& at) {
    auto n = node<Expr>(kind, at);
    n->line = callee->line;
    n->column = callee->column;
    n->args.push_back(std::move(callee));
    parse_call_args(*n);
    return seal(std::move(n));
  }

  std::string dotted_name() {
    std::string name = expect_name();
    while (is_op(".")) {
      next();
      name += "." + expect_name();
    }
    return name;
  }

  // `| name(args)` chains; `start_inline`: the first filter has no pipe.
  ExprPtr parse_filter(ExprPtr e, bool start_inline) {
    while (is_op("|") || start_inline) {
      if (!start_inline) next();
      start_inline = false;
      const Token& at = cur();
      auto n = node<Expr>(Expr::Kind::filter, at);
      n->name = dotted_name();
      if (!has_filter(n->name)) note_unknown(n.get(), "no filter named '" + n->name + "'");
      n->args.push_back(std::move(e));
      if (is_op("(")) parse_call_args(*n);
      e = seal(std::move(n));
    }
    return e;
  }

  ExprPtr parse_test(ExprPtr e) {
    next();  // is
    bool negated = false;
    if (is_name("not")) {
      next();
      negated = true;
    }
    const Token& at = cur();
    auto n = node<Expr>(Expr::Kind::test, at);
    n->negated = negated;
    n->name = dotted_name();
    if (!has_test(n->name)) note_unknown(n.get(), "no test named '" + n->name + "'");
    n->args.push_back(std::move(e));
    const Token& t = cur();
    if (is_op("(")) {
      parse_call_args(*n);
    } else if ((t.type == TokenType::name || t.type == TokenType::string ||
                t.type == TokenType::integer || t.type == TokenType::floating || is_op("[") ||
                is_op("{")) &&
               !is_name("else") && !is_name("or") && !is_name("and")) {
      if (is_name("is")) error("you cannot chain multiple tests with 'is'", t);
      n->args.push_back(parse_postfix(parse_primary()));
    }
    return seal(std::move(n));
  }

  ExprPtr parse_filter_expr(ExprPtr e) {
    while (true) {
      if (is_op("|"))
        e = parse_filter(std::move(e), false);
      else if (is_name("is"))
        e = parse_test(std::move(e));
      else if (is_op("("))
        e = parse_call(std::move(e), Expr::Kind::call, cur());
      else
        return e;
    }
  }
};

}  // namespace

Program parse_program(const std::vector<Token>& tokens) { return Parser(tokens).run(); }

}  // namespace dsforge::data::jinja
