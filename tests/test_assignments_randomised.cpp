// Randomised rungs of the assignments (docs/assignments/README.md#randomised-rungs-and-the-fast-path-check):
// sizes and values are drawn from RICHLAZY_GRADE_SEED, which `make grade` sets afresh at every grading run
// (a seed the student does not know), and the student's function is checked against an INDEPENDENT
// computation written here (a plain loop, central differences, a closed form), never against another
// function of the library the student could call.  A function that returns constants or looks its hand cases up fails them.
// Without the variable (`make test`) the seed is fixed, so the suite stays deterministic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "linalg/effective_rank.h"
#include "linalg/rng.h"
#include "linalg/svd.h"
#include "nn/gradcheck.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "nn/ntk_rnn.h"
#include "nn/rnn.h"
#include "tasks/perceptual_decision.h"
#include "theory/linear_alignment.h"

namespace rl {
namespace {

std::uint64_t grade_seed() {
  const char* text = std::getenv("RICHLAZY_GRADE_SEED");
  return text && *text ? std::strtoull(text, nullptr, 10) : 20240507u;
}

std::string seed_note(std::uint64_t seed) {
  return " (randomised rung, seed " + std::to_string(seed) + ": RICHLAZY_GRADE_SEED=" + std::to_string(seed) +
         " reproduces it)";
}

Matrix normal_matrix(std::size_t rows, std::size_t cols, double scale, Rng& rng) {
  Matrix m(rows, cols);
  for (double& v : m.values()) v = scale * rng.normal();
  return m;
}

// A network of random shape: N >= 2 units, n_in != N inputs (a transpose of W_in cannot fit), B >= 2
// trials, T >= 2 steps, K >= 2 outputs; alpha in [0.3, 0.9] (the leak matters); tanh (smooth, so central
// differences are accurate everywhere).
struct RandomCase {
  RnnConfig c;
  RnnParams p;
  SeqBatch s;
  Matrix D;  // dL/dy of the loss L = sum D .* y
  std::string shape;
};

RandomCase random_case(Rng& rng) {
  RandomCase r;
  const std::size_t N = 2 + rng.below(3), n_in = N + 1 + rng.below(2), K = 2 + rng.below(2);
  const std::size_t T = 2 + rng.below(3), B = 2 + rng.below(2);
  r.c = RnnConfig{n_in, N, K, 0.3 + 0.6 * rng.uniform(), Activation::kTanh};
  r.p = RnnParams{normal_matrix(N, n_in, 1.0 / std::sqrt(double(n_in)), rng),
                  normal_matrix(N, N, 1.2 / std::sqrt(double(N)), rng), normal_matrix(K, N, 1.0, rng)};
  r.s = SeqBatch{T, B, normal_matrix(T * B, n_in, 1.0, rng), {}};
  r.D = normal_matrix(T * B, K, 1.0, rng);
  std::ostringstream o;
  o << "N = " << N << ", n_in = " << n_in << ", K = " << K << ", T = " << T << ", B = " << B
    << ", alpha = " << r.c.alpha << ", tanh";
  r.shape = o.str();
  return r;
}

// The CT-RNN written out as plainly as possible, one trial at a time (docs/bptt.md#1-the-model):
// u_t = (1 - alpha) h_{t-1} + alpha (W_in x_t + W_h h_{t-1}), h_t = tanh(u_t), y_t = W_out h_t, h_{-1} = 0.
struct PlainTrace {
  Matrix pre, h, y;
};

PlainTrace plain_forward(const RnnParams& p, const RnnConfig& c, const SeqBatch& s) {
  PlainTrace out{Matrix(s.T * s.B, c.N), Matrix(s.T * s.B, c.N), Matrix(s.T * s.B, c.K)};
  for (std::size_t b = 0; b < s.B; ++b) {
    std::vector<double> h(c.N, 0.0), next(c.N);
    for (std::size_t t = 0; t < s.T; ++t) {
      const std::size_t row = t * s.B + b;
      for (std::size_t i = 0; i < c.N; ++i) {
        double drive = 0.0;
        for (std::size_t j = 0; j < c.n_in; ++j) drive += p.W_in(i, j) * s.x(row, j);
        for (std::size_t j = 0; j < c.N; ++j) drive += p.W_h(i, j) * h[j];
        const double u = (1.0 - c.alpha) * h[i] + c.alpha * drive;
        out.pre(row, i) = u;
        next[i] = std::tanh(u);
        out.h(row, i) = next[i];
      }
      h = next;
      for (std::size_t k = 0; k < c.K; ++k) {
        double y = 0.0;
        for (std::size_t i = 0; i < c.N; ++i) y += p.W_out(k, i) * h[i];
        out.y(row, k) = y;
      }
    }
  }
  return out;
}

// The first entry where got and want differ by more than tol (relative to max(1, |want|)), named with
// its step, trial and unit; "" when none does.
std::string first_mismatch(const char* what, const Matrix& got, const Matrix& want, std::size_t B, double tol) {
  if (got.rows() != want.rows() || got.cols() != want.cols())
    return std::string(what) + " has shape (" + std::to_string(got.rows()) + ", " + std::to_string(got.cols()) +
           "), expected (" + std::to_string(want.rows()) + ", " + std::to_string(want.cols()) + ")";
  for (std::size_t r = 0; r < want.rows(); ++r)
    for (std::size_t j = 0; j < want.cols(); ++j)
      if (!(std::fabs(got(r, j) - want(r, j)) <= tol * std::max(1.0, std::fabs(want(r, j))))) {
        std::ostringstream o;
        o.precision(10);
        o << what << " at step t = " << r / B << ", trial b = " << r % B << ", entry " << j << ": expected "
          << want(r, j) << ", got " << got(r, j);
        return o.str();
      }
  return "";
}

// Graded (A3, randomised rung).  rnn_forward_reference against the plain loop above.
TEST(RandomisedA3, ForwardMatchesAPlainLoopOnARandomNetwork) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed);
  const RandomCase r = random_case(rng);
  const RnnTrace tr = rnn_forward_reference(r.p, r.c, r.s);
  const PlainTrace want = plain_forward(r.p, r.c, r.s);
  for (const auto& [what, got, expected] :
       {std::make_tuple("u (pre)", &tr.pre, &want.pre), std::make_tuple("h", &tr.h, &want.h),
        std::make_tuple("y", &tr.y, &want.y)}) {
    const std::string bad = first_mismatch(what, *got, *expected, r.s.B, 1e-12);
    EXPECT_EQ(bad, "") << bad << "; " << r.shape << seed_note(seed) << " (docs/bptt.md#1-the-model)";
    if (!bad.empty()) break;
  }
}

