// mlp_probe.cpp: a two-layer MLP written only with the host's op table, to
// prove autograd flows through the ABI.
#include <dsforge/dsforge.hpp>

#include "mlp_probe.h"

namespace {

struct Mlp {
  explicit Mlp(const ds::Config&) {}
};

ds::Tensor borrow(const ds_tensor* t) {
  ds::ops().retain(const_cast<ds_tensor*>(t));
  return ds::Tensor(const_cast<ds_tensor*>(t));
}

ds_error* forward(void*, const ds_tensor* const* params, const ds_tensor* x, ds_tensor** y, ds_tensor** loss) noexcept {
  return ds::guard([&] {
    ds::Tensor w1 = borrow(params[0]), b1 = borrow(params[1]), w2 = borrow(params[2]), b2 = borrow(params[3]);
    ds::Tensor h = borrow(x).linear(w1, &b1).relu();
    ds::Tensor out = h.linear(w2, &b2);
    ds::Tensor l = out.unary(DS_UNARY_SQUARE).mean();
    *y = out.release();
    *loss = l.release();
  });
}

const mlp_probe_vtable kVtable = {sizeof(mlp_probe_vtable), &forward};

const ds_component_desc* mlp_component() {
  static const ds_component_desc d = {sizeof(ds_component_desc), TEST_KIND_MLP, "mlp_probe", "1.0.0",
                                      "two-layer MLP on the op table", "{}",
                                      &ds::detail::create_instance<Mlp>, &ds::detail::destroy_instance<Mlp>,
                                      &kVtable};
  return &d;
}

}  // namespace

DSFORGE_PLUGIN("abi-mlp-probe", "1.0.0", "Apache-2.0", mlp_component())
