// tensor_ops.cpp: ds_tensor_api on LibTorch. Plugins call these on opaque
// handles; every op goes through ATen's dispatcher, so autograd records it
// exactly as if the plugin were LibTorch code. Each entry catches all
// exceptions and turns them into ds_error values.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/DLConvertor.h>
#include <torch/headeronly/version.h>

#include <sstream>

#include "api/host_api.hpp"
#include "runtime/tensor_api.hpp"
#include "runtime/op_support.hpp"
#include "runtime/tensor_handle.hpp"

namespace dsforge {
namespace {

// --- lifetime and inspection ----------------------------------------------

void t_retain(ds_tensor* t) {
  if (t) t->refs.fetch_add(1, std::memory_order_relaxed);
}
void t_release(ds_tensor* t) {
  if (t && t->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete t;
}
int32_t t_dtype(const ds_tensor* t) { return t ? from_scalar(t->value.scalar_type()) : -1; }
ds_device t_device(const ds_tensor* t) {
  if (!t) return {0, 0};
  const auto& d = t->value.device();
  return d.is_cuda() ? ds_device{kDLCUDA, d.index()} : ds_device{kDLCPU, 0};
}
int64_t t_ndim(const ds_tensor* t) { return t ? t->value.dim() : -1; }
int64_t t_size(const ds_tensor* t, int64_t d) {
  if (!t) return -1;
  int64_t n = t->value.dim();
  if (d < 0) d += n;
  return (d < 0 || d >= n) ? -1 : t->value.size(d);
}
int64_t t_numel(const ds_tensor* t) { return t ? t->value.numel() : -1; }

// --- creation ---------------------------------------------------------------

ds_error* t_full(const int64_t* shape, size_t n, double v, int32_t dtype, ds_device d, ds_tensor** out) {
  return produce("full", out, [&] { return at::full(dims_of(shape, n), v, options(dtype, d)); });
}

ds_error* t_from_data(const void* data, size_t bytes, const int64_t* shape, size_t n, int32_t dtype,
                      ds_device d, ds_tensor** out) {
  return produce("from_data", out, [&] {
    auto cpu = at::empty(dims_of(shape, n), at::TensorOptions().dtype(to_scalar(dtype)));
    size_t need = cpu.numel() * cpu.element_size();
    if (bytes != need) throw std::invalid_argument(cat("expected ", need, " bytes for shape ", cpu.sizes(), ", got ", bytes));
    if (need > 0) {
      if (data == nullptr) throw std::invalid_argument("data is NULL");
      std::memcpy(cpu.data_ptr(), data, need);
    }
    return cpu.to(to_device(d));
  });
}

ds_error* t_to_data(const ds_tensor* t, void* dst, size_t bytes) {
  return guarded("to_data", [&] {
    at::Tensor c = ref(t).detach().to(at::kCPU).contiguous();
    size_t need = c.numel() * c.element_size();
    if (bytes != need) throw std::invalid_argument(cat("expected a ", need, "-byte buffer, got ", bytes));
    if (need > 0) std::memcpy(dst, c.data_ptr(), need);
  });
}

ds_error* t_randn(const int64_t* shape, size_t n, uint64_t seed, int32_t dtype, ds_device d, ds_tensor** out) {
  return produce("randn", out, [&] {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::randn(dims_of(shape, n), gen, at::TensorOptions().dtype(to_scalar(dtype))).to(to_device(d));
  });
}

// --- math -------------------------------------------------------------------

ds_error* t_unary(int32_t op, const ds_tensor* x, ds_tensor** out) {
  return produce("unary", out, [&]() -> at::Tensor {
    const at::Tensor& v = ref(x);
    switch (op) {
      case DS_UNARY_NEG: return at::neg(v);
      case DS_UNARY_EXP: return at::exp(v);
      case DS_UNARY_LOG: return at::log(v);
      case DS_UNARY_SQRT: return at::sqrt(v);
      case DS_UNARY_RSQRT: return at::rsqrt(v);
      case DS_UNARY_ABS: return at::abs(v);
      case DS_UNARY_TANH: return at::tanh(v);
      case DS_UNARY_SIGMOID: return at::sigmoid(v);
      case DS_UNARY_RELU: return at::relu(v);
      case DS_UNARY_GELU: return at::gelu(v);
      case DS_UNARY_SILU: return at::silu(v);
      case DS_UNARY_SQUARE: return at::square(v);
    }
    throw Unsupported(cat("unknown unary op ", op));
  });
}

ds_error* t_binary(int32_t op, const ds_tensor* a, const ds_tensor* b, ds_tensor** out) {
  return produce("binary", out, [&]() -> at::Tensor {
    const at::Tensor& x = ref(a, "a");
    const at::Tensor& y = ref(b, "b");
    switch (op) {
      case DS_BINARY_ADD: return at::add(x, y);
      case DS_BINARY_SUB: return at::sub(x, y);
      case DS_BINARY_MUL: return at::mul(x, y);
      case DS_BINARY_DIV: return at::div(x, y);
      case DS_BINARY_MAXIMUM: return at::maximum(x, y);
      case DS_BINARY_MINIMUM: return at::minimum(x, y);
      case DS_BINARY_POW: return at::pow(x, y);
    }
    throw Unsupported(cat("unknown binary op ", op));
  });
}

ds_error* t_affine_scalar(const ds_tensor* x, double scale, double shift, ds_tensor** out) {
  return produce("affine_scalar", out, [&] { return at::add(at::mul(ref(x), scale), shift); });
}
ds_error* t_matmul(const ds_tensor* a, const ds_tensor* b, ds_tensor** out) {
  return produce("matmul", out, [&] { return at::matmul(ref(a, "a"), ref(b, "b")); });
}
ds_error* t_linear(const ds_tensor* x, const ds_tensor* w, const ds_tensor* bias, ds_tensor** out) {
  return produce("linear", out, [&] {
    std::optional<at::Tensor> b;
    if (bias != nullptr) b = bias->value;
    return at::linear(ref(x, "x"), ref(w, "w"), b);
  });
}

ds_error* t_reduce(int32_t op, const ds_tensor* x, const int64_t* dims, size_t n, int32_t keepdim,
                   ds_tensor** out) {
  return produce("reduce", out, [&]() -> at::Tensor {
    const at::Tensor& v = ref(x);
    at::IntArrayRef d = dims_of(dims, n);
    bool keep = keepdim != 0;
    switch (op) {
      case DS_REDUCE_SUM: return n == 0 ? v.sum() : v.sum(d, keep);
      case DS_REDUCE_MEAN: return n == 0 ? v.mean() : v.mean(d, keep);
      case DS_REDUCE_MAX: return n == 0 ? v.max() : at::amax(v, d, keep);
      case DS_REDUCE_MIN: return n == 0 ? v.min() : at::amin(v, d, keep);
    }
    throw Unsupported(cat("unknown reduce op ", op));
  });
}

ds_error* t_softmax(const ds_tensor* x, int64_t dim, ds_tensor** out) {
  return produce("softmax", out, [&] { return at::softmax(ref(x), dim); });
}
ds_error* t_log_softmax(const ds_tensor* x, int64_t dim, ds_tensor** out) {
  return produce("log_softmax", out, [&] { return at::log_softmax(ref(x), dim); });
}
ds_error* t_cast(const ds_tensor* x, int32_t dtype, ds_tensor** out) {
  return produce("cast", out, [&] { return ref(x).to(to_scalar(dtype)); });
}

// --- shape ------------------------------------------------------------------

ds_error* t_reshape(const ds_tensor* x, const int64_t* shape, size_t n, ds_tensor** out) {
  return produce("reshape", out, [&] { return ref(x).reshape(dims_of(shape, n)); });
}
ds_error* t_transpose(const ds_tensor* x, int64_t d0, int64_t d1, ds_tensor** out) {
  return produce("transpose", out, [&] { return ref(x).transpose(d0, d1); });
}
ds_error* t_permute(const ds_tensor* x, const int64_t* dims, size_t n, ds_tensor** out) {
  return produce("permute", out, [&] { return ref(x).permute(dims_of(dims, n)); });
}
ds_error* t_contiguous(const ds_tensor* x, ds_tensor** out) {
  return produce("contiguous", out, [&] { return ref(x).contiguous(); });
}
ds_error* t_slice(const ds_tensor* x, int64_t dim, int64_t start, int64_t end, int64_t step, ds_tensor** out) {
  return produce("slice", out, [&] { return ref(x).slice(dim, start, end, step); });
}
ds_error* t_cat(const ds_tensor* const* xs, size_t n, int64_t dim, ds_tensor** out) {
  return produce("cat", out, [&] {
    std::vector<at::Tensor> parts;
    for (size_t i = 0; i < n; ++i) parts.push_back(ref(xs[i], "xs[i]"));
    return at::cat(parts, dim);
  });
}

// --- autograd ---------------------------------------------------------------

ds_error* t_set_requires_grad(ds_tensor* t, int32_t on) {
  return guarded("set_requires_grad", [&] {
    if (t == nullptr) throw std::invalid_argument("tensor is NULL");
    t->value.set_requires_grad(on != 0);
  });
}
int32_t t_requires_grad(const ds_tensor* t) { return t && t->value.requires_grad() ? 1 : 0; }
ds_error* t_backward(const ds_tensor* loss) {
  return guarded("backward", [&] { ref(loss, "loss").backward(); });
}
ds_error* t_grad(const ds_tensor* t, ds_tensor** out) {
  if (out == nullptr) return make_error(DS_ERR_INVALID_ARGUMENT, "grad: out is NULL");
  *out = nullptr;
  return guarded("grad", [&] {
    const at::Tensor& g = ref(t).grad();
    if (g.defined()) *out = new_handle(g);
  });
}
ds_error* t_detach(const ds_tensor* t, ds_tensor** out) {
  return produce("detach", out, [&] { return ref(t).detach(); });
}

// --- DLPack -----------------------------------------------------------------

ds_error* t_to_dlpack(const ds_tensor* t, int32_t read_only, DLManagedTensorVersioned** out) {
  if (out == nullptr) return make_error(DS_ERR_INVALID_ARGUMENT, "to_dlpack: out is NULL");
  *out = nullptr;
  if (t != nullptr && t->value.requires_grad()) {
    return make_error(DS_ERR_INVALID_ARGUMENT,
                      "to_dlpack: tensor requires grad; raw memory access would bypass autograd "
                      "(detach() it first)");
  }
  return guarded("to_dlpack", [&] {
    DLManagedTensorVersioned* m = at::toDLPackVersioned(ref(t));
    if (read_only != 0 || t->read_only) m->flags |= DLPACK_FLAG_BITMASK_READ_ONLY;
    *out = m;
  });
}

ds_error* check_dlpack(const DLManagedTensorVersioned* in) {
  if (in == nullptr) return make_error(DS_ERR_INVALID_ARGUMENT, "from_dlpack: input is NULL");
  if (in->version.major != DLPACK_MAJOR_VERSION) {
    return make_error(DS_ERR_VERSION, cat("from_dlpack: DLPack major ", in->version.major, " is not supported (expected ", DLPACK_MAJOR_VERSION, ")"));
  }
  const DLTensor& t = in->dl_tensor;
  if (t.device.device_type != kDLCPU && t.device.device_type != kDLCUDA)
    return make_error(DS_ERR_UNSUPPORTED, cat("from_dlpack: device type ", static_cast<int>(t.device.device_type), " is not supported"));
  if (t.dtype.lanes != 1) return make_error(DS_ERR_UNSUPPORTED, "from_dlpack: vector lanes are not supported");
  if (t.ndim < 0 || (t.ndim > 0 && t.shape == nullptr))
    return make_error(DS_ERR_INVALID_ARGUMENT, "from_dlpack: bad ndim or NULL shape");
  if (t.data == nullptr && t.ndim > 0) {
    int64_t numel = 1;
    for (int32_t i = 0; i < t.ndim; ++i) numel *= t.shape[i];
    if (numel != 0) return make_error(DS_ERR_INVALID_ARGUMENT, "from_dlpack: NULL data for a non-empty tensor");
  }
  try {
    at::toScalarType(t.dtype);
  } catch (const c10::Error&) {
    return make_error(DS_ERR_UNSUPPORTED, cat("from_dlpack: dtype code ", int(t.dtype.code), " bits ", int(t.dtype.bits), " is not supported"));
  }
  return nullptr;
}

ds_error* t_from_dlpack(DLManagedTensorVersioned* in, ds_tensor** out) {
  if (out == nullptr) return make_error(DS_ERR_INVALID_ARGUMENT, "from_dlpack: out is NULL");
  *out = nullptr;
  // Check everything first: once LibTorch holds `in`, it owns it.
  if (ds_error* e = check_dlpack(in)) return e;
  bool read_only = (in->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0;
  return guarded("from_dlpack", [&] { *out = new_handle(at::fromDLPackVersioned(in), read_only); });
}

ds_tensor_api make_table() {
  ds_tensor_api t{};
  t.struct_size = sizeof(ds_tensor_api);
  t.retain = &t_retain;
  t.release = &t_release;
  t.dtype = &t_dtype;
  t.device = &t_device;
  t.ndim = &t_ndim;
  t.size = &t_size;
  t.numel = &t_numel;
  t.full = &t_full;
  t.from_data = &t_from_data;
  t.to_data = &t_to_data;
  t.randn = &t_randn;
  t.unary = &t_unary;
  t.binary = &t_binary;
  t.affine_scalar = &t_affine_scalar;
  t.matmul = &t_matmul;
  t.linear = &t_linear;
  t.reduce = &t_reduce;
  t.softmax = &t_softmax;
  t.log_softmax = &t_log_softmax;
  t.cast = &t_cast;
  t.reshape = &t_reshape;
  t.transpose = &t_transpose;
  t.permute = &t_permute;
  t.contiguous = &t_contiguous;
  t.slice = &t_slice;
  t.cat = &t_cat;
  t.set_requires_grad = &t_set_requires_grad;
  t.requires_grad = &t_requires_grad;
  t.backward = &t_backward;
  t.grad = &t_grad;
  t.detach = &t_detach;
  t.to_dlpack = &t_to_dlpack;
  t.from_dlpack = &t_from_dlpack;
  add_model_ops(t);
  return t;
}

}  // namespace

const ds_tensor_api* tensor_api() {
  static const ds_tensor_api table = make_table();
  return &table;
}

const ds_tensor_api* tensor_api_for_minor(uint32_t minor) {
  static const ds_tensor_api v1_0 = [] {
    ds_tensor_api t = make_table();
    t.struct_size = offsetof(ds_tensor_api, embedding);
    return t;
  }();
  return minor < 3 ? &v1_0 : tensor_api();
}

std::string torch_version() { return TORCH_VERSION; }

bool cuda_available() { return at::hasCUDA(); }

}  // namespace dsforge
