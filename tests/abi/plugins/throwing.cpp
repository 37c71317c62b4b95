// throwing.cpp: a C++ plugin whose create() throws and whose transform
// throws on a marked record. The wrapper must turn both into ds_error values.
#include <dsforge/dsforge.hpp>

#include <stdexcept>

namespace {

struct ThrowingSource {
  explicit ThrowingSource(const ds::Config&) { throw std::runtime_error("boom: create failed on purpose"); }
  bool next(ds::BatchWriter&, size_t) { return true; }
};

struct ThrowOnRecord {
  explicit ThrowOnRecord(const ds::Config& cfg) : marker_(cfg.str("/marker")) {}
  void process(const ds_record_batch& in, ds::BatchWriter& out) {
    for (size_t i = 0; i < in.count; ++i) {
      if (ds::view(in.records[i].text) == marker_) throw std::logic_error("found the marker record");
      out.push(in.records[i]);
    }
  }
  std::string marker_;
};

const char* kMarkerSchema = R"({"type": "object", "additionalProperties": false,
  "properties": {"marker": {"type": "string", "default": "THROW"}}})";

}  // namespace

DSFORGE_PLUGIN("abi-throwing", "1.0.0", "Apache-2.0",
               ds::source<ThrowingSource>("throwing_source", "1.0.0", "create() throws", "{}"),
               ds::transform<ThrowOnRecord>("throw_on_record", "1.0.0", "throws on a marker", kMarkerSchema))
