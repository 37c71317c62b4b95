// safetensors.cpp: the mmap reader's header checks and the writer's layout
// (keys sorted, header padded with spaces to 8 bytes, data aligned by
// putting wider dtypes first). Compiled with LibTorch's include path, so
// no fmt here: messages are built with a local ostringstream helper.
#include "model/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "common/atomic_write.hpp"
#include "common/error.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dsforge {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the reference reader's limit
constexpr size_t kWriteChunkBytes = 1 << 20;

template <class... Args>
[[noreturn]] void throw_user_error(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  throw UserError(out.str());
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

// product(shape) * elem, or false on overflow.
bool byte_count(const std::vector<int64_t>& shape, size_t elem, uint64_t& out) {
  uint64_t n = elem;
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d)) return false;
    n *= static_cast<uint64_t>(d);
  }
  out = n;
  return true;
}

uint64_t read_le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::string le64_bytes(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

}  // namespace

size_t safetensors_dtype_size(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"F64", 8}, {"I64", 8}, {"U64", 8}, {"F32", 4}, {"I32", 4}, {"U32", 4},
      {"F16", 2}, {"BF16", 2}, {"I16", 2}, {"U16", 2}, {"F8_E4M3", 1}, {"F8_E5M2", 1},
      {"I8", 1}, {"U8", 1}, {"BOOL", 1}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

SafetensorsFile::SafetensorsFile(const fs::path& path) : path_(path) {
  const std::string name = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_user_error(name, ": cannot open safetensors file: ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw_user_error(name, ": cannot stat: ", std::strerror(err));
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    throw_user_error(name, ": not a safetensors file: ", size_,
                     " bytes is shorter than the 8-byte header length; the file is truncated");
  }
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  int map_err = errno;
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw_user_error(name, ": mmap failed: ", std::strerror(map_err));
  }
  try {
    parse_header(read_le64(static_cast<const unsigned char*>(map_)));
  } catch (...) {
    ::munmap(map_, size_);
    map_ = nullptr;
    throw;
  }
}

