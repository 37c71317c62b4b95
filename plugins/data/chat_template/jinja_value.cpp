// jinja_value.cpp: Value construction and the Python semantics of values
// (see jinja_value.hpp).
#include "jinja_value.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "jinja_text.hpp"

namespace dsforge::data::jinja {

Value Value::undefined(std::string hint) {
  Value v;
  v.s_ = std::move(hint);
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = Kind::none;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::boolean;
  v.b_ = b;
  return v;
}

Value Value::integer(int64_t i) {
  Value v;
  v.kind_ = Kind::integer;
  v.i_ = i;
  return v;
}

Value Value::floating(double f) {
  Value v;
  v.kind_ = Kind::floating;
  v.f_ = f;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::string;
  v.s_ = std::move(s);
  return v;
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::list;
  v.list_ = std::make_shared<const std::vector<Value>>(std::move(items));
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v = list(std::move(items));
  v.kind_ = Kind::tuple;
  return v;
}

Value Value::dict() { return dict(std::make_shared<Dict>()); }

Value Value::dict(std::shared_ptr<Dict> d) {
  Value v;
  v.kind_ = Kind::dict;
  v.dict_ = std::move(d);
  return v;
}

Value Value::ns(std::shared_ptr<Dict> d) {
  Value v = dict(std::move(d));
  v.kind_ = Kind::ns;
  return v;
}

Value Value::function(std::string name, NativeFunction fn) {
  Value v;
  v.kind_ = Kind::function;
  v.s_ = std::move(name);
  v.fn_ = std::make_shared<const NativeFunction>(std::move(fn));
  return v;
}

double Value::as_float() const {
  if (kind_ == Kind::floating) return f_;
  return static_cast<double>(as_int());
}

bool Value::same_object(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::list:
    case Kind::tuple:
      return list_ == other.list_;
    case Kind::dict:
    case Kind::ns:
      return dict_ == other.dict_;
    case Kind::function:
      return fn_ == other.fn_;
    default:
      return equals(*this, other);
  }
}

const Value* Dict::find(std::string_view key) const {
  for (const auto& [k, v] : entries_)
    if (k.is_string() && k.as_string() == key) return &v;
  return nullptr;
}

const Value* Dict::find(const Value& key) const {
  if (key.is_string()) return find(std::string_view(key.as_string()));
  for (const auto& [k, v] : entries_)
    if (equals(k, key)) return &v;
  return nullptr;
}

void Dict::set(Value key, Value value) {
  for (auto& [k, v] : entries_) {
    if (equals(k, key)) {
      v = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::undefined: return "Undefined";
    case Value::Kind::none: return "NoneType";
    case Value::Kind::boolean: return "bool";
    case Value::Kind::integer: return "int";
    case Value::Kind::floating: return "float";
    case Value::Kind::string: return "str";
    case Value::Kind::list: return "list";
    case Value::Kind::tuple: return "tuple";
    case Value::Kind::dict: return "dict";
    case Value::Kind::ns: return "Namespace";
    case Value::Kind::function: return "builtin_function_or_method";
  }
  return "object";
}

void fail_undefined(const Value& v) {
  fail(v.undefined_hint().empty() ? "undefined value" : v.undefined_hint());
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::undefined:
    case Value::Kind::none: return false;
    case Value::Kind::boolean: return v.as_bool();
    case Value::Kind::integer: return v.as_int() != 0;
    case Value::Kind::floating: return v.as_float() != 0.0;
    case Value::Kind::string: return !v.as_string().empty();
    case Value::Kind::list:
    case Value::Kind::tuple: return !v.items().empty();
    case Value::Kind::dict: return v.dict_ref().size() != 0;
    case Value::Kind::ns:
    case Value::Kind::function: return true;
  }
  return false;
}

namespace {

// Bounds the recursion of str() and json.dumps() over nested containers (a
// namespace can contain itself).
constexpr int kMaxNesting = 200;

struct NestingGuard {
  static int& depth() {
    static thread_local int d = 0;
    return d;
  }
  NestingGuard() {
    if (++depth() > kMaxNesting) {
      --depth();
      fail("value nested deeper than " + std::to_string(kMaxNesting) + " levels");
    }
  }
  ~NestingGuard() { --depth(); }
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;
};

std::string dict_body(const Dict& d) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : d.entries()) {
    if (!first) out += ", ";
    first = false;
    out += to_repr(k) + ": " + to_repr(v);
  }
  return out + "}";
}

}  // namespace

