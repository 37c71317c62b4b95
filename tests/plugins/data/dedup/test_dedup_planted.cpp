// test_dedup_planted.cpp: recall and precision of the near-dedup core on
// planted near duplicates of real text (English and Chinese fortunes),
// asserted against LSH theory.
//
// Each trial plants one edited copy per original with a known exact Jaccard
// similarity J (spread from 0.5 to 1 around the 0.8 threshold), runs
// NearDedup with a fresh seed, and records whether the pair ended up in one
// cluster. Pairs are isolated (originals are mutually dissimilar), so the
// chance of detection is the pair's own:
//   verify = false: the S-curve P(J) = 1 - (1 - J^r)^b;
//   verify = true:  P(some band agrees on all r rows AND at least m* of the
//                   num_perm entries agree), m* the least count with
//                   m*/num_perm >= threshold, computed exactly below for
//                   entries that agree independently with probability J.
// The observed number of detections in each band of J, and the true and
// false positives at the threshold (hence recall and precision), must be
// within 4 standard deviations of the Poisson-binomial expectation (plus a
// 2% allowance for the permutation family being only approximately
// min-wise independent).
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "catch.hpp"
#include "dedup_cluster.hpp"
#include "dedup_lsh.hpp"
#include "fortune_corpus.hpp"

using namespace dsforge::data::dedup;
using dedup_test::Lang;

namespace {

struct Observation {
  double j;
  double p;  // modelled chance of detection
  bool detected;
};

double binomial_pmf(size_t n, size_t k, double p) {
  const double logc = std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) -
                      std::lgamma(double(n - k) + 1);
  if (p <= 0) return k == 0 ? 1.0 : 0.0;
  if (p >= 1) return k == n ? 1.0 : 0.0;
  return std::exp(logc + double(k) * std::log(p) + double(n - k) * std::log1p(-p));
}

// P(candidate in some band AND at least `need` of num_perm entries agree).
double detect_with_verify(double j, const LshParams& lp, size_t num_perm, size_t need) {
  std::vector<double> open(num_perm + 1, 0.0), hit(num_perm + 1, 0.0);  // by agreeing entries
  open[0] = 1.0;
  std::vector<double> row(lp.rows + 1);
  for (size_t m = 0; m <= lp.rows; ++m) row[m] = binomial_pmf(lp.rows, m, j);
  for (size_t band = 0; band < lp.bands; ++band) {
    std::vector<double> o2(num_perm + 1, 0.0), h2(num_perm + 1, 0.0);
    for (size_t t = 0; t + lp.rows <= num_perm; ++t) {
      if (open[t] == 0 && hit[t] == 0) continue;
      for (size_t m = 0; m <= lp.rows; ++m) {
        h2[t + m] += hit[t] * row[m];
        (m == lp.rows ? h2 : o2)[t + m] += open[t] * row[m];
      }
    }
    open.swap(o2);
    hit.swap(h2);
  }
  const size_t rest = num_perm - lp.bands * lp.rows;
  double p = 0;
  for (size_t t = 0; t <= num_perm; ++t) {
    if (hit[t] == 0) continue;
    for (size_t m = 0; m <= rest; ++m) {
      if (t + m >= need) p += hit[t] * binomial_pmf(rest, m, j);
    }
  }
  return p;
}

size_t needed_equal(double threshold, size_t num_perm) {
  for (size_t m = 0; m <= num_perm; ++m) {
    if (double(m) / double(num_perm) >= threshold) return m;
  }
  return num_perm;
}

struct TrialResult {
  std::vector<Observation> planted;
  size_t unplanted_detected = 0;  // pairs in one cluster that were not planted
  size_t documents = 0;
};

