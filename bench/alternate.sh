#!/usr/bin/env bash
# Alternating sitting for docs/benchmarks.md: NeuroStream's `bench engine` (the classifier's
# BatchPredictor path) and plain PyTorch (bench/pytorch_resnet50.py, Debian python3-torch), round
# after round in one sitting, so that both see the same machine; the load (uptime) is printed
# before each run. Usage: bench/alternate.sh [rounds] [repeats] [warm-up]
#   NEUROSTREAM  the command that runs neurostream (default: java -jar target/neurostream.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
repeats=${2:-8}
warmup=${3:-3}
neurostream=${NEUROSTREAM:-java -jar target/neurostream.jar}
echo "# cpu flags: $(grep -o 'avx512[a-z_0-9]*\|avx_vnni\|amx[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
for r in $(seq 1 "$rounds"); do
  echo "## round $r neurostream  load: $(uptime)"
  $neurostream bench engine --batch-sizes 1,8,32 --image-size 128 --repeats "$repeats" \
    --warmup "$warmup" 2>/dev/null
  echo "## round $r pytorch  load: $(uptime)"
  /usr/bin/python3 bench/pytorch_resnet50.py --threads 2 --batch-sizes 1,8,32 --image-size 128 \
    --repeats "$repeats" --warmup "$warmup"
done
echo "## end  load: $(uptime)"