std::string to_str(const Value& v) {
  const NestingGuard guard;
  switch (v.kind()) {
    case Value::Kind::undefined: return "";
    case Value::Kind::none: return "None";
    case Value::Kind::boolean: return v.as_bool() ? "True" : "False";
    case Value::Kind::integer: return std::to_string(v.as_int());
    case Value::Kind::floating: return py_float_repr(v.as_float());
    case Value::Kind::string: return v.as_string();
    case Value::Kind::list:
    case Value::Kind::tuple: {
      const bool tuple = v.kind() == Value::Kind::tuple;
      std::string out = tuple ? "(" : "[";
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ", ";
        out += to_repr(v.items()[i]);
      }
      if (tuple && v.items().size() == 1) out += ",";
      return out + (tuple ? ")" : "]");
    }
    case Value::Kind::dict: return dict_body(v.dict_ref());
    case Value::Kind::ns: return "<Namespace " + dict_body(v.dict_ref()) + ">";
    case Value::Kind::function:
      // Macros are named "<Macro 'name'>" already, as jinja2 prints them.
      if (!v.function_name().empty() && v.function_name()[0] == '<') return v.function_name();
      return "<built-in function " + v.function_name() + ">";
  }
  return "";
}

std::string to_repr(const Value& v) {
  if (v.is_string()) return py_repr_string(v.as_string());
  if (v.is_undefined()) return "Undefined";
  return to_str(v);
}

bool equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) return a.as_int() == b.as_int();
    return a.as_float() == b.as_float();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::undefined:
    case Value::Kind::none: return true;
    case Value::Kind::string: return a.as_string() == b.as_string();
    case Value::Kind::list:
    case Value::Kind::tuple: {
      const auto& x = a.items();
      const auto& y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!equals(x[i], y[i])) return false;
      return true;
    }
    case Value::Kind::dict: {
      if (a.dict_ref().size() != b.dict_ref().size()) return false;
      for (const auto& [k, v] : a.dict_ref().entries()) {
        const Value* other = b.dict_ref().find(k);
        if (!other || !equals(v, *other)) return false;
      }
      return true;
    }
    default: return a.same_object(b);
  }
}

bool less_than(const Value& a, const Value& b) {
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) return a.as_int() < b.as_int();
    return a.as_float() < b.as_float();
  }
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
  if (a.is_sequence() && a.kind() == b.kind()) {
    const auto& x = a.items();
    const auto& y = b.items();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (!equals(x[i], y[i])) return less_than(x[i], y[i]);
    return x.size() < y.size();
  }
  fail("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) +
       "'");
}

bool contains(const Value& haystack, const Value& needle) {
  switch (haystack.kind()) {
    case Value::Kind::undefined: return false;
    case Value::Kind::string:
      if (!needle.is_string())
        fail("'in <string>' requires string as left operand, not " + type_name(needle));
      return haystack.as_string().find(needle.as_string()) != std::string::npos;
    case Value::Kind::list:
    case Value::Kind::tuple:
      for (const Value& item : haystack.items())
        if (equals(item, needle)) return true;
      return false;
    case Value::Kind::dict: return haystack.dict_ref().find(needle) != nullptr;
    default: fail("argument of type '" + type_name(haystack) + "' is not iterable");
  }
}

std::vector<Value> iterate(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::undefined: return {};
    case Value::Kind::list:
    case Value::Kind::tuple: return v.items();
    case Value::Kind::string: {
      std::vector<Value> out;
      for (char32_t c : to_u32(v.as_string())) {
        std::string s;
        append_utf8(s, c);
        out.push_back(Value::string(std::move(s)));
      }
      return out;
    }
    case Value::Kind::dict: {
      std::vector<Value> out;
      for (const auto& entry : v.dict_ref().entries()) out.push_back(entry.first);
      return out;
    }
    default: fail("'" + type_name(v) + "' object is not iterable");
  }
}

