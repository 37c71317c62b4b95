// test_tokenizer_model.cpp: the BPE model: the merge loop against a plain
// reference implementation (short words take the scan, long ones the heap),
// merges as strings or arrays, unk / fuse_unk, byte_fallback, ignore_merges,
// subword prefix/suffix; byte-level round trips of arbitrary bytes
// (ill-formed UTF-8 and emoji included); the cache under threads.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "tiny_tokenizer.hpp"
#include "tokenizer.hpp"

using dsforge::tokenizer::Tokenizer;
using dsforge::tokenizer::TokenizerOptions;
using Ids = std::vector<uint32_t>;
using Strings = std::vector<std::string>;

namespace {

Strings tokens_of(const Tokenizer& t, const Ids& ids) {
  Strings out;
  for (const uint32_t id : ids) out.push_back(t.id_to_token(id));
  return out;
}

// Textbook BPE: merge the adjacent pair of lowest rank, leftmost first, until none.
Strings reference_bpe(const std::string& word,
                      const std::map<std::pair<std::string, std::string>, size_t>& ranks) {
  Strings w;
  for (const char c : word) w.emplace_back(1, c);
  for (;;) {
    size_t best = SIZE_MAX, at = 0;
    for (size_t i = 0; i + 1 < w.size(); ++i) {
      const auto it = ranks.find({w[i], w[i + 1]});
      if (it != ranks.end() && it->second < best) {
        best = it->second;
        at = i;
      }
    }
    if (best == SIZE_MAX) return w;
    w[at] += w[at + 1];
    w.erase(w.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
}

}  // namespace

TEST_CASE("BPE merges agree with a reference implementation", "[tokenizer][unit]") {
  std::mt19937 rng(1234);
  Strings vocab = {"a", "b", "c", "d"};
  std::set<std::string> known(vocab.begin(), vocab.end());
  Strings merges;
  std::map<std::pair<std::string, std::string>, size_t> ranks;
  while (merges.size() < 300) {
    const std::string& x = vocab[rng() % vocab.size()];
    const std::string& y = vocab[rng() % vocab.size()];
    if (x.size() + y.size() > 10 || ranks.count({x, y})) continue;
    const std::string xy = x + y;
    ranks[{x, y}] = merges.size();
    merges.push_back(x + " " + y);
    if (known.insert(xy).second) vocab.push_back(xy);
  }
  tiny::Doc doc;
  doc.model = tiny::bpe(vocab, merges);
  const Tokenizer tok = doc.load();
  for (int n = 0; n < 400; ++n) {
    const size_t len = 1 + rng() % (n < 200 ? 40 : 300);  // scan path, then heap path
    std::string word;
    for (size_t i = 0; i < len; ++i) word.push_back("abcd"[rng() % 4]);
    INFO("word " << word);
    CHECK(tokens_of(tok, tok.encode(word, false)) == reference_bpe(word, ranks));
  }
}

TEST_CASE("BPE merges given as arrays equal merges given as strings", "[tokenizer][unit]") {
  tiny::Doc a, b;
  a.model = tiny::bpe({"a", "b", "ab", "abb"}, {"a b", "ab b"});
  b.model = tiny::bpe({"a", "b", "ab", "abb"});
  b.model["merges"] = nlohmann::json::array({{"a", "b"}, {"ab", "b"}});
  CHECK(a.load().encode("abbab", false) == Ids{3, 2});
  CHECK(b.load().encode("abbab", false) == Ids{3, 2});
}

TEST_CASE("Long runs merge the same on both paths", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"a", "aa", "aaaa", "aaaaaaaa"}, {"a a", "aa aa", "aaaa aaaa"});
  const Tokenizer tok = doc.load();
  CHECK(tok.encode(std::string(40, 'a'), false) == Ids(5, 3));
  Ids long_run(25, 3);
  long_run.push_back(1);
  long_run.push_back(0);
  CHECK(tok.encode(std::string(203, 'a'), false) == long_run);
}

