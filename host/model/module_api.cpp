// module_api.cpp: ds_host_api.module. Blocks reach their weights and linear
// layers only through here, so adapters (and later quantized weights) apply
// without the block knowing, and a missing or misshapen tensor is reported
// with its full name and file.
#include "model/model_weights.hpp"
#include "runtime/op_support.hpp"
#include "runtime/tensor_api.hpp"

namespace dsforge {
namespace {

std::string where_from(const ModelWeights& w, const std::string& key) {
  auto it = w.file_of.find(key);
  return it != w.file_of.end() ? it->second : w.source;
}

const at::Tensor& find_weight(const ds_module* m, const std::string& key) {
  if (m == nullptr || m->weights == nullptr) throw std::invalid_argument("module is NULL");
  auto it = m->weights->params.find(key);
  if (it == m->weights->params.end()) {
    // Name what is there under the same prefix: usually a naming mismatch.
    std::string near;
    int shown = 0;
    for (auto i = m->weights->params.lower_bound(m->prefix);
         i != m->weights->params.end() && i->first.compare(0, m->prefix.size(), m->prefix) == 0 && shown < 6;
         ++i, ++shown)
      near += (shown ? ", " : "") + i->first.substr(m->prefix.size());
    throw NotFound(cat("tensor '", key, "' is missing from ", m->weights->source,
                       near.empty() ? std::string(" (nothing under '") + m->prefix + "')"
                                    : " (under '" + m->prefix + "' it has: " + near + ")"));
  }
  m->weights->used.insert(key);
  return it->second;
}

const char* m_prefix(const ds_module* m) { return m ? m->prefix.c_str() : ""; }

int32_t m_has_weight(const ds_module* m, const char* name) {
  return m && m->weights && name && m->weights->params.count(m->prefix + name) ? 1 : 0;
}

ds_error* m_weight(const ds_module* m, const char* name, ds_tensor** out) {
  return produce("module.weight", out, [&] { return find_weight(m, m->prefix + (name ? name : "")); });
}

ds_error* m_weight_or_new(const ds_module* m, const char* name, const int64_t* shape, size_t ndim, double value,
                          ds_tensor** out) {
  return produce("module.weight_or_new", out, [&]() -> at::Tensor {
    if (m == nullptr || m->weights == nullptr) throw std::invalid_argument("module is NULL");
    const std::string key = m->prefix + (name ? name : "");
    auto it = m->weights->params.find(key);
    at::IntArrayRef want = dims_of(shape, ndim);
    if (it != m->weights->params.end()) {
      if (!it->second.sizes().equals(want))
        throw std::invalid_argument(cat("tensor '", key, "' in ", where_from(*m->weights, key), " has shape ",
                                        it->second.sizes(), ", expected ", want));
      m->weights->used.insert(key);
      return it->second;
    }
    at::Tensor t = at::full(want, value, at::TensorOptions().dtype(m->weights->dtype).device(m->weights->device));
    m->weights->params[key] = t;
    m->weights->created.insert(key);
    m->weights->used.insert(key);
    return t;
  });
}

ds_error* m_linear(const ds_module* m, const char* name, const ds_tensor* x, ds_tensor** out) {
  return produce("module.linear", out, [&] {
    const std::string linear = m->prefix + (name ? name : "");
    const at::Tensor& w = find_weight(m, linear + ".weight");
    const at::Tensor& in = ref(x, "x");
    if (w.dim() != 2 || in.size(-1) != w.size(1))
      throw std::invalid_argument(cat("linear '", linear, "': input has ", in.size(-1), " features but '", linear,
                                      ".weight' in ", where_from(*m->weights, linear + ".weight"), " has shape ",
                                      w.sizes()));
    std::optional<at::Tensor> bias;
    auto b = m->weights->params.find(linear + ".bias");
    if (b != m->weights->params.end()) {
      bias = b->second;
      m->weights->used.insert(linear + ".bias");
    }
    at::Tensor y = at::linear(in, w, bias);
    if (m->adapters == nullptr) return y;
    auto links = m->adapters->by_linear.find(linear);
    if (links == m->adapters->by_linear.end()) return y;
    for (const AttachedAdapter* a : links->second) {
      if (!a->active || a->merged) continue;
      ds_tensor* base = new_handle(y);
      ds_tensor* result = nullptr;
      ds_error* e = a->vtable->apply(a->instance, linear.c_str(), x, base, m->training ? 1 : 0, &result);
      tensor_api()->release(base);
      if (e != nullptr) throw std::runtime_error(cat("adapter '", a->name, "' on ", linear, ": ", take_error_message(e)));
      y = result->value;
      tensor_api()->release(result);
    }
    return y;
  });
}

}  // namespace

const ds_module_api* module_api() {
  static const ds_module_api table = {sizeof(ds_module_api), &m_prefix, &m_has_weight, &m_weight,
                                      &m_weight_or_new, &m_linear};
  return &table;
}

}  // namespace dsforge
