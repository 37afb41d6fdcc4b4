#!/usr/bin/env bash
# Coverage-guided fuzzing of ContractGen with AFL++ and SharpFuzz (see README.md beside this file).
#
#   tests/ContractGen.Fuzz/run.sh [--seconds N] [--targets "frames handshake dispatch"] [--work DIR] [--findings DIR]
#                                 [--from-build DIR]
#
# For each target in turn (one afl-fuzz at a time: the machine's cores are shared), fuzzes for N seconds
# (default: $CONTRACTGEN_FUZZ_SECONDS, else 60) from corpus/<target>/ with protocol.dict, prints executions,
# coverage and crashes from AFL++'s fuzzer_stats, and copies crashing and hanging inputs to
# findings/<target>/ (or --findings). Exit status: 0 no crash, 1 crashes found, 77 skipped (afl-fuzz is missing
# and cannot be installed here), other: the run itself failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${CONTRACTGEN_FUZZ_SECONDS:-60}
targets="frames handshake dispatch"
work=${CONTRACTGEN_FUZZ_WORK:-$root/artifacts/fuzz}
findings=$here/findings
from_build=

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --findings) findings=$2; shift 2 ;;
    --from-build) from_build=$2; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# 1. AFL++: the Debian package afl++. Installed when missing if this is root with apt-get; otherwise skipped.
if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: afl-fuzz is missing; installing the Debian package afl++"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; }; then
      echo "SKIP: afl-fuzz is not installed and 'apt-get install afl++' failed"
      exit 77
    fi
  else
    echo "SKIP: afl-fuzz is not installed, and installing it needs root and apt-get (install the Debian package afl++)"
    exit 77
  fi
fi

# 2. The sharpfuzz instrumenting tool, a local dotnet tool pinned in .config/dotnet-tools.json.
(cd "$root" && dotnet tool restore >/dev/null)

# 3. Publish the fuzz program afresh (an assembly is instrumented once: a stale instrumented copy must not survive),
#    or, with --from-build, copy an existing build output of it (the test run's, which has just built it).
bin=$work/bin
rm -rf "$bin"
mkdir -p "$work/out"
if [ -n "$from_build" ]; then
  echo "run.sh: copying the fuzz program from $from_build to $bin"
  cp -r "$from_build" "$bin"
else
  echo "run.sh: publishing the fuzz program to $bin"
  dotnet publish "$here/ContractGen.Fuzz.csproj" -c Release -o "$bin" -p:UseAppHost=false -nologo -v quiet >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log"; exit 3; }
fi

# 4. Instrument what decodes peer bytes: the runtime, the generated code of the fuzz contract, and MemoryPack's
#    reader that both still call into.
for dll in ContractGen.dll ContractGen.Fuzz.Contracts.dll MemoryPack.Core.dll; do
  (cd "$root" && dotnet tool run sharpfuzz "$bin/$dll") || { echo "run.sh: instrumenting $dll failed" >&2; exit 3; }
done

# 5. One afl-fuzz per target, in turn. The target is 'dotnet', which AFL++ cannot see instrumented (SharpFuzz
#    instruments the managed code): hence AFL_SKIP_BIN_CHECK. Crashing seeds (known findings) are skipped, not fatal.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=120000 AFL_NO_AFFINITY=1 AFL_QUIET=1
status=0
for target in $targets; do
  out=$work/out/$target
  rm -rf "$out"
  echo "run.sh: fuzzing '$target' for $seconds s"
  afl-fuzz -V "$seconds" -i "$here/corpus/$target" -o "$out" -x "$here/protocol.dict" -t 15000 -m none \
    -- "$(command -v dotnet)" "$bin/ContractGen.Fuzz.dll" "$target" >"$work/$target.log" 2>&1 || {
      echo "run.sh: afl-fuzz failed for '$target':" >&2; tail -n 30 "$work/$target.log" >&2; exit 4; }
  stats=$out/default/fuzzer_stats
  stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  crashes=$(find "$out/default/crashes" -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find "$out/default/hangs" -name 'id:*' 2>/dev/null | wc -l)
  echo "fuzz $target: seconds=$(( $(stat last_update) - $(stat start_time) )) execs=$(stat execs_done) execs_per_sec=$(stat execs_per_sec)" \
       "paths=$(stat corpus_count) edges=$(stat edges_found) bitmap_cvg=$(stat bitmap_cvg) stability=$(stat stability)" \
       "crashes=$crashes hangs=$hangs"
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    mkdir -p "$findings/$target"
    for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
      [ -f "$f" ] || continue
      kind=$(basename "$(dirname "$f")")
      # AFL++'s names hold ':' and ','; findings get names that any file system and git take.
      cp "$f" "$findings/$target/$kind-$(sha1sum "$f" | cut -c1-12).bin"
      echo "finding $target $kind $findings/$target/$kind-$(sha1sum "$f" | cut -c1-12).bin"
    done
  fi
  [ "$crashes" -gt 0 ] && status=1
done
exit $status
