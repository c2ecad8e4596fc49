#include "nn/aligned_init.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "linalg/norms.h"

namespace rl {

namespace {

// W / ||W||_F; throws naming `what` when W is zero or non-finite.
Matrix unit_frobenius(const Matrix& W, const char* what) {
  require_finite(W, std::string("student_recurrent_init: ") + what);
  const double norm = frobenius_norm(W);
  if (!(norm > 0.0)) throw std::invalid_argument(std::string("student_recurrent_init: ") + what + " is zero");
  return W * (1.0 / norm);
}

}  // namespace

StudentStart parse_student_start(const std::string& name) {
  if (name == "aligned") return StudentStart::kAligned;
  if (name == "partial") return StudentStart::kPartial;
  if (name == "unaligned") return StudentStart::kUnaligned;
  throw std::invalid_argument("student start '" + name + "' is not one of aligned, partial, unaligned");
}

const char* student_start_name(StudentStart start) {
  switch (start) {
    case StudentStart::kAligned: return "aligned";
    case StudentStart::kPartial: return "partial";
    case StudentStart::kUnaligned: return "unaligned";
  }
  return "?";
}

Matrix student_recurrent_init(StudentStart start, const Matrix& W_teacher, const Matrix& G, std::size_t rank,
                              double partial_cos2, NormKind norm) {
  const std::size_t N = W_teacher.rows();
  if (W_teacher.cols() != N || G.rows() != N || G.cols() != N)
    throw std::invalid_argument("student_recurrent_init: W_teacher " + shape_str(W_teacher) + " and G " +
                                shape_str(G) + " must be the same square shape");
  if (rank < 1 || rank > N)
    throw std::invalid_argument("student_recurrent_init: rank " + std::to_string(rank) + " outside [1, N = " +
                                std::to_string(N) + "]");
  if (!(partial_cos2 >= 0.0 && partial_cos2 <= 1.0))
    throw std::invalid_argument("student_recurrent_init: partial_cos2 = " + std::to_string(partial_cos2) +
                                " outside [0, 1]");
  const Matrix teacher_dir = unit_frobenius(W_teacher, "the teacher's W_h");
  const Matrix gaussian_dir = unit_frobenius(G, "the Gaussian G");
  Matrix base;  // unit Frobenius norm
  switch (start) {
    case StudentStart::kAligned: base = teacher_dir; break;
    case StudentStart::kUnaligned: base = gaussian_dir; break;
    case StudentStart::kPartial:
      // cos(theta) W_T-hat + sin(theta) G-hat: angle theta to the teacher (up to the small overlap
      // <W_T-hat, G-hat> ~ 1/N of independent matrices), renormalised below.
      base = unit_frobenius(teacher_dir * std::sqrt(partial_cos2) + gaussian_dir * std::sqrt(1.0 - partial_cos2),
                            "the partial mixture");
      break;
  }
  // Rank-r truncation at the base's norm of the chosen kind, then rescaled to the teacher's norm of
  // that kind (docs/paper.md#initial-weights items 3 and 6).
  return low_rank_init(base, rank, norm) * (measure_norm(W_teacher, norm) / measure_norm(base, norm));
}

}  // namespace rl
