# Sourced by the bench sections that run the PyTorch peer (demos/bench/peer_torch_rnn.py): finds a
# Python that can import torch and numpy, trying python3, /usr/bin/python3 and python in that order
# (a virtualenv or pyenv python3 first on PATH often has no torch while the system one has).
# Sets $torch_py (empty when none has torch) and prints one line saying which Python, which torch,
# and which BLAS torch really loads (read from the process's memory map after a float64 matmul,
# beside BLAS_INFO of torch.__config__.show()), or how to install it.
torch_py=""
for candidate in python3 /usr/bin/python3 python; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import torch, numpy' >/dev/null 2>&1; then
    torch_py=$path
    break
  fi
done
if [ -z "$torch_py" ]; then
  echo "PyTorch peer: no Python with torch and numpy found (tried python3, /usr/bin/python3, python);"
  echo "  install it with: apt-get install python3-torch python3-numpy   (Debian / Ubuntu)"
else
  "$torch_py" - "$torch_py" <<'PYEOF' 2>/dev/null || echo "PyTorch peer: $torch_py (could not query torch's configuration)"
import os, re, sys
import torch
a = torch.ones(64, 64, dtype=torch.float64)
a @ a  # loads the BLAS
info = re.search(r'BLAS_INFO=([^,\s]+)', torch.__config__.show())
libs = set()
with open('/proc/self/maps') as f:
    for line in f:
        path = line.split()[-1]
        name = os.path.basename(path)
        if path.startswith('/') and re.search(r'blas|mkl', name, re.I):
            libs.add(os.path.realpath(path))
print(f'PyTorch peer: {sys.argv[1]}, torch {torch.__version__}, '
      f'BLAS_INFO={info.group(1) if info else "?"}, loads {", ".join(sorted(libs)) or "no separate BLAS library"}')
PYEOF
fi
