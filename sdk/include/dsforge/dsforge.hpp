// dsforge/dsforge.hpp: optional header-only C++17 wrapper over the C SDK.
//
// What it gives plugin authors: exceptions instead of ds_error* on the plugin's
// own side (turned back into ds_error* at every C entry), RAII tensor handles
// with operators, typed config getters, and DSFORGE_PLUGIN(), which writes the
// exported entry point. What it does not do: anything the C ABI cannot; a
// plugin written against the raw C headers is a first-class citizen.
#ifndef DSFORGE_DSFORGE_HPP
#define DSFORGE_DSFORGE_HPP

#include <cstdint>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dsforge/dsforge.h"

namespace ds {

// ---------------------------------------------------------------- errors

class Error : public std::runtime_error {
 public:
  Error(int32_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int32_t code() const noexcept { return code_; }

 private:
  int32_t code_;
};

namespace detail {
// The host table of this plugin library (one per .so: symbols are hidden).
inline const ds_host_api*& host_slot() {
  static const ds_host_api* host = nullptr;
  return host;
}
}  // namespace detail

inline const ds_host_api& host() {
  const ds_host_api* h = detail::host_slot();
  if (h == nullptr) throw Error(DS_ERR_INTERNAL, "dsforge host API used before init()");
  return *h;
}

inline const ds_tensor_api& ops() { return *host().tensor; }

// Throws the error as ds::Error (and frees it); no-op for NULL.
inline void check(ds_error* e) {
  if (e == nullptr) return;
  const ds_host_api& h = host();
  Error err(h.error_code(e), h.error_message(e));
  h.error_free(e);
  throw err;
}

// Runs f and converts any exception into a host error object. Use at every
// function the host calls.
template <class F>
ds_error* guard(F&& f) noexcept {
  try {
    f();
    return nullptr;
  } catch (const Error& e) {
    return host().error_new(e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return host().error_new(DS_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return host().error_new(DS_ERR_INTERNAL, e.what());
  } catch (...) {
    return host().error_new(DS_ERR_INTERNAL, "unknown exception");
  }
}

// ---------------------------------------------------------------- logging

inline void log(int32_t level, const char* component, const std::string& message) {
  host().log(level, component, message.c_str());
}

// Adds to a counter of this component in the stage's stats.json (1.2);
// a no-op on older hosts.
inline void stat_add(const char* name, uint64_t n) {
  if (DS_HAS_FIELD(&host(), ds_host_api, stat_add)) host().stat_add(name, n);
}

// Progress of long work; silently absent on a 1.0 host.
class Progress {
 public:
  Progress(const std::string& label, uint64_t total, const std::string& unit) {
    if (DS_HAS_FIELD(&host(), ds_host_api, progress_end))
      p_ = host().progress_begin(label.c_str(), total, unit.c_str());
  }
  ~Progress() {
    if (p_ != nullptr) host().progress_end(p_);
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void advance(uint64_t n) {
    if (p_ != nullptr) host().progress_advance(p_, n);
  }

 private:
  ds_progress* p_ = nullptr;
};

// ---------------------------------------------------------------- config

class Config {
 public:
  explicit Config(const ds_config* cfg) : cfg_(cfg) {}
  bool has(const char* pointer) const { return host().config_has(cfg_, pointer) != 0; }
  std::string json() const { return host().config_json(cfg_); }
  std::string str(const char* pointer) const {
    ds_str s{};
    check(host().config_string(cfg_, pointer, &s));
    return std::string(s.data, s.size);
  }
  int64_t integer(const char* pointer) const {
    int64_t v = 0;
    check(host().config_int(cfg_, pointer, &v));
    return v;
  }
  double number(const char* pointer) const {
    double v = 0;
    check(host().config_double(cfg_, pointer, &v));
    return v;
  }
  bool boolean(const char* pointer) const {
    int32_t v = 0;
    check(host().config_bool(cfg_, pointer, &v));
    return v != 0;
  }
  std::vector<std::string> strings(const std::string& pointer) const {
    size_t n = 0;
    check(host().config_array_size(cfg_, pointer.c_str(), &n));
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) out.push_back(str((pointer + "/" + std::to_string(i)).c_str()));
    return out;
  }
  std::vector<int64_t> integers(const std::string& pointer) const {
    size_t n = 0;
    check(host().config_array_size(cfg_, pointer.c_str(), &n));
    std::vector<int64_t> out;
    for (size_t i = 0; i < n; ++i) out.push_back(integer((pointer + "/" + std::to_string(i)).c_str()));
    return out;
  }
  // A string that may be a single value or an array of values.
  std::vector<std::string> string_or_strings(const std::string& pointer) const {
    size_t n = 0;
    ds_error* e = host().config_array_size(cfg_, pointer.c_str(), &n);
    if (e == nullptr) return strings(pointer);
    host().error_free(e);
    return {str(pointer.c_str())};
  }

 private:
  const ds_config* cfg_;
};

// ---------------------------------------------------------------- tensors

class Tensor {
 public:
  Tensor() = default;
  // Takes ownership of one reference.
  explicit Tensor(ds_tensor* t) : t_(t) {}
  Tensor(const Tensor& o) : t_(o.t_) {
    if (t_ != nullptr) ops().retain(t_);
  }
  Tensor(Tensor&& o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  Tensor& operator=(Tensor o) noexcept {
    std::swap(t_, o.t_);
    return *this;
  }
  ~Tensor() {
    if (t_ != nullptr) ops().release(t_);
  }

  static Tensor from(const std::vector<float>& values, std::initializer_list<int64_t> shape,
                     ds_device dev = {kDLCPU, 0}) {
    std::vector<int64_t> s(shape);
    ds_tensor* out = nullptr;
    check(ops().from_data(values.data(), values.size() * sizeof(float), s.data(), s.size(),
                          DS_DTYPE_F32, dev, &out));
    return Tensor(out);
  }
  static Tensor full(std::initializer_list<int64_t> shape, double value,
                     int32_t dtype = DS_DTYPE_F32, ds_device dev = {kDLCPU, 0}) {
    std::vector<int64_t> s(shape);
    ds_tensor* out = nullptr;
    check(ops().full(s.data(), s.size(), value, dtype, dev, &out));
    return Tensor(out);
  }

  // A new reference to a borrowed handle (NULL stays empty).
  static Tensor borrow(const ds_tensor* t) {
    ds_tensor* h = const_cast<ds_tensor*>(t);
    if (h != nullptr) ops().retain(h);
    return Tensor(h);
  }
  static Tensor from_i64(const std::vector<int64_t>& values, std::vector<int64_t> shape,
                         ds_device dev = {kDLCPU, 0}) {
    ds_tensor* out = nullptr;
    check(ops().from_data(values.data(), values.size() * sizeof(int64_t), shape.data(), shape.size(),
                          DS_DTYPE_I64, dev, &out));
    return Tensor(out);
  }
  static Tensor zeros(std::vector<int64_t> shape, int32_t dtype, ds_device dev) {
    ds_tensor* out = nullptr;
    check(ops().full(shape.data(), shape.size(), 0.0, dtype, dev, &out));
    return Tensor(out);
  }

  ds_tensor* get() const { return t_; }
  ds_tensor* release() { return std::exchange(t_, nullptr); }
  explicit operator bool() const { return t_ != nullptr; }

  int64_t dim() const { return ops().ndim(t_); }
  int64_t size(int64_t d) const { return ops().size(t_, d); }
  int64_t numel() const { return ops().numel(t_); }
  int32_t dtype() const { return ops().dtype(t_); }

  Tensor unary(int32_t op) const { return call([&](ds_tensor** o) { return ops().unary(op, t_, o); }); }
  Tensor binary(int32_t op, const Tensor& b) const {
    return call([&](ds_tensor** o) { return ops().binary(op, t_, b.t_, o); });
  }
  Tensor matmul(const Tensor& b) const {
    return call([&](ds_tensor** o) { return ops().matmul(t_, b.t_, o); });
  }
  Tensor linear(const Tensor& w, const Tensor* bias = nullptr) const {
    return call([&](ds_tensor** o) { return ops().linear(t_, w.t_, bias ? bias->t_ : nullptr, o); });
  }
  Tensor reduce(int32_t op, std::vector<int64_t> dims = {}, bool keepdim = false) const {
    return call([&](ds_tensor** o) { return ops().reduce(op, t_, dims.data(), dims.size(), keepdim, o); });
  }
  Tensor sum(std::vector<int64_t> dims = {}, bool keepdim = false) const { return reduce(DS_REDUCE_SUM, dims, keepdim); }
  Tensor mean(std::vector<int64_t> dims = {}, bool keepdim = false) const { return reduce(DS_REDUCE_MEAN, dims, keepdim); }
  Tensor softmax(int64_t dim) const { return call([&](ds_tensor** o) { return ops().softmax(t_, dim, o); }); }
  Tensor log_softmax(int64_t dim) const { return call([&](ds_tensor** o) { return ops().log_softmax(t_, dim, o); }); }
  Tensor affine(double scale, double shift) const {
    return call([&](ds_tensor** o) { return ops().affine_scalar(t_, scale, shift, o); });
  }
  Tensor reshape(std::vector<int64_t> shape) const {
    return call([&](ds_tensor** o) { return ops().reshape(t_, shape.data(), shape.size(), o); });
  }
  Tensor transpose(int64_t a, int64_t b) const {
    return call([&](ds_tensor** o) { return ops().transpose(t_, a, b, o); });
  }
  Tensor permute(std::vector<int64_t> dims) const {
    return call([&](ds_tensor** o) { return ops().permute(t_, dims.data(), dims.size(), o); });
  }
  Tensor contiguous() const { return call([&](ds_tensor** o) { return ops().contiguous(t_, o); }); }
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const {
    return call([&](ds_tensor** o) { return ops().slice(t_, dim, start, end, step, o); });
  }
  Tensor cast(int32_t dtype) const { return call([&](ds_tensor** o) { return ops().cast(t_, dtype, o); }); }
  Tensor detach() const { return call([&](ds_tensor** o) { return ops().detach(t_, o); }); }
  ds_device device() const { return ops().device(t_); }
  std::vector<int64_t> sizes() const {
    std::vector<int64_t> out(static_cast<size_t>(dim()));
    for (size_t i = 0; i < out.size(); ++i) out[i] = size(static_cast<int64_t>(i));
    return out;
  }
  Tensor relu() const { return unary(DS_UNARY_RELU); }
  Tensor silu() const { return unary(DS_UNARY_SILU); }
  Tensor sigmoid() const { return unary(DS_UNARY_SIGMOID); }

  // --- 1.3 ops (check ds::has_model_ops() on hosts that may be older) ---
  Tensor index_select(int64_t dim, const Tensor& index) const {
    return call([&](ds_tensor** o) { return ops().index_select(t_, dim, index.t_, o); });
  }
  Tensor gather(int64_t dim, const Tensor& index) const {
    return call([&](ds_tensor** o) { return ops().gather(t_, dim, index.t_, o); });
  }
  Tensor index_add(int64_t dim, const Tensor& index, const Tensor& src) const {
    return call([&](ds_tensor** o) { return ops().index_add(t_, dim, index.t_, src.t_, o); });
  }
  // {values, indices}
  std::pair<Tensor, Tensor> topk(int64_t k, int64_t dim = -1, bool largest = true) const {
    ds_tensor *v = nullptr, *i = nullptr;
    check(ops().topk(t_, k, dim, largest ? 1 : 0, &v, &i));
    return {Tensor(v), Tensor(i)};
  }
  Tensor rms_norm(const Tensor* weight, double eps) const {
    return call([&](ds_tensor** o) { return ops().rms_norm(t_, weight ? weight->t_ : nullptr, eps, o); });
  }
  Tensor rope(const Tensor& cos, const Tensor& sin, bool interleaved) const {
    return call([&](ds_tensor** o) { return ops().rope(t_, cos.t_, sin.t_, interleaved ? 1 : 0, o); });
  }
  Tensor dropout(double p, bool training) const {
    return call([&](ds_tensor** o) { return ops().dropout(t_, p, training ? 1 : 0, o); });
  }
  // Copies src into this tensor in place, outside autograd.
  void assign(const Tensor& src) { check(ops().assign(t_, src.t_)); }
  std::vector<int64_t> to_i64() const {
    Tensor c = dtype() == DS_DTYPE_I64 ? *this : cast(DS_DTYPE_I64);
    std::vector<int64_t> out(static_cast<size_t>(c.numel()));
    check(ops().to_data(c.t_, out.data(), out.size() * sizeof(int64_t)));
    return out;
  }

  void requires_grad(bool on) { check(ops().set_requires_grad(t_, on ? 1 : 0)); }
  void backward() const { check(ops().backward(t_)); }
  Tensor grad() const { return call([&](ds_tensor** o) { return ops().grad(t_, o); }); }

  std::vector<float> to_floats() const {
    Tensor f = dtype() == DS_DTYPE_F32 ? *this : call([&](ds_tensor** o) { return ops().cast(t_, DS_DTYPE_F32, o); });
    std::vector<float> out(static_cast<size_t>(f.numel()));
    check(ops().to_data(f.t_, out.data(), out.size() * sizeof(float)));
    return out;
  }

 private:
  template <class F>
  static Tensor call(F&& f) {
    ds_tensor* out = nullptr;
    check(f(&out));
    return Tensor(out);
  }
  ds_tensor* t_ = nullptr;
};

inline Tensor operator+(const Tensor& a, const Tensor& b) { return a.binary(DS_BINARY_ADD, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return a.binary(DS_BINARY_SUB, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return a.binary(DS_BINARY_MUL, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return a.binary(DS_BINARY_DIV, b); }

inline bool has_model_ops() { return DS_HAS_FIELD(&ops(), ds_tensor_api, assign); }

inline Tensor sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask, double scale,
                   bool is_causal) {
  ds_tensor* out = nullptr;
  check(ops().sdpa(q.get(), k.get(), v.get(), mask ? mask->get() : nullptr, scale, is_causal ? 1 : 0, &out));
  return Tensor(out);
}
inline Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  ds_tensor* out = nullptr;
  check(ops().where(cond.get(), a.get(), b.get(), &out));
  return Tensor(out);
}
inline Tensor cat(const std::vector<Tensor>& xs, int64_t dim) {
  std::vector<const ds_tensor*> hs;
  for (const auto& x : xs) hs.push_back(x.get());
  ds_tensor* out = nullptr;
  check(ops().cat(hs.data(), hs.size(), dim, &out));
  return Tensor(out);
}
inline Tensor embedding(const Tensor& weight, const Tensor& index) {
  ds_tensor* out = nullptr;
  check(ops().embedding(weight.get(), index.get(), &out));
  return Tensor(out);
}

// ---------------------------------------------------------------- model blocks (1.3)

// A block's view of its place in the model (ds_module_api).
class Module {
 public:
  explicit Module(const ds_module* m) : m_(m) {}
  static const ds_module_api& api() {
    if (!DS_HAS_FIELD(&host(), ds_host_api, module) || host().module == nullptr)
      throw Error(DS_ERR_VERSION, "this dshost does not serve model blocks (ABI 1.3 needed)");
    return *host().module;
  }
  std::string prefix() const { return api().prefix(m_); }
  bool has(const char* name) const { return api().has_weight(m_, name) != 0; }
  Tensor weight(const char* name) const {
    ds_tensor* out = nullptr;
    check(api().weight(m_, name, &out));
    return Tensor(out);
  }
  Tensor weight_or_new(const char* name, std::vector<int64_t> shape, double value) const {
    ds_tensor* out = nullptr;
    check(api().weight_or_new(m_, name, shape.data(), shape.size(), value, &out));
    return Tensor(out);
  }
  Tensor linear(const char* name, const Tensor& x) const {
    ds_tensor* out = nullptr;
    check(api().linear(m_, name, x.get(), &out));
    return Tensor(out);
  }
  const ds_module* get() const { return m_; }

 private:
  const ds_module* m_;
};

// A block's cache slots for one call (ds_block_args.state).
class State {
 public:
  explicit State(const ds_block_args& a) : a_(&a) {}
  bool caching() const { return a_->state != nullptr; }
  Tensor get(size_t i) const { return caching() && i < a_->state_count ? Tensor::borrow(a_->state[i]) : Tensor(); }
  void set(size_t i, const Tensor& t) const {
    if (!caching() || i >= a_->state_count) return;
    ops().release(a_->state[i]);
    a_->state[i] = Tensor(t).release();
  }

 private:
  const ds_block_args* a_;
};

// ---------------------------------------------------------------- records

inline std::string_view view(ds_str s) { return std::string_view(s.data, s.size); }
inline ds_str str(std::string_view s) { return ds_str{s.data(), s.size()}; }

// Where sources and transforms put their output.
class BatchWriter {
 public:
  BatchWriter(const ds_builder_api* api, ds_batch_builder* b) : api_(api), b_(b) {}
  void push(std::string_view text, std::string_view meta = {}, std::string_view origin = {},
            int64_t line = 0) {
    ds_record r{str(text), str(meta), str(origin), line};
    check(api_->push(b_, &r));
  }
  // Same record with new text.
  void push_changed(const ds_record& r, std::string_view text) {
    ds_record c = r;
    c.text = str(text);
    check(api_->push(b_, &c));
  }
  void push(const ds_record& r) { check(api_->push(b_, &r)); }
  void drop(const char* reason, uint64_t n = 1) { api_->drop(b_, reason, n); }

 private:
  const ds_builder_api* api_;
  ds_batch_builder* b_;
};

// ---------------------------------------------------------------- components

namespace detail {

template <class T>
ds_error* create_instance(void*, const ds_config* cfg, void** instance) noexcept {
  return guard([&] { *instance = new T(Config(cfg)); });
}
template <class T>
void destroy_instance(void* instance) noexcept {
  delete static_cast<T*>(instance);
}

template <class T>
ds_error* source_next(void* inst, const ds_builder_api* api, ds_batch_builder* out, size_t max,
                      int32_t* done) noexcept {
  return guard([&] {
    BatchWriter w(api, out);
    *done = static_cast<T*>(inst)->next(w, max) ? 1 : 0;
  });
}

template <class T>
ds_error* transform_process(void* inst, const ds_record_batch* in, const ds_builder_api* api,
                            ds_batch_builder* out) noexcept {
  return guard([&] {
    BatchWriter w(api, out);
    static_cast<T*>(inst)->process(*in, w);
  });
}

// Whether T has `void flush(ds::BatchWriter&)`; a transform without one holds
// nothing back and gets a NULL flush in its vtable.
template <class T, class = void>
struct has_flush : std::false_type {};
template <class T>
struct has_flush<T, std::void_t<decltype(std::declval<T&>().flush(std::declval<BatchWriter&>()))>>
    : std::true_type {};

template <class T>
ds_error* transform_flush(void* inst, const ds_builder_api* api, ds_batch_builder* out) noexcept {
  return guard([&] {
    BatchWriter w(api, out);
    static_cast<T*>(inst)->flush(w);
  });
}

using flush_fn = ds_error* (*)(void*, const ds_builder_api*, ds_batch_builder*);
template <class T>
constexpr flush_fn flush_of() {
  if constexpr (has_flush<T>::value) {
    return &transform_flush<T>;
  } else {
    return nullptr;
  }
}

template <class T>
ds_error* sink_write(void* inst, const ds_record_batch* in) noexcept {
  return guard([&] { static_cast<T*>(inst)->write(*in); });
}
template <class T>
ds_error* sink_commit(void* inst) noexcept {
  return guard([&] { static_cast<T*>(inst)->commit(); });
}

template <class T>
const ds_component_desc* describe(int32_t kind, const void* vtable, const char* name,
                                  const char* version, const char* summary, const char* schema,
                                  uint64_t flags) {
  static const ds_component_desc desc = {sizeof(ds_component_desc), kind, name, version, summary,
                                         schema, &create_instance<T>, &destroy_instance<T>, vtable,
                                         flags};
  return &desc;
}

// --- model blocks ---------------------------------------------------------

template <class T, class = void>
struct has_after_step : std::false_type {};
template <class T>
struct has_after_step<T, std::void_t<decltype(std::declval<T&>().after_step())>> : std::true_type {};

template <class T>
ds_error* block_bind(void* inst, const ds_module* m) noexcept {
  return guard([&] { static_cast<T*>(inst)->bind(Module(m)); });
}
template <class T>
size_t block_state_slots(void* inst) noexcept {
  return static_cast<const T*>(inst)->state_slots();
}
template <class T>
ds_error* block_forward(void* inst, const ds_module* m, const ds_block_args* a, const ds_tensor* x,
                        ds_tensor** out) noexcept {
  return guard([&] { *out = static_cast<T*>(inst)->forward(Module(m), *a, Tensor::borrow(x)).release(); });
}
template <class T>
ds_error* block_after_step(void* inst) noexcept {
  return guard([&] { static_cast<T*>(inst)->after_step(); });
}
using after_step_fn = ds_error* (*)(void*);
template <class T>
constexpr after_step_fn after_step_of() {
  if constexpr (has_after_step<T>::value) {
    return &block_after_step<T>;
  } else {
    return nullptr;
  }
}

template <class T>
ds_error* adapter_attach(void* inst, const char* name, int64_t in, int64_t out_f, int32_t dtype, ds_device dev,
                         const ds_module* w, int32_t* attached) noexcept {
  return guard([&] { *attached = static_cast<T*>(inst)->attach(name, in, out_f, dtype, dev, Module(w)) ? 1 : 0; });
}
template <class T>
ds_error* adapter_apply(void* inst, const char* name, const ds_tensor* x, const ds_tensor* base,
                        int32_t training, ds_tensor** out) noexcept {
  return guard([&] {
    *out = static_cast<T*>(inst)->apply(name, Tensor::borrow(x), Tensor::borrow(base), training != 0).release();
  });
}
template <class T>
ds_error* adapter_delta(void* inst, const char* name, ds_tensor** out) noexcept {
  return guard([&] { *out = static_cast<T*>(inst)->delta_weight(name).release(); });
}
template <class T>
ds_error* adapter_tensors(void* inst, void* ctx, void (*emit)(void*, const char*, ds_tensor*)) noexcept {
  return guard([&] {
    for (const auto& kv : static_cast<const T*>(inst)->tensors()) emit(ctx, kv.first.c_str(), kv.second.get());
  });
}
template <class T>
ds_error* adapter_config(void* inst, ds_buffer* out) noexcept {
  return guard([&] {
    std::string json = static_cast<const T*>(inst)->config_json();
    check(host().buffer_append(out, json.data(), json.size()));
  });
}

// --- tokenizers ------------------------------------------------------------

template <class T, class = void>
struct has_chat_template : std::false_type {};
template <class T>
struct has_chat_template<T, std::void_t<decltype(std::declval<const T&>().apply_chat_template(
                                std::string_view(), true, std::string_view()))>> : std::true_type {};

inline void append(ds_buffer* b, const void* data, size_t size) { check(host().buffer_append(b, data, size)); }

template <class T>
ds_error* tokenizer_info(void* inst, ds_tokenizer_info* info) noexcept {
  return guard([&] {
    ds_tokenizer_info full = static_cast<const T*>(inst)->info();
    size_t n = info->struct_size < sizeof(full) ? info->struct_size : sizeof(full);
    full.struct_size = n;
    std::memcpy(info, &full, n);  // fill only what the caller's struct has
  });
}
template <class T>
ds_error* tokenizer_encode(void* inst, ds_str text, int32_t special, ds_buffer* out) noexcept {
  return guard([&] {
    std::vector<uint32_t> ids = static_cast<const T*>(inst)->encode(view(text), special != 0);
    append(out, ids.data(), ids.size() * sizeof(uint32_t));
  });
}
template <class T>
ds_error* tokenizer_decode(void* inst, const uint32_t* ids, size_t n, int32_t skip, ds_buffer* out) noexcept {
  return guard([&] {
    std::string text = static_cast<const T*>(inst)->decode(ids, n, skip != 0);
    append(out, text.data(), text.size());
  });
}
template <class T>
ds_error* tokenizer_id_to_token(void* inst, uint32_t id, ds_buffer* out) noexcept {
  return guard([&] {
    std::string token = static_cast<const T*>(inst)->id_to_token(id);
    append(out, token.data(), token.size());
  });
}
template <class T>
ds_error* tokenizer_chat(void* inst, ds_str messages, int32_t add_gen, ds_str extra, ds_buffer* out) noexcept {
  return guard([&] {
    std::string text = static_cast<const T*>(inst)->apply_chat_template(view(messages), add_gen != 0, view(extra));
    append(out, text.data(), text.size());
  });
}
template <class T>
constexpr auto chat_of() {
  using fn = ds_error* (*)(void*, ds_str, int32_t, ds_str, ds_buffer*);
  if constexpr (has_chat_template<T>::value) {
    return fn(&tokenizer_chat<T>);
  } else {
    return fn(nullptr);
  }
}

struct PluginInfo {
  const char* name;
  const char* version;
  const char* license;
  const ds_component_desc* const* components;
  size_t count;
};

inline const PluginInfo*& plugin_info() {
  static const PluginInfo* info = nullptr;
  return info;
}

inline ds_error* plugin_init(const ds_host_api* h, uint32_t, void** ctx) noexcept {
  host_slot() = h;
  *ctx = nullptr;
  return nullptr;
}
inline void plugin_deinit(void*) noexcept { host_slot() = nullptr; }
inline size_t plugin_component_count(void*) noexcept { return plugin_info()->count; }
inline const ds_component_desc* plugin_component_at(void*, size_t i) noexcept {
  return i < plugin_info()->count ? plugin_info()->components[i] : nullptr;
}

inline const ds_plugin_entry* make_entry(const PluginInfo& info) {
  plugin_info() = &info;
  static const ds_plugin_entry entry = {sizeof(ds_plugin_entry), DS_ABI_MAJOR, DS_ABI_MINOR,
                                        info.name, info.version, &plugin_init, &plugin_deinit,
                                        &plugin_component_count, &plugin_component_at,
                                        info.license};
  return &entry;
}

}  // namespace detail

// A source: T(const ds::Config&) and `bool next(ds::BatchWriter&, size_t max)`
// that returns true once exhausted.
template <class T>
const ds_component_desc* source(const char* name, const char* version, const char* summary,
                                const char* schema) {
  static const ds_source_vtable vt = {sizeof(ds_source_vtable), &detail::source_next<T>};
  return detail::describe<T>(DS_KIND_SOURCE, &vt, name, version, summary, schema, 0);
}

// A transform: T(const ds::Config&), `void process(const ds_record_batch&,
// ds::BatchWriter&)` and, if it holds records back, `void flush(ds::BatchWriter&)`.
// Pass DS_COMPONENT_PARALLEL in `flags` when batches may be processed
// concurrently by several instances (no flush, no cross-batch state).
template <class T>
const ds_component_desc* transform(const char* name, const char* version, const char* summary,
                                   const char* schema, uint64_t flags = 0) {
  static const ds_transform_vtable vt = {
      sizeof(ds_transform_vtable), &detail::transform_process<T>,
      detail::flush_of<T>()};
  return detail::describe<T>(DS_KIND_TRANSFORM, &vt, name, version, summary, schema, flags);
}

// A sink: T(const ds::Config&), `void write(const ds_record_batch&)`,
// `void commit()`; its destructor discards uncommitted output.
template <class T>
const ds_component_desc* sink(const char* name, const char* version, const char* summary,
                              const char* schema) {
  static const ds_sink_vtable vt = {sizeof(ds_sink_vtable), &detail::sink_write<T>,
                                    &detail::sink_commit<T>};
  return detail::describe<T>(DS_KIND_SINK, &vt, name, version, summary, schema, 0);
}

// A tokenizer (1.2): T(const ds::Config&) with const methods
// `ds_tokenizer_info info()`, `std::vector<uint32_t> encode(std::string_view, bool add_special)`,
// `std::string decode(const uint32_t*, size_t, bool skip_special)`,
// `std::string id_to_token(uint32_t)` and optionally
// `std::string apply_chat_template(std::string_view messages_json, bool add_generation_prompt,
//                                  std::string_view extra_json)`.
template <class T>
const ds_component_desc* tokenizer(const char* name, const char* version, const char* summary,
                                   const char* schema) {
  static const ds_tokenizer_vtable vt = {sizeof(ds_tokenizer_vtable), &detail::tokenizer_info<T>,
                                         &detail::tokenizer_encode<T>, &detail::tokenizer_decode<T>,
                                         &detail::tokenizer_id_to_token<T>, detail::chat_of<T>()};
  return detail::describe<T>(DS_KIND_TOKENIZER, &vt, name, version, summary, schema, 0);
}

// An attention (DS_KIND_ATTENTION) or MLP (DS_KIND_MLP) block (1.3):
// T(const ds::Config&), `void bind(const ds::Module&)`, `size_t state_slots() const`,
// `ds::Tensor forward(const ds::Module&, const ds_block_args&, const ds::Tensor& x)`
// and optionally `void after_step()`.
template <class T>
const ds_component_desc* block(int32_t kind, const char* name, const char* version, const char* summary,
                               const char* schema) {
  static const ds_block_vtable vt = {sizeof(ds_block_vtable), &detail::block_bind<T>,
                                     &detail::block_state_slots<T>, &detail::block_forward<T>,
                                     detail::after_step_of<T>()};
  return detail::describe<T>(kind, &vt, name, version, summary, schema, 0);
}

// An adapter (DS_KIND_ADAPTER, 1.3): T(const ds::Config&) with
// `bool attach(const char* name, int64_t in, int64_t out, int32_t dtype, ds_device, const ds::Module& weights)`,
// `ds::Tensor apply(const char* name, const ds::Tensor& x, const ds::Tensor& base_out, bool training)`,
// `ds::Tensor delta_weight(const char* name)`,
// `std::vector<std::pair<std::string, ds::Tensor>> tensors() const`, `std::string config_json() const`.
template <class T>
const ds_component_desc* adapter(const char* name, const char* version, const char* summary, const char* schema) {
  static const ds_adapter_vtable vt = {sizeof(ds_adapter_vtable), &detail::adapter_attach<T>,
                                       &detail::adapter_apply<T>, &detail::adapter_delta<T>,
                                       &detail::adapter_tensors<T>, &detail::adapter_config<T>};
  return detail::describe<T>(DS_KIND_ADAPTER, &vt, name, version, summary, schema, 0);
}

}  // namespace ds

// Defines the plugin's exported entry point:
//   DSFORGE_PLUGIN("my-plugin", "1.0.0", "Apache-2.0",
//                  ds::source<MySource>("my_source", "1.0.0", "...", kSchema))
#define DSFORGE_PLUGIN(NAME, VERSION, LICENSE, ...)                                          \
  extern "C" DS_EXPORT const ds_plugin_entry* dsforge_plugin_entry(void) {                  \
    static const ds_component_desc* const components[] = {__VA_ARGS__};                     \
    static const ::ds::detail::PluginInfo info = {                                           \
        NAME, VERSION, LICENSE, components, sizeof(components) / sizeof(components[0])};    \
    return ::ds::detail::make_entry(info);                                                   \
  }

#endif  // DSFORGE_DSFORGE_HPP