double linear_loss(const Matrix& y, const Matrix& D) {
  double l = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) l += D.values()[i] * y.values()[i];
  return l;
}

// Graded (A3, randomised rung).  rnn_backward_reference on the plain forward's trace against central
// differences of the plain forward pass (step 1e-6: error ~1e-11 for tanh at these sizes).
TEST(RandomisedA3, GradientsMatchCentralDifferencesOnARandomNetwork) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 1);
  RandomCase r = random_case(rng);
  const PlainTrace plain = plain_forward(r.p, r.c, r.s);
  const RnnTrace tr{r.s.T, r.s.B, plain.pre, plain.h, plain.y};
  RnnParams g = zero_params(r.c);
  rnn_backward_reference(r.p, r.c, r.s, tr, r.D, g);
  const char* names[] = {"dW_in", "dW_h", "dW_out"};
  Matrix* params[] = {&r.p.W_in, &r.p.W_h, &r.p.W_out};
  const Matrix* grads[] = {&g.W_in, &g.W_h, &g.W_out};
  for (int m = 0; m < 3; ++m) {
    Matrix& w = *params[m];
    ASSERT_EQ(grads[m]->rows(), w.rows()) << names[m] << " has the wrong shape" << seed_note(seed);
    ASSERT_EQ(grads[m]->cols(), w.cols()) << names[m] << " has the wrong shape" << seed_note(seed);
    for (std::size_t i = 0; i < w.rows(); ++i)
      for (std::size_t j = 0; j < w.cols(); ++j) {
        const double w0 = w(i, j), h = 1e-6;
        w(i, j) = w0 + h;
        const double up = linear_loss(plain_forward(r.p, r.c, r.s).y, r.D);
        w(i, j) = w0 - h;
        const double down = linear_loss(plain_forward(r.p, r.c, r.s).y, r.D);
        w(i, j) = w0;
        const double fd = (up - down) / (2 * h), got = (*grads[m])(i, j);
        if (!(std::fabs(got - fd) <= 1e-6 * std::max(1.0, std::fabs(fd)))) {
          ADD_FAILURE() << names[m] << "(" << i << ", " << j << "): central difference " << fd << ", got " << got
                        << "; " << r.shape << seed_note(seed) << " (docs/bptt.md#4-hand-derivation)";
          return;
        }
      }
  }
}

// y(row, k) of the (trusted, plain) forward pass, as one vector: the outputs the kernel is over.
std::vector<double> selected_outputs(const RandomCase& r, Steps steps) {
  const PlainTrace tr = plain_forward(r.p, r.c, r.s);
  std::vector<double> out;
  const std::size_t first = steps == Steps::kAll ? 0 : r.s.T - 1;
  for (std::size_t t = first; t < r.s.T; ++t)
    for (std::size_t b = 0; b < r.s.B; ++b)
      for (std::size_t k = 0; k < r.c.K; ++k) out.push_back(tr.y(t * r.s.B + b, k));
  return out;
}

