// jinja_eval.cpp: the tree-walking evaluator (see jinja_eval.hpp).
#include "jinja_eval.hpp"

#include <memory>
#include <unordered_map>

#include "jinja_builtins.hpp"

namespace dsforge::data::jinja {
namespace {

struct Scope;
using ScopePtr = std::shared_ptr<Scope>;

struct Scope {
  explicit Scope(ScopePtr p) : parent(std::move(p)) {}
  ScopePtr parent;
  std::unordered_map<std::string, Value> vars;

  const Value* find(const std::string& name) const {
    for (const Scope* s = this; s != nullptr; s = s->parent.get()) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
  }
  void set(const std::string& name, Value v) { vars[name] = std::move(v); }
};

enum class Flow { normal, break_, continue_ };

// Fills in where an error happened, keeping the innermost location.
template <typename F>
auto located(int line, int column, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (Failure& e) {
    if (e.line == 0) {
      e.line = line;
      e.column = column;
    }
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw Failure(Failure::Kind::render, e.what(), line, column);
  }
}

class Interpreter {
 public:
  explicit Interpreter(const RenderLimits& limits) : limits_(limits) {}

  std::string render(const Program& program, const nlohmann::ordered_json& context) {
    auto globals = std::make_shared<Scope>(nullptr);
    for (auto& [name, value] : make_globals([this](const std::shared_ptr<Dict>& d) { namespaces_.push_back(d); }))
      globals->set(name, std::move(value));
    auto root = std::make_shared<Scope>(globals);
    if (!context.is_null()) {
      if (!context.is_object()) fail("the render context must be a JSON object");
      for (const auto& [key, value] : context.items()) root->set(key, from_json(value));
    }
    std::string out;
    exec(program.body, root, out);
    return out;
  }

  // Namespaces are the only mutable objects, so the only way to a reference
  // cycle: empty them once rendering is over.
  ~Interpreter() {
    for (const std::weak_ptr<Dict>& w : namespaces_)
      if (std::shared_ptr<Dict> d = w.lock()) *d = Dict();
  }

 private:
  RenderLimits limits_;
  int depth_ = 0;
  // Scopes that define macros, kept alive for the whole render: a macro holds
  // its scope weakly, since the scope holds the macro (no reference cycle).
  std::vector<ScopePtr> macro_scopes_;
  std::vector<std::weak_ptr<Dict>> namespaces_;
  Value block_input_;

  // ---- statements ---------------------------------------------------------

  Flow exec(const Body& body, const ScopePtr& scope, std::string& out) {
    for (const StmtPtr& s : body) {
      const Flow flow = located(s->line, s->column, [&] { return exec_stmt(*s, scope, out); });
      if (flow != Flow::normal) return flow;
      if (out.size() > limits_.max_output_bytes)
        fail("rendered output exceeds " + std::to_string(limits_.max_output_bytes) + " bytes");
    }
    return Flow::normal;
  }

