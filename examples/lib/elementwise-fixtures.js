'use strict';
// TF.js goldens of the element-wise merge layers Multiply, Average, Maximum, Minimum (TF.js has no
// Subtract layer; the ONNX and TFLite fixtures cover subtraction): same-shape branches, three operands,
// a per-channel vector broadcast over time (squeeze-and-excitation style) and two model inputs.
// Required by gen-fixtures.js, which saves each model with model.predict's output as the golden.

/**
 * Adds the fixtures through `add(name, description, build)` as gen-fixtures.js defines it.
 * @param {object} tf the TF.js module
 * @param {object} D the dims of gen-fixtures.js (makeDims)
 */
function elementwiseFixtures(tf, D, add) {
  const L = tf.layers;
  const c1In = [D.c1T, D.c1C];
  add('functional_multiply', `input [${D.dIn}] -> {Dense(${D.dHidden}, tanh), Dense(${D.dHidden}, relu)} -> ` +
      `Multiply -> Dense(${D.dOut})`, n => {
    const x = tf.input({shape: [D.dIn], name: 'x'});
    const a = L.dense({units: D.dHidden, activation: 'tanh', name: 'branch_a'}).apply(x);
    const b = L.dense({units: D.dHidden, activation: 'relu', name: 'branch_b'}).apply(x);
    const m = L.multiply({name: 'multiply'}).apply([a, b]);
    const y = L.dense({units: D.dOut, name: 'head'}).apply(m);
    return tf.model({inputs: x, outputs: y, name: n});
  });
  add('functional_average3', `input [${D.dIn}] -> three Dense(${D.dHidden}) branches (relu, tanh, linear) -> ` +
      `Average -> Dense(${D.dOut})`, n => {
    const x = tf.input({shape: [D.dIn], name: 'x'});
    const a = L.dense({units: D.dHidden, activation: 'relu', name: 'branch_a'}).apply(x);
    const b = L.dense({units: D.dHidden, activation: 'tanh', name: 'branch_b'}).apply(x);
    const c = L.dense({units: D.dHidden, name: 'branch_c'}).apply(x);
    const m = L.average({name: 'average'}).apply([a, b, c]);
    const y = L.dense({units: D.dOut, name: 'head'}).apply(m);
    return tf.model({inputs: x, outputs: y, name: n});
  });
  for (const kind of ['maximum', 'minimum']) {
    add(`functional_${kind}_conv1d`, `input [${c1In}] -> {Conv1D(k=${D.c1K}, same), Conv1D(k=${D.c1KOdd}, same, ` +
        `tanh)} -> ${kind === 'maximum' ? 'Maximum' : 'Minimum'} -> GlobalAveragePooling1D -> Dense(${D.dOut})`, n => {
      const x = tf.input({shape: c1In, name: 'x'});
      const a = L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, padding: 'same', name: 'branch_a'}).apply(x);
      const b = L.conv1d({filters: D.c1Filters, kernelSize: D.c1KOdd, padding: 'same', activation: 'tanh',
        name: 'branch_b'}).apply(x);
      const m = L[kind]({name: kind}).apply([a, b]);
      const g = L.globalAveragePooling1d({name: 'gap'}).apply(m);
      const y = L.dense({units: D.dOut, name: 'head'}).apply(g);
      return tf.model({inputs: x, outputs: y, name: n});
    });
  }
  add('functional_multiply_channel_vector', `input [${c1In}] -> Conv1D(${D.c1Filters}, k=${D.c1K}, same, relu) = h; ` +
      `GlobalAveragePooling1D(h) -> Dense(${D.c1Filters}, sigmoid) -> Reshape([1, ${D.c1Filters}]) = s; ` +
      `Multiply(h, s) (s repeated over time) -> GlobalAveragePooling1D -> Dense(${D.dOut})`, n => {
    const x = tf.input({shape: c1In, name: 'x'});
    const h = L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, padding: 'same', activation: 'relu',
      name: 'conv'}).apply(x);
    let s = L.globalAveragePooling1d({name: 'squeeze'}).apply(h);
    s = L.dense({units: D.c1Filters, activation: 'sigmoid', name: 'excite'}).apply(s);
    s = L.reshape({targetShape: [1, D.c1Filters], name: 'excite_row'}).apply(s);
    const m = L.multiply({name: 'scale'}).apply([h, s]);
    const g = L.globalAveragePooling1d({name: 'gap'}).apply(m);
    const y = L.dense({units: D.dOut, name: 'head'}).apply(g);
    return tf.model({inputs: x, outputs: y, name: n});
  });
  add('functional_two_inputs_maximum', `two inputs a, b [${D.dIn}] -> Maximum -> Dense(${D.dHidden}, relu) -> ` +
      `Dense(${D.dOut}); inputs in input_0.npy, input_1.npy`, n => {
    const a = tf.input({shape: [D.dIn], name: 'in_a'});
    const b = tf.input({shape: [D.dIn], name: 'in_b'});
    const m = L.maximum({name: 'maximum'}).apply([a, b]);
    const h = L.dense({units: D.dHidden, activation: 'relu', name: 'dense_1'}).apply(m);
    const y = L.dense({units: D.dOut, name: 'dense_2'}).apply(h);
    return tf.model({inputs: [a, b], outputs: y, name: n});
  });
}

module.exports = {elementwiseFixtures};
