// jinja_value.hpp: the values a chat template computes with, and the Python
// semantics templates rely on: str() and repr(), ==, <, truthiness, `in`,
// json.dumps(), and jinja2's default Undefined.
//
// Lists and dicts are shared by reference as in Python; the sandbox lets a
// template mutate only namespace() objects, so sharing is safe. A dict keeps
// insertion order. Integers are int64_t (Python's are unbounded).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace dsforge::data::jinja {

// An error while lexing, parsing or rendering. line/column are 1-based, 0
// while not yet known (the evaluator fills them in from the innermost node).
struct Failure : std::runtime_error {
  enum class Kind { syntax, render, raised };
  Failure(Kind kind, std::string message, int line = 0, int column = 0)
      : std::runtime_error(message), kind(kind), message(std::move(message)), line(line),
        column(column) {}
  Kind kind;
  std::string message;
  int line;
  int column;
};

[[noreturn]] inline void fail(std::string message) {
  throw Failure(Failure::Kind::render, std::move(message));
}

class Value;
class Dict;

// Arguments of a call, as Python binds them: positional then keyword.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

using NativeFunction = std::function<Value(CallArgs& args)>;

class Value {
 public:
  enum class Kind : uint8_t {
    undefined,
    none,
    boolean,
    integer,
    floating,
    string,
    list,
    tuple,
    dict,
    ns,  // jinja2 namespace(): the one mutable object
    function,
  };

  Value() = default;  // undefined
  static Value undefined(std::string hint);
  static Value none();
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value floating(double f);
  static Value string(std::string s);
  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);
  static Value dict();
  static Value dict(std::shared_ptr<Dict> d);
  static Value ns(std::shared_ptr<Dict> d);
  static Value function(std::string name, NativeFunction fn);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::undefined; }
  bool is_none() const { return kind_ == Kind::none; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_bool() const { return kind_ == Kind::boolean; }
  bool is_int() const { return kind_ == Kind::integer; }
  bool is_float() const { return kind_ == Kind::floating; }
  bool is_number() const { return is_bool() || is_int() || is_float(); }  // Python Number
  bool is_integral() const { return is_bool() || is_int(); }              // int subclass
  bool is_sequence() const { return kind_ == Kind::list || kind_ == Kind::tuple; }
  bool is_dict() const { return kind_ == Kind::dict; }
  bool is_ns() const { return kind_ == Kind::ns; }
  bool is_function() const { return kind_ == Kind::function; }

  bool as_bool() const { return b_; }
  int64_t as_int() const { return is_bool() ? (b_ ? 1 : 0) : i_; }  // bool or int
  double as_float() const;                                          // any number
  const std::string& as_string() const { return s_; }
  const std::string& undefined_hint() const { return s_; }
  const std::vector<Value>& items() const { return *list_; }  // list or tuple
  Dict& dict_ref() const { return *dict_; }                   // dict or ns
  const std::shared_ptr<Dict>& dict_ptr() const { return dict_; }
  const std::string& function_name() const { return s_; }
  Value call(CallArgs& args) const { return (*fn_)(args); }
  bool same_object(const Value& other) const;

 private:
  Kind kind_ = Kind::undefined;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;  // string, undefined hint, function name
  std::shared_ptr<const std::vector<Value>> list_;
  std::shared_ptr<Dict> dict_;
  std::shared_ptr<const NativeFunction> fn_;
};

// An insertion-ordered mapping with Python key equality (1 == 1.0 == True).
class Dict {
 public:
  const Value* find(const Value& key) const;
  const Value* find(std::string_view key) const;
  void set(Value key, Value value);
  const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<Value, Value>> entries_;
};

// Python type names as they appear in error messages: "str", "dict", ...
std::string type_name(const Value& v);

bool truthy(const Value& v);
std::string to_str(const Value& v);   // str(v); undefined -> ""
std::string to_repr(const Value& v);  // repr(v)
bool equals(const Value& a, const Value& b);
// a < b for numbers, strings, and lists/tuples of those; TypeError otherwise.
bool less_than(const Value& a, const Value& b);
// `needle in haystack`.
bool contains(const Value& haystack, const Value& needle);
// The items a `for` loop visits: list items, string code points, dict keys.
std::vector<Value> iterate(const Value& v);
// len(v); TypeError for numbers, bool, none, functions.
int64_t length(const Value& v);

Value from_json(const nlohmann::ordered_json& j);

struct JsonDumpOptions {
  std::optional<std::string> indent;  // nullopt: one line
  std::string item_separator = ", ";  // ",\n" style when indenting: json.dumps picks ","
  std::string key_separator = ": ";
  bool sort_keys = false;
  bool ensure_ascii = false;
};
// json.dumps(v, ...) with Python's float repr and separators.
std::string json_dumps(const Value& v, const JsonDumpOptions& options);

// The "'x' is undefined" error for an operation on an undefined value.
[[noreturn]] void fail_undefined(const Value& v);

}  // namespace dsforge::data::jinja
