// tensor_handle.hpp: what a ds_tensor* is on the host side. LibTorch-only
// header: include it only from runtime/ files that already use ATen.
#pragma once

#include <ATen/ATen.h>

#include <atomic>

struct ds_tensor {
  at::Tensor value;
  bool read_only = false;  // imported from a READ_ONLY DLPack view
  std::atomic<int32_t> refs{1};
};

namespace dsforge {

inline ds_tensor* new_handle(at::Tensor t, bool read_only = false) {
  auto* h = new ds_tensor;
  h->value = std::move(t);
  h->read_only = read_only;
  return h;
}

}  // namespace dsforge
