// tensor_api.hpp: the host's tensor op table (implemented on LibTorch in
// tensor_ops.cpp). This header is LibTorch-free so any host file can use it.
#pragma once

#include <dsforge/tensor.h>

#include <string>

namespace dsforge {

const ds_tensor_api* tensor_api();

// "2.11.0"
std::string torch_version();
// Whether this dshost was built with CUDA and a device is present.
bool cuda_available();

}  // namespace dsforge
