#!/usr/bin/env bash
# The retraining figures of docs/quantization.md: for each recurrent example, a PyTorch version of its
# architecture trained in float on its data, mcugen analyze's word lengths (budget top1=0.5, searched on 200
# training samples), then at those word lengths (and at 3 and 2 bits everywhere) the weights quantized
# directly (qat.py --epochs 0) and retrained (--epochs 5), each compiled by mcugen and run by its integer
# simulator (int8 activations) on the 200 held-out test samples: top-1 against the labels.
#
#   bash examples/qat/figures.sh [WORKDIR [MODEL...]]   (default /tmp/mcugen-qat-figures, the three models;
#                                                       about 15 minutes)
#
# Needs /usr/bin/python3 with torch and onnx (Debian's python3-torch, python3-onnx) and examples/node_modules.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-/tmp/mcugen-qat-figures}"
qat=(/usr/bin/python3 "$root/examples/qat/qat.py")
mcugen="$root/mcugen"
mkdir -p "$work/outputs"
[ -d "$work/data" ] || node "$root/examples/train.js" --data-only --only har_lstm,kws_gru,stacked_rnn --out "$work/data"

top1() { # model.onnx data-dir calibration -> top-1 (%) of mcugen's integer simulation on test.npy
  local y="$work/outputs/$(basename "$(dirname "$1")")_$(basename "${1%.onnx}").npy"
  "$mcugen" simulate "$1" --mode fixed --data "$2/test.npy" --calibration "$3" --out "$y" --force --no-progress >/dev/null
  /usr/bin/python3 -c "import numpy as np, sys; y = np.load(sys.argv[1]); l = np.load(sys.argv[2]);
print(f'{100 * np.mean(y.argmax(axis=1) == l):.1f}')" "$y" "$2/labels.npy"
}

echo "| model | word lengths | weights vs int8 | vs float32 | float | direct | retrained |"
echo "|---|---|---|---|---|---|---|"
models=("${@:2}")
[ ${#models[@]} -gt 0 ] || models=(har_lstm kws_gru stacked_rnn)
for a in "${models[@]}"; do
  d="$work/$a"
  data="$work/data/$a"
  cal="$root/examples/$a/calibration.npy"
  mkdir -p "$d"
  [ -f "$d/float.onnx" ] || "${qat[@]}" float --arch "$a" --epochs 20 --data "$data" --out "$d/float.onnx" >"$d/float.log" 2>&1
  [ -f "$d/analyze.json" ] || "$mcugen" analyze "$d/float.onnx" --data "$cal" --calibration "$cal" --budget top1=0.5 \
    --out "$d/analyze.json" --no-progress >"$d/analyze.log" 2>&1
  "$mcugen" simulate "$d/float.onnx" --mode float --data "$data/test.npy" --out "$work/outputs/${a}_float.npy" --force \
    --no-progress >/dev/null
  f=$(/usr/bin/python3 -c "import numpy as np; print(f'{100 * np.mean(np.load(\"$work/outputs/${a}_float.npy\").argmax(1) == np.load(\"$data/labels.npy\")):.1f}')")
  for setting in budget 3 2; do
    if [ "$setting" = budget ]; then bits=(--bits "$d/analyze.json"); else bits=(--uniform-bits "$setting"); fi
    for epochs in 0 5; do
      out="$d/${setting}_e$epochs.onnx"
      "${qat[@]}" qat --model "$d/float.pt" "${bits[@]}" --epochs "$epochs" --data "$data" --out "$out" >"${out%.onnx}.log" 2>&1
    done
    wl=$(grep '^word lengths' "$d/${setting}_e5.log" | sed 's/^word lengths: //; s/ (l2)//')
    mem=$(grep '^weights' "$d/${setting}_e5.log" | sed -E 's/.* bits, ([0-9.]+ %) of int8, ([0-9.]+ %) of float32/\1 | \2/')
    echo "| $a | $wl | $mem | $f | $(top1 "$d/${setting}_e0.onnx" "$data" "$cal") | $(top1 "$d/${setting}_e5.onnx" "$data" "$cal") |"
  done
done
