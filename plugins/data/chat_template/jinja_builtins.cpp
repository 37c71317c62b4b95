// jinja_builtins.cpp: filters, tests, globals, methods and operators (see
// jinja_builtins.hpp). Each follows the jinja2 3.1 / CPython behaviour it is
// named after; the comments say where it stops short.
#include "jinja_builtins.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <set>
#include <unordered_map>

#include "jinja_text.hpp"

namespace dsforge::data::jinja {
namespace {

// ---- argument binding -------------------------------------------------------

// Binds positional and keyword arguments to named parameters as Python does.
class Params {
 public:
  Params(const std::string& func, const CallArgs& a, std::initializer_list<const char*> names,
         size_t required = 0)
      : names_(names), slots_(names.size()) {
    if (a.positional.size() > names_.size())
      fail(func + "() takes at most " + std::to_string(names_.size()) + " argument(s) (" +
           std::to_string(a.positional.size()) + " given)");
    for (size_t i = 0; i < a.positional.size(); ++i) slots_[i] = a.positional[i];
    for (const auto& [key, value] : a.keywords) {
      size_t i = 0;
      while (i < names_.size() && key != names_[i]) ++i;
      if (i == names_.size()) fail(func + "() got an unexpected keyword argument '" + key + "'");
      if (slots_[i]) fail(func + "() got multiple values for argument '" + key + "'");
      slots_[i] = value;
    }
    for (size_t i = 0; i < required; ++i)
      if (!slots_[i]) fail(func + "() missing required argument '" + names_[i] + "'");
  }

  bool given(size_t i) const { return slots_[i].has_value(); }
  // Given and not None: what an optional `x=None` parameter tests.
  bool has(size_t i) const { return given(i) && !slots_[i]->is_none(); }
  const Value& operator[](size_t i) const { return *slots_[i]; }
  Value get_or(size_t i, Value fallback) const { return given(i) ? *slots_[i] : fallback; }

