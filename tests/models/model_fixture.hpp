// model_fixture.hpp: what the model tests share: the built plugins behind a
// component factory, loading fixture models, reading reference tensors, and
// temporary model folders made from fixtures. Includes LibTorch: no fmt here.
#pragma once

#include <ATen/ATen.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "model/checkpoint.hpp"
#include "model/transformer.hpp"
#include "plugins/registry.hpp"
#include "plugins/registry_component_factory.hpp"

// LibTorch's c10 logging defines a glog-style CHECK that aborts; the tests
// want Catch's, so Catch is included here, after ATen.
#undef CHECK
#include "catch.hpp"

namespace dsforge::testing {

namespace fs = std::filesystem;

inline const fs::path kFixtures = DSFORGE_FIXTURES_DIR;

// One registry + factory for the whole test binary.
inline ComponentFactory& factory() {
  static Registry registry;
  static RegistryComponentFactory f = [] {
    registry.load_directories({fs::path(DSFORGE_PLUGIN_DIR)});
    return RegistryComponentFactory(registry);
  }();
  return f;
}

inline std::unique_ptr<Transformer> load_model(const fs::path& dir, LoadOptions options = {}) {
  return Transformer::load(dir, factory(), options);
}

inline at::Tensor reference(const fs::path& dir, const std::string& name) {
  return Checkpoint::open(dir / "reference.safetensors").load(name);
}

inline double max_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("dsforge-models-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

inline nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

inline void write_json(const fs::path& file, const nlohmann::json& j) {
  std::ofstream(file) << j.dump(2);
}

// Every tensor of a fixture checkpoint, by name.
inline std::vector<std::pair<std::string, at::Tensor>> fixture_tensors(const fs::path& dir) {
  Checkpoint c = Checkpoint::open(dir);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& n : c.names()) out.emplace_back(n, c.load(n));
  return out;
}

}  // namespace dsforge::testing
