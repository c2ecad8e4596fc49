# Sourced by every bench section: make OpenBLAS (and PyTorch, which Debian links against it) use the
# vector kernels this CPU really has.
#
# Why: OpenBLAS's DYNAMIC_ARCH picks its kernel from the CPU's family/model numbers.  On the virtual
# CPUs of these machines ("Intel(R) Xeon(R) Processor", AVX-512 flags present) it does not know the
# model and falls back to "Prescott" (SSE3): dgemm then runs at 10-15 GFLOP/s instead of 55-65, and
# every ratio against OpenBLAS or PyTorch would flatter us by 4-6x.  We choose the core from the
# instruction-set flags instead, unless the user has set OPENBLAS_CORETYPE already.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  case " $flags " in
    *" avx512f "*) export OPENBLAS_CORETYPE=SkylakeX ;;
    *" avx2 "*)    export OPENBLAS_CORETYPE=Haswell ;;
  esac
  unset flags
fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset (OpenBLAS detects the core itself)}"
