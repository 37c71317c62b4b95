// tensor_api.hpp: the host's tensor op table (implemented on LibTorch in
// tensor_ops.cpp). This header is LibTorch-free so any host file can use it.
#pragma once

#include <dsforge/tensor.h>

#include <string>

namespace dsforge {

const ds_tensor_api* tensor_api();
// The table cut to what ABI minor `minor` knows (struct_size).
const ds_tensor_api* tensor_api_for_minor(uint32_t minor);
// ds_host_api.module (1.3), implemented in model/module_api.cpp.
const struct ds_module_api* module_api();

// "2.11.0"
std::string torch_version();
// Whether this dshost was built with CUDA and a device is present.
bool cuda_available();

}  // namespace dsforge