TEST_CASE("Unknown characters: dropped, unk, fused unk", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"a", "b", "c", "X", "ab", "abc"}, {"a b", "ab c"});
  CHECK(doc.load().encode("abzzc", false) == Ids{5});  // no unk_token: `tokenizers` drops them
  doc.model["unk_token"] = "X";
  CHECK(doc.load().encode("abzzc", false) == Ids{4, 3, 3, 2});
  doc.model["fuse_unk"] = true;
  CHECK(doc.load().encode("abzzc", false) == Ids{4, 3, 2});
  doc.model["unk_token"] = "<unk>";  // not in the vocabulary: an error once it is needed
  const Tokenizer bad = doc.load();
  CHECK(bad.encode("abc", false) == Ids{5});
  CHECK(tiny::error_of([&] { bad.encode("abz", false); }) == "Unk token `<unk>` not found in the vocabulary");
}

TEST_CASE("byte_fallback turns unknown characters into <0xNN> tokens", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"<unk>", "a", "b", "<0xE4>", "<0xB8>", "<0xAD>"});
  doc.model["byte_fallback"] = true;
  doc.model["unk_token"] = "<unk>";
  doc.decoder = {{"type", "Sequence"}, {"decoders", {{{"type", "ByteFallback"}}, {{"type", "Fuse"}}}}};
  const Tokenizer tok = doc.load();
  CHECK(tok.encode("a中b", false) == Ids{1, 3, 4, 5, 2});
  CHECK(tok.encode("a€b", false) == Ids{1, 0, 2});  // € has no byte tokens here: unk
  CHECK(tok.decode({1, 3, 4, 5, 2}, false) == "a中b");
  CHECK(tok.decode({3, 4, 2}, false) == "\uFFFD\uFFFDb");  // one U+FFFD per byte, as `tokenizers`
  CHECK(tok.decode_bytes({3, 4, 2}, false) ==
        "\xE4\xB8"
        "b");
}

TEST_CASE("ignore_merges takes whole words from the vocabulary", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"a", "b", "c", "ab", "abc", "bc"}, {"a b", "b c"});  // merges never build "abc"
  CHECK(doc.load().encode("abc", false) == Ids{3, 2});
  doc.model["ignore_merges"] = true;
  CHECK(doc.load().encode("abc", false) == Ids{4});
  // The same on the byte-level path.
  Strings alphabet = tiny::byte_level_alphabet();
  alphabet.push_back("Ġhello");
  tiny::Doc bl;
  bl.model = tiny::bpe(alphabet);
  bl.model["ignore_merges"] = true;
  bl.pre_tokenizer = tiny::byte_level(false, true);
  CHECK(bl.load().encode(" hello", false) == Ids{256});
  CHECK(bl.load().encode(" hellO", false).size() == 6);
}

TEST_CASE("continuing_subword_prefix and end_of_word_suffix", "[tokenizer][unit]") {
  tiny::Doc doc;
  doc.model = tiny::bpe({"a", "##b", "##c</w>", "ab", "ab##c</w>", "c</w>", "##b</w>"}, {"a ##b"});
  doc.model["continuing_subword_prefix"] = "##";
  doc.model["end_of_word_suffix"] = "</w>";
  doc.decoder = {{"type", "BPEDecoder"}, {"suffix", "</w>"}};
  const Tokenizer tok = doc.load();
  CHECK(tokens_of(tok, tok.encode("abc", false)) == Strings{"ab", "##c</w>"});
  CHECK(tokens_of(tok, tok.encode("ab", false)) == Strings{"a", "##b</w>"});
}