  Flow exec_stmt(const Stmt& s, const ScopePtr& scope, std::string& out) {
    switch (s.kind) {
      case Stmt::Kind::text: out += s.text; return Flow::normal;
      case Stmt::Kind::output: out += to_str(eval(*s.expr, scope)); return Flow::normal;
      case Stmt::Kind::if_:
        for (size_t i = 0; i < s.conds.size(); ++i)
          if (truthy(eval(*s.conds[i], scope))) return exec(s.bodies[i], scope, out);
        if (s.bodies.size() > s.conds.size()) return exec(s.bodies.back(), scope, out);
        return Flow::normal;
      case Stmt::Kind::for_: return exec_for(s, scope, out);
      case Stmt::Kind::set: {
        Value v = eval(*s.expr, scope);
        if (!s.attr.empty()) {
          const Value* target = scope->find(s.targets[0]);
          if (target == nullptr || !target->is_ns())
            fail("cannot assign attribute '" + s.attr + "' on '" + s.targets[0] +
                 "': it is not a namespace() object");
          target->dict_ref().set(Value::string(s.attr), std::move(v));
        } else {
          assign(s, *scope, v);
        }
        return Flow::normal;
      }
      case Stmt::Kind::set_block: {
        std::string text;
        exec(s.body, std::make_shared<Scope>(scope), text);
        Value v = Value::string(std::move(text));
        if (s.expr) v = with_block_input(std::move(v), *s.expr, scope);
        scope->set(s.targets[0], std::move(v));
        return Flow::normal;
      }
      case Stmt::Kind::macro: scope->set(s.text, make_macro(s, scope)); return Flow::normal;
      case Stmt::Kind::filter: {
        std::string text;
        exec(s.body, std::make_shared<Scope>(scope), text);
        out += to_str(with_block_input(Value::string(std::move(text)), *s.expr, scope));
        return Flow::normal;
      }
      case Stmt::Kind::with: {
        auto inner = std::make_shared<Scope>(scope);
        for (size_t i = 0; i < s.targets.size(); ++i) inner->set(s.targets[i], eval(*s.values[i], scope));
        return exec(s.body, inner, out);
      }
      case Stmt::Kind::break_: return Flow::break_;
      case Stmt::Kind::continue_: return Flow::continue_;
      case Stmt::Kind::scope: return exec(s.body, scope, out);
    }
    return Flow::normal;
  }

  Value with_block_input(Value input, const Expr& filters, const ScopePtr& scope) {
    Value saved = std::move(block_input_);
    block_input_ = std::move(input);
    Value result;
    try {
      result = eval(filters, scope);
    } catch (...) {
      block_input_ = std::move(saved);
      throw;
    }
    block_input_ = std::move(saved);
    return result;
  }

  // Binds s.targets to v (unpacking when the targets were a tuple).
  void assign(const Stmt& s, Scope& scope, const Value& v) {
    if (!s.unpack) {
      scope.set(s.targets[0], v);
      return;
    }
    const std::vector<Value> items = iterate(v);
    if (items.size() != s.targets.size()) {
      if (items.size() > s.targets.size())
        fail("too many values to unpack (expected " + std::to_string(s.targets.size()) + ")");
      fail("not enough values to unpack (expected " + std::to_string(s.targets.size()) +
           ", got " + std::to_string(items.size()) + ")");
    }
    for (size_t i = 0; i < items.size(); ++i) scope.set(s.targets[i], items[i]);
  }

  Flow exec_for(const Stmt& s, const ScopePtr& scope, std::string& out) {
    const Value iterable = eval(*s.expr, scope);
    std::vector<Value> items = iterate(iterable);
    if (s.cond) {
      std::vector<Value> kept;
      for (Value& item : items) {
        auto probe = std::make_shared<Scope>(scope);
        assign(s, *probe, item);
        if (truthy(eval(*s.cond, probe))) kept.push_back(std::move(item));
      }
      items = std::move(kept);
    }
    if (items.empty()) {
      if (!s.else_body.empty()) return exec(s.else_body, std::make_shared<Scope>(scope), out);
      return Flow::normal;
    }
    const int64_t n = static_cast<int64_t>(items.size());
    auto last_changed = std::make_shared<std::optional<std::vector<Value>>>();
    for (int64_t i = 0; i < n; ++i) {
      auto it = std::make_shared<Scope>(scope);
      assign(s, *it, items[static_cast<size_t>(i)]);
      it->set("loop", make_loop(items, i, last_changed));
      const Flow flow = exec(s.body, it, out);
      if (flow == Flow::break_) break;
    }
    return Flow::normal;
  }

