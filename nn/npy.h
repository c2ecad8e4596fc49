// NumPy .npy files (format 1.0) for float64 arrays, so a user can load any array we write with
// numpy.load and we can read what NumPy writes.
//
// Layout (NumPy Enhancement Proposal 1, numpy/lib/format.py):
//   bytes 0-5   magic "\x93NUMPY"
//   bytes 6-7   version 1.0 (major, minor)
//   bytes 8-9   header length H, little-endian uint16
//   bytes 10..  ASCII header: a Python dict literal
//                 {'descr': '<f8', 'fortran_order': False, 'shape': (r, c), }
//               followed by spaces and one '\n', so that the data start at a multiple of 64 bytes
//   then        r * c little-endian IEEE-754 doubles in C (row-major) order.
// We write exactly the bytes numpy.save writes (including its spare spaces for in-place growth of
// the first axis).  We read format 1.0 and 2.0 (4-byte header length); only '<f8' data in C order.
//
// Writes go to a temporary file in the same folder, renamed onto the target when complete, so a
// crash or an error never leaves a partial .npy behind.  Every error names the file and the problem.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

// The complete header block (magic .. '\n') that numpy.save writes for a C-order float64 array of
// this shape; its size is a multiple of 64.  shape may have 1 or 2 entries.
std::string npy_header(const std::vector<std::size_t>& shape);

// A matrix as a 2-D array of shape (rows, cols).
void save_npy(const std::string& path, const Matrix& m);
// A vector as a 1-D array of shape (n,).
void save_npy(const std::string& path, const std::vector<double>& v);

// A parsed array: its shape (1 or more entries) and its values in C order.
struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<double> data;
};
// Parses a whole .npy file already in memory; `source` names it in errors.  The loaders below read the
// file with nn/input_file.h (a directory, device or over-1-GiB file is refused before any allocation)
// and call this; the declared shape is checked against the actual data length before allocating.
NpyArray parse_npy(const std::string& bytes, const std::string& source);

// Loads a 2-D '<f8' C-order array.  Throws std::runtime_error naming `path` on any malformed file.
Matrix load_npy_matrix(const std::string& path);
// Loads a 1-D '<f8' C-order array.
std::vector<double> load_npy_vector(const std::string& path);

// A named-parameter bundle: one <name>.npy per block inside `folder` (created if missing).  Names
// must be non-empty and use only letters, digits, '_', '-' and '.'.
void save_npy_bundle(const std::string& folder, const std::map<std::string, Matrix>& blocks);
// Loads every block listed in `names` from `folder` (a missing block is an error).
std::map<std::string, Matrix> load_npy_bundle(const std::string& folder,
                                              const std::vector<std::string>& names);

}  // namespace rl
