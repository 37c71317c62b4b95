// test_plugin_entry.cpp: the built libraries as dshost sees them: loaded
// with dlopen, entry point called, components listed and driven through
// their C vtables with the stand-in host's tables. Checks names, kinds,
// flags, schemas, and that errors cross as error objects, not exceptions.
#include <dlfcn.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catch.hpp"
#include "fake_host.hpp"
#include "temp_dir.hpp"

using fake::Record;
using nlohmann::json;

namespace {

class Library {
 public:
  explicit Library(const std::string& file) {
    const std::string path = std::string(DSFORGE_PLUGIN_DIR) + "/" + file;
    handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    INFO(path << ": " << (handle_ ? "" : dlerror()));
    REQUIRE(handle_ != nullptr);
    auto fn = reinterpret_cast<ds_plugin_entry_fn>(dlsym(handle_, DS_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(fn != nullptr);
    entry_ = fn();
    REQUIRE(entry_->abi_major == DS_ABI_MAJOR);
    REQUIRE(fake::take_error(entry_->init(fake::host_table(), DS_ABI_MINOR, &ctx_)) == "");
    for (size_t i = 0; i < entry_->component_count(ctx_); ++i) {
      const ds_component_desc* d = entry_->component_at(ctx_, i);
      components_[std::to_string(d->kind) + ":" + d->name] = d;
    }
    CHECK(entry_->component_at(ctx_, entry_->component_count(ctx_)) == nullptr);
  }
  ~Library() {
    entry_->deinit(ctx_);
    dlclose(handle_);
  }
  const ds_plugin_entry& entry() const { return *entry_; }
  const ds_component_desc& component(int32_t kind, const std::string& name) const {
    const auto it = components_.find(std::to_string(kind) + ":" + name);
    REQUIRE(it != components_.end());
    return *it->second;
  }
  size_t count() const { return components_.size(); }

 private:
  void* handle_ = nullptr;
  const ds_plugin_entry* entry_ = nullptr;
  void* ctx_ = nullptr;
  std::map<std::string, const ds_component_desc*> components_;
};

// An instance of a component, created through its descriptor.
class Instance {
 public:
  Instance(const ds_component_desc& d, const json& settings) : d_(d), settings_(d.config_schema, settings) {
    error_ = fake::take_error(d.create(nullptr, settings_.raw(), &instance_));
  }
  ~Instance() {
    if (instance_ != nullptr) d_.destroy(instance_);
  }
  const std::string& create_error() const { return error_; }
  void* get() const { return instance_; }

 private:
  const ds_component_desc& d_;
  fake::Settings settings_;
  void* instance_ = nullptr;
  std::string error_;
};

}  // namespace

TEST_CASE("dsforge-filters lists its five transforms with schemas and flags", "[plugin]") {
  Library lib("dsforge_filters.so");
  CHECK(std::string(lib.entry().name) == "dsforge-filters");
  CHECK(std::string(lib.entry().license) == "Apache-2.0");
  CHECK(lib.count() == 5);
  const std::map<std::string, bool> parallel = {{"length_filter", true}, {"sensitive_filter", false},
                                                {"augment", false},      {"shuffle", false},
                                                {"split", true}};
  for (const auto& [name, is_parallel] : parallel) {
    INFO(name);
    const ds_component_desc& d = lib.component(DS_KIND_TRANSFORM, name);
    CHECK(((d.flags & DS_COMPONENT_PARALLEL) != 0) == is_parallel);
    const auto* vt = static_cast<const ds_transform_vtable*>(d.vtable);
    CHECK((vt->flush == nullptr) == is_parallel);  // parallel ones hold nothing back
    CHECK(json::parse(d.config_schema).at("additionalProperties") == false);
  }
}

TEST_CASE("a transform runs through its vtable; errors come back as error objects", "[plugin]") {
  Library lib("dsforge_filters.so");
  const ds_component_desc& d = lib.component(DS_KIND_TRANSFORM, "sensitive_filter");
  {
    Instance bad(d, json::object());
    CHECK(bad.create_error().find("sensitive_filter: no words") == 0);
  }
  Instance inst(d, {{"words", {"坏词"}}, {"action", "mask"}});
  REQUIRE(inst.create_error() == "");
  const auto* vt = static_cast<const ds_transform_vtable*>(d.vtable);
  const std::vector<Record> in = {{"这是坏词。", "{\"a\":1}", "f.jsonl", 3}};
  fake::BatchView view(in);
  fake::Output out;
  CHECK(fake::take_error(vt->process(inst.get(), &view.batch(), fake::builder_api(), out.builder())) == "");
  CHECK(fake::take_error(vt->flush(inst.get(), fake::builder_api(), out.builder())) == "");
  REQUIRE(out.records().size() == 1);
  CHECK(out.records()[0] == Record{"这是**。", "{\"a\":1}", "f.jsonl", 3});

  const ds_component_desc& split = lib.component(DS_KIND_TRANSFORM, "split");
  Instance s(split, json::object());
  const std::vector<Record> broken = {{"x", "not json", "g.jsonl", 4}};
  fake::BatchView bv(broken);
  const std::string err = fake::take_error(
      static_cast<const ds_transform_vtable*>(split.vtable)->process(s.get(), &bv.batch(), fake::builder_api(), out.builder()));
  CHECK(err.find("g.jsonl:4: meta is not valid JSON") == 0);
}

TEST_CASE("dsforge-jsonl lists the jsonl and json sources and the jsonl sink", "[plugin]") {
  Library lib("dsforge_jsonl.so");
  CHECK(lib.count() == 3);
  TempDir dir;
  const std::string in = dir.write("in.json", R"({"train": [{"q": "问", "a": "答"}]})");
  Instance src(lib.component(DS_KIND_SOURCE, "json"),
               {{"path", in}, {"key", "train"}, {"fields", {{"prompt", "Q: {q}\nA: "}, {"response", "{a}"}}}});
  REQUIRE(src.create_error() == "");
  fake::Output out;
  int32_t done = 0;
  const auto* svt = static_cast<const ds_source_vtable*>(lib.component(DS_KIND_SOURCE, "json").vtable);
  while (!done) CHECK(fake::take_error(svt->next(src.get(), fake::builder_api(), out.builder(), 10, &done)) == "");
  REQUIRE(out.records().size() == 1);
  CHECK(out.records()[0].text == "Q: 问\nA: 答");

  const ds_component_desc& sink_d = lib.component(DS_KIND_SINK, "jsonl");
  Instance sink(sink_d, {{"path", dir / "out/d.jsonl"}, {"split_by", "split"}});
  REQUIRE(sink.create_error() == "");
  const std::vector<Record> recs = {{"t", "{\"split\":\"train\"}", "", 0}, {"e", "{\"split\":\"eval\"}", "", 0}};
  fake::BatchView view(recs);
  const auto* kvt = static_cast<const ds_sink_vtable*>(sink_d.vtable);
  CHECK(fake::take_error(kvt->write(sink.get(), &view.batch())) == "");
  CHECK(fake::take_error(kvt->commit(sink.get())) == "");
  CHECK(read_file(dir / "out/d.train.jsonl") == "{\"text\":\"t\",\"split\":\"train\"}\n");
  CHECK(read_file(dir / "out/d.eval.jsonl") == "{\"text\":\"e\",\"split\":\"eval\"}\n");
}
