// dedup_lsh.cpp: the S-curve, its integrals, the (b, r) search, band keys.
#include "dedup_lsh.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "dedup_hash.hpp"

namespace dsforge::data::dedup {
namespace {

struct Curve {
  double bands, rows;
};

double candidate_at(double s, const void* ctx) {
  const auto* c = static_cast<const Curve*>(ctx);
  return 1.0 - std::pow(1.0 - std::pow(s, c->rows), c->bands);
}

double miss_at(double s, const void* ctx) { return 1.0 - candidate_at(s, ctx); }

using Fn = double (*)(double, const void*);

// One level of adaptive Simpson: `whole` is Simpson's rule on [a, b] with
// fa, fm, fb at a, (a+b)/2, b.
double simpson_step(Fn f, const void* ctx, double a, double b, double fa, double fm, double fb,
                    double whole, double eps, int depth) {
  const double m = 0.5 * (a + b);
  const double lm = 0.5 * (a + m), rm = 0.5 * (m + b);
  const double flm = f(lm, ctx), frm = f(rm, ctx);
  const double left = (m - a) / 6.0 * (fa + 4.0 * flm + fm);
  const double right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
  const double diff = left + right - whole;
  if (depth <= 0 || std::fabs(diff) <= 15.0 * eps) return left + right + diff / 15.0;
  return simpson_step(f, ctx, a, m, fa, flm, fm, left, 0.5 * eps, depth - 1) +
         simpson_step(f, ctx, m, b, fm, frm, fb, right, 0.5 * eps, depth - 1);
}

}  // namespace

double integrate_simpson(Fn f, const void* ctx, double lo, double hi, double eps) {
  if (!(hi > lo)) return 0.0;
  // Start from 8 panels so a narrow feature (a steep S-curve) cannot hide
  // between the first few sample points.
  constexpr int kPanels = 8;
  const double h = (hi - lo) / kPanels;
  double total = 0.0;
  for (int i = 0; i < kPanels; ++i) {
    const double a = lo + h * i, b = i + 1 == kPanels ? hi : lo + h * (i + 1);
    const double fa = f(a, ctx), fb = f(b, ctx), fm = f(0.5 * (a + b), ctx);
    const double whole = (b - a) / 6.0 * (fa + 4.0 * fm + fb);
    total += simpson_step(f, ctx, a, b, fa, fm, fb, whole, eps / kPanels, 48);
  }
  return total;
}

double lsh_candidate_probability(double s, size_t bands, size_t rows) {
  const Curve c{double(bands), double(rows)};
  return candidate_at(s, &c);
}

double lsh_false_positive_area(double threshold, size_t bands, size_t rows) {
  const Curve c{double(bands), double(rows)};
  return integrate_simpson(&candidate_at, &c, 0.0, threshold, 1e-12);
}

double lsh_false_negative_area(double threshold, size_t bands, size_t rows) {
  const Curve c{double(bands), double(rows)};
  return integrate_simpson(&miss_at, &c, threshold, 1.0, 1e-12);
}

LshParams optimal_lsh_params(double threshold, size_t num_perm, double fp_weight,
                             double fn_weight) {
  if (!(threshold > 0.0 && threshold <= 1.0))
    throw std::invalid_argument("threshold must be in (0, 1], got " + std::to_string(threshold));
  if (num_perm == 0) throw std::invalid_argument("num_perm must be >= 1, got 0");
  if (!(fp_weight >= 0.0 && fn_weight >= 0.0))
    throw std::invalid_argument("LSH weights must be >= 0");
  double best = std::numeric_limits<double>::infinity();
  LshParams opt;
  for (size_t b = 1; b <= num_perm; ++b) {
    for (size_t r = 1; r <= num_perm / b; ++r) {
      const double err = fp_weight * lsh_false_positive_area(threshold, b, r) +
                         fn_weight * lsh_false_negative_area(threshold, b, r);
      if (err < best) {
        best = err;
        opt = {b, r};
      }
    }
  }
  return opt;
}

uint64_t lsh_band_key(const uint64_t* sig, size_t band, size_t rows) {
  return hash64(sig + band * rows, rows * sizeof(uint64_t), 0x4c534842414e4400ULL + band);
}

bool lsh_is_candidate(const uint64_t* a, const uint64_t* b, const LshParams& p) {
  for (size_t band = 0; band < p.bands; ++band) {
    bool all = true;
    for (size_t r = 0; r < p.rows && all; ++r) all = a[band * p.rows + r] == b[band * p.rows + r];
    if (all) return true;
  }
  return false;
}

}  // namespace dsforge::data::dedup
