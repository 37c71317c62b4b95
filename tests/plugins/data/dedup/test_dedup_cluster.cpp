// test_dedup_cluster.cpp: NearDedup's clustering rules on small, readable
// corpora: first in input order kept, duplicates far apart, chains, verify,
// documents without shingles, determinism.
#include <string>
#include <vector>

#include "catch.hpp"
#include "dedup_cluster.hpp"
#include "dedup_hash.hpp"
#include "test_util.hpp"

using namespace dsforge::data::dedup;

namespace {

const char* kBase =
    "It is a truth universally acknowledged, that a single man in possession of a good "
    "fortune, must be in want of a wife. However little known the feelings or views of "
    "such a man may be on his first entering a neighbourhood, this truth is so well fixed "
    "in the minds of the surrounding families, that he is considered the rightful property "
    "of some one or other of their daughters.";

const char* kOther =
    "Call me Ishmael. Some years ago, never mind how long precisely, having little or no "
    "money in my purse, and nothing particular to interest me on shore, I thought I would "
    "sail about a little and see the watery part of the world. It is a way I have of "
    "driving off the spleen and regulating the circulation.";

// kBase with one word changed near the end: Jaccard about 0.9 (5-grams).
std::string near_base() {
  std::string s = kBase;
  s.replace(s.find("daughters"), 9, "nieces");
  return s;
}

std::vector<size_t> kept(NearDedup& d) {
  std::vector<size_t> out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d.keep(i)) out.push_back(i);
  }
  return out;
}

}  // namespace

TEST_CASE("first in input order is kept, however far apart the copies are",
          "[dedup][cluster]") {
  NearDedup d(NearDedupOptions{});
  d.add(kBase);
  SplitMix64 rng(5);
  for (int i = 0; i < 500; ++i) {
    std::string filler;  // 60 random words: unrelated to everything
    for (int w = 0; w < 60; ++w) filler += "w" + std::to_string(rng.below(100000)) + " ";
    d.add(filler);
  }
  const size_t copy = d.add(near_base());
  const size_t exact = d.add(kBase);
  CHECK(d.cluster_of(copy) == 0);
  CHECK(d.cluster_of(exact) == 0);
  CHECK(d.keep(0));
  CHECK_FALSE(d.keep(copy));
  const NearDedupStats s = d.stats();
  CHECK(s.documents == 503);
  CHECK(s.clusters == 1);
  CHECK(s.dropped == 2);
}

TEST_CASE("distinct documents stay, near duplicates go, CJK included", "[dedup][cluster]") {
  NearDedup d(NearDedupOptions{});
  const std::string zh =
      "请时刻留心您所写的内容，它会被成百上千的人阅读。书写简短的邮件意味着人们可以尽可能高效地理解一次对话。"
      "如果必须写出详细的解释，那么请尝试增加一些总结。请尽量为一次对话带来新的论点，"
      "这样每一封邮件对于一串跟帖来说都是独特的。请尽量扣紧主题，尤其是在讨论宽泛话题的情况下。";
  std::string zh_copy = zh;
  zh_copy.replace(zh_copy.rfind("情况"), 6, "时候");  // near the end: J about 0.97
  d.add(kBase);       // 0
  d.add(kOther);      // 1
  d.add(zh);          // 2
  d.add(near_base()); // 3 -> 0
  d.add(zh_copy);     // 4 -> 2
  CHECK(d.last_tokenizer() == Tokenizer::chars);
  CHECK(kept(d) == std::vector<size_t>{0, 1, 2});
  CHECK(d.cluster_of(3) == 0);
  CHECK(d.cluster_of(4) == 2);
}

TEST_CASE("documents without word characters are never near duplicates", "[dedup][cluster]") {
  NearDedup d(NearDedupOptions{});
  d.add("");
  d.add("!!!");
  d.add("   ");
  CHECK(kept(d) == std::vector<size_t>{0, 1, 2});
  CHECK(d.stats().without_shingles == 3);
}

TEST_CASE("verify rejects weak candidates that plain LSH joins", "[dedup][cluster]") {
  // A low threshold with fixed wide bands (1 row each) makes almost any
  // two texts sharing a shingle candidates; verify at 0.9 keeps them apart.
  NearDedupOptions o;
  o.num_perm = 64;
  o.bands = 64;
  o.rows = 1;
  o.threshold = 0.9;
  std::string half = kBase;
  half = half.substr(0, half.size() / 2) + " " + std::string(kOther).substr(0, 150);
  for (bool verify : {true, false}) {
    o.verify = verify;
    NearDedup d(o);
    d.add(kBase);
    d.add(half);
    INFO("verify " << verify);
    CHECK(d.keep(1) == verify);
  }
}

TEST_CASE("chains join transitively; the cluster keeps its first member", "[dedup][cluster]") {
  // 300 random words; B is A with 6 words replaced, C is B with 6 others
  // replaced: J(A, B) = J(B, C) = 0.82, J(A, C) = 0.66 with 5-grams. At
  // threshold 0.75 (512 permutations, so estimates are within about 0.02)
  // A and C are not joined directly, but B joins both.
  SplitMix64 rng(9);
  std::vector<std::string> words;
  for (int i = 0; i < 300; ++i) words.push_back("w" + std::to_string(rng.below(1000000)));
  auto text = [](const std::vector<std::string>& w) {
    std::string s;
    for (const auto& x : w) s += x + " ";
    return s;
  };
  std::vector<std::string> b = words, c;
  for (int i = 0; i < 6; ++i) b[size_t(20 + 50 * i)] = "edit" + std::to_string(i);
  c = b;
  for (int i = 0; i < 6; ++i) c[size_t(45 + 50 * i)] = "more" + std::to_string(i);
  NearDedupOptions o;
  o.num_perm = 512;
  o.bands = 128;
  o.rows = 4;
  o.threshold = 0.75;
  NearDedup d(o);
  d.add(text(words));  // 0: A
  d.add(text(c));      // 1: C, not near A
  CHECK(d.keep(1));
  d.add(text(b));      // 2: B joins A and C
  CHECK(d.cluster_of(1) == 0);
  CHECK(d.cluster_of(2) == 0);
  CHECK(kept(d) == std::vector<size_t>{0});
  CHECK(d.stats().clusters == 1);
}

TEST_CASE("results do not depend on anything but the input and the seed", "[dedup][cluster]") {
  auto run = [](uint64_t seed) {
    NearDedupOptions o;
    o.seed = seed;
    NearDedup d(o);
    for (int i = 0; i < 50; ++i) {
      std::string s = kBase;
      s.replace(s.find("wife"), 4, "word" + std::to_string(i % 7));
      d.add(s);
    }
    std::vector<size_t> clusters;
    for (size_t i = 0; i < d.size(); ++i) clusters.push_back(d.cluster_of(i));
    return clusters;
  };
  CHECK(run(1) == run(1));
  CHECK(run(7) == run(7));
}

TEST_CASE("out-of-range document index is an error", "[dedup][cluster]") {
  NearDedup d(NearDedupOptions{});
  d.add(kBase);
  CHECK(dedup_test::contains(dedup_test::error_of([&] { d.cluster_of(1); }), "document 1 of 1"));
}