TEST_CASE("Byte-level BPE round-trips any bytes", "[tokenizer][unit]") {
  tiny::Doc doc;
  Strings vocab = tiny::byte_level_alphabet();
  for (const char* t : {"Ġt", "he", "Ġthe", "in", "ðŁ", "ðŁĺ", "ä¸", "ä¸Ń"}) vocab.push_back(t);
  doc.model = tiny::bpe(vocab, {"Ġ t", "h e", "Ġt he", "i n", "ð Ł", "ðŁ ĺ", "ä ¸", "ä¸ Ń"});
  doc.pre_tokenizer = tiny::byte_level(false, true);
  doc.decoder = {
      {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  const Tokenizer tok = doc.load();

  const Strings fixed = {"",
                         "the theme in the inn",
                         "😀🚀 emoji 👨‍👩‍👧‍👦 zwj",
                         "中文 and 日本語",
                         "\r\n\t \x01\x7f",
                         std::string("nul\0inside", 10)};
  for (const std::string& s : fixed) {
    INFO(s);
    CHECK(tok.decode(tok.encode(s, false), false) == s);
    CHECK(tok.decode_bytes(tok.encode(s, false), false) == s);
  }
  SECTION("ill-formed UTF-8") {
    const Strings bad = {"\xff",     "\xfe\xff",     "a\xc3(b",
                         "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                         "\xc0\xaf", "ok\xe4\xb8",   "\xf0\x9f\x98"};
    for (const std::string& s : bad) {
      INFO(s);
      const Ids ids = tok.encode(s, false);
      CHECK(tok.decode_bytes(ids, false) == s);
      CHECK(tok.decode(ids, false).find("\uFFFD") != std::string::npos);
    }
    CHECK(tok.decode(tok.encode("a\xc3(b", false), false) == "a\uFFFD(b");
    CHECK(tok.decode(tok.encode("\xe2\x82z", false), false) == "\uFFFDz");  // one U+FFFD per maximal subpart
  }
  SECTION("random bytes") {
    std::mt19937 rng(7);
    for (int n = 0; n < 2000; ++n) {
      std::string s(rng() % 64, '\0');
      for (char& c : s) c = static_cast<char>(rng() % 256);
      CHECK(tok.decode_bytes(tok.encode(s, false), false) == s);
    }
  }
}

TEST_CASE("Concurrent encodes agree with a cache-less tokenizer", "[tokenizer][unit]") {
  tiny::Doc doc;
  Strings vocab = tiny::byte_level_alphabet();
  for (const char* t : {"Ġt", "he", "Ġthe", "in", "Ġa", "an", "Ġan", "nd", "Ġand"}) vocab.push_back(t);
  doc.model = tiny::bpe(vocab, {"Ġ t", "h e", "Ġt he", "i n", "Ġ a", "a n", "Ġa n", "n d", "Ġan d"});
  doc.pre_tokenizer = tiny::byte_level(true, true);
  TokenizerOptions tiny_cache;
  tiny_cache.cache_capacity = 64;  // small enough to be emptied often
  TokenizerOptions no_cache;
  no_cache.cache_capacity = 0;
  const Tokenizer cached = doc.load(tiny_cache);
  const Tokenizer plain = doc.load(no_cache);

  std::mt19937 rng(99);
  const Strings words = {"the", "and", "an",   "in",  "then", "hand", "thin",
                         "a",   "tan", "dint", "ant", "中文", "😀"};
  Strings texts;
  for (int i = 0; i < 400; ++i) {
    std::string t;
    for (int k = 0; k < 30; ++k) t += words[rng() % words.size()] + (rng() % 5 ? " " : "\n");
    texts.push_back(t);
  }
  std::vector<Ids> want;
  for (const auto& t : texts) want.push_back(plain.encode(t, false));
  std::vector<int> bad(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      Ids ids;
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          cached.encode(texts[(i + k * 37) % texts.size()], false, ids);
          bad[k] += ids != want[(i + k * 37) % texts.size()];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(bad == std::vector<int>(4, 0));
  CHECK(cached.encode_batch(texts, false, 3) == want);
}

TEST_CASE("Several tokenizers in one thread keep their caches apart", "[tokenizer][unit]") {
  // Same tokens, different ids: a cache answer from the wrong tokenizer shows.
  std::vector<Tokenizer> toks;
  for (int k = 0; k < 6; ++k) {
    Strings vocab = tiny::byte_level_alphabet();
    std::rotate(vocab.begin(), vocab.begin() + k * 7, vocab.end());
    vocab.push_back("Ġt");
    vocab.push_back("Ġth");
    tiny::Doc doc;
    doc.model = tiny::bpe(vocab, {"Ġ t", "Ġt h"});
    doc.pre_tokenizer = tiny::byte_level(false, true);
    doc.decoder = {{"type", "ByteLevel"}};
    toks.push_back(doc.load());
  }
  std::vector<Ids> first;
  for (const Tokenizer& t : toks) first.push_back(t.encode(" the thin thumb", false));
  for (int round = 0; round < 3; ++round) {
    for (size_t k = 0; k < toks.size(); ++k) CHECK(toks[k].encode(" the thin thumb", false) == first[k]);
  }
  CHECK(first[0] != first[1]);
  CHECK(toks[3].decode(first[3], false) == " the thin thumb");
}
