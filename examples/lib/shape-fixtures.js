// TF.js fixtures of the data-movement layers (ZeroPadding2D, Cropping2D, UpSampling2D, Permute,
// RepeatVector) and of Conv2DTranspose (strides 1 and 2, 'same' and 'valid'), for gen-fixtures.js.
// Each model ends in a layer whose output is the whole tensor, so the golden checks every position.
'use strict';

/**
 * Adds the fixtures through `add(name, description, build)`; `seq(name, layers)` builds a sequential
 * model; `L` is tf.layers.
 */
function addShapeFixtures(L, add, seq) {
  add('zero_padding2d', 'Conv2D(4, 3x3, relu) -> ZeroPadding2D([[1, 2], [0, 3]]) -> Conv2D(3, 2x2) on [7, 6, 2]',
      n => seq(n, [
        L.conv2d({filters: 4, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [7, 6, 2], name: 'conv_1'}),
        L.zeroPadding2d({padding: [[1, 2], [0, 3]], name: 'zero_padding2d'}),
        L.conv2d({filters: 3, kernelSize: 2, name: 'conv_2'}),
      ]));
  add('zero_padding2d_symmetric', 'ZeroPadding2D(2) -> Conv2D(3, 3x3, stride 2) on [5, 8, 3]', n => seq(n, [
    L.zeroPadding2d({padding: 2, inputShape: [5, 8, 3], name: 'zero_padding2d'}),
    L.conv2d({filters: 3, kernelSize: 3, strides: 2, name: 'conv'}),
  ]));
  add('cropping2d', 'Conv2D(4, 3x3, same) -> Cropping2D([[1, 0], [2, 1]]) -> Flatten -> Dense(5) on [8, 9, 2]',
      n => seq(n, [
        L.conv2d({filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 9, 2], name: 'conv'}),
        L.cropping2D({cropping: [[1, 0], [2, 1]], name: 'cropping2d'}),
        L.flatten({name: 'flatten'}),
        L.dense({units: 5, name: 'dense'}),
      ]));
  add('upsampling2d', 'Conv2D(3, 2x2, tanh) -> UpSampling2D([2, 3], nearest) -> Conv2D(2, 3x3, same) on [5, 4, 2]',
      n => seq(n, [
        L.conv2d({filters: 3, kernelSize: 2, activation: 'tanh', inputShape: [5, 4, 2], name: 'conv_1'}),
        L.upSampling2d({size: [2, 3], name: 'up_sampling2d'}),
        L.conv2d({filters: 2, kernelSize: 3, padding: 'same', name: 'conv_2'}),
      ]));
  add('permute', 'Conv2D(4, 2x2) -> Permute([3, 1, 2]) -> Conv2D(3, 2x2) on [6, 5, 2]', n => seq(n, [
    L.conv2d({filters: 4, kernelSize: 2, inputShape: [6, 5, 2], name: 'conv_1'}),
    L.permute({dims: [3, 1, 2], name: 'permute'}),
    L.conv2d({filters: 3, kernelSize: 2, name: 'conv_2'}),
  ]));
  add('permute_2d', 'Dense(6) -> Permute([2, 1]) -> Dense(4) on [5, 3]', n => seq(n, [
    L.dense({units: 6, inputShape: [5, 3], name: 'dense_1'}),
    L.permute({dims: [2, 1], name: 'permute'}),
    L.dense({units: 4, name: 'dense_2'}),
  ]));
  add('repeat_vector', 'Dense(6, relu) -> RepeatVector(4) -> Dense(3) per step on [7]', n => seq(n, [
    L.dense({units: 6, activation: 'relu', inputShape: [7], name: 'dense_1'}),
    L.repeatVector({n: 4, name: 'repeat_vector'}),
    L.dense({units: 3, name: 'dense_2'}),
  ]));
  const tconvs = [
    ['conv2d_transpose_s1_valid', 1, 'valid', [3, 2]],
    ['conv2d_transpose_s1_same', 1, 'same', [3, 3]],
    ['conv2d_transpose_s2_valid', 2, 'valid', [3, 3]],
    ['conv2d_transpose_s2_same', 2, 'same', [4, 3]],
    ['conv2d_transpose_s2_k1', 2, 'valid', [1, 1]],
  ];
  for (const [name, s, padding, k] of tconvs) {
    add(name, `Conv2DTranspose(4, ${k.join('x')}, strides ${s}, ${padding}, relu) -> Conv2DTranspose(2, 2x2, ` +
        `strides ${s}, ${padding}) on [5, 4, 3]`, n => seq(n, [
      L.conv2dTranspose({filters: 4, kernelSize: k, strides: s, padding, activation: 'relu', inputShape: [5, 4, 3],
        name: 'conv2d_transpose_1'}),
      L.conv2dTranspose({filters: 2, kernelSize: 2, strides: s, padding, name: 'conv2d_transpose_2'}),
    ]));
  }
}

module.exports = {addShapeFixtures};
