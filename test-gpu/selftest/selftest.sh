#!/usr/bin/env bash
# test-gpu/selftest/selftest.sh - checks test-gpu/run.sh, report.py and the
# C/CUDA/Python sources end to end on a machine WITHOUT a GPU, Java or torch:
# a mock libcuda.so.1 (mock_cuda.c), a stand-in libhami.so (mock_hami.c), a
# shell hami-run and a fake torch module take the real ones' places.
# Needs gcc, nvcc (CUDA headers at $CUDA_HOME/include) and python3.
#
#   bash test-gpu/selftest/selftest.sh
#
# Scenarios: (1) a working limit: every part must PASS and run.sh exit 0;
# (2) a limit that is not enforced (MOCK_HAMI_BROKEN=1): run.sh must exit 1,
# still write every JSON, and fail the limit checks; (3) no distribution:
# run.sh exit 1, native runs pass, hooked ones reported as skipped; (4) when
# launcher/target/hami was built here: the real distribution on the mock
# driver, every part must PASS.
# Not for the GPU machine: this proves the scripts, not the product.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
T=$(mktemp -d "${TMPDIR:-/tmp}/hami-gpu-selftest.XXXXXX")
echo "selftest: work dir $T"

mkdir -p "$T/cuda" "$T/dist/bin" "$T/dist/lib"
gcc -O2 -std=c11 -Wall -Wextra -fPIC -shared -Wl,-soname,libcuda.so.1 -I"$CUDA_HOME/include" \
    "$HERE/mock_cuda.c" -o "$T/cuda/libcuda.so.1"
ln -sf libcuda.so.1 "$T/cuda/libcuda.so"
gcc -O2 -std=c11 -Wall -Wextra -fPIC -shared -I"$CUDA_HOME/include" \
    "$HERE/mock_hami.c" -o "$T/dist/lib/libhami.so" -ldl
cat >"$T/dist/bin/hami-run" <<'EOF'
#!/usr/bin/env bash
# stand-in launcher: hami-run --memory SIZE [--region PATH] [--tenant NAME] -- CMD...
set -euo pipefail
mem="" region="/tmp/hami-selftest.region"
while (($#)); do
    case $1 in
        --memory) mem=$2; shift 2 ;;
        --region) region=$2; shift 2 ;;
        --tenant) shift 2 ;;
        --) shift; break ;;
        *) echo "hami-run: bad argument $1" >&2; exit 2 ;;
    esac