// J by central differences of the plain forward pass, columns W_in, W_h, W_out (W_h alone for kRecurrent).
Matrix finite_difference_jacobian(RandomCase r, NtkWrt wrt, Steps steps) {
  std::vector<Matrix*> params = {&r.p.W_in, &r.p.W_h, &r.p.W_out};
  if (wrt == NtkWrt::kRecurrent) params = {&r.p.W_h};
  std::size_t cols = 0;
  for (Matrix* w : params) cols += w->size();
  const std::size_t R = selected_outputs(r, steps).size();
  Matrix J(R, cols);
  std::size_t col = 0;
  for (Matrix* w : params)
    for (std::size_t e = 0; e < w->size(); ++e, ++col) {
      const double w0 = w->values()[e], h = 1e-6;
      w->values()[e] = w0 + h;
      const std::vector<double> up = selected_outputs(r, steps);
      w->values()[e] = w0 - h;
      const std::vector<double> down = selected_outputs(r, steps);
      w->values()[e] = w0;
      for (std::size_t a = 0; a < R; ++a) J(a, col) = (up[a] - down[a]) / (2 * h);
    }
  return J;
}

// Graded (A4, randomised rung).  The output Jacobian and K = J J^T against central differences of the
// forward pass, for a random network, both parameter sets and both step selections.
TEST(RandomisedA4, KernelMatchesFiniteDifferencesOnARandomNetwork) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 2);
  const RandomCase r = random_case(rng);
  for (NtkWrt wrt : {NtkWrt::kAllParameters, NtkWrt::kRecurrent})
    for (Steps steps : {Steps::kAll, Steps::kLast}) {
      const char* which = wrt == NtkWrt::kAllParameters ? "all parameters" : "W_h only";
      const char* when = steps == Steps::kAll ? "every step" : "last step";
      const Matrix J = finite_difference_jacobian(r, wrt, steps);
      Matrix K(J.rows(), J.rows());
      for (std::size_t a = 0; a < J.rows(); ++a)
        for (std::size_t a2 = 0; a2 < J.rows(); ++a2)
          for (std::size_t j = 0; j < J.cols(); ++j) K(a, a2) += J(a, j) * J(a2, j);
      const std::size_t per_step = r.s.B * r.c.K;
      const std::string bad_j =
          first_mismatch("J", rnn_output_jacobian(r.p, r.c, r.s, wrt, steps), J, per_step, 1e-6);
      EXPECT_EQ(bad_j, "") << "rnn_output_jacobian, " << which << ", " << when << ": " << bad_j
                           << " (here 'step' is the output's step index, 'trial' its trial * K + output); "
                           << r.shape << seed_note(seed) << " (docs/ntk.md#what-is-computed)";
      const std::string bad_k =
          first_mismatch("K", rnn_tangent_kernel_reference(r.p, r.c, r.s, wrt, steps), K, per_step, 1e-6);
      EXPECT_EQ(bad_k, "") << "rnn_tangent_kernel_reference, " << which << ", " << when << ": " << bad_k
                           << "; " << r.shape << seed_note(seed) << " (docs/ntk.md#what-is-computed)";
      if (!bad_j.empty() || !bad_k.empty()) return;
    }
}

// Graded (A7, randomised rung).  Closed forms: r equal values (any scale) and m - r zeros have both
// effective ranks exactly r; a random spectrum against the definitions summed in long double.
TEST(RandomisedA7, EffectiveRanksOfRandomSpectra) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 3);
  const std::size_t m = 4 + rng.below(5), r = 1 + rng.below(m - 1);
  const double scale = std::exp(rng.uniform(-20.0, 20.0));
  std::vector<double> flat(m, 0.0);
  for (std::size_t i = 0; i < r; ++i) flat[i] = scale;
  EXPECT_NEAR(participation_ratio(flat), double(r), 1e-12 * r)
      << "participation_ratio of " << r << " values " << scale << " and " << m - r << " zeros" << seed_note(seed)
      << " (docs/linalg.md#norms-and-effective-ranks)";
  EXPECT_NEAR(roy_vetterli_rank(flat), double(r), 1e-12 * r)
      << "roy_vetterli_rank of " << r << " values " << scale << " and " << m - r << " zeros" << seed_note(seed)
      << " (docs/linalg.md#norms-and-effective-ranks)";
  std::vector<double> s(m);
  long double s2 = 0, s4 = 0, s1 = 0;
  for (double& v : s) {
    v = scale * rng.uniform(0.01, 1.0);
    s1 += v;
  }
  long double entropy = 0;
  for (double v : s) {
    const long double x = v / static_cast<long double>(scale);
    s2 += x * x;
    s4 += x * x * x * x;
    const long double p = v / s1;
    entropy -= p * std::log(p);
  }
  const double pr = static_cast<double>(s2 * s2 / s4), rv = static_cast<double>(std::exp(entropy));
  EXPECT_NEAR(participation_ratio(s), pr, 1e-10 * pr)
      << "participation_ratio of a random spectrum of " << m << " values at scale " << scale << seed_note(seed)
      << " (docs/linalg.md#norms-and-effective-ranks)";
  EXPECT_NEAR(roy_vetterli_rank(s), rv, 1e-10 * rv)
      << "roy_vetterli_rank of a random spectrum of " << m << " values at scale " << scale << seed_note(seed)
      << " (docs/linalg.md#norms-and-effective-ranks)";
}

