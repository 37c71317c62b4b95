// record_meta.cpp: see record_meta.hpp.
#include "record_meta.hpp"

#include "dsforge/dsforge.hpp"

namespace dsforge::data {

nlohmann::ordered_json parse_meta(std::string_view meta, const std::string& where) {
  if (meta.empty()) return nlohmann::ordered_json::object();
  nlohmann::ordered_json obj;
  try {
    obj = nlohmann::ordered_json::parse(meta);
  } catch (const nlohmann::json::parse_error& e) {
    throw ds::Error(DS_ERR_BAD_DATA, where + ": meta is not valid JSON: " + e.what());
  }
  if (!obj.is_object())
    throw ds::Error(DS_ERR_BAD_DATA,
                    where + ": meta must be a JSON object, got " + std::string(obj.type_name()));
  return obj;
}

std::string dump_meta(const nlohmann::ordered_json& meta) {
  return meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dsforge::data