  static Value make_loop(const std::vector<Value>& items, int64_t i,
                         const std::shared_ptr<std::optional<std::vector<Value>>>& last_changed) {
    const int64_t n = static_cast<int64_t>(items.size());
    auto d = std::make_shared<Dict>();
    auto put = [&](const char* k, Value v) { d->set(Value::string(k), std::move(v)); };
    put("index", Value::integer(i + 1));
    put("index0", Value::integer(i));
    put("revindex", Value::integer(n - i));
    put("revindex0", Value::integer(n - i - 1));
    put("first", Value::boolean(i == 0));
    put("last", Value::boolean(i == n - 1));
    put("length", Value::integer(n));
    put("depth", Value::integer(1));
    put("depth0", Value::integer(0));
    put("previtem", i > 0 ? items[static_cast<size_t>(i - 1)]
                          : Value::undefined("there is no previous item"));
    put("nextitem", i + 1 < n ? items[static_cast<size_t>(i + 1)]
                              : Value::undefined("there is no next item"));
    put("cycle", Value::function("loop.cycle", [i](CallArgs& a) {
          if (a.positional.empty()) fail("loop.cycle() needs at least one argument");
          return a.positional[static_cast<size_t>(i) % a.positional.size()];
        }));
    put("changed", Value::function("loop.changed", [last_changed](CallArgs& a) {
          bool changed = !last_changed->has_value() ||
                         !equals(Value::list(**last_changed), Value::list(a.positional));
          if (changed) *last_changed = a.positional;
          return Value::boolean(changed);
        }));
    return Value::dict(std::move(d));
  }