// ---- shared by the rungs below: plain loops, no library routine the student could have written ----

// (rows x k) with orthonormal columns: modified Gram-Schmidt on normal vectors (k <= rows).
Matrix orthonormal_columns(std::size_t rows, std::size_t k, Rng& rng) {
  Matrix Q = normal_matrix(rows, k, 1.0, rng);
  for (std::size_t j = 0; j < k; ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      double dot = 0.0;
      for (std::size_t r = 0; r < rows; ++r) dot += Q(r, i) * Q(r, j);
      for (std::size_t r = 0; r < rows; ++r) Q(r, j) -= dot * Q(r, i);
    }
    double len = 0.0;
    for (std::size_t r = 0; r < rows; ++r) len += Q(r, j) * Q(r, j);
    for (std::size_t r = 0; r < rows; ++r) Q(r, j) /= std::sqrt(len);
  }
  return Q;
}

// U[:, :r] diag(s[:r]) V[:, :r]^T by loops.
Matrix planted(const Matrix& U, const std::vector<double>& s, const Matrix& V, std::size_t r) {
  Matrix A(U.rows(), V.rows());
  for (std::size_t i = 0; i < U.rows(); ++i)
    for (std::size_t j = 0; j < V.rows(); ++j)
      for (std::size_t k = 0; k < r; ++k) A(i, j) += U(i, k) * s[k] * V(j, k);
  return A;
}

// Distinct values, descending, well separated (each at most 0.8 times the one before).
std::vector<double> random_spectrum(std::size_t k, Rng& rng) {
  std::vector<double> s(k);
  double v = std::exp(rng.uniform(-3.0, 3.0));
  for (double& x : s) {
    x = v;
    v *= rng.uniform(0.2, 0.8);
  }
  return s;
}

double sum_sq_diff(const Matrix& a, const Matrix& b) {
  long double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const long double x = static_cast<long double>(a.values()[i]) - b.values()[i];
    d += x * x;
  }
  return static_cast<double>(d);
}

double plain_fro(const Matrix& a) { return std::sqrt(sum_sq_diff(a, Matrix(a.rows(), a.cols()))); }

std::string shape_of(const Matrix& m) { return "(" + std::to_string(m.rows()) + " x " + std::to_string(m.cols()) + ")"; }

// Graded (A1, randomised rung).  svd_jacobi of a matrix of random shape built as U diag(s) V^T from a
// planted spectrum: the values must be the planted ones, U and V orthonormal, U diag(s) V^T = A.
TEST(RandomisedA1, SvdRecoversAPlantedSpectrumOfRandomShape) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 4);
  // At least four rows and columns: larger than every graded hand case but the 30 x 30 stopping-rule one.
  const std::size_t m = 4 + rng.below(4), n = 4 + rng.below(4), k = std::min(m, n);
  const std::vector<double> s = random_spectrum(k, rng);
  const Matrix A = planted(orthonormal_columns(m, k, rng), s, orthonormal_columns(n, k, rng), k);
  const std::string where = "A of shape (" + std::to_string(m) + " x " + std::to_string(n) + ")" + seed_note(seed) +
                            " (docs/linalg.md#one-sided-jacobi-svd-step-by-step)";
  const SvdResult r = svd_jacobi(A);
  ASSERT_EQ(r.s.size(), k) << "min(m, n) singular values expected; " << where;
  for (std::size_t i = 0; i < k; ++i)
    EXPECT_NEAR(r.s[i], s[i], 1e-12 * s[0]) << "singular value " << i << " of " << k << ": planted " << s[i]
                                            << ", got " << r.s[i] << "; " << where;
  ASSERT_EQ(r.U.rows(), m) << where;
  ASSERT_EQ(r.U.cols(), k) << where;
  ASSERT_EQ(r.V.rows(), n) << where;
  ASSERT_EQ(r.V.cols(), k) << where;
  for (const auto& [name, Q] : {std::make_pair("U", &r.U), std::make_pair("V", &r.V)})
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b) {
        double dot = 0.0;
        for (std::size_t i = 0; i < Q->rows(); ++i) dot += (*Q)(i, a) * (*Q)(i, b);
        EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-11) << name << "^T " << name << " entry (" << a << ", " << b
                                                    << ") = " << dot << ": the columns must be orthonormal; " << where;
      }
  const double err = std::sqrt(sum_sq_diff(planted(r.U, r.s, r.V, k), A));
  EXPECT_LE(err, 1e-12 * s[0]) << "||U diag(s) V^T - A||_F = " << err << "; " << where;
}

