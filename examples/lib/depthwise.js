// Depthwise and separable convolution fixtures for gen-fixtures.js: TF.js DepthwiseConv2D (depth
// multipliers 1 and 2, valid / same, strides 1 and 2) and SeparableConv2D, saved as model.json with
// TF.js' own model.predict as the golden.
'use strict';

/**
 * Adds the fixtures through gen-fixtures.js' helpers: `add(name, description, build)`, `seq(name, layers)`,
 * the layers API `L` and the dims `D` (the Conv2D input [c2H, c2W, c2C] and kernel c2Kh x c2Kw).
 */
function addDepthwiseFixtures(add, seq, L, D) {
  const inShape = [D.c2H, D.c2W, D.c2C];
  const k = [D.c2Kh, D.c2Kw];
  const dw = (name, desc, args) => add(name, `DepthwiseConv2D(${desc}) on [${inShape}]`, n => seq(n, [
    L.depthwiseConv2d(Object.assign({inputShape: inShape, name: 'depthwise_conv2d'}, args)),
  ]));
  dw('depthwise_conv2d_m1_valid_s1_relu', `k=${k}, multiplier 1, valid, strides 1x1, relu`,
      {kernelSize: k, depthMultiplier: 1, activation: 'relu'});
  dw('depthwise_conv2d_m2_same_s1', `k=${k}, multiplier 2, same, strides 1x1`,
      {kernelSize: k, depthMultiplier: 2, padding: 'same'});
  dw('depthwise_conv2d_m1_same_s2_relu6', 'k=3x3, multiplier 1, same, strides 2x2, relu6',
      {kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu6'});
  dw('depthwise_conv2d_m2_valid_s2_nobias', `k=${k}, multiplier 2, valid, strides 2x2, no bias`,
      {kernelSize: k, depthMultiplier: 2, strides: [2, 2], useBias: false});
  const sep = (name, desc, args) => add(name, `SeparableConv2D(${D.c2Filters}, ${desc}) on [${inShape}]`,
      n => seq(n, [
        L.separableConv2d(Object.assign({filters: D.c2Filters, inputShape: inShape, name: 'separable_conv2d'}, args)),
      ]));
  // (TF.js 4.22 does not reload a SeparableConv2D with depthMultiplier 2: its depthwise kernel comes back
  // with multiplier 1; the Keras .h5 path covers that case.)
  sep('separable_conv2d_m1_same_s1_relu', `k=${k}, multiplier 1, same, strides 1x1, relu`,
      {kernelSize: k, padding: 'same', activation: 'relu'});
  sep('separable_conv2d_m1_valid_s2', 'k=3x3, multiplier 1, valid, strides 2x2',
      {kernelSize: [3, 3], strides: [2, 2]});
  add('mobilenet_block', `Conv2D(8, 3x3, s2, same) -> BatchNorm -> ReLU -> DepthwiseConv2D(3x3, same) -> BatchNorm ` +
      `-> ReLU -> Conv2D(${D.c2Filters}, 1x1) on [${inShape}]`, n => seq(n, [
    L.conv2d({filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, inputShape: inShape,
      name: 'conv2d'}),
    L.batchNormalization({name: 'batch_normalization'}),
    L.reLU({name: 're_lu'}),
    L.depthwiseConv2d({kernelSize: 3, padding: 'same', useBias: false, name: 'depthwise_conv2d'}),
    L.batchNormalization({name: 'batch_normalization_1'}),
    L.reLU({name: 're_lu_1'}),
    L.conv2d({filters: D.c2Filters, kernelSize: 1, name: 'conv2d_1'}),
  ]));
}

module.exports = {addDepthwiseFixtures};
