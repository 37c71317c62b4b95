// record_buffer.cpp
#include "data/record_buffer.hpp"

#include "api/host_api.hpp"

namespace dsforge {
namespace {

ds_error* api_push(ds_batch_builder* b, const ds_record* r) {
  if (b == nullptr || r == nullptr) return make_error(DS_ERR_INVALID_ARGUMENT, "push: NULL builder or record");
  if ((r->text.size && !r->text.data) || (r->meta.size && !r->meta.data) || (r->origin.size && !r->origin.data))
    return make_error(DS_ERR_INVALID_ARGUMENT, "push: a string has a size but no data");
  try {
    ds_batch_builder::Span s{};
    s.text_off = b->arena.size();
    s.text_len = r->text.size;
    b->arena.append(r->text.data ? r->text.data : "", r->text.size);
    s.meta_off = b->arena.size();
    s.meta_len = r->meta.size;
    b->arena.append(r->meta.data ? r->meta.data : "", r->meta.size);
    std::string_view origin(r->origin.data ? r->origin.data : "", r->origin.size);
    // Records arrive in runs from the same file: compare with the last one.
    if (b->origins.empty() || b->origins.back() != origin) b->origins.emplace_back(origin);
    s.origin = static_cast<uint32_t>(b->origins.size() - 1);
    s.line = r->line;
    b->spans.push_back(s);
    return nullptr;
  } catch (const std::bad_alloc&) {
    return make_error(DS_ERR_OUT_OF_MEMORY, "push: out of memory");
  }
}

void api_drop(ds_batch_builder* b, const char* reason, uint64_t count) {
  if (b == nullptr) return;
  try {
    b->drops[reason && *reason ? reason : "unspecified"] += count;
  } catch (...) {
  }
}

}  // namespace

const ds_builder_api* RecordBuffer::api() {
  static const ds_builder_api table = {sizeof(ds_builder_api), &api_push, &api_drop};
  return &table;
}

void RecordBuffer::push(const ds_record& r) { throw_if_error(api_push(&b_, &r), "record buffer"); }

void RecordBuffer::clear() {
  b_.arena.clear();
  b_.spans.clear();
  b_.origins.clear();
  b_.views.clear();
}

size_t RecordBuffer::text_bytes() const {
  size_t n = 0;
  for (const auto& s : b_.spans) n += s.text_len;
  return n;
}

const ds_record_batch& RecordBuffer::batch() {
  b_.views.resize(b_.spans.size());
  const char* base = b_.arena.data();
  for (size_t i = 0; i < b_.spans.size(); ++i) {
    const auto& s = b_.spans[i];
    const std::string& o = b_.origins[s.origin];
    b_.views[i] = ds_record{{base + s.text_off, s.text_len}, {base + s.meta_off, s.meta_len},
                            {o.data(), o.size()}, s.line};
  }
  batch_.records = b_.views.data();
  batch_.count = b_.views.size();
  return batch_;
}

std::map<std::string, uint64_t> RecordBuffer::take_drops() {
  std::map<std::string, uint64_t> out;
  out.swap(b_.drops);
  return out;
}

}  // namespace dsforge
