// test_dedup_plugin.cpp: the dsforge_dedup library through its C ABI, with
// a minimal stand-in host (errors, logging, configs with schema defaults
// filled in, batch builders): the entry, the schemas, exact_dedup streaming
// and minhash_dedup holding records until flush. The real host's loader is
// tested with the host; this keeps the plugin testable in a plugins-only
// build.
#include <dlfcn.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catch.hpp"
#include "dsforge/dsforge.h"
#include "test_util.hpp"

using nlohmann::json;

// The opaque types of the C SDK, as this stand-in host defines them.
struct ds_error {
  int32_t code;
  std::string message;
};
struct ds_config {
  json value;
  std::string text;
};
struct ds_batch_builder {
  struct Record {
    std::string text, meta, origin;
    int64_t line;
  };
  std::vector<Record> records;
  std::map<std::string, uint64_t> drops;
};

namespace {

std::vector<std::string>& logs() {
  static std::vector<std::string> l;
  return l;
}

ds_error* error_new(int32_t code, const char* message) { return new ds_error{code, message}; }
int32_t error_code(const ds_error* e) { return e->code; }
const char* error_message(const ds_error* e) { return e->message.c_str(); }
void error_free(ds_error* e) { delete e; }
void log_line(int32_t, const char* component, const char* message) {
  logs().push_back(std::string(component) + ": " + message);
}

const json* lookup(const ds_config* c, const char* pointer) {
  const json::json_pointer p(pointer);
  return c->value.contains(p) ? &c->value.at(p) : nullptr;
}
ds_error* missing(const char* pointer) {
  return error_new(DS_ERR_NOT_FOUND, (std::string("no setting ") + pointer).c_str());
}
ds_error* wrong(const char* pointer) {
  return error_new(DS_ERR_INVALID_ARGUMENT, (std::string("wrong type at ") + pointer).c_str());
}
const char* config_json(const ds_config* c) { return c->text.c_str(); }
int32_t config_has(const ds_config* c, const char* pointer) { return lookup(c, pointer) ? 1 : 0; }
ds_error* config_string(const ds_config* c, const char* pointer, ds_str* out) {
  const json* v = lookup(c, pointer);
  if (!v) return missing(pointer);
  if (!v->is_string()) return wrong(pointer);
  const auto& s = v->get_ref<const std::string&>();
  *out = ds_str{s.data(), s.size()};
  return nullptr;
}
ds_error* config_int(const ds_config* c, const char* pointer, int64_t* out) {
  const json* v = lookup(c, pointer);
  if (!v) return missing(pointer);
  if (!v->is_number_integer()) return wrong(pointer);
  *out = v->get<int64_t>();
  return nullptr;
}
ds_error* config_double(const ds_config* c, const char* pointer, double* out) {
  const json* v = lookup(c, pointer);
  if (!v) return missing(pointer);
  if (!v->is_number()) return wrong(pointer);
  *out = v->get<double>();
  return nullptr;
}
ds_error* config_bool(const ds_config* c, const char* pointer, int32_t* out) {
  const json* v = lookup(c, pointer);
  if (!v) return missing(pointer);
  if (!v->is_boolean()) return wrong(pointer);
  *out = v->get<bool>() ? 1 : 0;
  return nullptr;
}
ds_error* config_array_size(const ds_config* c, const char* pointer, size_t* out) {
  const json* v = lookup(c, pointer);
  if (!v) return missing(pointer);
  if (!v->is_array()) return wrong(pointer);
  *out = v->size();
  return nullptr;
}

ds_error* push(ds_batch_builder* b, const ds_record* r) {
  b->records.push_back({std::string(r->text.data, r->text.size),
                        std::string(r->meta.data, r->meta.size),
                        std::string(r->origin.data, r->origin.size), r->line});
  return nullptr;
}
void drop(ds_batch_builder* b, const char* reason, uint64_t n) { b->drops[reason] += n; }

const ds_host_api& fake_host() {
  static const ds_host_api h = [] {
    ds_host_api a{};
    // It implements the 1.0 table, so it says so: DS_HAS_FIELD is then false
    // for progress and stat_add, which the plugin skips.
    a.struct_size = offsetof(ds_host_api, progress_begin);
    a.abi_major = DS_ABI_MAJOR;
    a.abi_minor = 0;
    a.error_new = &error_new;
    a.error_code = &error_code;
    a.error_message = &error_message;
    a.error_free = &error_free;
    a.log = &log_line;
    a.config_json = &config_json;
    a.config_has = &config_has;
    a.config_string = &config_string;
    a.config_int = &config_int;
    a.config_double = &config_double;
    a.config_bool = &config_bool;
    a.config_array_size = &config_array_size;
    a.tensor = nullptr;
    return a;
  }();
  return h;
}

const ds_builder_api kBuilderApi = {sizeof(ds_builder_api), &push, &drop};

// The plugin library, loaded and initialized once for all tests.
struct Plugin {
  void* handle = nullptr;
  const ds_plugin_entry* entry = nullptr;
  void* ctx = nullptr;

