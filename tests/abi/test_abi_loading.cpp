// test_abi_loading.cpp: the loader's ABI rules, one test plugin per rule.
#include <dsforge/plugin.h>

#include <string>

#include "api/abi_layout.hpp"
#include "api/host_api.hpp"
#include "catch.hpp"
#include "common/user_error.hpp"
#include "data/component_instance.hpp"
#include "data/record_buffer.hpp"
#include "plugins/registry.hpp"

using namespace dsforge;

namespace {

const std::string kHostAbi = std::to_string(DS_ABI_MAJOR) + "." + std::to_string(DS_ABI_MINOR);


std::string plugin(const std::string& name) { return std::string(ABI_PLUGIN_DIR) + "/" + name + ".so"; }

// Loads one library and returns the refusal message ("" if it loaded).
std::string refusal(const std::string& name) {
  try {
    PluginLibrary::load(plugin(name));
    return "";
  } catch (const UserError& e) {
    return e.what();
  }
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("a plugin built against the frozen 1.0 header loads and sees a 1.0 host table") {
  auto lib = PluginLibrary::load(plugin("abi_old_minor"));
  CHECK(lib->abi_minor() == 0);
  CHECK(lib->negotiated_minor() == 0);
  CHECK(lib->license().empty());  // 1.0 entries have no license field: not read
  REQUIRE(lib->components().size() == 1);
  const LoadedComponent& c = lib->components()[0];
  CHECK(c.flags == 0);  // a 1.2 field past the end of a 1.0 descriptor: never read
  ComponentInstance inst(c, nlohmann::json::object(), "test");
  RecordBuffer out;
  int32_t done = 0;
  ds_error* err = inst.vtable<ds_source_vtable>().next(inst.get(), RecordBuffer::api(), out.builder(), 10, &done);
  REQUIRE(err == nullptr);
  REQUIRE(out.size() == 1);
  std::string text(out.batch().records[0].text.data, out.batch().records[0].text.size);
  CHECK(text == "host_api_size=" + std::to_string(abi::kHostApiSize_1_0) +
                    " negotiated_minor=0 tensor_api_size=" + std::to_string(abi::kTensorApiSize_1_0));
}

TEST_CASE("a plugin declaring a newer major is refused naming the file and both versions") {
  std::string msg = refusal("abi_newer_major");
  CHECK(contains(msg, plugin("abi_newer_major")));
  CHECK(contains(msg, "plugin built for dsforge ABI 2.0, but this dshost speaks ABI " + kHostAbi));
  CHECK(contains(msg, "major versions differ"));
}

TEST_CASE("a plugin requiring a newer minor is refused") {
  std::string msg = refusal("abi_newer_minor");
  CHECK(contains(msg, plugin("abi_newer_minor")));
  CHECK(contains(msg, "plugin needs dsforge ABI 1.99, but this dshost speaks ABI " + kHostAbi));
}

TEST_CASE("an entry struct smaller than 1.0 is refused with expected and actual sizes") {
  std::string msg = refusal("abi_small_entry");
  CHECK(contains(msg, "ds_plugin_entry is too small: expected at least " + std::to_string(abi::kEntrySize_1_0) +
                          " bytes, got 16"));
}

TEST_CASE("an entry struct larger than ours (a newer plugin) is accepted") {
  auto lib = PluginLibrary::load(plugin("abi_future_entry"));
  CHECK(lib->negotiated_minor() == DS_ABI_MINOR);
  CHECK(lib->license() == "MIT");  // 1.1 field read because struct_size covers it
  CHECK(lib->components().size() == 1);
}

TEST_CASE("a missing entry symbol, a NULL function and a failing init are clear errors") {
  CHECK(contains(refusal("abi_no_entry"), "not a dsforge plugin: it does not export 'dsforge_plugin_entry'"));
  CHECK(contains(refusal("abi_null_init"), "ds_plugin_entry.init is NULL"));
  CHECK(contains(refusal("abi_init_fails"), "failed to initialise: this plugin needs a GPU and none was found"));
  CHECK(contains(refusal("does_not_exist"), "cannot load plugin library"));
}

TEST_CASE("refusals are recorded and the registry keeps working") {
  Registry r;
  r.load_directories({ABI_PLUGIN_DIR});
  // newer major, newer minor, small entry, NULL init, failing init, no entry
  CHECK(r.failures().size() == 6);
  bool has_good = false;
  for (const auto& lib : r.libraries()) has_good |= lib->name() == "abi-old-minor";
  CHECK(has_good);
}

TEST_CASE("duplicate component names are reported, and a qualified name picks one") {
  Registry r;
  r.load_file(plugin("abi_duplicate_a"));
  r.load_file(plugin("abi_duplicate_b"));
  REQUIRE(r.duplicates().size() == 1);
  CHECK(contains(r.duplicates()[0], "source 'dup_source'"));
  try {
    r.find(DS_KIND_SOURCE, "dup_source", "p.toml:3:10");
    FAIL("expected an ambiguity error");
  } catch (const UserError& e) {
    std::string msg = e.what();
    CHECK(contains(msg, "p.toml:3:10: source 'dup_source' is provided by 2 libraries"));
    CHECK(contains(msg, "abi_duplicate_a.so"));
    CHECK(contains(msg, "abi_duplicate_b.so"));
  }
  CHECK(r.find(DS_KIND_SOURCE, "abi-dup-b/dup_source", "x").library->name() == "abi-dup-b");
}

TEST_CASE("a create() that throws becomes an error and the host keeps running") {
  auto lib = PluginLibrary::load(plugin("abi_throwing"));
  const LoadedComponent* source = nullptr;
  const LoadedComponent* transform = nullptr;
  for (const auto& c : lib->components()) (c.kind == DS_KIND_SOURCE ? source : transform) = &c;
  REQUIRE(source != nullptr);
  REQUIRE(transform != nullptr);
  try {
    ComponentInstance inst(*source, nlohmann::json::object(), "p.toml:5:1: stage 'x'.source");
    FAIL("expected create to fail");
  } catch (const UserError& e) {
    CHECK(contains(e.what(), "p.toml:5:1: stage 'x'.source: source 'throwing_source'"));
    CHECK(contains(e.what(), "boom: create failed on purpose"));
  }
  // The library still works: a transform from it runs, and its own throw is an error value.
  ComponentInstance t(*transform, {{"marker", "THROW"}}, "t");
  RecordBuffer in, out;
  ds_record ok{{"fine", 4}, {nullptr, 0}, {nullptr, 0}, 1};
  ds_record bad{{"THROW", 5}, {nullptr, 0}, {nullptr, 0}, 2};
  in.push(ok);
  CHECK(t.vtable<ds_transform_vtable>().process(t.get(), &in.batch(), RecordBuffer::api(), out.builder()) == nullptr);
  CHECK(out.size() == 1);
  in.push(bad);
  ds_error* err = t.vtable<ds_transform_vtable>().process(t.get(), &in.batch(), RecordBuffer::api(), out.builder());
  REQUIRE(err != nullptr);
  CHECK(err->code == DS_ERR_INTERNAL);
  CHECK(err->message == "found the marker record");
  delete err;
}
