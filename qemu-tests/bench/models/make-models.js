'use strict';
// Writes the benchmark models of docs/benchmarks.md (random weights, fixed seeds) with TensorFlow.js 4.22.0 (pure-JS
// cpu backend), one folder each: model.json + weight shard (tensorflowjs_converter layout), calibration.npy,
// test.npy, expected.npy (TF.js model.predict on test.npy). Re-running gives byte-identical files.
//
//   cd examples && npm ci && cd .. && node qemu-tests/bench/models/make-models.js
//
// (Node finds @tensorflow/tfjs through examples/lib, i.e. in examples/node_modules.)
// The shapes are exactly those the CMSIS-NN figures of docs/benchmarks.md were measured on; recurrent layers use the
// Keras default recurrent activation (sigmoid, as CMSIS-NN's LSTM), not TF.js's hard_sigmoid default.
const path = require('path');
const fs = require('fs');
const {initTf, seedWeights, Rng} = require('../../../examples/lib/common');
const {writeNpy, writeTensorNpy} = require('../../../examples/lib/npy');
const {saveModel} = require('../../../examples/lib/save');

const N_CAL = 32;
const N_TEST = 4;
// Inputs above 4096 values (the convolution shapes) get 4 calibration and 2 test samples: every sample already
// holds thousands of values per channel, and the files stay small.
const BIG = 4096;

const MODELS = [
  {name: 'fc256', input: [256], seed: 601, layers: tf => [tf.layers.dense({units: 256, inputShape: [256], name: 'fc'})],
   about: 'Dense 256 -> 256, linear; 65,536 MAC'},
  {name: 'fc64', input: [64], seed: 602, layers: tf => [tf.layers.dense({units: 64, inputShape: [64], name: 'fc'})],
   about: 'Dense 64 -> 64, linear; 4,096 MAC'},
  {name: 'conv1d', input: [64, 8], seed: 603,
   layers: tf => [tf.layers.conv1d({filters: 16, kernelSize: 5, activation: 'relu', inputShape: [64, 8], name: 'conv'})],
   about: 'Conv1D over 64 steps x 8 channels, 16 filters, kernel 5, stride 1, valid padding, relu -> [60, 16]; 38,400 MAC'},
  {name: 'lstm64', input: [50, 32], seed: 604,
   layers: tf => [tf.layers.lstm({units: 64, recurrentActivation: 'sigmoid', inputShape: [50, 32], name: 'lstm'})],
   about: 'LSTM input 32, 64 units, 50 steps, last state (tanh, sigmoid gates); 1,228,800 MAC'},
  {name: 'lstm128', input: [50, 32], seed: 605,
   layers: tf => [tf.layers.lstm({units: 128, recurrentActivation: 'sigmoid', inputShape: [50, 32], name: 'lstm'})],
   about: 'LSTM input 32, 128 units, 50 steps, last state (tanh, sigmoid gates); 4,096,000 MAC'},
  {name: 'gru64', input: [50, 32], seed: 606,
   layers: tf => [tf.layers.gru({units: 64, recurrentActivation: 'sigmoid', inputShape: [50, 32], name: 'gru'})],
   about: 'GRU input 32, 64 units, 50 steps, last state (tanh, sigmoid gates, reset_after false); 921,600 MAC'},
  // Convolution layer shapes of keyword spotting, MobileNet and ResNet-8 (the MLPerf Tiny models), one layer alone,
  // linear activation.
  {name: 'kws_conv', input: [49, 10, 1], seed: 607,
   layers: tf => [tf.layers.conv2d({filters: 64, kernelSize: [10, 4], strides: 2, padding: 'same', inputShape: [49, 10, 1],
     name: 'conv'})],
   about: 'Conv2D 49x10x1 -> 64 filters, kernel 10x4, stride 2, same padding, linear -> [25, 5, 64]; 320,000 MAC'},
  {name: 'dw_s1', input: [25, 5, 64], seed: 608,
   layers: tf => [tf.layers.depthwiseConv2d({kernelSize: 3, strides: 1, padding: 'same', inputShape: [25, 5, 64],
     name: 'dw'})],
   about: 'DepthwiseConv2D 3x3, stride 1, same padding, 25x5x64, linear -> [25, 5, 64]; 72,000 MAC'},
  {name: 'dw_s2', input: [48, 48, 16], seed: 609,
   layers: tf => [tf.layers.depthwiseConv2d({kernelSize: 3, strides: 2, padding: 'same', inputShape: [48, 48, 16],
     name: 'dw'})],
   about: 'DepthwiseConv2D 3x3, stride 2, same padding, 48x48x16, linear -> [24, 24, 16]; 82,944 MAC'},
  {name: 'pw64', input: [25, 5, 64], seed: 610,
   layers: tf => [tf.layers.conv2d({filters: 64, kernelSize: 1, inputShape: [25, 5, 64], name: 'conv'})],
   about: 'Conv2D 1x1 (pointwise) 25x5x64 -> 64 filters, linear -> [25, 5, 64]; 512,000 MAC'},
  {name: 'pw16', input: [24, 24, 16], seed: 611,
   layers: tf => [tf.layers.conv2d({filters: 32, kernelSize: 1, inputShape: [24, 24, 16], name: 'conv'})],
   about: 'Conv2D 1x1 (pointwise) 24x24x16 -> 32 filters, linear -> [24, 24, 32]; 294,912 MAC'},
  {name: 'res3x3', input: [32, 32, 16], seed: 612,
   layers: tf => [tf.layers.conv2d({filters: 16, kernelSize: 3, padding: 'same', inputShape: [32, 32, 16], name: 'conv'})],
   about: 'Conv2D 3x3, stride 1, same padding, 32x32x16 -> 16 filters, linear -> [32, 32, 16]; 2,359,296 MAC'},
];