  Plugin() {
    const std::string path = std::string(DSFORGE_PLUGIN_DIR) + "/dsforge_dedup.so";
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return;
    auto fn = reinterpret_cast<ds_plugin_entry_fn>(dlsym(handle, DS_PLUGIN_ENTRY_SYMBOL));
    if (!fn) return;
    entry = fn();
    ds_error* e = entry->init(&fake_host(), DS_ABI_MINOR, &ctx);
    if (e) {
      error_free(e);
      entry = nullptr;
    }
  }
  const ds_component_desc* component(const std::string& name) const {
    for (size_t i = 0; i < entry->component_count(ctx); ++i) {
      const ds_component_desc* d = entry->component_at(ctx, i);
      if (name == d->name) return d;
    }
    return nullptr;
  }
};

const Plugin& plugin() {
  static Plugin p;
  return p;
}

// A component instance with a config whose schema defaults are filled in,
// as the host does.
class Instance {
 public:
  Instance(const std::string& name, json settings) : desc_(plugin().component(name)) {
    REQUIRE(desc_ != nullptr);
    const json schema = json::parse(desc_->config_schema);
    for (const auto& [key, prop] : schema["properties"].items()) {
      if (!settings.contains(key) && prop.contains("default")) settings[key] = prop["default"];
    }
    ds_config cfg{settings, settings.dump()};
    ds_error* e = desc_->create(plugin().ctx, &cfg, &inst_);
    if (e) {
      error_ = e->message;
      code_ = e->code;
      error_free(e);
      inst_ = nullptr;
    }
  }
  ~Instance() {
    if (inst_) desc_->destroy(inst_);
  }
  bool ok() const { return inst_ != nullptr; }
  const std::string& error() const { return error_; }
  int32_t code() const { return code_; }

  // One batch in, what came out.
  ds_batch_builder process(const std::vector<ds_record>& in) {
    const auto* vt = static_cast<const ds_transform_vtable*>(desc_->vtable);
    ds_record_batch batch{sizeof(ds_record_batch), in.data(), in.size()};
    ds_batch_builder out;
    ds_error* e = vt->process(inst_, &batch, &kBuilderApi, &out);
    REQUIRE(e == nullptr);
    return out;
  }
  ds_batch_builder flush() {
    const auto* vt = static_cast<const ds_transform_vtable*>(desc_->vtable);
    ds_batch_builder out;
    REQUIRE(vt->flush != nullptr);
    ds_error* e = vt->flush(inst_, &kBuilderApi, &out);
    REQUIRE(e == nullptr);
    return out;
  }

 private:
  const ds_component_desc* desc_;
  void* inst_ = nullptr;
  std::string error_;
  int32_t code_ = 0;
};

// Records whose strings live in `store` (kept alive by the caller).
std::vector<ds_record> records(const std::vector<std::string>& texts, const std::string& origin,
                               int64_t first_line) {
  std::vector<ds_record> out;
  static const std::string meta = "{\"id\":1}";
  for (size_t i = 0; i < texts.size(); ++i) {
    out.push_back({ds_str{texts[i].data(), texts[i].size()}, ds_str{meta.data(), meta.size()},
                   ds_str{origin.data(), origin.size()}, first_line + int64_t(i)});
  }
  return out;
}

bool plugin_loaded() {
  if (plugin().entry != nullptr) return true;
  const char* why = dlerror();
  INFO("cannot load dsforge_dedup.so from " DSFORGE_PLUGIN_DIR ": " << (why ? why : "?"));
  return false;
}

}  // namespace

TEST_CASE("the library describes itself and its two transforms", "[dedup][plugin]") {
  REQUIRE(plugin_loaded());
  const ds_plugin_entry* e = plugin().entry;
  CHECK(std::string(e->name) == "dsforge-dedup");
  CHECK(std::string(e->license) == "Apache-2.0");
  REQUIRE(e->component_count(plugin().ctx) == 2);
  for (const char* name : {"exact_dedup", "minhash_dedup"}) {
    const ds_component_desc* d = plugin().component(name);
    REQUIRE(d != nullptr);
    CHECK(d->kind == DS_KIND_TRANSFORM);
    const json schema = json::parse(d->config_schema);
    CHECK(schema["type"] == "object");
    CHECK(schema["additionalProperties"] == false);
    for (const auto& [key, prop] : schema["properties"].items()) {
      INFO(name << "." << key);
      CHECK(prop.contains("description"));
      CHECK(prop.contains("type"));
      if (key != "bands" && key != "rows") CHECK(prop.contains("default"));
    }
  }
  const json mh = json::parse(plugin().component("minhash_dedup")->config_schema)["properties"];
  CHECK(mh["ngram"]["default"] == 5);
  CHECK(mh["num_perm"]["default"] == 128);
  CHECK(mh["threshold"]["default"] == 0.8);
  CHECK(mh["seed"]["default"] == 1);
  CHECK(mh["verify"]["default"] == true);
  CHECK(mh["tokenizer"]["default"] == "auto");
}

