// plugin_library.cpp: dlopen, validate, init, list components.
#include "plugins/plugin_library.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "api/abi_layout.hpp"
#include "api/host_api.hpp"
#include "common/log.hpp"
#include "common/user_error.hpp"
#include "config/schema_check.hpp"

namespace fs = std::filesystem;

namespace dsforge {
namespace {

// Minimum vtable sizes per kind (their 1.0 sizes).
size_t min_vtable_size(int32_t kind) {
  switch (kind) {
    case DS_KIND_SOURCE: return sizeof(ds_source_vtable);
    case DS_KIND_TRANSFORM: return offsetof(ds_transform_vtable, flush) + sizeof(void*);
    case DS_KIND_SINK: return sizeof(ds_sink_vtable);
    case DS_KIND_TOKENIZER: return offsetof(ds_tokenizer_vtable, apply_chat_template) + sizeof(void*);
    case DS_KIND_ATTENTION:
    case DS_KIND_MLP: return offsetof(ds_block_vtable, after_step) + sizeof(void*);
    case DS_KIND_ADAPTER: return sizeof(ds_adapter_vtable);
    default: return sizeof(size_t);
  }
}

bool vtable_has_null(int32_t kind, const void* vt) {
  switch (kind) {
    case DS_KIND_SOURCE: return static_cast<const ds_source_vtable*>(vt)->next == nullptr;
    case DS_KIND_TRANSFORM: return static_cast<const ds_transform_vtable*>(vt)->process == nullptr;
    case DS_KIND_SINK: {
      auto* s = static_cast<const ds_sink_vtable*>(vt);
      return s->write == nullptr || s->commit == nullptr;
    }
    case DS_KIND_TOKENIZER: {
      auto* t = static_cast<const ds_tokenizer_vtable*>(vt);
      return t->info == nullptr || t->encode == nullptr || t->decode == nullptr || t->id_to_token == nullptr;
    }
    case DS_KIND_ATTENTION:
    case DS_KIND_MLP: {
      auto* b = static_cast<const ds_block_vtable*>(vt);
      return b->bind == nullptr || b->state_slots == nullptr || b->forward == nullptr;
    }
    case DS_KIND_ADAPTER: {
      auto* a = static_cast<const ds_adapter_vtable*>(vt);
      return a->attach == nullptr || a->apply == nullptr || a->delta_weight == nullptr ||
             a->tensors == nullptr || a->config_json == nullptr;
    }
    default: return false;
  }
}

}  // namespace

const char* kind_name(int32_t kind) {
  switch (kind) {
    case DS_KIND_SOURCE: return "source";
    case DS_KIND_TRANSFORM: return "transform";
    case DS_KIND_SINK: return "sink";
    case DS_KIND_TOKENIZER: return "tokenizer";
    case DS_KIND_ATTENTION: return "attention";
    case DS_KIND_MLP: return "mlp";
    case DS_KIND_ADAPTER: return "adapter";
    default: return "other";
  }
}

std::unique_ptr<PluginLibrary> PluginLibrary::load(const fs::path& file) {
  std::unique_ptr<PluginLibrary> lib(new PluginLibrary);
  lib->path_ = fs::absolute(file).lexically_normal();
  const std::string where = lib->path_.string();
  boost::dll::fs::error_code ec;
  lib->lib_.load(lib->path_, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec) {
    const char* why = dlerror();
    fail("{}: cannot load plugin library: {}", where, why ? why : ec.message());
  }
  if (!lib->lib_.has(DS_PLUGIN_ENTRY_SYMBOL)) {
    fail("{}: not a dsforge plugin: it does not export '{}' (build it with dsforge_add_plugin() "
         "and DSFORGE_PLUGIN(), or export that C function)", where, DS_PLUGIN_ENTRY_SYMBOL);
  }
  auto entry_fn = lib->lib_.get<const ds_plugin_entry*()>(DS_PLUGIN_ENTRY_SYMBOL);
  lib->entry_ = entry_fn();
  lib->validate_entry();

  lib->minor_ = std::min<uint32_t>(lib->entry_->abi_minor, DS_ABI_MINOR);
  ds_error* err = lib->entry_->init(host_api_for_minor(lib->minor_), lib->minor_, &lib->ctx_);
  if (err != nullptr) {
    fail("{}: plugin '{}' failed to initialise: {}", where, lib->name_, take_error_message(err));
  }
  lib->initialized_ = true;
  lib->read_components();
  return lib;
}

void PluginLibrary::validate_entry() {
  const std::string where = path_.string();
  const ds_plugin_entry* e = entry_;
  if (e == nullptr) fail("{}: {}() returned NULL", where, DS_PLUGIN_ENTRY_SYMBOL);
  // The version fields are read before the size check on purpose: they sit
  // at fixed offsets in every version, so a refusal can name both versions.
  if (e->struct_size < offsetof(ds_plugin_entry, name)) {
    fail("{}: ds_plugin_entry is too small: expected at least {} bytes, got {}", where,
         abi::kEntrySize_1_0, e->struct_size);
  }
  if (e->abi_major != DS_ABI_MAJOR) {
    fail("{}: plugin built for dsforge ABI {}.{}, but this dshost speaks ABI {}.{}: the major "
         "versions differ; rebuild the plugin against dsforge SDK {}.x",
         where, e->abi_major, e->abi_minor, DS_ABI_MAJOR, DS_ABI_MINOR, DS_ABI_MAJOR);
  }
  if (e->abi_minor > DS_ABI_MINOR) {
    fail("{}: plugin needs dsforge ABI {}.{}, but this dshost speaks ABI {}.{}; upgrade dshost "
         "or rebuild the plugin against SDK {}.{}",
         where, e->abi_major, e->abi_minor, DS_ABI_MAJOR, DS_ABI_MINOR, DS_ABI_MAJOR, DS_ABI_MINOR);
  }
  if (e->struct_size < abi::kEntrySize_1_0) {
    fail("{}: ds_plugin_entry is too small: expected at least {} bytes, got {}", where,
         abi::kEntrySize_1_0, e->struct_size);
  }
  const std::pair<const void*, const char*> required[] = {
      {e->name, "name"},       {e->version, "version"},
      {reinterpret_cast<const void*>(e->init), "init"},
      {reinterpret_cast<const void*>(e->deinit), "deinit"},
      {reinterpret_cast<const void*>(e->component_count), "component_count"},
      {reinterpret_cast<const void*>(e->component_at), "component_at"}};
  for (const auto& [ptr, field] : required) {
    if (ptr == nullptr) fail("{}: ds_plugin_entry.{} is NULL", where, field);
  }
  name_ = e->name;
  version_ = e->version;
  // A newer field: read it only when the plugin's struct has it.
  if (DS_HAS_FIELD(e, ds_plugin_entry, license) && e->license != nullptr) license_ = e->license;
}

void PluginLibrary::read_components() {
  const std::string where = path_.string();
  size_t n = entry_->component_count(ctx_);
  for (size_t i = 0; i < n; ++i) {
    const ds_component_desc* d = entry_->component_at(ctx_, i);
    if (d == nullptr) fail("{}: component {} of {} is NULL", where, i, n);
    if (d->struct_size < abi::kComponentDescSize_1_0) {
      fail("{}: component {}: ds_component_desc is too small: expected at least {} bytes, got {}",
           where, i, abi::kComponentDescSize_1_0, d->struct_size);
    }
    if (d->name == nullptr || d->name[0] == '\0') fail("{}: component {} has no name", where, i);
    LoadedComponent c;
    c.desc = d;
    c.library = this;
    c.name = d->name;
    c.kind = d->kind;
    // A 1.2 field: read only when the plugin's descriptor has it.
    if (DS_HAS_FIELD(d, ds_component_desc, flags)) c.flags = d->flags;
    if ((c.flags & DS_COMPONENT_PARALLEL) && c.kind != DS_KIND_TRANSFORM) {
      fail("{}: component '{}': DS_COMPONENT_PARALLEL is only meaningful for transforms", where, c.name);
    }
    const std::string what = fmt::format("{}: component '{}'", where, c.name);
    if (d->create == nullptr) fail("{}: create is NULL", what);
    if (d->destroy == nullptr) fail("{}: destroy is NULL", what);
    if (d->vtable == nullptr) fail("{}: vtable is NULL", what);
    size_t vt_size = *static_cast<const size_t*>(d->vtable);
    if (vt_size < min_vtable_size(d->kind)) {
      fail("{}: {} vtable is too small: expected at least {} bytes, got {}", what,
           kind_name(d->kind), min_vtable_size(d->kind), vt_size);
    }
    if (vtable_has_null(d->kind, d->vtable)) fail("{}: a required {} vtable function is NULL", what, kind_name(d->kind));
    c.schema = nlohmann::json::object();
    if (d->config_schema != nullptr && d->config_schema[0] != '\0') {
      try {
        c.schema = nlohmann::json::parse(d->config_schema);
      } catch (const nlohmann::json::exception& ex) {
        fail("{}: config_schema is not valid JSON: {}", what, ex.what());
      }
      check_schema_supported(c.schema, c.name);
    }
    components_.push_back(std::move(c));
  }
}

PluginLibrary::~PluginLibrary() {
  if (initialized_ && entry_ != nullptr) entry_->deinit(ctx_);
  // lib_ unloads in its destructor, after deinit.
}

}  // namespace dsforge
