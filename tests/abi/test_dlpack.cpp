// test_dlpack.cpp: DLPack through the op table: zero-copy both ways, the
// deleter called exactly once, READ_ONLY honoured, bad input refused with
// ownership left with the caller. Run under ASan in CI.
#include <ATen/ATen.h>

#include "api/host_api.hpp"
#include "catch.hpp"
#include "runtime/tensor_api.hpp"
#include "runtime/tensor_handle.hpp"

using namespace dsforge;

namespace {

struct Foreign {
  std::vector<float> data{1, 2, 3, 4, 5, 6};
  int64_t shape[2] = {2, 3};
  int deleter_calls = 0;
  DLManagedTensorVersioned managed{};
};

void count_delete(DLManagedTensorVersioned* self) { static_cast<Foreign*>(self->manager_ctx)->deleter_calls++; }

DLManagedTensorVersioned* wrap(Foreign& f, uint64_t flags = 0) {
  f.managed.version = {1, 1};
  f.managed.manager_ctx = &f;
  f.managed.deleter = &count_delete;
  f.managed.flags = flags;
  DLTensor& t = f.managed.dl_tensor;
  t.data = f.data.data();
  t.device = {kDLCPU, 0};
  t.ndim = 2;
  t.dtype = {kDLFloat, 32, 1};
  t.shape = f.shape;
  t.strides = nullptr;
  t.byte_offset = 0;
  return &f.managed;
}

const ds_tensor_api& api() { return *tensor_api(); }

}  // namespace

TEST_CASE("foreign memory imports without a copy and its deleter runs exactly once") {
  Foreign f;
  ds_tensor* t = nullptr;
  REQUIRE(api().from_dlpack(wrap(f), &t) == nullptr);
  CHECK(t->value.data_ptr() == f.data.data());
  CHECK(api().numel(t) == 6);
  ds_tensor* doubled = nullptr;
  REQUIRE(api().affine_scalar(t, 2.0, 0.0, &doubled) == nullptr);
  CHECK(doubled->value[1][2].item<float>() == 12.0f);
  api().retain(t);
  api().release(t);
  CHECK(f.deleter_calls == 0);  // still one reference
  api().release(t);
  api().release(doubled);
  CHECK(f.deleter_calls == 1);
}

TEST_CASE("a host tensor exports without a copy and round-trips to the same memory") {
  ds_tensor* t = nullptr;
  int64_t shape[] = {4, 5};
  REQUIRE(api().full(shape, 2, 3.5, DS_DTYPE_F32, {kDLCPU, 0}, &t) == nullptr);
  void* original = t->value.data_ptr();
  DLManagedTensorVersioned* view = nullptr;
  REQUIRE(api().to_dlpack(t, 0, &view) == nullptr);
  CHECK(view->dl_tensor.data == original);
  CHECK(view->version.major == 1);
  CHECK((view->flags & DLPACK_FLAG_BITMASK_READ_ONLY) == 0);
  // Writes through the view are visible to the host tensor (same memory).
  static_cast<float*>(view->dl_tensor.data)[0] = -1.0f;
  CHECK(t->value[0][0].item<float>() == -1.0f);
  ds_tensor* back = nullptr;
  REQUIRE(api().from_dlpack(view, &back) == nullptr);  // host now owns `view`
  CHECK(back->value.data_ptr() == original);
  api().release(t);
  CHECK(back->value[3][4].item<float>() == 3.5f);  // the view keeps the storage alive
  api().release(back);
}

TEST_CASE("READ_ONLY survives import and re-export") {
  Foreign f;
  ds_tensor* t = nullptr;
  REQUIRE(api().from_dlpack(wrap(f, DLPACK_FLAG_BITMASK_READ_ONLY), &t) == nullptr);
  DLManagedTensorVersioned* view = nullptr;
  REQUIRE(api().to_dlpack(t, 0, &view) == nullptr);
  CHECK((view->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0);
  view->deleter(view);
  api().release(t);
  CHECK(f.deleter_calls == 1);
}

TEST_CASE("refused imports leave ownership with the caller") {
  Foreign f;
  DLManagedTensorVersioned* m = wrap(f);
  m->version.major = 2;
  ds_tensor* t = nullptr;
  ds_error* err = api().from_dlpack(m, &t);
  REQUIRE(err != nullptr);
  CHECK(err->code == DS_ERR_VERSION);
  CHECK(t == nullptr);
  CHECK(f.deleter_calls == 0);
  delete err;
  m->version.major = 1;
  m->dl_tensor.dtype.lanes = 4;
  err = api().from_dlpack(m, &t);
  REQUIRE(err != nullptr);
  CHECK(err->code == DS_ERR_UNSUPPORTED);
  delete err;
  m->deleter(m);
  CHECK(f.deleter_calls == 1);
}

TEST_CASE("a tensor that requires grad is not exported as raw memory") {
  ds_tensor* t = nullptr;
  int64_t shape[] = {3};
  REQUIRE(api().full(shape, 1, 1.0, DS_DTYPE_F32, {kDLCPU, 0}, &t) == nullptr);
  REQUIRE(api().set_requires_grad(t, 1) == nullptr);
  DLManagedTensorVersioned* view = nullptr;
  ds_error* err = api().to_dlpack(t, 1, &view);
  REQUIRE(err != nullptr);
  CHECK(view == nullptr);
  CHECK(err->message.find("requires grad") != std::string::npos);
  delete err;
  api().release(t);
}

TEST_CASE("op errors are values naming the op and the problem") {
  ds_tensor *a = nullptr, *b = nullptr, *out = nullptr;
  int64_t sa[] = {2, 3}, sb[] = {4, 5};
  REQUIRE(api().full(sa, 2, 1.0, DS_DTYPE_F32, {kDLCPU, 0}, &a) == nullptr);
  REQUIRE(api().full(sb, 2, 1.0, DS_DTYPE_F32, {kDLCPU, 0}, &b) == nullptr);
  ds_error* err = api().matmul(a, b, &out);
  REQUIRE(err != nullptr);
  CHECK(out == nullptr);
  CHECK(err->code == DS_ERR_INVALID_ARGUMENT);
  CHECK(err->message.rfind("matmul: ", 0) == 0);
  delete err;
  err = api().unary(12345, a, &out);  // an op from a future minor: probe-able
  REQUIRE(err != nullptr);
  CHECK(err->code == DS_ERR_UNSUPPORTED);
  CHECK(err->message.find("unknown unary op 12345") != std::string::npos);
  delete err;
  err = api().matmul(a, nullptr, &out);
  REQUIRE(err != nullptr);
  CHECK(err->code == DS_ERR_INVALID_ARGUMENT);
  CHECK(err->message == "matmul: b is NULL");
  delete err;
  api().release(a);
  api().release(b);
}
