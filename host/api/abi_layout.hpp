// abi_layout.hpp: the sizes of released ABI structs, pinned. A change that
// moves a released field fails to compile here instead of breaking plugins.
// Each table's size in minor N is the offset just past its last N field.
#pragma once

#include <dsforge/model.h>
#include <dsforge/plugin.h>

#include <cstddef>
#include <cstdint>

namespace dsforge::abi {

constexpr size_t kEntrySize_1_0 = offsetof(ds_plugin_entry, license);
constexpr size_t kEntrySize_1_1 = sizeof(ds_plugin_entry);
constexpr size_t kHostApiSize_1_0 = offsetof(ds_host_api, progress_begin);
constexpr size_t kHostApiSize_1_1 = offsetof(ds_host_api, buffer_append);
constexpr size_t kHostApiSize_1_2 = offsetof(ds_host_api, module);
constexpr size_t kHostApiSize_1_3 = sizeof(ds_host_api);
constexpr size_t kComponentDescSize_1_0 = offsetof(ds_component_desc, flags);
constexpr size_t kComponentDescSize_1_2 = sizeof(ds_component_desc);
constexpr size_t kTensorApiSize_1_0 = offsetof(ds_tensor_api, embedding);
constexpr size_t kTensorApiSize_1_3 = sizeof(ds_tensor_api);

#if UINTPTR_MAX == 0xffffffffffffffffu
// LP64 numbers, as released.
static_assert(kEntrySize_1_0 == 64, "ds_plugin_entry 1.0 layout changed");
static_assert(kEntrySize_1_1 == 72, "ds_plugin_entry 1.1 layout changed");
static_assert(kHostApiSize_1_0 == 120, "ds_host_api 1.0 layout changed");
static_assert(kHostApiSize_1_1 == 144, "ds_host_api 1.1 layout changed");
static_assert(kHostApiSize_1_2 == 160, "ds_host_api 1.2 layout changed");
static_assert(kComponentDescSize_1_0 == 72, "ds_component_desc 1.0 layout changed");
static_assert(kComponentDescSize_1_2 == 80, "ds_component_desc 1.2 layout changed");
static_assert(sizeof(ds_tokenizer_info) == 48, "ds_tokenizer_info layout changed");
static_assert(sizeof(ds_tokenizer_vtable) == 48, "ds_tokenizer_vtable 1.2 layout changed");
static_assert(kTensorApiSize_1_0 == 272, "ds_tensor_api 1.0 layout changed");
static_assert(kTensorApiSize_1_3 == 360, "ds_tensor_api 1.3 layout changed");
static_assert(kHostApiSize_1_3 == 168, "ds_host_api 1.3 layout changed");
static_assert(sizeof(ds_module_api) == 48, "ds_module_api 1.3 layout changed");
static_assert(sizeof(ds_block_args) == 72, "ds_block_args 1.3 layout changed");
static_assert(sizeof(ds_block_vtable) == 40, "ds_block_vtable 1.3 layout changed");
static_assert(sizeof(ds_adapter_vtable) == 48, "ds_adapter_vtable 1.3 layout changed");
static_assert(sizeof(ds_record) == 56, "ds_record layout changed");
static_assert(sizeof(ds_record_batch) == 24, "ds_record_batch layout changed");
static_assert(sizeof(ds_builder_api) == 24, "ds_builder_api layout changed");
static_assert(sizeof(ds_source_vtable) == 16, "ds_source_vtable layout changed");
static_assert(sizeof(ds_transform_vtable) == 24, "ds_transform_vtable layout changed");
static_assert(sizeof(ds_sink_vtable) == 24, "ds_sink_vtable layout changed");
static_assert(sizeof(DLManagedTensorVersioned) == 80, "DLPack layout changed");
#endif

}  // namespace dsforge::abi
