// op_support.hpp: what every LibTorch-side op implementation shares: error
// mapping at the ABI edge, handle access and dtype/device conversion.
// LibTorch-only header (runtime/ and model/ files).
#pragma once

#include <ATen/ATen.h>
#include <dsforge/tensor.h>

#include <sstream>
#include <stdexcept>
#include <string>

#include "api/host_api.hpp"
#include "runtime/tensor_handle.hpp"

namespace dsforge {

// LibTorch bundles its own fmt, different from the one the rest of dshost
// uses; this file avoids fmt altogether so the two never meet.
template <class... Args>
inline std::string cat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

// An op code or dtype this host does not know: DS_ERR_UNSUPPORTED, so a
// plugin can probe for ops added in later minors.
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Something asked for does not exist (a weight name): DS_ERR_NOT_FOUND.
struct NotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs f, mapping exceptions to errors. LibTorch's own message (without
// its C++ backtrace) is kept: it names shapes and dtypes precisely.
template <class F>
inline ds_error* guarded(const char* op, F&& f) noexcept {
  try {
    f();
    return nullptr;
  } catch (const Unsupported& e) {
    return make_error(DS_ERR_UNSUPPORTED, cat(op, ": ", e.what()));
  } catch (const NotFound& e) {
    return make_error(DS_ERR_NOT_FOUND, cat(op, ": ", e.what()));
  } catch (const std::invalid_argument& e) {
    return make_error(DS_ERR_INVALID_ARGUMENT, cat(op, ": ", e.what()));
  } catch (const c10::Error& e) {
    return make_error(DS_ERR_INVALID_ARGUMENT, cat(op, ": ", e.what_without_backtrace()));
  } catch (const std::bad_alloc&) {
    return make_error(DS_ERR_OUT_OF_MEMORY, cat(op, ": out of memory"));
  } catch (const std::exception& e) {
    return make_error(DS_ERR_INTERNAL, cat(op, ": ", e.what()));
  } catch (...) {
    return make_error(DS_ERR_INTERNAL, cat(op, ": unknown exception"));
  }
}

// Shorthand for ops producing one tensor.
template <class F>
inline ds_error* produce(const char* op, ds_tensor** out, F&& f) noexcept {
  if (out == nullptr) return make_error(DS_ERR_INVALID_ARGUMENT, cat(op, ": out is NULL"));
  *out = nullptr;
  return guarded(op, [&] { *out = new_handle(f()); });
}

inline const at::Tensor& ref(const ds_tensor* t, const char* what = "tensor") {
  if (t == nullptr) throw std::invalid_argument(cat(what, " is NULL"));
  return t->value;
}

inline at::ScalarType to_scalar(int32_t dtype) {
  switch (dtype) {
    case DS_DTYPE_F32: return at::kFloat;
    case DS_DTYPE_F64: return at::kDouble;
    case DS_DTYPE_F16: return at::kHalf;
    case DS_DTYPE_BF16: return at::kBFloat16;
    case DS_DTYPE_I64: return at::kLong;
    case DS_DTYPE_I32: return at::kInt;
    case DS_DTYPE_I8: return at::kChar;
    case DS_DTYPE_U8: return at::kByte;
    case DS_DTYPE_BOOL: return at::kBool;
  }
  throw Unsupported(cat("unknown dtype code ", dtype));
}

inline int32_t from_scalar(at::ScalarType s) {
  switch (s) {
    case at::kFloat: return DS_DTYPE_F32;
    case at::kDouble: return DS_DTYPE_F64;
    case at::kHalf: return DS_DTYPE_F16;
    case at::kBFloat16: return DS_DTYPE_BF16;
    case at::kLong: return DS_DTYPE_I64;
    case at::kInt: return DS_DTYPE_I32;
    case at::kChar: return DS_DTYPE_I8;
    case at::kByte: return DS_DTYPE_U8;
    case at::kBool: return DS_DTYPE_BOOL;
    default: return -1;
  }
}

inline at::Device to_device(ds_device d) {
  if (d.type == kDLCPU) return at::Device(at::kCPU);
  if (d.type == kDLCUDA) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(d.index));
  throw Unsupported(cat("unsupported device type ", d.type));
}

inline at::TensorOptions options(int32_t dtype, ds_device d) {
  return at::TensorOptions().dtype(to_scalar(dtype)).device(to_device(d));
}

inline at::IntArrayRef dims_of(const int64_t* shape, size_t n) {
  if (n > 0 && shape == nullptr) throw std::invalid_argument("shape is NULL");
  return at::IntArrayRef(shape, n);
}


// Llama's RMSNorm: statistics in float32 (float64 stays float64), the
// normalised value cast back to x's dtype before the weight multiply. The
// `rms_norm` op and the host's own norms both use it.
inline at::Tensor llama_rms_norm(const at::Tensor& x, const at::Tensor* weight, double eps) {
  at::Tensor f = x.to(at::promote_types(x.scalar_type(), at::kFloat));
  at::Tensor normed = (f * at::rsqrt(f.pow(2).mean(-1, true) + eps)).to(x.scalar_type());
  return weight ? *weight * normed : normed;
}

// Appends the 1.3 model-block ops (model_ops.cpp).
void add_model_ops(ds_tensor_api& t);

}  // namespace dsforge
