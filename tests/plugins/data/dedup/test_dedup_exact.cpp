// test_dedup_exact.cpp: the hashes and exact_dedup's normalizations and
// memory, without a host.
#include <set>
#include <string>

#include "catch.hpp"
#include "dedup_exact.hpp"
#include "dedup_hash.hpp"
#include "dedup_text.hpp"
#include "test_util.hpp"

using namespace dsforge::data::dedup;

TEST_CASE("hash64 and hash128 are stable, seeded and length-aware", "[dedup][hash]") {
  // Pinned: keys must not change between builds or platforms.
  CHECK(hash64("") == hash64(std::string_view()));
  CHECK(hash64("abc") == hash64(std::string("abc")));
  CHECK(hash64("abc") != hash64("abd"));
  CHECK(hash64("abc", 1) != hash64("abc", 2));
  CHECK(hash64("a") != hash64(std::string("a\0", 2)));
  CHECK(hash64("12345678") != hash64("123456789"));
  const Hash128 h = hash128("the quick brown fox");
  CHECK(h.lo != h.hi);
  CHECK(hash128("the quick brown fox") == h);
  CHECK(hash128("the quick brown fox", 7) != h);
  CHECK(hash128("the quick brown fo") != h);

  SECTION("pinned values") {
    // If these change, every stored dedup key changes: bump the plugin's
    // version and say so in the README.
    INFO(std::hex << hash64("dsforge") << " " << hash128("dsforge").lo << " "
                  << hash128("dsforge").hi);
    CHECK(hash64("dsforge") == 0xd3fb880fad2a60dbULL);
    CHECK(hash128("dsforge").lo == 0xd3fb880fad2a60dbULL);
    CHECK(hash128("dsforge").hi == 0x196e6b95ed41b2adULL);
  }
}

TEST_CASE("hash128 has no collisions over many similar keys", "[dedup][hash]") {
  std::set<std::pair<uint64_t, uint64_t>> seen;
  std::set<uint64_t> lo, hi;
  for (int i = 0; i < 200000; ++i) {
    const std::string key = "record " + std::to_string(i);
    const Hash128 h = hash128(key);
    seen.insert({h.lo, h.hi});
    lo.insert(h.lo);
    hi.insert(h.hi);
  }
  CHECK(seen.size() == 200000);
  CHECK(lo.size() == 200000);
  CHECK(hi.size() == 200000);
}

TEST_CASE("hash64 bits are balanced (avalanche of one flipped input bit)", "[dedup][hash]") {
  // Flip each bit of a 16-byte key; on average half of the output bits flip.
  SplitMix64 rng(3);
  double total = 0;
  int n = 0;
  for (int trial = 0; trial < 200; ++trial) {
    unsigned char key[16];
    for (auto& b : key) b = static_cast<unsigned char>(rng.next());
    const uint64_t base = hash64(key, sizeof key);
    for (int bit = 0; bit < 128; ++bit) {
      key[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
      total += __builtin_popcountll(base ^ hash64(key, sizeof key));
      key[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
      ++n;
    }
  }
  CHECK(dedup_test::near(total / n, 32.0, 0.5));
}

TEST_CASE("exact normalization: none, whitespace, casefold_whitespace", "[dedup][exact]") {
  SECTION("none keeps every byte") {
    CHECK(normalize_for_exact(" A  b\n", ExactNormalization::none) == " A  b\n");
  }
  SECTION("whitespace collapses runs (newlines, tabs, NBSP, U+3000) and trims") {
    const auto ws = ExactNormalization::whitespace;
    CHECK(normalize_for_exact("  Hello \t\n world  \n", ws) == "Hello world");
    CHECK(normalize_for_exact("a\xC2\xA0\xC2\xA0" "b", ws) == "a b");     // NBSP
    CHECK(normalize_for_exact("\xE3\x80\x80你好\xE3\x80\x80世界", ws) == "你好 世界");  // U+3000
    CHECK(normalize_for_exact("Hello", ws) == "Hello");
    CHECK(normalize_for_exact(" \n\t ", ws).empty());
  }
  SECTION("CJK is never joined, split or changed") {
    const auto ws = ExactNormalization::casefold_whitespace;
    CHECK(normalize_for_exact("你好世界", ws) == "你好世界");
    CHECK(normalize_for_exact("你好 世界", ws) == "你好 世界");
    CHECK(normalize_for_exact("ＡＢＣ", ws) == "ＡＢＣ");  // fullwidth: not ASCII, kept
  }
  SECTION("casefold folds ASCII only") {
    const auto cf = ExactNormalization::casefold_whitespace;
    CHECK(normalize_for_exact(" HeLLo  WORLD ", cf) == "hello world");
    CHECK(normalize_for_exact("ÉCOLE", cf) == "École");
  }
  SECTION("invalid UTF-8 passes through") {
    const std::string bad = std::string("a \xff\xfe  b");
    CHECK(normalize_for_exact(bad, ExactNormalization::whitespace) == "a \xff\xfe b");
  }
  SECTION("names") {
    CHECK(parse_exact_normalization("casefold_whitespace") == ExactNormalization::casefold_whitespace);
    CHECK(dedup_test::contains(dedup_test::error_of([] { parse_exact_normalization("nfkc"); }),
                               "got \"nfkc\""));
  }
}

TEST_CASE("ExactDedup keeps the first occurrence under each normalization", "[dedup][exact]") {
  const std::vector<std::string> stream = {"Hello world", "hello   world", "Hello world\n",
                                           " Hello\tworld ", "HELLO WORLD", "你好 世界",
                                           "你好世界", "你好  世界"};
  auto kept = [&](ExactNormalization mode) {
    ExactDedup d(mode);
    std::vector<size_t> out;
    for (size_t i = 0; i < stream.size(); ++i) {
      if (d.insert(stream[i])) out.push_back(i);
    }
    return out;
  };
  CHECK(kept(ExactNormalization::none) == std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(kept(ExactNormalization::whitespace) == std::vector<size_t>{0, 1, 4, 5, 6});
  CHECK(kept(ExactNormalization::casefold_whitespace) == std::vector<size_t>{0, 5, 6});
}
