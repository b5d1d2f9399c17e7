#!/usr/bin/env bash
# Fuzzes one importer with Jazzer for the time its @FuzzTest(maxDuration) says (10 minutes), see
# docs/fuzzing.md. Usage, from the checkout root:  ir/fuzz.sh TARGET
#   TARGET: modelLoader tfjs graphJson npy kerasH5 kerasArchive tflite onnx   (ir's ImporterFuzzTest)
#           names                                                              (ir's NamesFuzzTest, the C name sanitizer)
#           report                                                             (cli's ReportHtmlFuzzTest)
# A finding is saved by Jazzer into ir/src/test/resources/dev/mcugen/ir/fuzz/ImporterFuzzTestInputs/TARGET/
# (commit it with the fix: it then runs in every ./mvnw verify); the corpus it grows is kept in
# ir/.cifuzz-corpus/ (not committed) so a second run goes on from there.
set -euo pipefail
target=${1:?usage: ir/fuzz.sh TARGET   (modelLoader tfjs graphJson npy kerasH5 kerasArchive tflite onnx names report)}
cd "$(dirname "$0")/.."
# Besides mcugen's own classes (instrumented by default), the parsers an importer hands bytes to, so
# coverage guides the fuzzer through them too.
case "$target" in
  kerasH5|kerasArchive) libs='io.jhdf.**' ;;
  tflite) libs='com.google.flatbuffers.**' ;;
  onnx) libs='com.google.protobuf.**' ;;
  *) libs='' ;;
esac
includes='dev.mcugen.**'${libs:+:$libs}
# JUnit's own timeout would end the whole fuzzing run after @Timeout seconds; with it disabled, Jazzer
# still hands the @Timeout to libFuzzer as the per-input -timeout.
args=(-Dsurefire.failIfNoSpecifiedTests=false
  "-DargLine=-Djazzer.instrumentation_includes=$includes -Djunit.jupiter.execution.timeout.mode=disabled -Xmx2g")
if [ "$target" = report ]; then
  # cli's test needs the modules it builds on compiled in the same reactor (nothing is installed).
  JAZZER_FUZZ=1 exec ./mvnw -q -o test -pl cli -am -Dtest="ReportHtmlFuzzTest#report" "${args[@]}"
fi
if [ "$target" = names ]; then
  JAZZER_FUZZ=1 exec ./mvnw -q -o test -pl ir -Dtest="NamesFuzzTest#names" "${args[@]}"
fi
JAZZER_FUZZ=1 exec ./mvnw -q -o test -pl ir -Dtest="ImporterFuzzTest#$target" "${args[@]}"