// Graded (A2, randomised rung).  check_gradient on a random smooth loss of random parameters with its
// analytic gradient (every entry checked and passing, the parameters put back bit for bit), then the same
// gradient with ONE entry planted wrong: exactly that entry must fail, named by parameter, row and column.
// L = sum_m sum_ij c_ij sin(a_ij w_ij) + (sum of every w)^2 / 2, so dL/dw_ij = c_ij a_ij cos(a_ij w_ij) + S.
TEST(RandomisedA2, AcceptsTheTrueGradientAndFlagsOnePlantedError) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 5);
  const std::size_t count = 1 + rng.below(3);
  std::vector<Matrix> w, c, a;
  std::vector<std::string> names;
  std::ostringstream shapes;
  for (std::size_t m = 0; m < count; ++m) {
    const std::size_t rows = 1 + rng.below(4), cols = 7 + rng.below(3);  // short and wide: no hand case has it
    w.push_back(normal_matrix(rows, cols, 1.0, rng));
    c.push_back(normal_matrix(rows, cols, 1.0, rng));
    a.push_back(normal_matrix(rows, cols, 1.0, rng));
    names.push_back("P" + std::to_string(m));
    shapes << (m ? ", " : "") << names.back() << " " << shape_of(w.back());
  }
  std::vector<Matrix*> params;
  for (Matrix& x : w) params.push_back(&x);
  const auto loss = [&] {
    double sum = 0.0, total = 0.0;
    for (std::size_t m = 0; m < count; ++m)
      for (std::size_t e = 0; e < w[m].size(); ++e) {
        sum += c[m].values()[e] * std::sin(a[m].values()[e] * w[m].values()[e]);
        total += w[m].values()[e];
      }
    return sum + 0.5 * total * total;
  };
  double total = 0.0;
  for (const Matrix& x : w)
    for (double v : x.values()) total += v;
  std::vector<Matrix> grads;
  std::size_t entries = 0;
  for (std::size_t m = 0; m < count; ++m) {
    grads.emplace_back(w[m].rows(), w[m].cols());
    for (std::size_t e = 0; e < w[m].size(); ++e)
      grads[m].values()[e] = c[m].values()[e] * a[m].values()[e] * std::cos(a[m].values()[e] * w[m].values()[e]) + total;
    entries += w[m].size();
  }
  const std::vector<Matrix> before = w;
  const std::string where = "parameters " + shapes.str() + seed_note(seed) + " (docs/bptt.md#5-numeric-check)";
  GradcheckOptions o;
  o.names = names;
  Rng pick(seed + 6);
  const GradcheckReport good = check_gradient(loss, params, grads, o, PatternFn(), pick);
  EXPECT_TRUE(good.passed()) << "the analytic gradient must pass: " << good.summary() << "; " << where;
  EXPECT_EQ(good.checked, entries) << "every entry must be checked; " << where;
  for (std::size_t m = 0; m < count; ++m)
    for (std::size_t e = 0; e < w[m].size(); ++e)
      EXPECT_EQ(w[m].values()[e], before[m].values()[e])
          << names[m] << " entry " << e << " was not put back exactly after its check; " << where;
  if (!good.passed()) return;
  const std::size_t m = rng.below(count), e = rng.below(w[m].size());
  std::vector<Matrix> wrong = grads;
  wrong[m].values()[e] += 0.01 * (1.0 + std::fabs(grads[m].values()[e]));
  const GradcheckReport bad = check_gradient(loss, params, wrong, o, PatternFn(), pick);
  const std::string entry = names[m] + "[" + std::to_string(e / w[m].cols()) + "," + std::to_string(e % w[m].cols()) + "]";
  EXPECT_EQ(bad.failed, 1u) << "one entry (" << entry << ") was planted wrong by 1%: exactly one must fail; got "
                            << bad.summary() << "; " << where;
  EXPECT_NE(bad.worst.find(entry), std::string::npos)
      << "the worst entry must be the planted " << entry << ", got '" << bad.worst << "'; " << where;
}