done
[[ -n $mem && $# -gt 0 ]] || { echo "hami-run: usage" >&2; exit 2; }
: >"$region"
LD_PRELOAD="$(cd "$(dirname "$0")/.." && pwd)/lib/libhami.so" \
    CUDA_DEVICE_MEMORY_LIMIT=$mem CUDA_DEVICE_MEMORY_SHARED_CACHE=$region exec "$@"
EOF
chmod +x "$T/dist/bin/hami-run"

export LD_LIBRARY_PATH=$T/cuda${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export HAMI_TEST_CUDA_LIB_DIR=$T/cuda
export PYTHONPATH=$HERE/fake_torch${PYTHONPATH:+:$PYTHONPATH}
export HAMI_GPU_MB_ARGS="--launches 2000 --pairs 200 --infos 200"
export HAMI_GPU_REPS=5
export TMPDIR=$T # run.sh's work dirs go here and are removed with it
export PYTHONDONTWRITEBYTECODE=1

failed_scenarios=()
scenario() { # scenario NAME WANT_RC -- ENV... ; runs run.sh, checks rc
    local name=$1 want=$2 rc=0
    shift 3
    echo "selftest: ---- scenario $name"
    env "$@" OUT="$T/out-$name" bash "$ROOT/test-gpu/run.sh" >"$T/$name.stdout" 2>&1 || rc=$?
    tail -n 45 "$T/$name.stdout" | sed "s/^/  [$name] /"
    if [[ $rc != "$want" ]]; then
        echo "selftest: FAIL: scenario $name: run.sh exit $rc, want $want"
        failed_scenarios+=("$name")
    fi
}
verify() { # verify NAME PYTHON-ASSERTIONS (docs: dict part -> JSON)
    local name=$1 code=$2
    if python3 - "$T/out-$name" "$code" <<'EOF'; then
import json, os, sys
out, code = sys.argv[1], sys.argv[2]
docs = {}
for p in ("limit-c", "limit-torch", "overhead"):
    with open(os.path.join(out, "gpu-%s.json" % p)) as f:
        docs[p] = json.load(f)
assert os.path.getsize(os.path.join(out, "run.log")) > 0
files = os.listdir(out)
assert len(files) <= 8, files
def check(part, case, name):
    hits = [c for c in docs[part]["checks"] if c["case"] == case and c["name"] == name]
    assert hits, "no check %s/%s/%s" % (part, case, name)
    return all(c["pass"] for c in hits)
exec(code)
EOF
        echo "selftest: ok: scenario $name JSON assertions"
    else
        echo "selftest: FAIL: scenario $name JSON assertions"
        failed_scenarios+=("$name")
    fi
}

scenario good 0 -- HAMI_DIST="$T/dist"
verify good '
for p, d in docs.items():
    assert d["pass"], (p, [c for c in d["checks"] if not c["pass"]])
s = docs["limit-c"]["summary"]["cases"]
assert s["hami-run-4g-256M"]["count"] == 16 and s["env-4g-256M"]["count"] == 16
assert s["hami-run-4g-odd"]["count"] == 2048, s["hami-run-4g-odd"]
assert docs["limit-c"]["summary"]["native_real_sizes"] == {"1": 4096, "1000": 4096, "1048577": 2097152, "3145733": 4194304}
t = docs["limit-torch"]["summary"]["cases"]
assert t["hami-run-4g"]["count"] == 16 and "out of memory" in t["hami-run-4g"]["oom_message"]
o = docs["overhead"]["summary"]["configs"]
assert set(o) == {"native", "preload", "hookall", "hami-run-70g"}, set(o)
assert all(o[c]["reps_ok"] == 5 for c in o)
assert abs(o["native"]["metrics"]["launch_ns"]["ratio_vs_native"] - 1) < 1e-9
assert o["hami-run-70g"]["mem_total_seen"] == [70 << 30]
'

scenario broken 1 -- HAMI_DIST="$T/dist" MOCK_HAMI_BROKEN=1
verify broken '
assert not docs["limit-c"]["pass"] and not docs["limit-torch"]["pass"]
assert not check("limit-c", "hami-run-4g-256M", "chunks_256MiB")
assert not check("limit-c", "env-4g-256M", "mem_get_info_total_eq_limit")
assert check("limit-c", "native-256M", "count_reaches_cap")
assert not check("limit-torch", "env-4g", "tensors_256MiB_in_range")
assert not check("overhead", "hami-run-70g", "mem_total_eq_70GiB")
assert check("overhead", "preload", "reps_ok")
'

scenario nodist 1 -- HAMI_DIST="$T/no-such-dist"
verify nodist '
assert check("limit-c", "native-256M", "ran") and check("limit-c", "native-256M", "count_reaches_cap")
assert not check("limit-c", "env-4g-256M", "ran")
assert check("overhead", "native", "reps_ok") and not check("overhead", "hookall", "reps_ok")
c = [c for c in docs["limit-torch"]["cases"] if c["case"] == "hami-run-4g"][0]
assert c["skipped"].startswith("hami distribution missing"), c
'

# (4) the real distribution, when one was built here (launcher/target/hami,
# with its runtime/): the real libhami.so boots its JVM on the mock driver and
# must pass every part too. SELFTEST_REAL_DIST=0 skips it.
total=3
real_dist=$ROOT/launcher/target/hami
if [[ ${SELFTEST_REAL_DIST:-1} != 0 && -f $real_dist/lib/libhami.so && -x $real_dist/runtime/bin/java ]]; then
    total=4
    scenario realdist 0 -- HAMI_DIST="$real_dist"
    verify realdist '
for p, d in docs.items():
    assert d["pass"], (p, [c for c in d["checks"] if not c["pass"]])
'
else
    echo "selftest: ---- scenario realdist skipped (no built distribution at $real_dist)"
fi

fails=0
((${#failed_scenarios[@]} == 0)) || fails=$(printf '%s\n' "${failed_scenarios[@]}" | sort -u | wc -l)
if ((fails == 0)); then
    echo "selftest: $total passed, 0 failed"
    rm -rf "$T"
else
    echo "selftest: failed scenarios: ${failed_scenarios[*]} (outputs kept in $T)"
    echo "selftest: $((total - fails)) passed, $fails failed"
    exit 1
fi