 private:
  std::vector<const char*> names_;
  std::vector<std::optional<Value>> slots_;
};

std::string expect_string(const Value& v, const std::string& what) {
  if (!v.is_string()) fail(what + " must be a string, not " + type_name(v));
  return v.as_string();
}

int64_t expect_int(const Value& v, const std::string& what) {
  if (!v.is_integral()) fail(what + " must be an integer, not " + type_name(v));
  return v.as_int();
}

std::optional<std::string> optional_string(const Params& p, size_t i, const std::string& what) {
  if (!p.has(i)) return std::nullopt;
  return expect_string(p[i], what);
}

// Python integer arithmetic with overflow reported instead of wrapped.
template <typename Op>
int64_t checked(Op op, int64_t a, int64_t b) {
  int64_t out = 0;
  if (op(a, b, &out)) fail("integer overflow (dsforge templates use 64-bit integers)");
  return out;
}
bool add_overflow(int64_t a, int64_t b, int64_t* r) { return __builtin_add_overflow(a, b, r); }
bool sub_overflow(int64_t a, int64_t b, int64_t* r) { return __builtin_sub_overflow(a, b, r); }
bool mul_overflow(int64_t a, int64_t b, int64_t* r) { return __builtin_mul_overflow(a, b, r); }

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

// ---- printf-style formatting (`"%s" % x` and the format filter) -------------

std::string pad(const std::string& s, int64_t width, bool left_align) {
  const int64_t len = static_cast<int64_t>(code_point_count(s));
  if (width <= len) return s;
  const std::string fill(static_cast<size_t>(width - len), ' ');
  return left_align ? s + fill : fill + s;
}

std::string percent_format(const std::string& fmt, const Value& arg) {
  std::vector<Value> args;
  const Dict* mapping = nullptr;
  if (arg.kind() == Value::Kind::tuple) {
    args = arg.items();
  } else {
    if (arg.is_dict()) mapping = &arg.dict_ref();
    args.push_back(arg);
  }
  // An Undefined argument behaves like an empty mapping: "%s" prints it as
  // "", a leftover argument is not an error, "%(key)s" fails.
  static const Dict kEmpty;
  if (arg.is_undefined()) {
    mapping = &kEmpty;
  }
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    if (++i >= fmt.size()) fail("incomplete format");
    std::string key;
    bool keyed = false;
    if (fmt[i] == '(') {
      const size_t close = fmt.find(')', i);
      if (close == std::string::npos) fail("incomplete format key");
      key = fmt.substr(i + 1, close - i - 1);
      keyed = true;
      i = close + 1;
      if (!mapping) fail("format requires a mapping");
      if (arg.is_undefined()) fail_undefined(arg);
    }
    std::string flags;
    while (i < fmt.size() && std::string("-+ #0").find(fmt[i]) != std::string::npos) flags += fmt[i++];
    auto take_arg = [&]() -> Value {
      if (next >= args.size() || (mapping && !keyed && next > 0))
        fail("not enough arguments for format string");
      return args[next++];
    };
    int64_t width = -1, precision = -1;
    if (i < fmt.size() && fmt[i] == '*') {
      width = expect_int(take_arg(), "* width");
      ++i;
    } else {
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9')
        width = (width < 0 ? 0 : width * 10) + (fmt[i++] - '0');
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      precision = 0;
      if (i < fmt.size() && fmt[i] == '*') {
        precision = expect_int(take_arg(), "* precision");
        ++i;
      } else {
        while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') precision = precision * 10 + (fmt[i++] - '0');
      }
    }
    while (i < fmt.size() && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
    if (i >= fmt.size()) fail("incomplete format");
    const char type = fmt[i];
    if (type == '%') {
      out.push_back('%');
      continue;
    }
    Value v;
    if (keyed) {
      const Value* found = mapping->find(std::string_view(key));
      if (!found) fail("KeyError: " + py_repr_string(key));
      v = *found;
    } else {
      v = take_arg();
    }
    std::string spec = "%" + flags;
    if (width >= 0) spec += std::to_string(width);
    if (precision >= 0) spec += "." + std::to_string(precision);
    char buf[512];
    switch (type) {
      case 's':
      case 'r':
      case 'a': {
        std::string s = type == 's' ? to_str(v) : to_repr(v);
        if (precision >= 0) {
          std::u32string u = to_u32(s);
          if (static_cast<int64_t>(u.size()) > precision) s = to_utf8(u.substr(0, static_cast<size_t>(precision)));
        }
        out += pad(s, width, flags.find('-') != std::string::npos);
        break;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        if (!v.is_number()) fail(std::string("%") + type + " format: a real number is required, not " + type_name(v));
        if (v.is_float() && (type == 'x' || type == 'X' || type == 'o'))
          fail(std::string("%") + type + " format: an integer is required, not float");
        const long long n = v.is_float() ? static_cast<long long>(std::trunc(v.as_float())) : v.as_int();
        const char conv = type == 'i' || type == 'u' ? 'd' : type;
        std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), n);
        out += buf;
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        if (!v.is_number()) fail("must be real number, not " + type_name(v));
        std::snprintf(buf, sizeof buf, (spec + type).c_str(), v.as_float());
        out += buf;
        break;
      case 'c': {
        std::string s;
        if (v.is_integral()) {
          append_utf8(s, static_cast<char32_t>(v.as_int()));
        } else if (v.is_string() && code_point_count(v.as_string()) == 1) {
          s = v.as_string();
        } else {
          fail("%c requires int or char");
        }
        out += pad(s, width, flags.find('-') != std::string::npos);
        break;
      }
      default: {
        char msg[96];
        std::snprintf(msg, sizeof msg, "unsupported format character '%c' (0x%x) at index %zu", type,
                      static_cast<unsigned>(static_cast<unsigned char>(type)), i);
        fail(msg);
      }
    }
  }
  if (!mapping && next < args.size()) fail("not all arguments converted during string formatting");
  return out;
}

// str.format(): {} {0} {name} with !s / !r; format specs are not supported.
std::string brace_format(const std::string& fmt, const CallArgs& a) {
  std::string out;
  size_t auto_index = 0;
  int mode = 0;  // 0 unknown, 1 automatic, 2 manual
  for (size_t i = 0; i < fmt.size(); ++i) {
    const char c = fmt[i];
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        out.push_back('}');
        ++i;
        continue;
      }
      fail("Single '}' encountered in format string");
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    const size_t close = fmt.find('}', i);
    if (close == std::string::npos) fail("Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, close - i - 1);
    i = close;
    char conversion = 's';
    const size_t colon = field.find(':');
    if (colon != std::string::npos) {
      if (colon + 1 < field.size()) fail("format specs in str.format() are not supported: " + field);
      field.resize(colon);
    }
    const size_t bang = field.find('!');
    if (bang != std::string::npos) {
      if (bang + 2 != field.size() || (field[bang + 1] != 's' && field[bang + 1] != 'r'))
        fail("unsupported conversion in format string: " + field);
      conversion = field[bang + 1];
      field.resize(bang);
    }
    if (field.find_first_of(".[") != std::string::npos)
      fail("attribute and index lookups in str.format() fields are not supported: " + field);
    Value v;
    if (field.empty() || std::all_of(field.begin(), field.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      size_t index;
      if (field.empty()) {
        if (mode == 2) fail("cannot switch from manual field specification to automatic field numbering");
        mode = 1;
        index = auto_index++;
      } else {
        if (mode == 1) fail("cannot switch from automatic field numbering to manual field specification");
        mode = 2;
        index = static_cast<size_t>(std::stoul(field));
      }
      if (index >= a.positional.size()) fail("Replacement index " + std::to_string(index) + " out of range for positional args tuple");
      v = a.positional[index];
    } else {
      bool found = false;
      for (const auto& [key, value] : a.keywords)
        if (key == field) {
          v = value;
          found = true;
        }
      if (!found) fail("KeyError: " + py_repr_string(field));
    }
    out += conversion == 'r' ? to_repr(v) : to_str(v);
  }
  return out;
}

// ---- attribute paths and sorting helpers ------------------------------------

// jinja2's make_attrgetter: "a.b.0" walks items (digits become indexes).
Value attribute_path(const Value& item, const Value& attribute) {
  if (!attribute.is_string()) return get_item(item, attribute);
  Value v = item;
  for (const std::string& part : py_split(attribute.as_string(), std::string("."), -1)) {
    const bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    v = get_item(v, digits ? Value::integer(std::stoll(part)) : Value::string(part));
  }
  return v;
}

Value ignore_case(const Value& v) { return v.is_string() ? Value::string(py_lower(v.as_string())) : v; }

Value sort_key(const Value& item, const Params& p, size_t case_idx, size_t attr_idx) {
  Value key = p.has(attr_idx) ? attribute_path(item, p[attr_idx]) : item;
  if (!(p.given(case_idx) && truthy(p[case_idx]))) key = ignore_case(key);
  return key;
}

// ---- filters ------------------------------------------------------------------

using FilterFn = Value (*)(const Value&, CallArgs&);

Value f_trim(const Value& v, CallArgs& a) {
  Params p("trim", a, {"chars"});
  return Value::string(py_strip(to_str(v), optional_string(p, 0, "trim chars"), true, true));
}

Value f_length(const Value& v, CallArgs& a) {
  Params p("length", a, {});
  return Value::integer(length(v));
}

Value f_tojson(const Value& v, CallArgs& a) {
  // transformers' override: json.dumps(x, ensure_ascii=False, indent=None,
  // separators=None, sort_keys=False).
  Params p("tojson", a, {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonDumpOptions o;
  o.ensure_ascii = p.given(0) && truthy(p[0]);
  if (p.has(1)) {
    if (p[1].is_string()) {
      o.indent = p[1].as_string();
    } else {
      const int64_t n = expect_int(p[1], "tojson indent");
      o.indent = std::string(static_cast<size_t>(std::max<int64_t>(n, 0)), ' ');
    }
    o.item_separator = ",";
  }
  if (p.has(2)) {
    if (!p[2].is_sequence() || p[2].items().size() != 2)
      fail("tojson separators must be an (item_separator, key_separator) pair");
    o.item_separator = expect_string(p[2].items()[0], "tojson item separator");
    o.key_separator = expect_string(p[2].items()[1], "tojson key separator");
  }
  o.sort_keys = p.given(3) && truthy(p[3]);
  return Value::string(json_dumps(v, o));
}

Value f_string(const Value& v, CallArgs& a) {
  Params p("string", a, {});
  return v.is_string() ? v : Value::string(to_str(v));
}

Value f_upper(const Value& v, CallArgs& a) {
  Params p("upper", a, {});
  return Value::string(py_upper(to_str(v)));
}

Value f_lower(const Value& v, CallArgs& a) {
  Params p("lower", a, {});
  return Value::string(py_lower(to_str(v)));
}

Value f_capitalize(const Value& v, CallArgs& a) {
  Params p("capitalize", a, {});
  return Value::string(py_capitalize(to_str(v)));
}

Value f_title(const Value& v, CallArgs& a) {
  // jinja2's title: each chunk after a run of whitespace or -({[< is
  // capitalized (unlike str.title, "it's" stays "It's").
  Params p("title", a, {});
  std::u32string u = to_u32(to_str(v));
  bool at_start = true;
  for (char32_t& c : u) {
    const bool delimiter = py_isspace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (delimiter) {
      at_start = true;
      continue;
    }
    c = at_start ? py_upper(c) : py_lower(c);
    at_start = false;
  }
  return Value::string(to_utf8(u));
}

Value f_default(const Value& v, CallArgs& a) {
  Params p("default", a, {"default_value", "boolean"});
  const bool boolean = p.given(1) && truthy(p[1]);
  if (v.is_undefined() || (boolean && !truthy(v))) return p.get_or(0, Value::string(""));
  return v;
}

Value f_join(const Value& v, CallArgs& a) {
  Params p("join", a, {"d", "attribute"});
  const std::string sep = p.given(0) ? to_str(p[0]) : "";
  std::string out;
  bool first = true;
  for (const Value& item : iterate(v)) {
    if (!first) out += sep;
    first = false;
    out += to_str(p.has(1) ? attribute_path(item, p[1]) : item);
  }
  return Value::string(std::move(out));
}

Value f_first(const Value& v, CallArgs& a) {
  Params p("first", a, {});
  const std::vector<Value> items = iterate(v);
  return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value f_last(const Value& v, CallArgs& a) {
  Params p("last", a, {});
  const std::vector<Value> items = iterate(v);
  return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value f_list(const Value& v, CallArgs& a) {
  Params p("list", a, {});
  return Value::list(iterate(v));
}

Value f_replace(const Value& v, CallArgs& a) {
  Params p("replace", a, {"old", "new", "count"}, 2);
  const int64_t count = p.has(2) ? expect_int(p[2], "replace count") : -1;
  return Value::string(py_replace(to_str(v), to_str(p[0]), to_str(p[1]), count));
}

Value f_items(const Value& v, CallArgs& a) {
  Params p("items", a, {});
  if (v.is_undefined()) return Value::list({});
  if (!v.is_dict()) fail("Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (const auto& [k, val] : v.dict_ref().entries()) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

// select / reject / selectattr / rejectattr share jinja2's argument shape:
// (seq, [attribute,] [test_name, *test_args], **test_kwargs).
Value select_or_reject(const Value& v, CallArgs& a, bool want, bool lookup_attr, const char* name) {
  size_t off = 0;
  Value attribute;
  if (lookup_attr) {
    if (a.positional.empty()) fail(std::string(name) + "() missing the attribute name");
    attribute = a.positional[0];
    off = 1;
  }
  std::optional<std::string> test;
  CallArgs test_args;
  if (a.positional.size() > off) {
    test = expect_string(a.positional[off], std::string(name) + "() test name");
    test_args.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(off + 1), a.positional.end());
    test_args.keywords = a.keywords;
  }
  std::vector<Value> out;
  for (const Value& item : iterate(v)) {
    const Value probe = lookup_attr ? attribute_path(item, attribute) : item;
    CallArgs ta = test_args;
    const bool ok = test ? call_test(*test, probe, ta) : truthy(probe);
    if (ok == want) out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value f_select(const Value& v, CallArgs& a) { return select_or_reject(v, a, true, false, "select"); }
Value f_reject(const Value& v, CallArgs& a) { return select_or_reject(v, a, false, false, "reject"); }
Value f_selectattr(const Value& v, CallArgs& a) { return select_or_reject(v, a, true, true, "selectattr"); }
Value f_rejectattr(const Value& v, CallArgs& a) { return select_or_reject(v, a, false, true, "rejectattr"); }

Value f_map(const Value& v, CallArgs& a) {
  std::vector<Value> out;
  const Value* attribute = nullptr;
  const Value* fallback = nullptr;
  for (const auto& [k, val] : a.keywords) {
    if (k == "attribute") attribute = &val;
    if (k == "default") fallback = &val;
  }
  if (a.positional.empty() && attribute) {
    for (const auto& kw : a.keywords)
      if (kw.first != "attribute" && kw.first != "default")
        fail("map() got an unexpected keyword argument '" + kw.first + "'");
    for (const Value& item : iterate(v)) {
      Value x = attribute_path(item, *attribute);
      if (x.is_undefined() && fallback && !fallback->is_none()) x = *fallback;
      out.push_back(std::move(x));
    }
    return Value::list(std::move(out));
  }
  if (a.positional.empty()) fail("map requires a filter argument");
  const std::string filter = expect_string(a.positional[0], "map() filter name");
  if (!has_filter(filter)) fail("no filter named '" + filter + "'");
  CallArgs fa;
  fa.positional.assign(a.positional.begin() + 1, a.positional.end());
  fa.keywords = a.keywords;
  for (const Value& item : iterate(v)) {
    CallArgs args = fa;
    out.push_back(call_filter(filter, item, args));
  }
  return Value::list(std::move(out));
}

Value parse_int_string(const std::string& text, int64_t base, bool* ok) {
  std::string s = py_strip(text, std::nullopt, true, true);
  *ok = false;
  if (s.empty()) return Value();
  bool negative = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if ((base == 16 || base == 0) && s.compare(i, 2, "0x") == 0) {
    base = 16;
    i += 2;
  } else if ((base == 8 || base == 0) && s.compare(i, 2, "0o") == 0) {
    base = 8;
    i += 2;
  } else if ((base == 2 || base == 0) && s.compare(i, 2, "0b") == 0) {
    base = 2;
    i += 2;
  } else if (base == 0) {
    base = 10;
  }
  std::string digits;
  for (; i < s.size(); ++i) {
    if (s[i] == '_' && !digits.empty() && i + 1 < s.size() && s[i + 1] != '_') continue;
    digits.push_back(s[i]);
  }
  if (digits.empty()) return Value();
  errno = 0;
  char* end = nullptr;
  const long long n = std::strtoll(digits.c_str(), &end, static_cast<int>(base));
  if (*end != '\0' || errno == ERANGE || digits[0] == '-' || digits[0] == '+') return Value();
  *ok = true;
  return Value::integer(negative ? -n : n);
}

std::optional<double> parse_float_string(const std::string& text) {
  std::string s = py_strip(text, std::nullopt, true, true);
  if (s.empty() || s.find_first_of("xXpP") != std::string::npos) {
    std::string lower = py_lower(s);
    if (lower.find("inf") == std::string::npos && lower.find("nan") == std::string::npos) return std::nullopt;
  }
  std::string cleaned;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    cleaned.push_back(s[i]);
  }
  char* end = nullptr;
  const double d = std::strtod(cleaned.c_str(), &end);
  if (cleaned.empty() || *end != '\0') return std::nullopt;
  return d;
}

Value f_int(const Value& v, CallArgs& a) {
  Params p("int", a, {"default", "base"});
  const Value fallback = p.get_or(0, Value::integer(0));
  const int64_t base = p.given(1) ? expect_int(p[1], "int base") : 10;
  if (v.is_integral()) return Value::integer(v.as_int());
  if (v.is_float()) {
    if (!std::isfinite(v.as_float())) return fallback;
    return Value::integer(static_cast<int64_t>(std::trunc(v.as_float())));
  }
  if (v.is_string()) {
    bool ok = false;
    Value n = parse_int_string(v.as_string(), base, &ok);
    if (ok) return n;
    const std::optional<double> d = parse_float_string(v.as_string());
    if (d && std::isfinite(*d)) return Value::integer(static_cast<int64_t>(std::trunc(*d)));
  }
  return fallback;
}

Value f_float(const Value& v, CallArgs& a) {
  Params p("float", a, {"default"});
  const Value fallback = p.get_or(0, Value::floating(0.0));
  if (v.is_number()) return Value::floating(v.as_float());
  if (v.is_string()) {
    const std::optional<double> d = parse_float_string(v.as_string());
    if (d) return Value::floating(*d);
  }
  return fallback;
}

Value f_abs(const Value& v, CallArgs& a) {
  Params p("abs", a, {});
  if (v.is_integral()) return Value::integer(std::llabs(v.as_int()));
  if (v.is_float()) return Value::floating(std::fabs(v.as_float()));
  fail("bad operand type for abs(): '" + type_name(v) + "'");
}

Value f_round(const Value& v, CallArgs& a) {
  Params p("round", a, {"precision", "method"});
  const int64_t precision = p.given(0) ? expect_int(p[0], "round precision") : 0;
  const std::string method = p.given(1) ? expect_string(p[1], "round method") : "common";
  if (method != "common" && method != "ceil" && method != "floor")
    fail("method must be 'common', 'ceil' or 'floor'");
  if (!v.is_number()) fail("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common") {
    if (v.is_integral()) return Value::integer(v.as_int());
    // Python's round() is correctly rounded, half to even: what printf does.
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::clamp<int64_t>(precision, 0, 300)), v.as_float());
    return Value::floating(std::strtod(buf, nullptr));
  }
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double x = v.as_float() * scale;
  return Value::floating((method == "ceil" ? std::ceil(x) : std::floor(x)) / scale);
}

Value f_reverse(const Value& v, CallArgs& a) {
  Params p("reverse", a, {});
  if (v.is_string()) {
    std::u32string u = to_u32(v.as_string());
    std::reverse(u.begin(), u.end());
    return Value::string(to_utf8(u));
  }
  std::vector<Value> items = iterate(v);
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items));
}

Value f_sort(const Value& v, CallArgs& a) {
  Params p("sort", a, {"reverse", "case_sensitive", "attribute"});
  const bool reverse = p.given(0) && truthy(p[0]);
  std::vector<std::pair<Value, Value>> keyed;
  for (const Value& item : iterate(v)) keyed.emplace_back(sort_key(item, p, 1, 2), item);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? less_than(y.first, x.first) : less_than(x.first, y.first);
  });
  std::vector<Value> out;
  for (auto& kv : keyed) out.push_back(std::move(kv.second));
  return Value::list(std::move(out));
}

Value f_unique(const Value& v, CallArgs& a) {
  Params p("unique", a, {"case_sensitive", "attribute"});
  std::vector<Value> seen, out;
  for (const Value& item : iterate(v)) {
    const Value key = sort_key(item, p, 0, 1);
    if (std::none_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) {
      seen.push_back(key);
      out.push_back(item);
    }
  }
  return Value::list(std::move(out));
}

Value min_or_max(const Value& v, CallArgs& a, bool want_max, const char* name) {
  Params p(name, a, {"case_sensitive", "attribute"});
  const std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  size_t best = 0;
  Value best_key = sort_key(items[0], p, 0, 1);
  for (size_t i = 1; i < items.size(); ++i) {
    Value key = sort_key(items[i], p, 0, 1);
    if (want_max ? less_than(best_key, key) : less_than(key, best_key)) {
      best = i;
      best_key = std::move(key);
    }
  }
  return items[best];
}

Value f_min(const Value& v, CallArgs& a) { return min_or_max(v, a, false, "min"); }
Value f_max(const Value& v, CallArgs& a) { return min_or_max(v, a, true, "max"); }

Value f_sum(const Value& v, CallArgs& a) {
  Params p("sum", a, {"attribute", "start"});
  Value total = p.get_or(1, Value::integer(0));
  for (const Value& item : iterate(v))
    total = binary_op("+", total, p.has(0) ? attribute_path(item, p[0]) : item);
  return total;
}

Value f_dictsort(const Value& v, CallArgs& a) {
  Params p("dictsort", a, {"case_sensitive", "by", "reverse"});
  if (!v.is_dict()) fail("You can only sort by either a mapping");
  const bool case_sensitive = p.given(0) && truthy(p[0]);
  const std::string by = p.given(1) ? expect_string(p[1], "dictsort by") : "key";
  if (by != "key" && by != "value") fail("You can only sort by either 'key' or 'value'");
  const bool reverse = p.given(2) && truthy(p[2]);
  std::vector<std::pair<Value, Value>> entries = v.dict_ref().entries();
  auto key_of = [&](const std::pair<Value, Value>& e) {
    const Value& k = by == "key" ? e.first : e.second;
    return case_sensitive ? k : ignore_case(k);
  };
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
    return reverse ? less_than(key_of(y), key_of(x)) : less_than(key_of(x), key_of(y));
  });
  std::vector<Value> out;
  for (auto& [k, val] : entries) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value f_indent(const Value& v, CallArgs& a) {
  Params p("indent", a, {"width", "first", "blank"});
  std::string indention = "    ";
  if (p.given(0)) {
    if (p[0].is_string())
      indention = p[0].as_string();
    else
      indention = std::string(static_cast<size_t>(std::max<int64_t>(expect_int(p[0], "indent width"), 0)), ' ');
  }
  const bool first = p.given(1) && truthy(p[1]);
  const bool blank = p.given(2) && truthy(p[2]);
  const std::vector<std::string> lines = py_splitlines(to_str(v) + "\n", false);
  std::string rv;
  if (blank) {
    for (size_t i = 0; i < lines.size(); ++i) rv += (i ? "\n" + indention : "") + lines[i];
  } else {
    rv = lines.empty() ? "" : lines[0];
    for (size_t i = 1; i < lines.size(); ++i) rv += "\n" + (lines[i].empty() ? "" : indention) + lines[i];
  }
  if (first) rv = indention + rv;
  return Value::string(std::move(rv));
}

Value f_safe(const Value& v, CallArgs& a) {
  Params p("safe", a, {});
  return v.is_string() ? v : Value::string(to_str(v));
}

Value f_escape(const Value& v, CallArgs& a) {
  Params p("escape", a, {});
  std::string out;
  for (char c : to_str(v)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return Value::string(std::move(out));
}

Value f_format(const Value& v, CallArgs& a) {
  if (!a.positional.empty() && !a.keywords.empty())
    fail("format filter can't handle positional and keyword arguments at the same time");
  if (!a.keywords.empty()) {
    auto d = std::make_shared<Dict>();
    for (const auto& [k, val] : a.keywords) d->set(Value::string(k), val);
    return Value::string(percent_format(to_str(v), Value::dict(std::move(d))));
  }
  return Value::string(percent_format(to_str(v), Value::tuple(a.positional)));
}

Value f_attr(const Value& v, CallArgs& a) {
  Params p("attr", a, {"name"}, 1);
  const std::string name = expect_string(p[0], "attr name");
  if (v.is_dict()) {  // a dict's keys are not attributes: only its methods are
    Value probe = Value::dict();
    const Value m = get_attribute(probe, name);
    return m.is_function() ? get_attribute(v, name) : Value::undefined("'dict object' has no attribute '" + name + "'");
  }
  return get_attribute(v, name);
}

const std::unordered_map<std::string_view, FilterFn>& filter_table() {
  static const std::unordered_map<std::string_view, FilterFn> table = {
      {"abs", f_abs},           {"attr", f_attr},
      {"capitalize", f_capitalize}, {"count", f_length},
      {"d", f_default},         {"default", f_default},
      {"dictsort", f_dictsort}, {"e", f_escape},
      {"escape", f_escape},     {"first", f_first},
      {"float", f_float},       {"forceescape", f_escape},
      {"format", f_format},     {"indent", f_indent},
      {"int", f_int},           {"items", f_items},
      {"join", f_join},         {"last", f_last},
      {"length", f_length},     {"list", f_list},
      {"lower", f_lower},       {"map", f_map},
      {"max", f_max},           {"min", f_min},
      {"reject", f_reject},     {"rejectattr", f_rejectattr},
      {"replace", f_replace},   {"reverse", f_reverse},
      {"round", f_round},       {"safe", f_safe},
      {"select", f_select},     {"selectattr", f_selectattr},
      {"sort", f_sort},         {"string", f_string},
      {"sum", f_sum},           {"title", f_title},
      {"tojson", f_tojson},     {"trim", f_trim},
      {"unique", f_unique},     {"upper", f_upper},
  };
  return table;
}

// ---- tests --------------------------------------------------------------------

using TestFn = bool (*)(const Value&, CallArgs&);

const Value& one_arg(CallArgs& a, const char* name) {
  if (a.positional.size() != 1 || !a.keywords.empty()) fail(std::string("test '") + name + "' takes one argument");
  return a.positional[0];
}

bool no_args(CallArgs& a, const char* name) {
  if (!a.positional.empty() || !a.keywords.empty()) fail(std::string("test '") + name + "' takes no arguments");
  return true;
}

bool t_defined(const Value& v, CallArgs& a) { return no_args(a, "defined") && !v.is_undefined(); }
bool t_undefined(const Value& v, CallArgs& a) { return no_args(a, "undefined") && v.is_undefined(); }
bool t_none(const Value& v, CallArgs& a) { return no_args(a, "none") && v.is_none(); }
bool t_boolean(const Value& v, CallArgs& a) { return no_args(a, "boolean") && v.is_bool(); }
bool t_true(const Value& v, CallArgs& a) { return no_args(a, "true") && v.is_bool() && v.as_bool(); }
bool t_false(const Value& v, CallArgs& a) { return no_args(a, "false") && v.is_bool() && !v.as_bool(); }
bool t_integer(const Value& v, CallArgs& a) { return no_args(a, "integer") && v.is_int(); }
bool t_float(const Value& v, CallArgs& a) { return no_args(a, "float") && v.is_float(); }
bool t_number(const Value& v, CallArgs& a) { return no_args(a, "number") && v.is_number(); }
bool t_string(const Value& v, CallArgs& a) { return no_args(a, "string") && v.is_string(); }
bool t_mapping(const Value& v, CallArgs& a) { return no_args(a, "mapping") && v.is_dict(); }
bool t_iterable(const Value& v, CallArgs& a) {
  return no_args(a, "iterable") &&
         (v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict());
}
bool t_sequence(const Value& v, CallArgs& a) { return t_iterable(v, a); }
bool t_callable(const Value& v, CallArgs& a) {
  return no_args(a, "callable") && (v.is_function() || v.is_undefined());
}
bool t_odd(const Value& v, CallArgs& a) {
  no_args(a, "odd");
  return floor_mod(expect_int(v, "odd test value"), 2) == 1;
}
bool t_even(const Value& v, CallArgs& a) {
  no_args(a, "even");
  return floor_mod(expect_int(v, "even test value"), 2) == 0;
}
bool t_divisibleby(const Value& v, CallArgs& a) {
  const int64_t n = expect_int(one_arg(a, "divisibleby"), "divisibleby argument");
  if (n == 0) fail("integer division or modulo by zero");
  return floor_mod(expect_int(v, "divisibleby test value"), n) == 0;
}
bool t_eq(const Value& v, CallArgs& a) { return equals(v, one_arg(a, "eq")); }
bool t_ne(const Value& v, CallArgs& a) { return !equals(v, one_arg(a, "ne")); }
bool t_lt(const Value& v, CallArgs& a) { return less_than(v, one_arg(a, "lt")); }
bool t_le(const Value& v, CallArgs& a) { return !less_than(one_arg(a, "le"), v); }
bool t_gt(const Value& v, CallArgs& a) { return less_than(one_arg(a, "gt"), v); }
bool t_ge(const Value& v, CallArgs& a) { return !less_than(v, one_arg(a, "ge")); }
bool t_in(const Value& v, CallArgs& a) { return contains(one_arg(a, "in"), v); }
bool t_sameas(const Value& v, CallArgs& a) { return v.same_object(one_arg(a, "sameas")); }
bool t_lower(const Value& v, CallArgs& a) {
  no_args(a, "lower");
  bool cased = false;
  for (char32_t c : to_u32(to_str(v))) {
    if (py_lower(c) != c) return false;
    cased = cased || py_iscased(c);
  }
  return cased;
}
bool t_upper(const Value& v, CallArgs& a) {
  no_args(a, "upper");
  bool cased = false;
  for (char32_t c : to_u32(to_str(v))) {
    if (py_upper(c) != c) return false;
    cased = cased || py_iscased(c);
  }
  return cased;
}
bool t_escaped(const Value&, CallArgs& a) { return !no_args(a, "escaped"); }
bool t_filter(const Value& v, CallArgs& a) { return no_args(a, "filter") && v.is_string() && has_filter(v.as_string()); }
bool t_test(const Value& v, CallArgs& a) { return no_args(a, "test") && v.is_string() && has_test(v.as_string()); }

const std::unordered_map<std::string_view, TestFn>& test_table() {
  static const std::unordered_map<std::string_view, TestFn> table = {
      {"!=", t_ne},         {"<", t_lt},           {"<=", t_le},
      {"==", t_eq},         {">", t_gt},           {">=", t_ge},
      {"boolean", t_boolean}, {"callable", t_callable}, {"defined", t_defined},
      {"divisibleby", t_divisibleby}, {"eq", t_eq}, {"equalto", t_eq},
      {"escaped", t_escaped}, {"even", t_even},    {"false", t_false},
      {"filter", t_filter}, {"float", t_float},    {"ge", t_ge},
      {"greaterthan", t_gt}, {"gt", t_gt},         {"in", t_in},
      {"integer", t_integer}, {"iterable", t_iterable}, {"le", t_le},
      {"lessthan", t_lt},   {"lower", t_lower},    {"lt", t_lt},
      {"mapping", t_mapping}, {"ne", t_ne},        {"none", t_none},
      {"number", t_number}, {"odd", t_odd},        {"sameas", t_sameas},
      {"sequence", t_sequence}, {"string", t_string}, {"test", t_test},
      {"true", t_true},     {"undefined", t_undefined}, {"upper", t_upper},
  };
  return table;
}

// ---- methods ------------------------------------------------------------------

bool all_code_points(const std::string& s, bool (*pred)(char32_t)) {
  const std::u32string u = to_u32(s);
  return !u.empty() && std::all_of(u.begin(), u.end(), pred);
}

bool is_digit_cp(char32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }
bool is_alpha_cp(char32_t c) { return py_isalpha(c); }
bool is_alnum_cp(char32_t c) { return is_alpha_cp(c) || is_digit_cp(c); }

// s[start:end] by code points, for the optional start/end of find & co.
std::pair<std::string, int64_t> sub_range(const std::string& s, const Params& p, size_t start_idx) {
  if (!p.has(start_idx) && !p.has(start_idx + 1)) return {s, 0};
  const std::u32string u = to_u32(s);
  const int64_t n = static_cast<int64_t>(u.size());
  auto norm = [&](int64_t x) { return x < 0 ? std::max<int64_t>(x + n, 0) : std::min(x, n); };
  const int64_t b = p.has(start_idx) ? norm(expect_int(p[start_idx], "start")) : 0;
  const int64_t e = p.has(start_idx + 1) ? norm(expect_int(p[start_idx + 1], "end")) : n;
  if (e <= b) return {"", b};
  return {to_utf8(std::u32string_view(u).substr(static_cast<size_t>(b), static_cast<size_t>(e - b))), b};
}

Value string_list(std::vector<std::string> parts) {
  std::vector<Value> out;
  out.reserve(parts.size());
  for (auto& s : parts) out.push_back(Value::string(std::move(s)));
  return Value::list(std::move(out));
}

Value call_str_method(const std::string& s, const std::string& m, CallArgs& a) {
  const std::string fn = "str." + m;
  if (m == "strip" || m == "lstrip" || m == "rstrip") {
    Params p(fn, a, {"chars"});
    return Value::string(py_strip(s, optional_string(p, 0, fn + " chars"), m != "rstrip", m != "lstrip"));
  }
  if (m == "split" || m == "rsplit") {
    Params p(fn, a, {"sep", "maxsplit"});
    const std::optional<std::string> sep = optional_string(p, 0, fn + " sep");
    const int64_t maxsplit = p.given(1) ? expect_int(p[1], fn + " maxsplit") : -1;
    if (sep && sep->empty()) fail("empty separator");
    return string_list(m == "split" ? py_split(s, sep, maxsplit) : py_rsplit(s, sep, maxsplit));
  }
  if (m == "splitlines") {
    Params p(fn, a, {"keepends"});
    return string_list(py_splitlines(s, p.given(0) && truthy(p[0])));
  }
  if (m == "startswith" || m == "endswith") {
    Params p(fn, a, {m == "startswith" ? "prefix" : "suffix", "start", "end"}, 1);
    const std::string text = sub_range(s, p, 1).first;
    std::vector<Value> candidates = p[0].is_sequence() ? p[0].items() : std::vector<Value>{p[0]};
    for (const Value& c : candidates) {
      const std::string x = expect_string(c, fn + " argument");
      if (x.size() > text.size()) continue;
      if (m == "startswith" ? text.compare(0, x.size(), x) == 0
                            : text.compare(text.size() - x.size(), x.size(), x) == 0)
        return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  if (m == "upper" || m == "lower" || m == "title" || m == "capitalize" || m == "swapcase") {
    Params p(fn, a, {});
    if (m == "upper") return Value::string(py_upper(s));
    if (m == "lower") return Value::string(py_lower(s));
    if (m == "title") return Value::string(py_title(s));
    if (m == "capitalize") return Value::string(py_capitalize(s));
    return Value::string(py_swapcase(s));
  }
  if (m == "replace") {
    Params p(fn, a, {"old", "new", "count"}, 2);
    const int64_t count = p.given(2) ? expect_int(p[2], fn + " count") : -1;
    return Value::string(py_replace(s, expect_string(p[0], fn + " old"), expect_string(p[1], fn + " new"), count));
  }
  if (m == "find" || m == "rfind" || m == "index" || m == "rindex") {
    Params p(fn, a, {"sub", "start", "end"}, 1);
    const auto [text, offset] = sub_range(s, p, 1);
    const int64_t at = py_find(text, expect_string(p[0], fn + " sub"), m[0] == 'r');
    if (at < 0 && (m == "index" || m == "rindex")) fail("substring not found");
    return Value::integer(at < 0 ? -1 : at + offset);
  }
  if (m == "count") {
    Params p(fn, a, {"sub", "start", "end"}, 1);
    return Value::integer(py_count(sub_range(s, p, 1).first, expect_string(p[0], fn + " sub")));
  }
  if (m == "join") {
    Params p(fn, a, {"iterable"}, 1);
    std::string out;
    size_t i = 0;
    for (const Value& item : iterate(p[0])) {
      if (!item.is_string())
        fail("sequence item " + std::to_string(i) + ": expected str instance, " + type_name(item) + " found");
      if (i++) out += s;
      out += item.as_string();
    }
    return Value::string(std::move(out));
  }
  if (m == "isdigit" || m == "isnumeric" || m == "isdecimal") {
    Params p(fn, a, {});
    return Value::boolean(all_code_points(s, is_digit_cp));
  }
  if (m == "isalpha" || m == "isalnum" || m == "isspace") {
    Params p(fn, a, {});
    return Value::boolean(all_code_points(s, m == "isalpha" ? is_alpha_cp : m == "isalnum" ? is_alnum_cp : py_isspace));
  }
  if (m == "islower" || m == "isupper") {
    Params p(fn, a, {});
    CallArgs none;
    return Value::boolean(m == "islower" ? t_lower(Value::string(s), none) : t_upper(Value::string(s), none));
  }
  if (m == "removeprefix" || m == "removesuffix") {
    Params p(fn, a, {m == "removeprefix" ? "prefix" : "suffix"}, 1);
    const std::string x = expect_string(p[0], fn + " argument");
    if (m == "removeprefix" && s.compare(0, x.size(), x) == 0) return Value::string(s.substr(x.size()));
    if (m == "removesuffix" && x.size() <= s.size() && !x.empty() &&
        s.compare(s.size() - x.size(), x.size(), x) == 0)
      return Value::string(s.substr(0, s.size() - x.size()));
    return Value::string(s);
  }
  if (m == "ljust" || m == "rjust" || m == "center") {
    Params p(fn, a, {"width", "fillchar"}, 1);
    const int64_t width = expect_int(p[0], fn + " width");
    const std::string fill = p.given(1) ? expect_string(p[1], fn + " fillchar") : " ";
    if (code_point_count(fill) != 1) fail("The fill character must be exactly one character long");
    const int64_t len = static_cast<int64_t>(code_point_count(s));
    if (width <= len) return Value::string(s);
    const int64_t marg = width - len;
    int64_t left = m == "ljust" ? 0 : m == "rjust" ? marg : marg / 2 + (marg & width & 1);
    std::string out;
    for (int64_t i = 0; i < left; ++i) out += fill;
    out += s;
    for (int64_t i = 0; i < marg - left; ++i) out += fill;
    return Value::string(std::move(out));
  }
  if (m == "format") return Value::string(brace_format(s, a));
  fail("str has no method '" + m + "'");
}

const std::set<std::string>& str_methods() {
  static const std::set<std::string> names = {
      "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith",
      "upper", "lower", "title", "capitalize", "swapcase", "replace", "find", "rfind", "index",
      "rindex", "count", "join", "isdigit", "isnumeric", "isdecimal", "isalpha", "isalnum",
      "isspace", "islower", "isupper", "removeprefix", "removesuffix", "ljust", "rjust",
      "center", "format"};
  return names;
}

std::optional<Value> method_of(const Value& obj, const std::string& name) {
  if (obj.is_string()) {
    if (!str_methods().count(name)) return std::nullopt;
    const std::string s = obj.as_string();
    return Value::function("str." + name, [s, name](CallArgs& a) { return call_str_method(s, name, a); });
  }
  if (obj.is_dict()) {
    const std::shared_ptr<Dict> d = obj.dict_ptr();
    if (name == "items" || name == "keys" || name == "values") {
      return Value::function("dict." + name, [d, name](CallArgs& a) {
        Params p("dict." + name, a, {});
        std::vector<Value> out;
        for (const auto& [k, v] : d->entries())
          out.push_back(name == "keys" ? k : name == "values" ? v : Value::tuple({k, v}));
        return Value::list(std::move(out));
      });
    }
    if (name == "get") {
      return Value::function("dict.get", [d](CallArgs& a) {
        Params p("dict.get", a, {"key", "default"}, 1);
        const Value* found = d->find(p[0]);
        return found ? *found : p.get_or(1, Value::none());
      });
    }
    if (name == "copy") {
      return Value::function("dict.copy", [d](CallArgs& a) {
        Params p("dict.copy", a, {});
        return Value::dict(std::make_shared<Dict>(*d));
      });
    }
    if (name == "clear" || name == "pop" || name == "popitem" || name == "setdefault" || name == "update")
      return Value::undefined("access to attribute '" + name + "' of 'dict' object is unsafe.");
    return std::nullopt;
  }
  if (obj.is_sequence()) {
    if (name == "index" || name == "count") {
      const Value list = obj;
      return Value::function(type_name(obj) + "." + name, [list, name](CallArgs& a) {
        Params p(name, a, {"value"}, 1);
        int64_t count = 0;
        for (size_t i = 0; i < list.items().size(); ++i) {
          if (!equals(list.items()[i], p[0])) continue;
          if (name == "index") return Value::integer(static_cast<int64_t>(i));
          ++count;
        }
        if (name == "index") fail(to_repr(p[0]) + " is not in list");
        return Value::integer(count);
      });
    }
    static const std::set<std::string> unsafe = {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"};
    if (obj.kind() == Value::Kind::list && unsafe.count(name))
      return Value::undefined("access to attribute '" + name + "' of 'list' object is unsafe.");
  }
  return std::nullopt;
}

std::string object_description(const Value& obj) {
  if (obj.is_none()) return "None";
  if (obj.is_ns()) return "jinja2.utils.Namespace object";
  return type_name(obj) + " object";
}

// ---- globals ------------------------------------------------------------------

Value g_range(CallArgs& a) {
  if (!a.keywords.empty()) fail("range() takes no keyword arguments");
  if (a.positional.empty() || a.positional.size() > 3)
    fail("range expected 1 to 3 arguments, got " + std::to_string(a.positional.size()));
  int64_t start = 0, stop, step = 1;
  if (a.positional.size() == 1) {
    stop = expect_int(a.positional[0], "range() argument");
  } else {
    start = expect_int(a.positional[0], "range() start");
    stop = expect_int(a.positional[1], "range() stop");
    if (a.positional.size() == 3) step = expect_int(a.positional[2], "range() step");
  }
  if (step == 0) fail("range() arg 3 must not be zero");
  std::vector<Value> out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (out.size() >= 100000)
      fail("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    out.push_back(Value::integer(i));
  }
  return Value::list(std::move(out));
}

Value g_dict(CallArgs& a) {
  if (a.positional.size() > 1) fail("dict expected at most 1 argument");
  auto d = std::make_shared<Dict>();
  if (!a.positional.empty()) {
    if (!a.positional[0].is_dict()) fail("dict() argument must be a mapping");
    *d = a.positional[0].dict_ref();
  }
  for (const auto& [k, v] : a.keywords) d->set(Value::string(k), v);
  return Value::dict(std::move(d));
}


Value g_raise_exception(CallArgs& a) {
  Params p("raise_exception", a, {"message"}, 1);
  throw Failure(Failure::Kind::raised, to_str(p[0]));
}

Value g_strftime_now(CallArgs& a) {
  Params p("strftime_now", a, {"format"}, 1);
  const std::string fmt = expect_string(p[0], "strftime_now format");
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  for (size_t size = 256; size <= (1u << 20); size *= 4) {
    std::string buf(size, '\0');
    const size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &tm);
    if (n > 0 || fmt.empty()) return Value::string(buf.substr(0, n));
  }
  return Value::string("");
}

}  // namespace

// ---- public entry points --------------------------------------------------------

bool has_filter(std::string_view name) { return filter_table().count(name) != 0; }
bool has_test(std::string_view name) { return test_table().count(name) != 0; }

Value call_filter(const std::string& name, const Value& input, CallArgs& args) {
  auto it = filter_table().find(name);
  if (it == filter_table().end()) fail("no filter named '" + name + "'");
  return it->second(input, args);
}

bool call_test(const std::string& name, const Value& input, CallArgs& args) {
  auto it = test_table().find(name);
  if (it == test_table().end()) fail("no test named '" + name + "'");
  return it->second(input, args);
}

Value get_attribute(const Value& obj, const std::string& name) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (std::optional<Value> m = method_of(obj, name)) return *m;
  if (obj.is_dict() || obj.is_ns()) {
    if (const Value* v = obj.dict_ref().find(std::string_view(name))) return *v;
  }
  return Value::undefined("'" + object_description(obj) + "' has no attribute '" + name + "'");
}

Value get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (obj.is_dict()) {
    if (const Value* v = obj.dict_ref().find(key)) return *v;
  } else if (obj.is_ns()) {
    if (key.is_string())
      if (const Value* v = obj.dict_ref().find(std::string_view(key.as_string()))) return *v;
  } else if ((obj.is_sequence() || obj.is_string()) && key.is_integral()) {
    const int64_t n = length(obj);
    int64_t i = key.as_int();
    if (i < 0) i += n;
    if (i >= 0 && i < n) {
      if (obj.is_sequence()) return obj.items()[static_cast<size_t>(i)];
      std::string out;
      append_utf8(out, to_u32(obj.as_string())[static_cast<size_t>(i)]);
      return Value::string(std::move(out));
    }
    return Value::undefined("'" + object_description(obj) + "' has no element " + std::to_string(key.as_int()));
  }
  if (key.is_string()) {
    if (std::optional<Value> m = method_of(obj, key.as_string())) return *m;
    return Value::undefined("'" + object_description(obj) + "' has no attribute '" + key.as_string() + "'");
  }
  return Value::undefined("'" + object_description(obj) + "' has no element " + to_repr(key));
}

Value get_slice(const Value& obj, const Value& start, const Value& stop, const Value& step) {
  // jinja2 compiles a slice to a plain Python subscript: no undefined
  // fallback, the TypeError surfaces.
  if (obj.is_undefined()) fail_undefined(obj);
  std::optional<int64_t> bounds[3];
  const Value* given[3] = {&start, &stop, &step};
  for (int i = 0; i < 3; ++i) {
    if (given[i]->is_none()) continue;
    if (!given[i]->is_integral())
      fail("slice indices must be integers or None or have an __index__ method");
    bounds[i] = given[i]->as_int();
  }
  if (obj.is_dict()) fail("unhashable type: 'slice'");
  if (!(obj.is_string() || obj.is_sequence())) fail("'" + type_name(obj) + "' object is not subscriptable");
  if (bounds[2] && *bounds[2] == 0) fail("slice step cannot be zero");
  if (obj.is_string()) {
    const std::u32string u = to_u32(obj.as_string());
    std::u32string out;
    for (int64_t i : slice_indices(static_cast<int64_t>(u.size()), bounds[0], bounds[1], bounds[2]))
      out.push_back(u[static_cast<size_t>(i)]);
    return Value::string(to_utf8(out));
  }
  std::vector<Value> out;
  for (int64_t i : slice_indices(static_cast<int64_t>(obj.items().size()), bounds[0], bounds[1], bounds[2]))
    out.push_back(obj.items()[static_cast<size_t>(i)]);
  return obj.kind() == Value::Kind::tuple ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

Value binary_op(std::string_view op, const Value& l, const Value& r) {
  if (op == "~") return Value::string(to_str(l) + to_str(r));
  // str % x formats first; Python sees an Undefined as a mapping there.
  if (op == "%" && l.is_string()) return Value::string(percent_format(l.as_string(), r));
  if (l.is_undefined()) fail_undefined(l);
  if (r.is_undefined()) fail_undefined(r);
  const bool ints = l.is_integral() && r.is_integral();
  const bool nums = l.is_number() && r.is_number();
  if (op == "+") {
    if (ints) return Value::integer(checked(add_overflow, l.as_int(), r.as_int()));
    if (nums) return Value::floating(l.as_float() + r.as_float());
    if (l.is_string() && r.is_string()) return Value::string(l.as_string() + r.as_string());
    if (l.is_sequence() && l.kind() == r.kind()) {
      std::vector<Value> items = l.items();
      items.insert(items.end(), r.items().begin(), r.items().end());
      return l.kind() == Value::Kind::tuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
    }
    if (l.is_string() || l.is_sequence())
      fail("can only concatenate " + type_name(l) + " (not \"" + type_name(r) + "\") to " + type_name(l));
  } else if (op == "-") {
    if (ints) return Value::integer(checked(sub_overflow, l.as_int(), r.as_int()));
    if (nums) return Value::floating(l.as_float() - r.as_float());
  } else if (op == "*") {
    if (ints) return Value::integer(checked(mul_overflow, l.as_int(), r.as_int()));
    if (nums) return Value::floating(l.as_float() * r.as_float());
    const Value& seq = l.is_integral() ? r : l;
    const Value& times = l.is_integral() ? l : r;
    if (times.is_integral() && (seq.is_string() || seq.is_sequence())) {
      const int64_t n = times.as_int();
      if (n > 0 && length(seq) * n > 100'000'000) fail("repetition result too large");
      if (seq.is_string()) {
        std::string s;
        for (int64_t i = 0; i < n; ++i) s += seq.as_string();
        return Value::string(std::move(s));
      }
      std::vector<Value> items;
      for (int64_t i = 0; i < n; ++i) items.insert(items.end(), seq.items().begin(), seq.items().end());
      return seq.kind() == Value::Kind::tuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
    }
  } else if (op == "/") {
    if (nums) {
      if (r.as_float() == 0) fail("division by zero");
      return Value::floating(l.as_float() / r.as_float());
    }
  } else if (op == "//") {
    if (ints) {
      if (r.as_int() == 0) fail("integer division or modulo by zero");
      return Value::integer(floor_div(l.as_int(), r.as_int()));
    }
    if (nums) {
      if (r.as_float() == 0) fail("float floor division by zero");
      return Value::floating(std::floor(l.as_float() / r.as_float()));
    }
  } else if (op == "%") {
    if (l.is_string()) return Value::string(percent_format(l.as_string(), r));
    if (ints) {
      if (r.as_int() == 0) fail("integer division or modulo by zero");
      return Value::integer(floor_mod(l.as_int(), r.as_int()));
    }
    if (nums) {
      if (r.as_float() == 0) fail("float modulo");
      double m = std::fmod(l.as_float(), r.as_float());
      if (m != 0 && ((m < 0) != (r.as_float() < 0))) m += r.as_float();
      return Value::floating(m);
    }
  } else if (op == "**") {
    if (ints && r.as_int() >= 0) {
      int64_t result = 1, base = l.as_int();
      for (int64_t e = r.as_int(); e > 0; --e)
        result = checked(mul_overflow, result, base);
      return Value::integer(result);
    }
    if (nums) return Value::floating(std::pow(l.as_float(), r.as_float()));
  } else if (op == "in" || op == "notin") {
    return Value::boolean(compare_op(op, l, r));
  } else {
    fail("unknown operator '" + std::string(op) + "'");
  }
  fail("unsupported operand type(s) for " + std::string(op) + ": '" + type_name(l) + "' and '" + type_name(r) + "'");
}

bool compare_op(std::string_view op, const Value& l, const Value& r) {
  if (op == "==") return equals(l, r);
  if (op == "!=") return !equals(l, r);
  if (op == "<") return less_than(l, r);
  if (op == ">") return less_than(r, l);
  if (op == "<=") return !less_than(r, l);
  if (op == ">=") return !less_than(l, r);
  if (op == "in") return contains(r, l);
  if (op == "notin") return !contains(r, l);
  fail("unknown comparison '" + std::string(op) + "'");
}

Value unary_op(std::string_view op, const Value& v) {
  if (v.is_undefined()) fail_undefined(v);
  if (v.is_integral()) return Value::integer(op == "-" ? -v.as_int() : v.as_int());
  if (v.is_float()) return Value::floating(op == "-" ? -v.as_float() : v.as_float());
  fail("bad operand type for unary " + std::string(op) + ": '" + type_name(v) + "'");
}

std::vector<std::pair<std::string, Value>> make_globals(
    std::function<void(const std::shared_ptr<Dict>&)> on_namespace) {
  auto make_namespace = [on_namespace = std::move(on_namespace)](CallArgs& a) {
    auto d = std::make_shared<Dict>(g_dict(a).dict_ref());
    if (on_namespace) on_namespace(d);
    return Value::ns(std::move(d));
  };
  return {
      {"range", Value::function("range", g_range)},
      {"dict", Value::function("dict", g_dict)},
      {"namespace", Value::function("namespace", make_namespace)},
      {"raise_exception", Value::function("raise_exception", g_raise_exception)},
      {"strftime_now", Value::function("strftime_now", g_strftime_now)},
  };
}

}  // namespace dsforge::data::jinja
