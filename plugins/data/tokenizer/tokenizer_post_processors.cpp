// tokenizer_post_processors.cpp: the post-processor types and their JSON loading.
#include "tokenizer_post_processors.hpp"

#include <map>
#include <string>

#include "tokenizer_json.hpp"

namespace dsforge::tokenizer {

namespace {

// prefix + ids + suffix.
class Affix final : public PostProcessor {
 public:
  Affix(std::vector<uint32_t> prefix, std::vector<uint32_t> suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
  void process(std::vector<uint32_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    ids.insert(ids.begin(), prefix_.begin(), prefix_.end());
    ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  }

 private:
  std::vector<uint32_t> prefix_, suffix_;
};

// A template that may repeat $A: items are special ids or the sequence.
class Template final : public PostProcessor {
 public:
  struct Item {
    bool sequence;
    std::vector<uint32_t> ids;
  };
  explicit Template(std::vector<Item> items) : items_(std::move(items)) {}
  void process(std::vector<uint32_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    std::vector<uint32_t> out;
    for (const Item& item : items_) {
      if (item.sequence) {
        out.insert(out.end(), ids.begin(), ids.end());
      } else {
        out.insert(out.end(), item.ids.begin(), item.ids.end());
      }
    }
    ids.swap(out);
  }

 private:
  std::vector<Item> items_;
};

class Sequence final : public PostProcessor {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}
  void process(std::vector<uint32_t>& ids, bool add_special_tokens) const override {
    for (const auto& step : steps_) step->process(ids, add_special_tokens);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

std::unique_ptr<PostProcessor> make_template(const JsonNode& node) {
  // special_tokens: {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
  std::map<std::string, std::vector<uint32_t>> specials;
  if (auto table = node.find("special_tokens")) {
    if (!table->is_object()) table->expected("an object");
    for (auto it = table->json().begin(); it != table->json().end(); ++it) {
      const JsonNode entry(it.value(), table->path() + "." + it.key(), node.file());
      const JsonNode ids = entry.at("ids");
      std::vector<uint32_t> v;
      for (size_t i = 0; i < ids.array_size(); ++i) v.push_back(ids.at(i).as_u32());
      specials[it.key()] = std::move(v);
    }
  }
  // single: [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]
  const JsonNode single = node.at("single");
  std::vector<Template::Item> items;
  for (size_t i = 0; i < single.array_size(); ++i) {
    const JsonNode piece = single.at(i);
    if (auto special = piece.find("SpecialToken")) {
      const JsonNode id = special->at("id");
      const auto it = specials.find(id.as_string());
      if (it == specials.end()) id.fail("\"" + id.as_string() + "\" is not in special_tokens");
      items.push_back({false, it->second});
    } else if (auto seq = piece.find("Sequence")) {
      const std::string which = seq->at("id").as_string();
      if (which != "A") seq->at("id").fail("a single sequence is $A, not $" + which);
      items.push_back({true, {}});
    } else {
      piece.expected("{\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
  }
  return std::make_unique<Template>(std::move(items));
}

uint32_t pair_id(const JsonNode& pair) {
  // ["[CLS]", 101]
  if (!pair.is_array() || pair.array_size() != 2) pair.expected("[\"token\", id]");
  return pair.at(1).as_u32();
}

}  // namespace

std::unique_ptr<PostProcessor> make_affix_processor(std::vector<uint32_t> prefix,
                                                    std::vector<uint32_t> suffix) {
  return std::make_unique<Affix>(std::move(prefix), std::move(suffix));
}

std::unique_ptr<PostProcessor> make_post_processor(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.at("type").as_string();
  if (type == "ByteLevel") return nullptr;
  if (type == "TemplateProcessing") return make_template(node);
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    return make_affix_processor({pair_id(node.at("cls"))}, {pair_id(node.at("sep"))});
  }
  if (type == "Sequence") {
    const JsonNode list = node.at("processors");
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_post_processor(list.at(i))) steps.push_back(std::move(step));
    }
    if (steps.empty()) return nullptr;
    if (steps.size() == 1) return std::move(steps[0]);
    return std::make_unique<Sequence>(std::move(steps));
  }
  node.at("type").fail("unsupported post_processor type \"" + type +
                       "\" (supported: ByteLevel, TemplateProcessing, BertProcessing, RobertaProcessing, "
                       "Sequence)");
}

}  // namespace dsforge::tokenizer