void SafetensorsFile::parse_header(uint64_t header_bytes) {
  const std::string name = path_.string();
  if (header_bytes > kMaxHeaderBytes) {
    throw_user_error(name, ": header length ", header_bytes, " is over the 100 MB limit; not a safetensors file?");
  }
  if (header_bytes > size_ - 8) {
    throw_user_error(name, ": header length ", header_bytes, " runs past the end of the ", size_,
                     "-byte file; the file is truncated or not safetensors");
  }
  const char* base = static_cast<const char*>(map_);
  json header;
  try {
    header = json::parse(base + 8, base + 8 + header_bytes);
  } catch (const json::parse_error& e) {
    throw_user_error(name, ": header is not valid JSON (", e.what(), "); the file is corrupt or not safetensors");
  }
  if (!header.is_object()) throw_user_error(name, ": header must be a JSON object, got ", header.type_name());

  const char* data = base + 8 + header_bytes;
  const uint64_t data_bytes = size_ - 8 - header_bytes;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) throw_user_error(name, ": __metadata__ must be an object of strings");
      for (const auto& [mkey, mvalue] : value.items()) {
        if (!mvalue.is_string()) {
          throw_user_error(name, ": __metadata__ '", mkey, "' must be a string, got ", mvalue.type_name());
        }
        metadata_[mkey] = mvalue.get<std::string>();
      }
      continue;
    }
    const std::string where = name + ": tensor '" + key + "'";
    if (!value.is_object()) throw_user_error(where, ": entry must be an object, got ", value.type_name());
    for (const char* field : {"dtype", "shape", "data_offsets"}) {
      if (!value.contains(field)) throw_user_error(where, ": missing '", field, "'");
    }
    SafetensorsEntry entry;
    if (!value["dtype"].is_string()) throw_user_error(where, ": 'dtype' must be a string");
    entry.dtype = value["dtype"].get<std::string>();
    const size_t elem = safetensors_dtype_size(entry.dtype);
    if (elem == 0) {
      throw_user_error(where, ": dtype '", entry.dtype,
                       "' is not supported (F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U8, BOOL)");
    }
    const json& shape = value["shape"];
    if (!shape.is_array()) throw_user_error(where, ": 'shape' must be an array of non-negative integers");
    for (const json& d : shape) {
      if (!d.is_number_unsigned()) throw_user_error(where, ": 'shape' must be an array of non-negative integers, got ", shape.dump());
      entry.shape.push_back(d.get<int64_t>());
    }
    const json& offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      throw_user_error(where, ": 'data_offsets' must be [begin, end] (non-negative integers), got ", offsets.dump());
    }
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    if (begin > end) throw_user_error(where, ": data_offsets [", begin, ", ", end, "] end before they begin");
    if (end > data_bytes) {
      throw_user_error(where, ": data_offsets [", begin, ", ", end, "] run past the end of the file (", data_bytes,
                       " data bytes); the file is truncated or corrupt");
    }
    uint64_t expected = 0;
    if (!byte_count(entry.shape, elem, expected) || expected != end - begin) {
      throw_user_error(where, ": data_offsets [", begin, ", ", end, "] hold ", end - begin, " bytes but ",
                       entry.dtype, " ", shape_text(entry.shape), " needs ",
                       byte_count(entry.shape, elem, expected) ? std::to_string(expected) : std::string("too many"));
    }
    entry.data = data + begin;
    entry.nbytes = static_cast<size_t>(end - begin);
    tensors_.emplace(key, std::move(entry));
  }
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      map_(std::exchange(other.map_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      tensors_(std::move(other.tensors_)),
      metadata_(std::move(other.metadata_)) {}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

const SafetensorsEntry& SafetensorsFile::at(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) {
    throw_user_error(path_.string(), ": no tensor '", name, "' (the file holds ", tensors_.size(), " tensors)");
  }
  return it->second;
}

void write_safetensors(const fs::path& path, const std::vector<SafetensorsEntryOut>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string file = path.string();
  // Wider dtypes first, then by name: every tensor starts at an offset that
  // is a multiple of its element size (the header itself is padded to 8).
  std::vector<const SafetensorsEntryOut*> order;
  std::set<std::string> seen;
  for (const auto& t : tensors) {
    if (t.name == "__metadata__") throw_user_error(file, ": '__metadata__' cannot be a tensor name");
    if (!seen.insert(t.name).second) throw_user_error(file, ": tensor '", t.name, "' is given twice");
    const size_t elem = safetensors_dtype_size(t.dtype);
    if (elem == 0) throw_user_error(file, ": tensor '", t.name, "': unknown dtype '", t.dtype, "'");
    uint64_t expected = 0;
    if (!byte_count(t.shape, elem, expected) || expected != t.nbytes) {
      throw_user_error(file, ": tensor '", t.name, "': ", t.nbytes, " bytes given but ", t.dtype, " ",
                       shape_text(t.shape), " needs ", expected);
    }
    if (t.nbytes > 0 && t.data == nullptr) throw_user_error(file, ": tensor '", t.name, "': data is NULL");
    order.push_back(&t);
  }
  std::sort(order.begin(), order.end(), [](const SafetensorsEntryOut* a, const SafetensorsEntryOut* b) {
    const size_t ea = safetensors_dtype_size(a->dtype), eb = safetensors_dtype_size(b->dtype);
    return ea != eb ? ea > eb : a->name < b->name;
  });

  json header = json::object();  // std::map underneath: keys come out sorted
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto* t : order) {
    header[t->name] = {{"dtype", t->dtype}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->nbytes}}};
    offset += t->nbytes;
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  AtomicOutputFile out(path);
  out.write(le64_bytes(header_text.size()));
  out.write(header_text);
  for (const auto* t : order) {
    const char* bytes = static_cast<const char*>(t->data);
    for (size_t done = 0; done < t->nbytes; done += kWriteChunkBytes) {
      out.write(std::string_view(bytes + done, std::min(kWriteChunkBytes, t->nbytes - done)));
    }
  }
  out.commit();
}

}  // namespace dsforge
