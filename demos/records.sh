#!/usr/bin/env bash
# Runs the paper-scale records listed in docs/records/records.tsv into docs/records/<name>/
# (docs/records/README.md).  Each record resumes: a run whose file exists is never redone, and a run
# file computed with other flags or another results revision is refused by the program itself with a
# message naming the difference (demos/toolkit/shard.h).
#
#   bash demos/records.sh BUILD [--shard i/n] [--threads k] [--nice] [--into DIR] NAME... | all
#
# --into DIR writes each record into DIR/<name>/ instead (`make figures`: out/), with the same
# commands: records.tsv is the one place the paper-scale settings are written.  A folder a record's
# own flags name stays where it is: fig3c's teacher cache (--teacher-dir out/fig3c_teachers) is
# shared by the record and `make figures`.
#
# Exit status: 0 when every named record finished its shard, 2 for a usage error (unknown record,
# missing program), otherwise the first failing program's status (the other records still run).
set -uo pipefail
usage() { echo "usage: bash demos/records.sh BUILD [--shard i/n] [--threads k] [--nice] [--into DIR] NAME... | all" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD="$1"; shift
REGISTRY="docs/records/records.tsv"
extra=(); prefix=(); names=(); into="docs/records"
while [ $# -gt 0 ]; do
  case "$1" in
    --shard|--threads) [ $# -ge 2 ] || usage; extra+=("$1" "$2"); shift 2 ;;
    --nice) prefix=(nice -n 19); shift ;;
    --into)
      if [ $# -lt 2 ] || [ -z "$2" ] || [ "${2#-}" != "$2" ]; then
        echo "records: --into needs a folder (got '${2-}')" >&2; usage
      fi
      into="$2"; [ "$into" = / ] || into="${into%/}"; shift 2 ;;
    -*) echo "records: unknown option $1" >&2; usage ;;
    *) names+=("$1"); shift ;;
  esac
done
[ ${#names[@]} -gt 0 ] || usage
[ -f "$REGISTRY" ] || { echo "records: $REGISTRY not found (run from the repository's top folder)" >&2; exit 2; }

declare -A program flags
order=()
while IFS=$'\t' read -r name prog rest; do
  case "$name" in ''|'#'*) continue ;; esac
  program[$name]="$prog"; flags[$name]="$rest"; order+=("$name")
done < "$REGISTRY"
if [ "${names[*]}" = all ]; then names=("${order[@]}"); fi
for n in "${names[@]}"; do
  [ -n "${program[$n]+x}" ] || { echo "records: no record '$n' in $REGISTRY (known: ${order[*]})" >&2; exit 2; }
  [ -x "$BUILD/bin/${program[$n]}" ] || { echo "records: $BUILD/bin/${program[$n]} not built (make all)" >&2; exit 2; }
done

# --shard and --threads go only to programs that take them (fig4a and fig3b run in seconds, serially).
accepted_extra() {
  local help; help="$("$BUILD/bin/$1" --help 2>&1)"
  local i
  for ((i = 0; i < ${#extra[@]}; i += 2)); do
    if grep -q -- "${extra[i]}" <<< "$help"; then printf '%s\n%s\n' "${extra[i]}" "${extra[i+1]}"; fi
  done
}

status=0
for n in "${names[@]}"; do
  read -r -a f <<< "${flags[$n]}"
  mapfile -t more < <(accepted_extra "${program[$n]}")
  echo "records: $n: ${program[$n]} ${flags[$n]} --out $into/$n ${more[*]}"
  "${prefix[@]}" "$BUILD/bin/${program[$n]}" "${f[@]}" --out "$into/$n" "${more[@]}"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "records: $n failed with status $rc (its finished run files are kept; rerun to resume)" >&2
    [ $status -ne 0 ] || status=$rc
  fi
done
exit $status
