// test_autograd_abi.cpp: a plugin builds a two-layer MLP only with the op
// table; its forward and the gradients the host computes must equal
// LibTorch's own to 1e-6.
#include <ATen/ATen.h>

#include "catch.hpp"
#include "plugins/plugin_library.hpp"
#include "runtime/tensor_api.hpp"
#include "runtime/tensor_handle.hpp"
#include "data/component_instance.hpp"
#include "mlp_probe.h"

using namespace dsforge;

namespace {

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("autograd flows through the op table into the host's graph") {
  auto lib = PluginLibrary::load(std::string(ABI_PLUGIN_DIR) + "/abi_mlp_probe.so");
  REQUIRE(lib->components().size() == 1);
  const LoadedComponent& c = lib->components()[0];
  REQUIRE(c.kind == TEST_KIND_MLP);
  ComponentInstance inst(c, nlohmann::json::object(), "test");
  const auto& vt = inst.vtable<mlp_probe_vtable>();

  at::manual_seed(7);
  auto opts = at::TensorOptions().dtype(at::kDouble);
  at::Tensor x = at::randn({5, 8}, opts);
  std::vector<at::Tensor> leaves = {at::randn({16, 8}, opts), at::randn({16}, opts), at::randn({3, 16}, opts),
                                    at::randn({3}, opts)};
  // The plugin's copies and LibTorch's reference copies of the same values.
  std::vector<ds_tensor*> handles;
  std::vector<at::Tensor> ref;
  for (const auto& l : leaves) {
    handles.push_back(new_handle(l.clone().set_requires_grad(true)));
    ref.push_back(l.clone().set_requires_grad(true));
  }
  ds_tensor* xh = new_handle(x);
  ds_tensor *y = nullptr, *loss = nullptr;
  REQUIRE(vt.forward(inst.get(), handles.data(), xh, &y, &loss) == nullptr);
  REQUIRE(tensor_api()->backward(loss) == nullptr);

  at::Tensor y_ref = at::linear(at::relu(at::linear(x, ref[0], ref[1])), ref[2], ref[3]);
  at::Tensor loss_ref = y_ref.square().mean();
  loss_ref.backward();

  CHECK(max_diff(y->value, y_ref) <= 1e-6);
  CHECK(std::abs(loss->value.item<double>() - loss_ref.item<double>()) <= 1e-6);
  for (size_t i = 0; i < leaves.size(); ++i) {
    ds_tensor* g = nullptr;
    REQUIRE(tensor_api()->grad(handles[i], &g) == nullptr);
    REQUIRE(g != nullptr);
    INFO("parameter " << i);
    CHECK(max_diff(g->value, ref[i].grad()) <= 1e-6);
    CHECK(g->value.abs().sum().item<double>() > 0);  // a real gradient, not zeros
    tensor_api()->release(g);
  }
  for (auto* h : handles) tensor_api()->release(h);
  tensor_api()->release(xh);
  tensor_api()->release(y);
  tensor_api()->release(loss);
}
