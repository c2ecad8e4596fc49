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
#include "nn/ntk_rnn.h"
#include "nn/rnn.h"

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

}  // namespace
}  // namespace rl
