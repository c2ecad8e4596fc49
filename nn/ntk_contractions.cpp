// The fast path of the tangent kernel: error vectors from one batched backward sweep, and the three
// contraction orders of K = J J^T (nn/ntk_contractions.h; docs/ntk.md derives each).
#include "nn/ntk_contractions.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "linalg/gemm.h"

namespace rl {
namespace ntk {

// Error vectors d^a_s = d y_a / d u_s for every output a and step s in ONE backward sweep: the carry
// G (R, N) holds d y_a / d h_s for all outputs at once, so each step is one GEMM with W_h.
// Returns Delta (T * R, N), row s * R + a (zero where t(a) < s).  docs/ntk.md (N2).
Matrix error_vectors(const RnnParams& p, const RnnConfig& c, const RnnTrace& tr, const Layout& L) {
  Matrix Delta(L.T * L.R, L.N);
  Matrix G(L.R, L.N);  // (R, N)
  for (std::size_t s = L.T; s-- > 0;) {
    if (L.all_steps || s == L.T - 1) {  // outputs of step s enter: d y_{s,b,k} / d h_s = W_out[k, :]
      const std::size_t ti = L.all_steps ? s : 0;
      for (std::size_t b = 0; b < L.B; ++b)
        for (std::size_t k = 0; k < L.K; ++k)
          std::copy(p.W_out.row(k), p.W_out.row(k) + L.N, G.row((ti * L.B + b) * L.K + k));
    }
    const std::size_t a0 = L.first_active(s), M = L.R - a0;
    double* D = Delta.row(s * L.R + a0);  // (M, N)
    std::copy(G.row(a0), G.row(a0) + M * L.N, D);
    for (std::size_t a = a0; a < L.R; ++a) {  // d_s = (d y / d h_s) .* phi'(u_s)
      const std::size_t r = s * L.B + L.trial_of(a);
      multiply_by_activation_derivative(c.activation, tr.pre.row(r), tr.h.row(r),
                                        Delta.row(s * L.R + a), L.N);
    }
    if (s == 0 || s - 1 < L.s_lo) break;
    // d y / d h_{s-1} = (1 - alpha) d_s + alpha d_s W_h
    gemm_raw(Trans::kNo, Trans::kNo, M, L.N, L.N, c.alpha, D, L.N, p.W_h.data(), L.N, 0.0,
             G.row(a0), L.N);
    if (c.alpha != 1.0)
      for (std::size_t i = 0; i < M * L.N; ++i) G.row(a0)[i] += (1.0 - c.alpha) * D[i];
  }
  return Delta;
}


// Input side z_{s,b} = [x_{s,b} (with W_in), h_{s-1,b}], h_{-1} = 0.  (T * B, Pz), row s * B + b.
Matrix input_side(const RnnTrace& tr, const SeqBatch& batch, const Layout& L) {
  Matrix Z(L.T * L.B, L.Pz);
  const std::size_t nx = L.Pz - L.N;
  for (std::size_t r = 0; r < L.T * L.B; ++r) {
    std::copy(batch.x.row(r), batch.x.row(r) + nx, Z.row(r));
    if (r >= L.B) std::copy(tr.h.row(r - L.B), tr.h.row(r - L.B) + L.N, Z.row(r) + nx);
  }
  return Z;
}


// kErrorGram: K += alpha^2 sum_{s <= s'} (D_s D_{s'}^T) .* (Z_s Z_{s'}^T)[b(a), b(a')], both triangles.
void contract_error_gram(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha,
                         Matrix& K) {
  Matrix Zg(L.B, L.B);
  std::vector<double> Gd;
  for (std::size_t s = L.s_lo; s < L.T; ++s)
    for (std::size_t s2 = s; s2 < L.T; ++s2) {
      const std::size_t a0 = L.first_active(s), a1 = L.first_active(s2);
      const std::size_t M1 = L.R - a0, M2 = L.R - a1;
      Gd.resize(M1 * M2);
      gemm_raw(Trans::kNo, Trans::kYes, M1, M2, L.N, alpha * alpha, Delta.row(s * L.R + a0), L.N,
               Delta.row(s2 * L.R + a1), L.N, 0.0, Gd.data(), M2);
      gemm_raw(Trans::kNo, Trans::kYes, L.B, L.B, L.Pz, 1.0, Z.row(s * L.B), L.Pz, Z.row(s2 * L.B),
               L.Pz, 0.0, Zg.data(), L.B);
      for (std::size_t i = 0; i < M1; ++i) {
        const std::size_t a = a0 + i;
        const double* zg = Zg.row(L.trial_of(a));
        const double* gd = Gd.data() + i * M2;
        double* k_row = K.row(a);
        for (std::size_t j = 0; j < M2; ++j) {
          const std::size_t a2 = a1 + j;
          const double v = gd[j] * zg[L.trial_of(a2)];
          k_row[a2] += v;
          if (s2 != s) K(a2, a) += v;
        }
      }
    }
}

namespace {

// Rows [g0 * K, g1 * K) of J (columns: the N x Pz entries of d y / d [W_in | W_h], row-major), one GEMM
// per group g = (ti, b):  J rows of (ti, b) = alpha D_{ti,b}^T Z_b, D over steps s_lo..t.
void form_jacobian_block(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha,
                         std::size_t g0, std::size_t g1, std::vector<double>& J) {
  const std::size_t width = L.N * L.Pz;
  J.resize((g1 - g0) * L.K * width);
  for (std::size_t g = g0; g < g1; ++g) {
    const std::size_t t = L.step_of(g / L.B), b = g % L.B;
    const std::size_t ns = t + 1 - L.s_lo;  // steps s_lo..t
    double* out = J.data() + (g - g0) * L.K * width;  // (K*N, Pz)
    if (t < L.s_lo) {
      std::fill(out, out + L.K * width, 0.0);
      continue;
    }
    gemm_raw(Trans::kYes, Trans::kNo, L.K * L.N, L.Pz, ns, alpha, Delta.row(L.s_lo * L.R + g * L.K),
             L.R * L.N, Z.row(L.s_lo * L.B + b), L.B * L.Pz, 0.0, out, L.Pz);
  }
}

}  // namespace

// kJacobianBlocks: upper triangle of K = J J^T by block pairs, at most two blocks of J alive.
void contract_jacobian_blocks(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha,
                              std::size_t block_bytes, Matrix& K) {
  const std::size_t width = L.N * L.Pz;
  const std::size_t rows = L.block_rows(block_bytes), groups = rows / L.K;
  const std::size_t n_groups = L.R / L.K;
  std::vector<double> JI, JJ;
  for (std::size_t gi = 0; gi < n_groups; gi += groups) {
    const std::size_t gi1 = std::min(n_groups, gi + groups), r0 = gi * L.K, rI = (gi1 - gi) * L.K;
    form_jacobian_block(Delta, Z, L, alpha, gi, gi1, JI);
    for (std::size_t p = 0; p < rI; p += kDiagonalTileRows)  // diagonal block: upper tiles only
      for (std::size_t q = p; q < rI; q += kDiagonalTileRows) {
        const std::size_t mp = std::min(kDiagonalTileRows, rI - p), mq = std::min(kDiagonalTileRows, rI - q);
        gemm_raw(Trans::kNo, Trans::kYes, mp, mq, width, 1.0, JI.data() + p * width, width,
                 JI.data() + q * width, width, 0.0, K.row(r0 + p) + r0 + q, L.R);
      }
    for (std::size_t gj = gi1; gj < n_groups; gj += groups) {
      const std::size_t gj1 = std::min(n_groups, gj + groups), c0 = gj * L.K, rJ = (gj1 - gj) * L.K;
      form_jacobian_block(Delta, Z, L, alpha, gj, gj1, JJ);
      gemm_raw(Trans::kNo, Trans::kYes, rI, rJ, width, 1.0, JI.data(), width, JJ.data(), width, 0.0,
               K.row(r0) + c0, L.R);
    }
  }
  for (std::size_t a = 0; a < L.R; ++a)  // mirror the upper triangle
    for (std::size_t a2 = a + 1; a2 < L.R; ++a2) K(a2, a) = K(a, a2);
}

namespace {

// ---- kTrialPairs (docs/ntk.md (N6)) ----------------------------------------------------------
// Per trial b, its O = n_sel * K outputs o = (ti, k) and steps s = s_lo..T-1 (T' of them):
//   Dp[b] (T', O*N), row s', entry (o, i) = d^{a(b,o)}_{s_lo+s'}[i]       (zero where t(o) < s)
//   Zp    (B*T', Pz), row b*T' + s' = z_{s_lo+s', b}
//   K[(b,o), (b',o')] = alpha^2 sum_{s,i} Dp[b][s][o][i] * Et[s][o'][i],
//   Et = G^T Dp[b'],   G^T[(b,s), s'] = z_{s,b} . z_{s',b'}              (mixing: one GEMM per block of b)
Matrix pack_errors_by_trial(const Matrix& Delta, const Layout& L) {
  const std::size_t Tp = L.T - L.s_lo, O = L.n_sel * L.K;
  Matrix Dp(L.B * Tp, O * L.N);
  for (std::size_t b = 0; b < L.B; ++b)
    for (std::size_t sp = 0; sp < Tp; ++sp)
      for (std::size_t ti = 0; ti < L.n_sel; ++ti) {
        const double* src = Delta.row((L.s_lo + sp) * L.R + (ti * L.B + b) * L.K);  // K rows of N
        std::copy(src, src + L.K * L.N, Dp.row(b * Tp + sp) + ti * L.K * L.N);
      }
  return Dp;
}

Matrix pack_inputs_by_trial(const Matrix& Z, const Layout& L) {
  const std::size_t Tp = L.T - L.s_lo;
  Matrix Zp(L.B * Tp, L.Pz);
  for (std::size_t b = 0; b < L.B; ++b)
    for (std::size_t sp = 0; sp < Tp; ++sp)
      std::copy(Z.row((L.s_lo + sp) * L.B + b), Z.row((L.s_lo + sp) * L.B + b) + L.Pz,
                Zp.row(b * Tp + sp));
  return Zp;
}

// acc[p][q] += sum_i x_p[i] y_q[i] for a P x Q tile of rows, n entries.  The partial sums are 8-lane
// vectors (GCC/Clang vector extension: AVX-512 registers with -march=native, narrower or scalar code
// otherwise), so the P*Q accumulators stay in registers; lanes are summed once at the end.
// (Loads are written as memcpy in place: a helper returning Lanes8 by value triggers GCC's -Wpsabi
// note in builds without AVX-512.)
typedef double Lanes8 __attribute__((vector_size(64)));

template <int P, int Q>
void dot_tile(const double* const* x, const double* const* y, std::size_t n, double acc[P][Q]) {
  Lanes8 part[P][Q];
  for (int p = 0; p < P; ++p)
    for (int q = 0; q < Q; ++q) part[p][q] = Lanes8{0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    Lanes8 xv[P];
    for (int p = 0; p < P; ++p) std::memcpy(&xv[p], x[p] + i, sizeof(Lanes8));  // unaligned loads
    for (int q = 0; q < Q; ++q) {
      Lanes8 yv;
      std::memcpy(&yv, y[q] + i, sizeof yv);
      for (int p = 0; p < P; ++p) part[p][q] += xv[p] * yv;
    }
  }
  for (int p = 0; p < P; ++p)
    for (int q = 0; q < Q; ++q) {
      double sum = 0.0;
      for (int l = 0; l < 8; ++l) sum += part[p][q][l];
      for (std::size_t r = i; r < n; ++r) sum += x[p][r] * y[q][r];
      acc[p][q] += sum;
    }
}

// out[o][o'] = sum_{s, i} A[s][o][i] E[s][o'][i];  A and E are (Tp, O*N) row-major.
void pair_dots(const double* A, const double* E, std::size_t Tp, std::size_t O, std::size_t N,
               Matrix& out) {
  out.set_zero();
  constexpr int P = 2, Q = 5;  // [TP] 10 vector accumulators + 7 loads fit the 32 AVX-512 registers
  for (std::size_t s = 0; s < Tp; ++s) {
    const double* a = A + s * O * N;
    const double* e = E + s * O * N;
    for (std::size_t o = 0; o < O; o += P)
      for (std::size_t q0 = 0; q0 < O; q0 += Q) {
        if (o + P <= O && q0 + Q <= O) {
          const double* x[P] = {a + o * N, a + (o + 1) * N};
          const double* y[Q];
          for (int q = 0; q < Q; ++q) y[q] = e + (q0 + q) * N;
          double acc[P][Q] = {};
          dot_tile<P, Q>(x, y, N, acc);
          for (int p = 0; p < P; ++p)
            for (int q = 0; q < Q; ++q) out(o + p, q0 + q) += acc[p][q];
        } else {  // ragged edge: one pair at a time
          for (std::size_t p = o; p < std::min(O, o + P); ++p)
            for (std::size_t q = q0; q < std::min(O, q0 + Q); ++q) {
              const double* x[1] = {a + p * N};
              const double* y[1] = {e + q * N};
              double acc[1][1] = {{0.0}};
              dot_tile<1, 1>(x, y, N, acc);
              out(p, q) += acc[0][0];
            }
        }
      }
  }
}

}  // namespace

void contract_trial_pairs(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha,
                          std::size_t trials_per_block, Matrix& K) {
  const std::size_t Tp = L.T - L.s_lo, O = L.n_sel * L.K, ON = O * L.N;
  const Matrix Dp = pack_errors_by_trial(Delta, L);
  const Matrix Zp = pack_inputs_by_trial(Z, L);
  const std::size_t chunk = std::max<std::size_t>(1, trials_per_block);
  std::vector<double> Gt(chunk * Tp * Tp), Et(chunk * Tp * ON);
  Matrix block(O, O);
  auto out_row = [&](std::size_t b, std::size_t o) {  // output index of trial b, output o = (ti, k)
    return ((o / L.K) * L.B + b) * L.K + o % L.K;
  };
  for (std::size_t b2 = 0; b2 < L.B; ++b2)
    for (std::size_t c0 = 0; c0 <= b2; c0 += chunk) {
      const std::size_t c1 = std::min(b2 + 1, c0 + chunk), rows = (c1 - c0) * Tp;
      // G^T[(b, s), s'] = z_{s,b} . z_{s',b2}                                  (rows, Tp)
      gemm_raw(Trans::kNo, Trans::kYes, rows, Tp, L.Pz, 1.0, Zp.row(c0 * Tp), L.Pz, Zp.row(b2 * Tp),
               L.Pz, 0.0, Gt.data(), Tp);
      // Et = alpha^2 G^T Dp[b2]: trial b2's error vectors mixed for every b in the block   (rows, O*N)
      gemm_raw(Trans::kNo, Trans::kNo, rows, ON, Tp, alpha * alpha, Gt.data(), Tp, Dp.row(b2 * Tp),
               ON, 0.0, Et.data(), ON);
      for (std::size_t b = c0; b < c1; ++b) {
        pair_dots(Dp.row(b * Tp), Et.data() + (b - c0) * Tp * ON, Tp, O, L.N, block);
        for (std::size_t o = 0; o < O; ++o)
          for (std::size_t o2 = 0; o2 < O; ++o2) {
            const double v = b == b2 ? 0.5 * (block(o, o2) + block(o2, o)) : block(o, o2);
            K(out_row(b, o), out_row(b2, o2)) = v;
            K(out_row(b2, o2), out_row(b, o)) = v;
          }
      }
    }
}

// W_out part: K[a, a'] += [k == k'] h_{t,b} . h_{t',b'}.
void add_readout_part(const RnnTrace& tr, const Layout& L, Matrix& K) {
  const std::size_t n_groups = L.n_sel * L.B;
  Matrix H(n_groups, L.N);
  for (std::size_t g = 0; g < n_groups; ++g) {
    const double* h = tr.h.row(L.step_of(g / L.B) * L.B + g % L.B);
    std::copy(h, h + L.N, H.row(g));
  }
  Matrix Hg(n_groups, n_groups);
  gemm(Trans::kNo, Trans::kYes, 1.0, H, H, 0.0, Hg);
  for (std::size_t g = 0; g < n_groups; ++g)
    for (std::size_t g2 = 0; g2 < n_groups; ++g2)
      for (std::size_t k = 0; k < L.K; ++k) K(g * L.K + k, g2 * L.K + k) += Hg(g, g2);
}

}  // namespace ntk
}  // namespace rl