// Graded (A5, randomised rung).  Every measure against its definition summed in long double here, on
// matrices of random shape and values, and the rank-r renormalised truncation against a planted SVD.
TEST(RandomisedA5, MeasuresMatchTheirDefinitionsOnRandomMatrices) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 7);
  const std::size_t P = 2 + rng.below(5), N = P + 1 + rng.below(3);  // H (P x N): H H^T and H^T H differ in shape
  const std::string where = "P = " + std::to_string(P) + ", N = " + std::to_string(N) + seed_note(seed);
  const Matrix W0 = normal_matrix(P, N, 1.0, rng), Wf = W0 + normal_matrix(P, N, 0.3, rng);
  const double dw = std::sqrt(sum_sq_diff(Wf, W0));
  EXPECT_NEAR(weight_change(W0, Wf), dw, 1e-12 * dw)
      << "weight_change of two (" << P << " x " << N << ") matrices: ||Wf - W0||_F = " << dw << "; " << where
      << " (docs/measures.md#weight-change-rel)";
  const Matrix H0 = normal_matrix(P, N, 1.0, rng), Hf = normal_matrix(P, N, 1.0, rng);
  const auto gram_rows = [&](const Matrix& H, bool centred) {
    Matrix K(P, P);
    for (std::size_t i = 0; i < P; ++i)
      for (std::size_t j = 0; j < P; ++j)
        for (std::size_t k = 0; k < N; ++k) K(i, j) += H(i, k) * H(j, k);
    if (!centred) return K;
    Matrix C(P, P);  // (I - 1 1^T / P) K (I - 1 1^T / P), as two products
    for (std::size_t i = 0; i < P; ++i)
      for (std::size_t j = 0; j < P; ++j) C(i, j) = (i == j ? 1.0 : 0.0) - 1.0 / P;
    Matrix CK(P, P), CKC(P, P);
    for (std::size_t i = 0; i < P; ++i)
      for (std::size_t j = 0; j < P; ++j)
        for (std::size_t k = 0; k < P; ++k) CK(i, j) += C(i, k) * K(k, j);
    for (std::size_t i = 0; i < P; ++i)
      for (std::size_t j = 0; j < P; ++j)
        for (std::size_t k = 0; k < P; ++k) CKC(i, j) += CK(i, k) * C(k, j);
    return CKC;
  };
  const auto cosine = [](const Matrix& A, const Matrix& B) {
    long double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < A.size(); ++i) {
      ab += static_cast<long double>(A.values()[i]) * B.values()[i];
      aa += static_cast<long double>(A.values()[i]) * A.values()[i];
      bb += static_cast<long double>(B.values()[i]) * B.values()[i];
    }
    return static_cast<double>(ab / std::sqrt(aa * bb));
  };
  for (Centering centering : {Centering::kNone, Centering::kCentred}) {
    const bool centred = centering == Centering::kCentred;
    const char* how = centred ? "centred" : "uncentred";
    const Matrix K0 = gram_rows(H0, centred), Kf = gram_rows(Hf, centred);
    const Matrix K = representation_kernel(H0, centering);
    ASSERT_EQ(K.rows(), P) << how << " representation_kernel of H (" << P << " x " << N << ") must be (P x P), got "
                           << shape_of(K) << "; " << where << " (docs/measures.md#representation-alignment-ra-rel)";
    ASSERT_EQ(K.cols(), P) << where;
    const double err = std::sqrt(sum_sq_diff(K, K0));
    EXPECT_LE(err, 1e-12 * plain_fro(K0)) << how << " representation_kernel differs from H H^T"
                                          << (centred ? " centred" : "") << " by " << err << " (Frobenius); " << where
                                          << " (docs/measures.md#representation-alignment-ra-rel)";
    const double want = cosine(K0, Kf), got = kernel_alignment(gram_rows(H0, false), gram_rows(Hf, false), centering);
    EXPECT_NEAR(got, want, 1e-12) << how << " kernel_alignment of two random (" << P << " x " << P
                                  << ") kernels: expected " << want << ", got " << got << "; " << where
                                  << " (docs/measures.md#tangent-kernel-alignment-ka-rel)";
  }
  // low_rank_init: the planted W0 = U diag(s) V^T keeps its r largest values, rescaled to W0's norm.
  const std::size_t k = std::min(P, N), r = 1 + rng.below(k - 1);
  const std::vector<double> s = random_spectrum(k, rng);
  const Matrix U = orthonormal_columns(P, k, rng), V = orthonormal_columns(N, k, rng);
  const Matrix W = planted(U, s, V, k);
  double all = 0.0, top = 0.0;
  for (std::size_t i = 0; i < k; ++i) (i < r ? top : all) += s[i] * s[i];
  all += top;
  for (NormKind norm : {NormKind::kFrobenius, NormKind::kSpectral}) {
    const double scale = norm == NormKind::kFrobenius ? std::sqrt(all / top) : 1.0;
    const Matrix want = planted(U, s, V, r) * scale, got = low_rank_init(W, r, norm);
    const double err = std::sqrt(sum_sq_diff(got, want));
    EXPECT_LE(err, 1e-10 * s[0]) << "low_rank_init(W0, r = " << r << ", "
                                 << (norm == NormKind::kFrobenius ? "Frobenius" : "spectral")
                                 << ") of a planted W0 with singular values " << s[0] << " ... " << s[k - 1]
                                 << ": off by " << err << " (Frobenius) from the top-" << r
                                 << " truncation times " << scale << "; " << where << " (docs/paper.md#initial-weights)";
  }
}