async function main() {
  const tf = await initTf(6);
  const root = __dirname;
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
  for (const m of MODELS) {
    if (only && !only.includes(m.name)) continue;
    const model = tf.sequential({name: m.name});
    for (const l of m.layers(tf)) model.add(l);
    seedWeights(model, new Rng(m.seed), 'fixture');
    const dir = path.join(root, m.name);
    fs.mkdirSync(dir, {recursive: true});
    // One shard per model: fewer files, same format.
    await saveModel(model, dir, {shardSizeBytes: 4 * 1024 * 1024, grouping: 'single'});
    const per = m.input.reduce((a, b) => a * b, 1);
    const nCal = per > BIG ? 4 : N_CAL;
    const nTest = per > BIG ? 2 : N_TEST;
    const rng = new Rng(m.seed + 1000);
    // Inputs uniform in [-1, 1] (a normalised sensor / feature range).
    const cal = rng.fill(nCal * per, r => r.uniform(-1, 1));
    const test = rng.fill(nTest * per, r => r.uniform(-1, 1));
    writeNpy(path.join(dir, 'calibration.npy'), cal, [nCal, ...m.input]);
    writeNpy(path.join(dir, 'test.npy'), test, [nTest, ...m.input]);
    const y = model.predict(tf.tensor(test, [nTest, ...m.input]));
    writeTensorNpy(path.join(dir, 'expected.npy'), y);
    fs.writeFileSync(path.join(dir, 'README.md'), `# ${m.name}\n\nBenchmark model (docs/benchmarks.md): ${m.about}. ` +
        `${model.countParams()} parameters, random weights (seed ${m.seed}, \`seedWeights(..., 'fixture')\` of ` +
        `examples/lib/common.js), written by \`qemu-tests/bench/models/make-models.js\`. calibration.npy ` +
        `[${nCal}, ${m.input.join(', ')}] and test.npy [${nTest}, ${m.input.join(', ')}] are uniform in [-1, 1]; ` +
        `expected.npy is TF.js model.predict on test.npy.\n`);
    console.log(`${m.name}: ${model.countParams()} parameters -> ${dir}`);
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
