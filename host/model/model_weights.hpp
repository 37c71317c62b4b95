// model_weights.hpp: the parameters of a loaded model by their checkpoint
// names, and ds_module, the view of them a model block gets through
// ds_host_api.module (module_api.cpp). LibTorch-side header.
#pragma once

#include <ATen/ATen.h>
#include <dsforge/model.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace dsforge {

struct ModelWeights {
  std::map<std::string, at::Tensor> params;
  std::map<std::string, std::string> file_of;  // name -> checkpoint file, for messages
  std::string source;                          // the folder they came from
  at::ScalarType dtype = at::kFloat;
  at::Device device = at::kCPU;
  std::set<std::string> created;  // weight_or_new additions (not in the checkpoint)
  std::set<std::string> used;     // fetched by a block or the host
};

// One adapter instance attached to linear layers.
struct AttachedAdapter {
  std::string name;  // the user's name for it ("default", a folder name)
  const ds_adapter_vtable* vtable = nullptr;
  void* instance = nullptr;
  bool active = true;   // applied in forward
  bool merged = false;  // its delta is inside the base weights
};

// Adapters per linear layer (full name without ".weight").
struct AdapterLinks {
  std::map<std::string, std::vector<AttachedAdapter*>> by_linear;
};

}  // namespace dsforge

// What a block holds: its prefix in the weights, and the adapters.
struct ds_module {
  std::string prefix;
  dsforge::ModelWeights* weights = nullptr;
  const dsforge::AdapterLinks* adapters = nullptr;
  bool training = false;
};
