// test_augment_text.cpp: punctuation noise, synonyms and templates are
// deterministic for (seed, position), follow their rates within binomial
// tolerance, and respect the script they are in.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "augment_text.hpp"
#include "catch.hpp"
#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

using namespace dsforge::data;

namespace {

// |observed - n p| within 5 standard deviations (a false alarm about once in
// 1.7 million runs; the seeds are fixed anyway).
void check_binomial(uint64_t observed, uint64_t n, double p) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  INFO("observed " << observed << " of " << n << ", expected " << mean << " +- " << 5 * sd);
  CHECK(std::fabs(static_cast<double>(observed) - mean) <= 5 * sd + 1e-9);
}

size_t count_of(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

size_t count_ascii_marks(const std::string& s) {
  size_t n = 0;
  for (const char c : s) n += std::string(",.!?;:").find(c) != std::string::npos;
  return n;
}

size_t count_wide_marks(const std::string& s) {
  size_t n = 0;
  for (const char* m : {"，", "。", "！", "？", "、", "；", "："}) n += count_of(s, m);
  return n;
}

std::string repeat(const std::string& unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

}  // namespace

TEST_CASE("punctuation insert: ASCII after Latin words, full-width after CJK letters", "[augment]") {
  NoiseOptions always{1.0, NoiseMode::insert};
  Rng rng(1);
  const std::string latin = punctuation_noise("hello big world", always, rng);
  INFO(latin);
  CHECK(count_ascii_marks(latin) == 3);  // after each of the three words
  CHECK(latin.size() == std::string("hello big world").size() + 3);
  CHECK(latin.substr(0, 5) == "hello");

  const std::string cjk = punctuation_noise("你好世界", always, rng);
  INFO(cjk);
  CHECK(count_wide_marks(cjk) == 4);  // after each letter
  CHECK(count_ascii_marks(cjk) == 0);
  CHECK(utf8_length(cjk) == 8);

  // Mixed: "用Python写" gets an ASCII mark after "Python" (it ends at a CJK
  // letter), full-width ones after the CJK letters; none before existing marks.
  EditCount n;
  const std::string mixed = punctuation_noise("用Python写，好", always, rng, &n);
  INFO(mixed);
  CHECK(n.eligible == 3);  // 用 | Python | 好 (not 写: a mark follows)
  CHECK(n.changed == 3);
  CHECK(count_ascii_marks(mixed) == 1);
  CHECK(count_wide_marks(mixed) == 3);  // the original ， and two new ones
}

TEST_CASE("punctuation delete removes listed marks but not decimal points", "[augment]") {
  NoiseOptions always{1.0, NoiseMode::remove};
  Rng rng(2);
  EditCount n;
  CHECK(punctuation_noise("Pi is 3.14, roughly; 1,000 times!", always, rng, &n) ==
        "Pi is 3.14 roughly 1,000 times");
  CHECK(n.eligible == 3);
  CHECK(punctuation_noise("你好，世界。真的吗？", always, rng) == "你好世界真的吗");
  // Brackets, quotes and hyphens are never touched.
  CHECK(punctuation_noise("\"well-known\" (x)", always, rng) == "\"well-known\" (x)");
  NoiseOptions never{0.0, NoiseMode::both};
  CHECK(punctuation_noise("你好，世界。a, b.", never, rng) == "你好，世界。a, b.");
}

TEST_CASE("punctuation noise follows its rate within binomial tolerance", "[augment]") {
  const std::string latin = repeat("lorem ipsum dolor, sit amet. ", 40);
  const std::string cjk = repeat("我们今天去公园散步，天气很好。", 20);
  for (const double rate : {0.05, 0.3}) {
    for (const NoiseMode mode : {NoiseMode::insert, NoiseMode::remove, NoiseMode::both}) {
      EditCount total;
      for (uint64_t pos = 0; pos < 40; ++pos) {
        Rng rng(seed_of(99, pos));
        const std::string& text = pos % 2 ? cjk : latin;
        EditCount one;
        const std::string out = punctuation_noise(text, NoiseOptions{rate, mode}, rng, &one);
        // The counts describe the text: marks added minus marks removed.
        const long before = static_cast<long>(count_ascii_marks(text) + count_wide_marks(text));
        const long after = static_cast<long>(count_ascii_marks(out) + count_wide_marks(out));
        if (mode == NoiseMode::insert) CHECK(after - before == static_cast<long>(one.changed));
        if (mode == NoiseMode::remove) CHECK(before - after == static_cast<long>(one.changed));
        total.eligible += one.eligible;
        total.changed += one.changed;
      }
      INFO("rate " << rate << " mode " << static_cast<int>(mode));
      CHECK(total.eligible > 1000);
      check_binomial(total.changed, total.eligible, rate);
    }
  }
}

TEST_CASE("synonym tables parse TSV and CSV lines, with errors naming file:line", "[augment]") {
  SynonymTable t;
  t.parse("\xEF\xBB\xBF# word\tsynonyms\nhappy\tglad|joyful\r\n\n快乐\t高兴|开心\tglad\nbig,large|huge\n"
          "happy\tcheerful|glad\n",
          "syn.tsv");
  t.build();
  CHECK(t.size() == 3);
  CHECK(*t.find("happy") == std::vector<std::string>{"glad", "joyful", "cheerful"});
  CHECK(*t.find("快乐") == std::vector<std::string>{"高兴", "开心", "glad"});
  CHECK(*t.find("big") == std::vector<std::string>{"large", "huge"});
  CHECK(t.find("sad") == nullptr);

  SynonymTable bad;
  try {
    bad.parse("ok\tfine\nlonely-word\n", "syn.tsv");
    FAIL("expected an error");
  } catch (const ds::Error& e) {
    CHECK(std::string(e.what()).find("syn.tsv:2: expected \"word<TAB>synonym1|synonym2\"") == 0);
  }
  CHECK_THROWS_WITH(bad.parse("word\t|\n", "s.tsv"), Catch::Contains("s.tsv:1: no synonyms"));
  CHECK_THROWS_WITH(bad.parse("w\xff\tx\n", "s.tsv"), Catch::Contains("s.tsv:1: invalid UTF-8"));
}

TEST_CASE("synonyms: whole Latin words, longest-match CJK words", "[augment]") {
  SynonymTable t;
  t.add("happy", {"glad"});
  t.add("自然", {"天然"});
  t.add("自然语言处理", {"NLP"});
  t.add("语言", {"言语"});
  t.build();
  Rng rng(3);
  EditCount n;
  CHECK(t.replace("Happy? I am happy, unhappy, (happy)", 1.0, rng, &n) ==
        "Happy? I am glad, unhappy, (glad)");
  CHECK(n.eligible == 2);
  // The scan takes the longest word at each position: "自然语言处理", not
  // "自然" + "语言"; then "自然" on its own.
  CHECK(t.replace("自然语言处理很自然", 1.0, rng) == "NLP很天然");
  CHECK(t.replace("学习语言", 1.0, rng) == "学习言语");
  CHECK(t.replace("I like 自然 and happy things", 1.0, rng) == "I like 天然 and glad things");
  CHECK(t.replace("自然语言处理", 0.0, rng) == "自然语言处理");
}

TEST_CASE("synonym replacement follows synonym_rate within binomial tolerance", "[augment]") {
  SynonymTable t;
  t.add("cat", {"feline", "kitty"});
  t.add("猫", {"猫咪"});
  t.build();
  const std::string text = repeat("the cat saw a 猫 ", 100);
  EditCount total;
  for (uint64_t pos = 0; pos < 50; ++pos) {
    Rng rng(seed_of(5, pos));
    EditCount one;
    const std::string out = t.replace(text, 0.25, rng, &one);
    CHECK(one.eligible == 200);
    CHECK(count_of(out, "feline") + count_of(out, "kitty") + count_of(out, "猫咪") == one.changed);
    total.eligible += one.eligible;
    total.changed += one.changed;
  }
  check_binomial(total.changed, total.eligible, 0.25);
}

TEST_CASE("augment_text is a function of seed and position", "[augment]") {
  AugmentOptions opt;
  opt.seed = 42;
  opt.noise = NoiseOptions{0.3, NoiseMode::both};
  opt.synonyms.add("quick", {"fast", "speedy"});
  opt.synonyms.add("狐狸", {"狐"});
  opt.synonyms.build();
  opt.synonym_rate = 0.5;
  const std::string text = "The quick brown fox, the quick dog. 敏捷的狐狸跳过了懒狗，狐狸很快。";
  const std::string a = augment_text(text, nullptr, 7, opt);
  CHECK(augment_text(text, nullptr, 7, opt) == a);
  int differing = 0;
  for (uint64_t pos = 0; pos < 20; ++pos) differing += augment_text(text, nullptr, pos, opt) != a;
  CHECK(differing >= 18);  // other positions draw other choices
  AugmentOptions seed_a, seed_b;
  seed_a.seed = 42;
  seed_b.seed = 43;
  seed_a.noise = seed_b.noise = opt.noise;
  CHECK(augment_text(text, nullptr, 7, seed_a) != augment_text(text, nullptr, 7, seed_b));
}

TEST_CASE("templates fill {text} and meta fields; each step has its own random stream", "[augment]") {
  AugmentOptions noise_only;
  noise_only.seed = 9;
  noise_only.noise = NoiseOptions{0.5, NoiseMode::insert};
  AugmentOptions with_template;
  with_template.seed = 9;
  with_template.noise = noise_only.noise;
  with_template.templates.emplace_back("<{text}>");
  const std::string text = "a b c d e f g h 一二三四五六";
  for (uint64_t pos = 0; pos < 10; ++pos)
    CHECK(augment_text(text, nullptr, pos, with_template) ==
          "<" + augment_text(text, nullptr, pos, noise_only) + ">");

  AugmentOptions tpl;
  tpl.templates.emplace_back("问题：{question}\n回答：{text}");
  tpl.templates.emplace_back("Q: {question} (id {id})\nA: {text}");
  tpl.templates.emplace_back("Just {text}");
  const nlohmann::ordered_json meta = {{"question", "为什么天是蓝的？"}, {"id", 17}};
  std::map<std::string, int> seen;
  AugmentStats stats;
  for (uint64_t pos = 0; pos < 300; ++pos) ++seen[augment_text("瑞利散射。", &meta, pos, tpl, &stats)];
  CHECK(seen.size() == 3);
  CHECK(seen.count("问题：为什么天是蓝的？\n回答：瑞利散射。") == 1);
  CHECK(seen.count("Q: 为什么天是蓝的？ (id 17)\nA: 瑞利散射。") == 1);
  CHECK(seen.count("Just 瑞利散射。") == 1);
  for (const auto& [out, times] : seen) check_binomial(static_cast<uint64_t>(times), 300, 1.0 / 3);
  CHECK(stats.templated == 300);

  // A record without "question" only gets templates it can fill.
  const nlohmann::ordered_json bare = nlohmann::ordered_json::object();
  for (uint64_t pos = 0; pos < 20; ++pos) CHECK(augment_text("x", &bare, pos, tpl) == "Just x");
  AugmentOptions needs_field;
  needs_field.templates.emplace_back("{title}: {text}");
  AugmentStats none;
  CHECK(augment_text("x", &bare, 0, needs_field, &none) == "x");
  CHECK(none.no_template == 1);
}