  Value make_macro(const Stmt& s, const ScopePtr& defined_in) {
    const Stmt* macro = &s;
    macro_scopes_.push_back(defined_in);
    std::weak_ptr<Scope> weak = defined_in;
    return Value::function("<Macro '" + s.text + "'>", [this, macro, weak](CallArgs& a) {
      ScopePtr closure = weak.lock();
      if (!closure) fail("macro '" + macro->text + "' called after its scope ended");
      if (depth_ >= limits_.max_call_depth)
        fail("macro calls nested deeper than " + std::to_string(limits_.max_call_depth));
      auto local = std::make_shared<Scope>(closure);
      const auto& params = macro->targets;
      std::vector<bool> bound(params.size(), false);
      std::vector<Value> extra;
      for (size_t i = 0; i < a.positional.size(); ++i) {
        if (i < params.size()) {
          local->set(params[i], a.positional[i]);
          bound[i] = true;
        } else if (macro->catch_varargs) {
          extra.push_back(a.positional[i]);
        } else {
          fail("macro '" + macro->text + "' takes not more than " + std::to_string(params.size()) +
               " argument(s)");
        }
      }
      auto kwargs = std::make_shared<Dict>();
      for (auto& [key, value] : a.keywords) {
        size_t p = 0;
        while (p < params.size() && params[p] != key) ++p;
        if (p == params.size()) {
          if (!macro->catch_kwargs)
            fail("macro '" + macro->text + "' takes no keyword argument '" + key + "'");
          kwargs->set(Value::string(key), value);
        } else {
          if (bound[p]) fail("macro '" + macro->text + "' got multiple values for argument '" + key + "'");
          local->set(key, value);
          bound[p] = true;
        }
      }
      for (size_t p = 0; p < params.size(); ++p) {
        if (bound[p]) continue;
        local->set(params[p], macro->values[p] ? eval(*macro->values[p], local)
                                               : Value::undefined("parameter '" + params[p] +
                                                                  "' was not provided"));
      }
      if (macro->catch_varargs) local->set("varargs", Value::tuple(std::move(extra)));
      if (macro->catch_kwargs) local->set("kwargs", Value::dict(std::move(kwargs)));
      std::string out;
      ++depth_;
      try {
        exec(macro->body, local, out);
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      return Value::string(std::move(out));
    });
  }

  // ---- expressions --------------------------------------------------------

  Value eval(const Expr& e, const ScopePtr& scope) {
    return located(e.line, e.column, [&] { return eval_inner(e, scope); });
  }

  CallArgs eval_args(const Expr& e, size_t first, const ScopePtr& scope) {
    CallArgs a;
    for (size_t i = first; i < e.args.size(); ++i) a.positional.push_back(eval(*e.args[i], scope));
    for (const auto& [key, expr] : e.kwargs) a.keywords.emplace_back(key, eval(*expr, scope));
    return a;
  }

  Value eval_inner(const Expr& e, const ScopePtr& scope) {
    switch (e.kind) {
      case Expr::Kind::literal: return e.value;
      case Expr::Kind::name: {
        const Value* v = scope->find(e.name);
        return v ? *v : Value::undefined("'" + e.name + "' is undefined");
      }
      case Expr::Kind::list:
      case Expr::Kind::tuple: {
        std::vector<Value> items;
        items.reserve(e.args.size());
        for (const ExprPtr& a : e.args) items.push_back(eval(*a, scope));
        return e.kind == Expr::Kind::list ? Value::list(std::move(items))
                                          : Value::tuple(std::move(items));
      }
      case Expr::Kind::dict: {
        auto d = std::make_shared<Dict>();
        for (size_t i = 0; i + 1 < e.args.size(); i += 2)
          d->set(eval(*e.args[i], scope), eval(*e.args[i + 1], scope));
        return Value::dict(std::move(d));
      }
      case Expr::Kind::getattr: return get_attribute(eval(*e.args[0], scope), e.name);
      case Expr::Kind::getitem:
        return get_item(eval(*e.args[0], scope), eval(*e.args[1], scope));
      case Expr::Kind::slice: {
        const Value obj = eval(*e.args[0], scope);
        auto bound = [&](size_t i) { return e.args[i] ? eval(*e.args[i], scope) : Value::none(); };
        return get_slice(obj, bound(1), bound(2), bound(3));
      }
      case Expr::Kind::call: {
        const Value callee = eval(*e.args[0], scope);
        CallArgs a = eval_args(e, 1, scope);
        if (callee.is_undefined()) fail_undefined(callee);
        if (!callee.is_function()) fail("'" + type_name(callee) + "' object is not callable");
        return callee.call(a);
      }
      case Expr::Kind::filter: {
        const Value input = e.args[0] ? eval(*e.args[0], scope) : block_input_;
        CallArgs a = eval_args(e, 1, scope);
        return call_filter(e.name, input, a);
      }
      case Expr::Kind::test: {
        const Value input = eval(*e.args[0], scope);
        CallArgs a = eval_args(e, 1, scope);
        return Value::boolean(call_test(e.name, input, a) != e.negated);
      }
      case Expr::Kind::unary: {
        const Value v = eval(*e.args[0], scope);
        if (e.name == "not") return Value::boolean(!truthy(v));
        return unary_op(e.name, v);
      }
      case Expr::Kind::binary: {
        Value left = eval(*e.args[0], scope);
        if (e.name == "and") return truthy(left) ? eval(*e.args[1], scope) : left;
        if (e.name == "or") return truthy(left) ? left : eval(*e.args[1], scope);
        return binary_op(e.name, left, eval(*e.args[1], scope));
      }
      case Expr::Kind::compare: {
        Value left = eval(*e.args[0], scope);
        for (size_t i = 0; i < e.ops.size(); ++i) {
          Value right = eval(*e.args[i + 1], scope);
          if (!compare_op(e.ops[i], left, right)) return Value::boolean(false);
          left = std::move(right);
        }
        return Value::boolean(true);
      }
      case Expr::Kind::condexpr:
        if (truthy(eval(*e.args[0], scope))) return eval(*e.args[1], scope);
        if (e.args[2]) return eval(*e.args[2], scope);
        return Value::undefined("the inline if-expression on line " + std::to_string(e.line) +
                                " evaluated to false and no else section was defined.");
      case Expr::Kind::block_input: return block_input_;
    }
    return Value();
  }
};

}  // namespace

std::string render_program(const Program& program, const nlohmann::ordered_json& context,
                           const RenderLimits& limits) {
  return Interpreter(limits).render(program, context);
}

}  // namespace dsforge::data::jinja