// Graded (A6, randomised rung).  (D1), (D2), (D4), (D5) on a random two-layer linear network with a
// non-square first layer (h != d), against the formulas written out here: A by loops, the cosine in long
// double, and (D5) as the average of (D4) over a random orthonormal basis of teachers (the quadratic form
// averages to tr A0 / d over any orthonormal basis, as over the sphere).
TEST(RandomisedA6, ClosedFormsMatchDirectFormulasOnARandomNetwork) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 8);
  const std::size_t d = 2 + rng.below(4), h = d + 1 + rng.below(3);
  const std::string where = "W1 (" + std::to_string(h) + " x " + std::to_string(d) + "), W2 (1 x " +
                            std::to_string(h) + ")" + seed_note(seed) + " (docs/theory.md)";
  const Matrix W1 = normal_matrix(h, d, 1.0, rng), W2 = normal_matrix(1, h, 1.0, rng);
  Matrix want(d, d);
  double w2 = 0.0;
  for (double v : W2.values()) w2 += v * v;
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      for (std::size_t k = 0; k < h; ++k) want(i, j) += W1(k, i) * W1(k, j);
      if (i == j) want(i, j) += w2;
    }
  const Matrix A = ntk_metric(W1, W2);
  ASSERT_EQ(A.rows(), d) << "ntk_metric must be (d x d), got " << shape_of(A) << "; " << where;
  ASSERT_EQ(A.cols(), d) << "ntk_metric must be (d x d), got " << shape_of(A) << "; " << where;
  const double err = std::sqrt(sum_sq_diff(A, want));
  EXPECT_LE(err, 1e-12 * plain_fro(want)) << "ntk_metric differs from W1^T W1 + ||W2||^2 I by " << err << "; " << where;
  const Matrix B = ntk_metric(normal_matrix(h, d, 1.0, rng), normal_matrix(1, h, 1.0, rng));
  const Matrix G = normal_matrix(d, d, 1.0, rng);  // not symmetric: the <A, B>_F form
  for (const Matrix* other : {&B, &G}) {
    long double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < d * d; ++i) {
      ab += static_cast<long double>(want.values()[i]) * other->values()[i];
      aa += static_cast<long double>(want.values()[i]) * want.values()[i];
      bb += static_cast<long double>(other->values()[i]) * other->values()[i];
    }
    const double cos = static_cast<double>(ab / std::sqrt(aa * bb)), got = whitened_kernel_alignment(want, *other);
    EXPECT_NEAR(got, cos, 1e-12) << "whitened_kernel_alignment: expected <A, B>_F / (||A||_F ||B||_F) = " << cos
                                 << ", got " << got << "; " << where;
  }
  const double fro = plain_fro(want);
  double tr = 0.0;
  for (std::size_t i = 0; i < d; ++i) tr += want(i, i);
  const Matrix Q = orthonormal_columns(d, d, rng);
  double mean = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<double> w_star(d);
    const double len = std::exp(rng.uniform(-2.0, 2.0));  // any length: only the direction matters
    for (std::size_t i = 0; i < d; ++i) w_star[i] = len * Q(i, j);
    double quad = 0.0;
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) quad += Q(a, j) * want(a, b) * Q(b, j);
    const double d4 = (quad + tr) / (fro * std::sqrt(d + 3.0)), got = ka_after_training(want, w_star);
    mean += d4 / d;
    EXPECT_NEAR(got, d4, 1e-12) << "ka_after_training for teacher " << j << " of a random basis (||w*|| = " << len
                                << "): expected (w_hat^T A0 w_hat + tr A0) / (||A0||_F sqrt(d + 3)) = " << d4
                                << ", got " << got << "; " << where;
  }
  const double got = expected_ka(want);
  EXPECT_NEAR(got, mean, 1e-12) << "expected_ka: the mean of (D4) over an orthonormal basis of teachers is " << mean
                                << ", got " << got << "; " << where;
}