TrialResult run_trials(const std::vector<std::string>& fortunes, Lang lang, size_t trials,
                       dedup_test::PlantOptions plant, NearDedupOptions opt) {
  TrialResult out;
  const LshParams lp = resolve_lsh_params(opt);
  const size_t need = needed_equal(opt.threshold, opt.num_perm);
  plant.shingle = opt.shingle;
  for (size_t t = 0; t < trials; ++t) {
    dedup_test::PlantedCorpus corpus;
    plant.seed = 100 + t;
    dedup_test::plant(fortunes, lang, plant, corpus);
    opt.seed = 7000 + t;
    NearDedup d(opt);
    for (const std::string& doc : corpus.docs) d.add(doc);
    out.documents += corpus.docs.size();
    std::map<size_t, size_t> members;
    for (size_t i = 0; i < d.size(); ++i) ++members[d.cluster_of(i)];
    size_t together = 0;
    for (const auto& [root, n] : members) together += n * (n - 1) / 2;
    size_t planted_together = 0;
    for (const auto& pair : corpus.pairs) {
      const bool hit = d.cluster_of(pair.original) == d.cluster_of(pair.copy);
      planted_together += hit;
      const double p = opt.verify ? detect_with_verify(pair.jaccard, lp, opt.num_perm, need)
                                  : lsh_candidate_probability(pair.jaccard, lp.bands, lp.rows);
      out.planted.push_back({pair.jaccard, p, hit});
    }
    out.unplanted_detected += together - planted_together;
  }
  return out;
}

// |observed - expected| within 4 sigma of the Poisson binomial + 2% + 1.
bool within(double observed, double expected, double variance, size_t n) {
  return std::fabs(observed - expected) <= 4.0 * std::sqrt(variance) + 0.02 * double(n) + 1.0;
}

void check_against_theory(const TrialResult& r, double threshold, const char* label) {
  REQUIRE(r.planted.size() >= 500);
  // A clean design: nothing but planted pairs clusters together.
  CHECK(r.unplanted_detected == 0);

  // By band of J.
  const double edges[] = {0.0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.9999, 1.01};
  std::printf("%s: %zu planted pairs in %zu documents\n", label, r.planted.size(), r.documents);
  std::printf("  J range        pairs  detected  expected\n");
  for (size_t b = 0; b + 1 < std::size(edges); ++b) {
    size_t n = 0;
    double obs = 0, exp = 0, var = 0;
    for (const Observation& o : r.planted) {
      if (o.j < edges[b] || o.j >= edges[b + 1]) continue;
      ++n;
      obs += o.detected;
      exp += o.p;
      var += o.p * (1 - o.p);
    }
    if (n == 0) continue;
    if (edges[b] > 0.999) {
      std::printf("  J = 1         %5zu  %8.0f  %8.1f\n", n, obs, exp);
    } else {
      std::printf("  [%.2f, %.2f)  %5zu  %8.0f  %8.1f\n", edges[b], edges[b + 1], n, obs, exp);
    }
    INFO(label << ": J in [" << edges[b] << ", " << edges[b + 1] << "): " << n << " pairs, "
               << obs << " detected, " << exp << " expected (sd " << std::sqrt(var) << ")");
    CHECK(within(obs, exp, var, n));
  }

  // Recall and precision at the threshold.
  size_t pos = 0;
  double tp = 0, fp = double(r.unplanted_detected), etp = 0, vtp = 0, efp = 0, vfp = 0;
  for (const Observation& o : r.planted) {
    if (o.j >= threshold) {
      ++pos;
      tp += o.detected;
      etp += o.p;
      vtp += o.p * (1 - o.p);
    } else {
      fp += o.detected;
      efp += o.p;
      vfp += o.p * (1 - o.p);
    }
  }
  REQUIRE(pos > 0);
  const double recall = tp / double(pos), precision = tp / (tp + fp);
  const double expected_recall = etp / double(pos), expected_precision = etp / (etp + efp);
  std::printf("  recall %.3f (expected %.3f), precision %.3f (expected %.3f)\n", recall,
              expected_recall, precision, expected_precision);
  INFO(label << ": recall " << recall << " vs " << expected_recall << ", precision " << precision
             << " vs " << expected_precision << "; TP " << tp << " (E " << etp << "), FP " << fp
             << " (E " << efp << ")");
  CHECK(within(tp, etp, vtp, pos));
  CHECK(within(fp, efp, vfp, r.planted.size() - pos));
  // The same bounds, read as recall and precision.
  const double slack_tp = 4.0 * std::sqrt(vtp) + 0.02 * double(pos) + 1.0;
  const double slack_fp = 4.0 * std::sqrt(vfp) + 0.02 * double(r.planted.size() - pos) + 1.0;
  CHECK(recall >= (etp - slack_tp) / double(pos));
  CHECK(recall <= (etp + slack_tp) / double(pos));
  const double tp_lo = std::fmax(0.0, etp - slack_tp), fp_lo = std::fmax(0.0, efp - slack_fp);
  CHECK(precision >= tp_lo / (tp_lo + efp + slack_fp));
  CHECK(precision <= (etp + slack_tp) / (etp + slack_tp + fp_lo));
}

