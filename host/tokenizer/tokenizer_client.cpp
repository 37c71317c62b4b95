// tokenizer_client.cpp
#include "tokenizer/tokenizer_client.hpp"

#include <fmt/format.h>

#include <cstring>

#include "api/host_api.hpp"
#include "common/user_error.hpp"
#include "config/schema_check.hpp"

namespace dsforge {

TokenizerClient::TokenizerClient(const Registry& registry, const std::string& path, const std::string& plugin) {
  const LoadedComponent& c = registry.find(DS_KIND_TOKENIZER, plugin, "--tokenizer-plugin");
  nlohmann::json settings = with_schema_defaults({{"path", path}}, c.schema, c.name);
  instance_ = std::make_unique<ComponentInstance>(c, settings, path);
}

ds_tokenizer_info TokenizerClient::info() const {
  ds_tokenizer_info out{};
  out.struct_size = sizeof(out);
  out.bos_id = out.eos_id = out.pad_id = out.unk_id = -1;
  throw_if_error(vt().info(instance_->get(), &out), "tokenizer info");
  return out;
}

std::vector<uint32_t> TokenizerClient::encode(std::string_view text, bool add_special_tokens) const {
  ds_buffer buf;
  throw_if_error(vt().encode(instance_->get(), ds_str{text.data(), text.size()}, add_special_tokens ? 1 : 0, &buf),
                 "tokenizer encode");
  if (buf.bytes.size() % sizeof(uint32_t) != 0) {
    fail("tokenizer plugin {} returned {} bytes of ids, not a multiple of 4", instance_->label(), buf.bytes.size());
  }
  std::vector<uint32_t> ids(buf.bytes.size() / sizeof(uint32_t));
  std::memcpy(ids.data(), buf.bytes.data(), buf.bytes.size());
  return ids;
}

std::string TokenizerClient::decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const {
  ds_buffer buf;
  throw_if_error(vt().decode(instance_->get(), ids.data(), ids.size(), skip_special_tokens ? 1 : 0, &buf),
                 "tokenizer decode");
  return std::move(buf.bytes);
}

std::string TokenizerClient::id_to_token(uint32_t id) const {
  ds_buffer buf;
  throw_if_error(vt().id_to_token(instance_->get(), id, &buf), fmt::format("tokenizer id_to_token({})", id));
  return std::move(buf.bytes);
}

bool TokenizerClient::has_chat_template() const { return vt().apply_chat_template != nullptr; }

std::string TokenizerClient::apply_chat_template(std::string_view messages, bool add_generation_prompt,
                                                 std::string_view extra) const {
  if (!has_chat_template()) fail("tokenizer plugin {} does not render chat templates", instance_->label());
  ds_buffer buf;
  throw_if_error(vt().apply_chat_template(instance_->get(), ds_str{messages.data(), messages.size()},
                                          add_generation_prompt ? 1 : 0, ds_str{extra.data(), extra.size()}, &buf),
                 "chat template");
  return std::move(buf.bytes);
}

}  // namespace dsforge