// Graded (A8, randomised rung).  A trial of random ring size, step, timing (with a delay), ground truth,
// coherence and noise level, against the handout's rules step by step, and its noise against the draws
// replayed here in the handout's order (step by step, channel by channel within a step, stimulus only).
TEST(RandomisedA8, TrialFollowsTheRulesForRandomParameters) {
  const std::uint64_t seed = grade_seed();
  Rng rng(seed + 9);
  PerceptualDecisionConfig c;
  c.dim_ring = 3 + static_cast<int>(rng.below(3));  // the graded hand cases have 2
  c.dt = rng.below(2) ? 20.0 : 50.0;
  c.sigma = rng.uniform(0.5, 2.0);
  const double fix = c.dt * (1 + rng.below(3)), stim = c.dt * (1 + rng.below(4)), delay = c.dt * (1 + rng.below(3)),
               dec = c.dt * (1 + rng.below(2));
  c.timing = override_timing(c.timing, {{"fixation", Timing::constant(fix)}, {"stimulus", Timing::constant(stim)},
                                        {"delay", Timing::constant(delay)}, {"decision", Timing::constant(dec)}});
  const PerceptualDecision task(c);
  Rng layout_rng(seed + 10);
  const TrialLayout layout = sample_layout(c.timing, c.dt, layout_rng);
  const PerceptualDecisionConditions cond{static_cast<int>(rng.below(static_cast<std::uint64_t>(c.dim_ring))),
                                          rng.uniform(0.0, 60.0)};
  std::ostringstream o;
  o << "dim_ring = " << c.dim_ring << ", dt = " << c.dt << " ms, periods " << fix << "/" << stim << "/" << delay << "/"
    << dec << " ms, g = " << cond.ground_truth << ", coh = " << cond.coh << ", sigma = " << c.sigma << seed_note(seed)
    << " (docs/tasks.md#2af)";
  const std::string where = o.str();
  const std::size_t n_fix = static_cast<std::size_t>(fix / c.dt), n_stim = static_cast<std::size_t>(stim / c.dt),
                    n_delay = static_cast<std::size_t>(delay / c.dt), n_dec = static_cast<std::size_t>(dec / c.dt);
  const std::size_t T = n_fix + n_stim + n_delay + n_dec, R = static_cast<std::size_t>(c.dim_ring);
  const std::uint64_t noise_seed = seed + 11;
  Rng noise(noise_seed);
  const Trial trial = task.build_trial(cond, layout, noise);
  ASSERT_EQ(trial.ob.rows(), T) << "steps; " << where;
  ASSERT_EQ(trial.ob.cols(), 1 + R) << "channels (fixation + dim_ring); " << where;
  ASSERT_EQ(trial.gt.size(), T) << "labels; " << where;
  Rng replay(noise_seed);
  const double sd = c.sigma / std::sqrt(c.dt), pi = std::acos(-1.0);
  for (std::size_t t = 0; t < T; ++t) {
    const bool in_stim = t >= n_fix && t < n_fix + n_stim, in_dec = t >= T - n_dec;
    const char* period = t < n_fix ? "fixation" : in_stim ? "stimulus" : in_dec ? "decision" : "delay";
    EXPECT_EQ(trial.ob(t, 0), in_dec ? 0.0 : 1.0) << "fixation channel at step t = " << t << " (" << period
                                                  << " period); " << where;
    EXPECT_EQ(trial.gt[t], in_dec ? cond.ground_truth + 1 : 0) << "label at step t = " << t << " (" << period
                                                               << " period); " << where;
    for (std::size_t j = 0; j < R; ++j) {
      double want = 0.0;
      if (in_stim) {
        const double theta_j = 2 * pi * j / R, theta_g = 2 * pi * cond.ground_truth / R;
        want = std::cos(theta_j - theta_g) * cond.coh / 200.0 + 0.5 + sd * replay.normal();
      }
      EXPECT_NEAR(trial.ob(t, 1 + j), want, 1e-12)
          << "stimulus channel " << 1 + j << " at step t = " << t << " (" << period << " period): expected " << want
          << " (the tuning plus the noise drawn in the handout's order), got " << trial.ob(t, 1 + j) << "; " << where;
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_EQ(noise.normal(), replay.normal()) << "build_trial must draw exactly one normal per stimulus step and channel; "
                                             << where;
}

}  // namespace
}  // namespace rl