dedup_test::PlantOptions english_plants() {
  dedup_test::PlantOptions p;
  p.originals = 1000;  // as many as the file gives (about 40 of 120+ words)
  p.min_tokens = 120;
  return p;
}

dedup_test::PlantOptions chinese_plants() {
  dedup_test::PlantOptions p;
  p.originals = 250;
  p.min_tokens = 120;
  p.max_tokens = 600;
  return p;
}

}  // namespace

TEST_CASE("the modelled chance of detection is sane", "[dedup][planted]") {
  const LshParams lp{9, 13};
  CHECK(detect_with_verify(1.0, lp, 128, 103) > 0.999999);
  CHECK(detect_with_verify(0.0, lp, 128, 103) == 0.0);
  // Verify can only lower the S-curve, and hardly does well above threshold.
  for (double j : {0.5, 0.7, 0.8, 0.9}) {
    CHECK(detect_with_verify(j, lp, 128, 103) <= lsh_candidate_probability(j, 9, 13) + 1e-12);
  }
  CHECK(detect_with_verify(0.95, lp, 128, 103) > 0.99 * lsh_candidate_probability(0.95, 9, 13));
  // need = 0 and no leftover entries: the plain S-curve.
  CHECK(std::fabs(detect_with_verify(0.8, {8, 16}, 128, 0) - lsh_candidate_probability(0.8, 8, 16)) <
        1e-12);
}

TEST_CASE("planted near duplicates of English fortunes follow the LSH S-curve",
          "[dedup][planted][fortune]") {
  const auto en = dedup_test::read_fortunes(dedup_test::fortune_path("fortunes"));
  if (en.empty()) {
    WARN("fortunes not installed; skipped");
    return;
  }
  NearDedupOptions opt;  // ngram 5, auto (words here), 128 perms, threshold 0.8 -> (9, 13)
  REQUIRE(resolve_lsh_params(opt).bands == 9);
  REQUIRE(resolve_lsh_params(opt).rows == 13);
  SECTION("plain LSH (verify = false)") {
    opt.verify = false;
    check_against_theory(run_trials(en, Lang::english, 30, english_plants(), opt), 0.8,
                         "english, verify=false");
  }
  SECTION("LSH + verify") {
    opt.verify = true;
    check_against_theory(run_trials(en, Lang::english, 30, english_plants(), opt), 0.8,
                         "english, verify=true");
  }
}

TEST_CASE("planted near duplicates of Chinese fortunes follow the LSH S-curve",
          "[dedup][planted][fortune]") {
  const auto zh = dedup_test::read_fortunes(dedup_test::fortune_path("chinese"));
  if (zh.empty()) {
    WARN("fortunes-zh not installed; skipped");
    return;
  }
  NearDedupOptions opt;  // auto picks chars for these
  SECTION("plain LSH (verify = false)") {
    opt.verify = false;
    check_against_theory(run_trials(zh, Lang::chinese, 5, chinese_plants(), opt), 0.8,
                         "chinese, verify=false");
  }
  SECTION("LSH + verify") {
    opt.verify = true;
    check_against_theory(run_trials(zh, Lang::chinese, 5, chinese_plants(), opt), 0.8,
                         "chinese, verify=true");
  }
  SECTION("another threshold and num_perm: 0.7 with 256 permutations") {
    opt.verify = false;
    opt.threshold = 0.7;
    opt.num_perm = 256;
    auto plants = chinese_plants();
    plants.targets = {0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.0};
    check_against_theory(run_trials(zh, Lang::chinese, 4, plants, opt), 0.7,
                         "chinese, t=0.7, 256 perms, verify=false");
  }
}
