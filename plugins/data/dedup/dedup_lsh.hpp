// dedup_lsh.hpp: LSH banding over MinHash signatures: the S-curve, the
// choice of (bands, rows) for a similarity threshold, and band keys.
//
// A signature is cut into `bands` bands of `rows` entries (entries past
// bands*rows are not banded; they still count in the Jaccard estimate). Two
// documents are candidates when all rows of at least one band agree, which
// for Jaccard similarity s happens with probability
//     P(s) = 1 - (1 - s^rows)^bands          (the S-curve).
// optimal_lsh_params() picks the (b, r), b*r <= num_perm, that minimizes
//     fp_weight * integral_0^t P(s) ds + fn_weight * integral_t^1 (1 - P(s)) ds
// over b = 1..num_perm, r = 1..num_perm/b (first minimum in that order), the
// rule of datasketch's MinHashLSH, so both pick the same (b, r): (9, 13)
// for t = 0.8 and 128 permutations. The integrals are computed here with an
// adaptive Simpson rule (abs. error < 1e-12); the integrands are smooth
// polynomials of degree b*r.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dsforge::data::dedup {

struct LshParams {
  size_t bands = 0;
  size_t rows = 0;
};

// P(s) above.
double lsh_candidate_probability(double s, size_t bands, size_t rows);

// integral_0^threshold P(s) ds.
double lsh_false_positive_area(double threshold, size_t bands, size_t rows);
// integral_threshold^1 (1 - P(s)) ds.
double lsh_false_negative_area(double threshold, size_t bands, size_t rows);

// threshold in (0, 1], num_perm >= 1, weights >= 0; throws
// std::invalid_argument otherwise.
LshParams optimal_lsh_params(double threshold, size_t num_perm, double fp_weight = 0.5,
                             double fn_weight = 0.5);

// The bucket key of band `band` of `sig`: a hash of its rows, seeded with the
// band number so equal rows in different bands do not share a bucket.
uint64_t lsh_band_key(const uint64_t* sig, size_t band, size_t rows);

// Whether two signatures agree on all rows of at least one band.
bool lsh_is_candidate(const uint64_t* a, const uint64_t* b, const LshParams& p);

// Integral of f over [lo, hi] by adaptive Simpson to absolute error `eps`
// (exposed for tests; f is called through a plain function pointer).
double integrate_simpson(double (*f)(double, const void*), const void* ctx, double lo, double hi,
                         double eps);

}  // namespace dsforge::data::dedup