int64_t length(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::undefined: return 0;
    case Value::Kind::string: return static_cast<int64_t>(code_point_count(v.as_string()));
    case Value::Kind::list:
    case Value::Kind::tuple: return static_cast<int64_t>(v.items().size());
    case Value::Kind::dict: return static_cast<int64_t>(v.dict_ref().size());
    default: fail("object of type '" + type_name(v) + "' has no len()");
  }
}

Value from_json(const nlohmann::ordered_json& j) {
  const NestingGuard guard;
  using T = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case T::null: return Value::none();
    case T::boolean: return Value::boolean(j.get<bool>());
    case T::number_integer: return Value::integer(j.get<int64_t>());
    case T::number_unsigned: {
      const uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value::floating(static_cast<double>(u));
      return Value::integer(static_cast<int64_t>(u));
    }
    case T::number_float: return Value::floating(j.get<double>());
    case T::string: return Value::string(j.get<std::string>());
    case T::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(from_json(item));
      return Value::list(std::move(items));
    }
    case T::object: {
      auto d = std::make_shared<Dict>();
      for (const auto& [k, v] : j.items()) d->set(Value::string(k), from_json(v));
      return Value::dict(std::move(d));
    }
    default: fail("unsupported JSON value of type " + std::string(j.type_name()));
  }
}

namespace {

void json_string(std::string& out, std::string_view s, bool ensure_ascii) {
  out.push_back('"');
  char buf[16];
  for (char32_t c : to_u32(s)) {
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x20 || (ensure_ascii && c > 0x7E)) {
      if (c > 0xFFFF) {
        const char32_t v = c - 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (v >> 10)),
                      static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      }
      out += buf;
    } else {
      append_utf8(out, c);
    }
  }
  out.push_back('"');
}

std::string json_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  return py_float_repr(d);
}

void json_value(std::string& out, const Value& v, const JsonDumpOptions& o, int level) {
  const NestingGuard guard;
  auto newline = [&](int lvl) {
    out.push_back('\n');
    for (int i = 0; i < lvl; ++i) out += *o.indent;
  };
  switch (v.kind()) {
    case Value::Kind::none: out += "null"; return;
    case Value::Kind::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::integer: out += std::to_string(v.as_int()); return;
    case Value::Kind::floating: out += json_float(v.as_float()); return;
    case Value::Kind::string: json_string(out, v.as_string(), o.ensure_ascii); return;
    case Value::Kind::list:
    case Value::Kind::tuple: {
      if (v.items().empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      if (o.indent) newline(level + 1);
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) {
          out += o.item_separator;
          if (o.indent) newline(level + 1);
        }
        json_value(out, v.items()[i], o, level + 1);
      }
      if (o.indent) newline(level);
      out.push_back(']');
      return;
    }
    case Value::Kind::dict: {
      if (v.dict_ref().size() == 0) {
        out += "{}";
        return;
      }
      std::vector<std::pair<Value, Value>> entries = v.dict_ref().entries();
      if (o.sort_keys)
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto& a, const auto& b) { return less_than(a.first, b.first); });
      out.push_back('{');
      if (o.indent) newline(level + 1);
      bool first = true;
      for (const auto& [k, val] : entries) {
        if (!first) {
          out += o.item_separator;
          if (o.indent) newline(level + 1);
        }
        first = false;
        if (k.is_string()) {
          json_string(out, k.as_string(), o.ensure_ascii);
        } else if (k.is_bool()) {
          out += k.as_bool() ? "\"true\"" : "\"false\"";
        } else if (k.is_int()) {
          out += "\"" + std::to_string(k.as_int()) + "\"";
        } else if (k.is_float()) {
          out += "\"" + json_float(k.as_float()) + "\"";
        } else if (k.is_none()) {
          out += "\"null\"";
        } else {
          fail("keys must be str, int, float, bool or None, not " + type_name(k));
        }
        out += o.key_separator;
        json_value(out, val, o, level + 1);
      }
      if (o.indent) newline(level);
      out.push_back('}');
      return;
    }
    default: fail("Object of type " + type_name(v) + " is not JSON serializable");
  }
}

}  // namespace

std::string json_dumps(const Value& v, const JsonDumpOptions& options) {
  std::string out;
  json_value(out, v, options, 0);
  return out;
}

}  // namespace dsforge::data::jinja
