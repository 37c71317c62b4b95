// jinja_builtins.hpp: what a template can call by name: jinja2's filters and
// tests (the subset chat templates use), the globals transformers provides
// (range, dict, namespace, raise_exception, strftime_now), the Python str,
// dict and list methods the sandbox allows, and the operators.
//
// Filters returning generators in jinja2 (map, select, selectattr, reverse,
// unique, ...) return lists here: identical once joined, listed or looped
// over; they only print differently when output directly.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jinja_value.hpp"

namespace dsforge::data::jinja {

bool has_filter(std::string_view name);
bool has_test(std::string_view name);
Value call_filter(const std::string& name, const Value& input, CallArgs& args);
bool call_test(const std::string& name, const Value& input, CallArgs& args);

// obj.name: Python attribute first (str/dict/list methods), then obj["name"];
// undefined when neither exists. Fails on an undefined obj.
Value get_attribute(const Value& obj, const std::string& name);
// obj[key]: item first, then attribute for string keys; undefined when
// missing. Fails on an undefined obj.
Value get_item(const Value& obj, const Value& key);
// obj[start:stop:step].
Value get_slice(const Value& obj, const Value& start, const Value& stop, const Value& step);

// Binary operators: + - * / // % ** ~ ; comparisons == != < <= > >= in notin.
Value binary_op(std::string_view op, const Value& left, const Value& right);
bool compare_op(std::string_view op, const Value& left, const Value& right);
Value unary_op(std::string_view op, const Value& operand);

// The global names every render sees. namespace() reports each object it
// creates through on_namespace, so the renderer can break reference cycles
// (`{% set ns.me = ns %}`) when it is done.
std::vector<std::pair<std::string, Value>> make_globals(
    std::function<void(const std::shared_ptr<Dict>&)> on_namespace);

}  // namespace dsforge::data::jinja
