#!/usr/bin/env bash
# Runs `neurostream bench engine` under each engine setting worth trying on a CPU, then the plain
# PyTorch baseline, in one sitting, and keeps every output in target/bench-results/<timestamp>/.
# Each setting is its own JVM: MXNet and OpenMP read these variables once, when the library loads.
#
#   bench/engine_matrix.sh [ROUNDS]      (default 2 rounds; settings alternate within a round)
#
# Needs: mvn (offline is fine once the pytorch profile's jars are in ~/.m2), and Debian's
# python3-torch + python3-torchvision for the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
ARGS=(bench engine --batch-sizes 1,8,32 --image-size 128 --repeats 10 --warmup 3)
PY_ARGS=(--batch-sizes 1,8,32 --image-size 128 --repeats 10 --warmup 3)
OUT=target/bench-results/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

mvn -o -q -B compile
mvn -o -q -B dependency:build-classpath -Dmdep.outputFile="$OUT/cp-mxnet.txt" >/dev/null
mvn -o -q -B -Ppytorch dependency:build-classpath -Dmdep.outputFile="$OUT/cp-pytorch.txt" >/dev/null
MX_CP="target/classes:$(cat "$OUT/cp-mxnet.txt")"
PT_CP="target/classes:$(cat "$OUT/cp-pytorch.txt")"
JAVA=(java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache)

run() { # name, env..., -- , java args...
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  echo "== $name" >&2
  env "${envs[@]}" "$@" > "$OUT/$name.r$round.txt" 2> "$OUT/$name.r$round.err" || echo "   failed, see $OUT/$name.r$round.err" >&2
}

for round in $(seq 1 "$ROUNDS"); do
  run mxnet-default -- "${JAVA[@]}" -cp "$MX_CP" io.neurostream.cli.NeuroStream "${ARGS[@]}"
  run pytorch-eager-t2 -- /usr/bin/python3 bench/pytorch_resnet50.py --threads 2 "${PY_ARGS[@]}"
  run mxnet-omp1 OMP_NUM_THREADS=1 -- "${JAVA[@]}" -cp "$MX_CP" io.neurostream.cli.NeuroStream "${ARGS[@]}" --forward-only
  run mxnet-naive MXNET_ENGINE_TYPE=NaiveEngine -- "${JAVA[@]}" -cp "$MX_CP" io.neurostream.cli.NeuroStream "${ARGS[@]}" --forward-only
  run mxnet-nomkldnn MXNET_MKLDNN_ENABLED=0 -- "${JAVA[@]}" -cp "$MX_CP" io.neurostream.cli.NeuroStream "${ARGS[@]}" --forward-only
  run djl-pytorch -- "${JAVA[@]}" -Dai.djl.default_engine=PyTorch -Dai.djl.pytorch.num_interop_threads=1 -cp "$PT_CP" io.neurostream.cli.NeuroStream "${ARGS[@]}" --forward-only
  run pytorch-eager-t1 -- /usr/bin/python3 bench/pytorch_resnet50.py --threads 1 "${PY_ARGS[@]}"
  run pytorch-jit-t2 -- /usr/bin/python3 bench/pytorch_resnet50.py --threads 2 --jit "${PY_ARGS[@]}"
done
echo "results in $OUT" >&2
