'use strict';
// TF.js fixtures of the activations LeakyReLU, PReLU, ELU and swish (examples/gen-fixtures.js adds
// them to its list): stand-alone layers and the fused `activation: 'elu' | 'swish'` of Dense / Conv.
// LeakyReLU slopes are exact in float32 (TF.js multiplies by the JavaScript double, Keras by float32:
// the same product for these values).

/**
 * Adds the fixtures through `add(name, description, build, extra)`; `L` is tf.layers, `D` the dims,
 * `seq(name, layers)` a sequential model, `scaleKernel(layer, f)` widens a layer's pre-activations.
 */
function addActivationFixtures(L, D, add, seq, scaleKernel) {
  const widen = {post: m => scaleKernel(m.layers[0], 3)}; // reach the saturated / negative regions
  for (const [name, alpha] of [['leaky_relu_layer', 0.25], ['leaky_relu_negative_alpha', -0.375]]) {
    add(name, `Dense(${D.dHidden}) -> LeakyReLU(alpha ${alpha}) -> Dense(${D.dOut})`, n => seq(n, [
      L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
      L.leakyReLU({alpha, name: 'leaky_re_lu'}),
      L.dense({units: D.dOut, name: 'dense_2'}),
    ]), widen);
  }
  add('prelu_dense', `Dense(${D.dHidden}) -> PReLU (one slope per unit) -> Dense(${D.dOut})`, n => seq(n, [
    L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
    L.prelu({name: 'p_re_lu'}),
    L.dense({units: D.dOut, name: 'dense_2'}),
  ]), widen);
  add('prelu_conv1d_shared', `Conv1D(${D.c1Filters}, k=${D.c1K}) -> PReLU(sharedAxes [1]: one slope per channel) ` +
      `on [${D.c1T}, ${D.c1C}]`, n => seq(n, [
    L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, inputShape: [D.c1T, D.c1C], name: 'conv1d'}),
    L.prelu({sharedAxes: [1], name: 'p_re_lu'}),
  ]), widen);
  add('prelu_conv2d_unshared', `Conv2D(${D.c2Filters}, 3x3) -> PReLU(sharedAxes [3]: one slope per position) ` +
      `on [${D.c2H}, ${D.c2W}, ${D.c2C}]`, n => seq(n, [
    L.conv2d({filters: D.c2Filters, kernelSize: 3, inputShape: [D.c2H, D.c2W, D.c2C], name: 'conv2d'}),
    L.prelu({sharedAxes: [3], name: 'p_re_lu'}),
  ]), widen);
  add('elu_layer', `Dense(${D.dHidden}) -> ELU() -> Dense(${D.dOut})`, n => seq(n, [
    L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
    L.elu({name: 'elu'}),
    L.dense({units: D.dOut, name: 'dense_2'}),
  ]), widen);
  for (const act of ['elu', 'swish']) {
    add(`dense_${act}`, `Dense(${D.dHidden}, ${act}) -> Dense(${D.dOut}, ${act}) on [${D.dIn}]`, n => seq(n, [
      L.dense({units: D.dHidden, activation: act, inputShape: [D.dIn], name: 'dense_1'}),
      L.dense({units: D.dOut, activation: act, name: 'dense_2'}),
    ]), widen);
    add(`activation_${act}`, `Dense(${D.dHidden}) -> Activation(${act})`, n => seq(n, [
      L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
      L.activation({activation: act, name: `activation_${act}`}),
    ]), widen);
    add(`conv1d_${act}`, `Conv1D(${D.c1Filters}, k=${D.c1K}, same, ${act}) on [${D.c1T}, ${D.c1C}]`, n => seq(n, [
      L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, padding: 'same', activation: act,
        inputShape: [D.c1T, D.c1C], name: 'conv1d'}),
    ]), widen);
  }
}

module.exports = {addActivationFixtures};
