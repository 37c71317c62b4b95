// kv_cache.cpp: owns the slot handles and releases them.
#include "model/kv_cache.hpp"

#include "runtime/tensor_api.hpp"

namespace dsforge {

KvCache::KvCache(const std::vector<size_t>& slots) {
  for (size_t n : slots) slots_.emplace_back(n, nullptr);
}

KvCache::KvCache(KvCache&& o) noexcept : slots_(std::move(o.slots_)), length_(o.length_) { o.slots_.clear(); }

KvCache::~KvCache() {
  for (auto& block : slots_)
    for (ds_tensor* t : block) tensor_api()->release(t);
}

size_t KvCache::bytes() const {
  size_t total = 0;
  const ds_tensor_api* api = tensor_api();
  for (const auto& block : slots_)
    for (const ds_tensor* t : block) {
      if (t == nullptr) continue;
      int32_t dt = api->dtype(t);
      size_t elem = dt == DS_DTYPE_F64 || dt == DS_DTYPE_I64 ? 8 : dt == DS_DTYPE_F16 || dt == DS_DTYPE_BF16 ? 2 : dt == DS_DTYPE_F32 || dt == DS_DTYPE_I32 ? 4 : 1;
      total += static_cast<size_t>(api->numel(t)) * elem;
    }
  return total;
}

}  // namespace dsforge
