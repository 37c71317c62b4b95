// test_bpe_trainer_plugin.cpp: the dsforge_bpe_trainer library through its
// C ABI, with a minimal stand-in host (errors, logging, progress, configs
// with schema defaults filled in): the entry and schema, config errors,
// write + commit producing both files, max_documents, and a sink destroyed
// without commit leaving nothing. The real host's loader is tested with the
// host; this keeps the plugin testable in a plugins-only build.
#include <dlfcn.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catch.hpp"
#include "dsforge/dsforge.h"
#include "temp_dir.hpp"

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
struct ds_progress {
  std::string label;
  uint64_t total = 0, done = 0;
};

namespace {

std::vector<std::string>& logs() {
  static std::vector<std::string> l;
  return l;
}
std::vector<ds_progress>& finished_progress() {
  static std::vector<ds_progress> p;
  return p;
}

ds_error* error_new(int32_t code, const char* message) { return new ds_error{code, message}; }
int32_t error_code(const ds_error* e) { return e->code; }
const char* error_message(const ds_error* e) { return e->message.c_str(); }
void error_free(ds_error* e) { delete e; }
void log_line(int32_t, const char* component, const char* message) {
  logs().push_back(std::string(component) + ": " + message);
}
ds_progress* progress_begin(const char* label, uint64_t total, const char*) {
  return new ds_progress{label, total, 0};
}
void progress_advance(ds_progress* p, uint64_t n) { p->done += n; }
void progress_end(ds_progress* p) {
  finished_progress().push_back(*p);
  delete p;
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

const ds_host_api& fake_host() {
  static const ds_host_api h = [] {
    ds_host_api a{};
    // It implements the 1.1 table (with progress), so it says so:
    // DS_HAS_FIELD is then false for the 1.2 fields, which the plugin skips.
    a.struct_size = offsetof(ds_host_api, buffer_append);
    a.abi_major = DS_ABI_MAJOR;
    a.abi_minor = 1;
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
    a.progress_begin = &progress_begin;
    a.progress_advance = &progress_advance;
    a.progress_end = &progress_end;
    return a;
  }();
  return h;
}

struct Plugin {
  void* handle = nullptr;
  const ds_plugin_entry* entry = nullptr;
  void* ctx = nullptr;

  Plugin() {
    const std::string path = std::string(DSFORGE_PLUGIN_DIR) + "/dsforge_bpe_trainer.so";
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
  const ds_component_desc* sink() const {
    return entry->component_count(ctx) == 1 ? entry->component_at(ctx, 0) : nullptr;
  }
};

const Plugin& plugin() {
  static Plugin p;
  return p;
}

bool plugin_loaded() {
  if (plugin().entry != nullptr) return true;
  const char* why = dlerror();
  INFO("cannot load dsforge_bpe_trainer.so from " DSFORGE_PLUGIN_DIR ": " << (why ? why : "?"));
  return false;
}

// A sink instance with schema defaults filled in, as the host does.
class Sink {
 public:
  explicit Sink(json settings) : desc_(plugin().sink()) {
    REQUIRE(desc_ != nullptr);
    const json schema = json::parse(desc_->config_schema);
    for (const auto& [key, prop] : schema["properties"].items())
      if (!settings.contains(key) && prop.contains("default")) settings[key] = prop["default"];
    ds_config cfg{settings, settings.dump()};
    ds_error* e = desc_->create(plugin().ctx, &cfg, &inst_);
    if (e) {
      error_ = e->message;
      code_ = e->code;
      error_free(e);
      inst_ = nullptr;
    }
  }
  ~Sink() {
    if (inst_) desc_->destroy(inst_);
  }
  bool ok() const { return inst_ != nullptr; }
  const std::string& error() const { return error_; }
  int32_t code() const { return code_; }

  void write(const std::vector<std::string>& texts) {
    std::vector<ds_record> records;
    for (const std::string& t : texts) records.push_back({{t.data(), t.size()}, {}, {}, 0});
    ds_record_batch batch{sizeof(ds_record_batch), records.data(), records.size()};
    ds_error* e = vt()->write(inst_, &batch);
    REQUIRE(e == nullptr);
  }
  // Empty on success, else the error message.
  std::string commit() {
    ds_error* e = vt()->commit(inst_);
    if (!e) return "";
    std::string m = e->message;
    error_free(e);
    return m;
  }

 private:
  const ds_sink_vtable* vt() const { return static_cast<const ds_sink_vtable*>(desc_->vtable); }
  const ds_component_desc* desc_;
  void* inst_ = nullptr;
  std::string error_;
  int32_t code_ = 0;
};

std::vector<std::string> corpus() {
  std::vector<std::string> docs;
  for (int i = 0; i < 50; ++i) {
    docs.push_back("the quick brown fox jumps over the lazy dog " + std::to_string(i));
    docs.push_back("\u654f\u6377\u7684\u68d5\u8272\u72d0\u72f8\u8df3\u8fc7\u4e86\u61d2\u72d7");
  }
  return docs;
}

bool logged(const std::string& part) {
  for (const std::string& l : logs())
    if (l.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the library describes its sink", "[bpe][plugin]") {
  REQUIRE(plugin_loaded());
  const ds_plugin_entry* e = plugin().entry;
  CHECK(std::string(e->name) == "dsforge-bpe-trainer");
  CHECK(std::string(e->license) == "Apache-2.0");
  const ds_component_desc* d = plugin().sink();
  REQUIRE(d != nullptr);
  CHECK(std::string(d->name) == "bpe_trainer");
  CHECK(d->kind == DS_KIND_SINK);
  const json schema = json::parse(d->config_schema);
  CHECK(schema["additionalProperties"] == false);
  CHECK(schema["required"] == json::array({"output"}));
  for (const auto& [key, prop] : schema["properties"].items()) {
    INFO(key);
    CHECK(prop.contains("description"));
    CHECK(prop.contains("type"));
    if (key != "output") CHECK(prop.contains("default"));
  }
  CHECK(schema["properties"]["vocab_size"]["default"] == 8000);
  CHECK(schema["properties"]["min_frequency"]["default"] == 2);
  CHECK(schema["properties"]["pre_tokenizer"]["default"] == "deepseek_v3");
  CHECK(schema["properties"]["special_tokens"]["default"] ==
        json::array({"<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"}));
}

TEST_CASE("bad settings are refused with the value and a hint", "[bpe][plugin]") {
  REQUIRE(plugin_loaded());
  TempDir dir;
  {
    Sink s({{"output", dir.path()}, {"bos_token", "<s>"}});
    CHECK(!s.ok());
    CHECK(s.code() == DS_ERR_INVALID_ARGUMENT);
    CHECK(s.error().find("bos_token \"<s>\" is not in special_tokens") != std::string::npos);
  }
  {
    Sink s({{"output", dir.path()}, {"vocab_size", 200}});
    CHECK(!s.ok());
    CHECK(s.error().find("vocab_size must be above 259") != std::string::npos);
  }
  {
    Sink s(json{{"output", dir.write("file", "x")}});
    CHECK(!s.ok());
    CHECK(s.error().find("is not a directory") != std::string::npos);
  }
  {
    Sink s({{"output", dir.path()}, {"pre_tokenizer", "bert"}});
    CHECK(!s.ok());
    CHECK(s.error().find("\"bert\"") != std::string::npos);
  }
}

TEST_CASE("write counts, commit trains and writes both files", "[bpe][plugin]") {
  REQUIRE(plugin_loaded());
  TempDir dir;
  const std::string out = dir / "tok";
  logs().clear();
  finished_progress().clear();
  {
    Sink s({{"output", out}, {"vocab_size", 300}, {"pre_tokenizer", "gpt2"}});
    REQUIRE(s.ok());
    const std::vector<std::string> docs = corpus();
    s.write(std::vector<std::string>(docs.begin(), docs.begin() + 40));
    s.write(std::vector<std::string>(docs.begin() + 40, docs.end()));
    CHECK(!std::filesystem::exists(out + "/tokenizer.json"));
    CHECK(s.commit().empty());
  }
  const json t = json::parse(read_file(out + "/tokenizer.json"));
  CHECK(t["model"]["vocab"].size() == 300);
  CHECK(t["model"]["vocab"]["<|pad|>"] == 2);
  CHECK(t["model"]["vocab"].contains("\xC4\xA0" "the"));  // "h e", "t he", ..., "Ġ the"
  CHECK(t["pre_tokenizer"]["pretokenizers"].size() == 2);  // gpt2: one Split + ByteLevel
  const json c = json::parse(read_file(out + "/tokenizer_config.json"));
  CHECK(c["bos_token"] == "<|begin_of_text|>");
  CHECK(c["add_bos_token"] == true);
  CHECK(logged("counted 100 documents"));
  CHECK(logged("trained vocabulary of 300 with 41 merges"));
  REQUIRE(finished_progress().size() == 2);
  CHECK(finished_progress()[0].done == 100);
  CHECK(finished_progress()[1].total == 41);
  CHECK(finished_progress()[1].done == 41);
  // Only the two files: no temporaries left.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) (void)entry, ++files;
  CHECK(files == 2);
}

TEST_CASE("max_documents and an empty corpus", "[bpe][plugin]") {
  REQUIRE(plugin_loaded());
  TempDir dir;
  logs().clear();
  {
    Sink s({{"output", dir / "a"}, {"vocab_size", 400}, {"max_documents", 2}, {"min_frequency", 1}});
    REQUIRE(s.ok());
    s.write({"aaaa bbbb", "aaaa bbbb", "zzzzzzzz"});
    CHECK(s.commit().empty());
    const json t = json::parse(read_file(dir / "a/tokenizer.json"));
    CHECK(t["model"]["vocab"].contains("aaaa"));
    CHECK(!t["model"]["vocab"].contains("zz"));  // the third record was not counted
    CHECK(logged("max_documents (2) reached"));
    CHECK(logged("1 past max_documents not counted"));
  }
  {
    Sink s(json{{"output", dir / "b"}});
    REQUIRE(s.ok());
    const std::string err = s.commit();
    CHECK(err.find("no records reached the sink") != std::string::npos);
    CHECK(!std::filesystem::exists(dir / "b/tokenizer.json"));
  }
}

TEST_CASE("a sink destroyed without commit writes nothing", "[bpe][plugin]") {
  REQUIRE(plugin_loaded());
  TempDir dir;
  {
    Sink s({{"output", dir / "never"}, {"vocab_size", 300}});
    REQUIRE(s.ok());
    s.write(corpus());
  }
  CHECK(!std::filesystem::exists(dir / "never"));
}