TEST_CASE("exact_dedup streams: first occurrence kept, later ones dropped", "[dedup][plugin]") {
  REQUIRE(plugin_loaded());
  Instance t("exact_dedup", json::object());  // normalize = whitespace
  REQUIRE(t.ok());
  const std::vector<std::string> a = {"Hello world", "Hello  world\n", "你好世界", "HELLO WORLD"};
  const std::vector<std::string> b = {"你好世界", " Hello world", "new text"};
  ds_batch_builder out1 = t.process(records(a, "a.jsonl", 1));
  REQUIRE(out1.records.size() == 3);
  CHECK(out1.records[0].text == "Hello world");
  CHECK(out1.records[1].text == "你好世界");
  CHECK(out1.records[2].text == "HELLO WORLD");
  CHECK(out1.records[1].meta == "{\"id\":1}");
  CHECK(out1.records[1].origin == "a.jsonl");
  CHECK(out1.records[1].line == 3);
  CHECK(out1.drops["duplicate"] == 1);
  ds_batch_builder out2 = t.process(records(b, "b.jsonl", 10));
  REQUIRE(out2.records.size() == 1);
  CHECK(out2.records[0].text == "new text");
  CHECK(out2.records[0].line == 12);
  CHECK(out2.drops["duplicate"] == 2);
  logs().clear();
  CHECK(t.flush().records.empty());
  REQUIRE(logs().size() == 1);
  CHECK(dedup_test::contains(logs()[0], "7 records, 4 distinct, 3 dropped"));

  Instance folded("exact_dedup", {{"normalize", "casefold_whitespace"}});
  REQUIRE(folded.ok());
  CHECK(folded.process(records(a, "a", 1)).records.size() == 2);
  Instance raw("exact_dedup", {{"normalize", "none"}});
  CHECK(raw.process(records(a, "a", 1)).records.size() == 4);
  Instance bad("exact_dedup", {{"normalize", "nfkc"}});
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == DS_ERR_INVALID_ARGUMENT);
  CHECK(dedup_test::contains(bad.error(), "normalize must be one of"));
}

TEST_CASE("minhash_dedup holds records until flush and keeps the first of each cluster",
          "[dedup][plugin]") {
  REQUIRE(plugin_loaded());
  Instance t("minhash_dedup", json::object());
  REQUIRE(t.ok());
  const std::string base =
      "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly "
      "November in my soul; whenever I find myself involuntarily pausing before coffin "
      "warehouses, and bringing up the rear of every funeral I meet; then, I account it high "
      "time to get to sea as soon as I can.";
  std::string near = base;
  near.replace(near.rfind("can"), 3, "may");  // last word: Jaccard about 0.97
  const std::vector<std::string> a = {base, "Something else entirely, with its own words and no overlap at all."};
  const std::vector<std::string> b = {near, "言简意赅，请时刻留心您所写的内容，它会被成百上千的人阅读。", base};
  CHECK(t.process(records(a, "a.jsonl", 1)).records.empty());
  CHECK(t.process(records(b, "b.jsonl", 1)).records.empty());
  logs().clear();
  ds_batch_builder out = t.flush();
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[0].text == base);
  CHECK(out.records[0].origin == "a.jsonl");
  CHECK(out.records[0].line == 1);
  CHECK(out.records[0].meta == "{\"id\":1}");
  CHECK(out.records[1].line == 2);
  CHECK(out.records[2].origin == "b.jsonl");
  CHECK(out.records[2].line == 2);
  CHECK(out.drops["near_duplicate"] == 2);
  REQUIRE(logs().size() == 1);
  INFO(logs()[0]);
  CHECK(dedup_test::contains(logs()[0], "5 documents, 1 clusters with >1 member, 2 dropped"));
  CHECK(t.flush().records.empty());  // a second flush has nothing left
}

TEST_CASE("minhash_dedup refuses inconsistent settings with a clear error", "[dedup][plugin]") {
  REQUIRE(plugin_loaded());
  Instance only_bands("minhash_dedup", {{"bands", 16}});
  CHECK_FALSE(only_bands.ok());
  CHECK(only_bands.code() == DS_ERR_INVALID_ARGUMENT);
  CHECK(dedup_test::contains(only_bands.error(), "minhash_dedup: bands and rows go together"));
  Instance wrong_product("minhash_dedup", {{"bands", 16}, {"rows", 4}});
  CHECK(dedup_test::contains(wrong_product.error(), "16 * 4 != 128"));
  Instance fine("minhash_dedup", {{"bands", 16}, {"rows", 8}, {"tokenizer", "chars"}});
  CHECK(fine.ok());
  Instance bad_tok("minhash_dedup", {{"tokenizer", "bpe"}});
  CHECK(dedup_test::contains(bad_tok.error(), "tokenizer must be one of"));
}
