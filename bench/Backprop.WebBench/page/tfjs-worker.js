// TensorFlow.js 4.22 (served from the benchmark's npm folder, nothing fetched from elsewhere) training the
// playground's MLP: dense layers with ReLU between, softmax cross-entropy, Adam, shuffled batches of 32.
// Its own loop (optimizer.minimize per batch) rather than model.fit, which adds per-batch callbacks: the
// fastest way we know to train with it. The loss stays on the backend and is read once per epoch.
importScripts('tfjs/tf.min.js', 'tfjs/tf-backend-wasm.min.js');
tf.wasm.setWasmPaths(new URL('tfjs/', self.location.href).href);

self.onmessage = async (e) => {
  const { backend, hidden, epochs, batch, lr, x, y, classes } = e.data;
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
    await tf.ready();
    const n = y.length;
    const features = x.length / n;
    const xs = tf.tensor2d(Float32Array.from(x), [n, features]);
    const ys = tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), classes).toFloat();
    const sizes = [features, ...hidden, classes];
    const W = [], B = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      W.push(tf.variable(tf.randomNormal([sizes[i], sizes[i + 1]], 0, Math.sqrt(2 / sizes[i]), 'float32', i + 1)));
      B.push(tf.variable(tf.zeros([sizes[i + 1]])));
    }
    const forward = (xb) => {
      let h = xb;
      for (let i = 0; i < W.length; i++) {
        h = tf.add(tf.matMul(h, W[i]), B[i]);
        if (i + 1 < W.length) h = tf.relu(h);
      }
      return h;
    };
    const optimizer = tf.train.adam(lr);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    let seed = 1;
    const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
    let loss = NaN;
    const t0 = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
      const indices = tf.tensor1d(order, 'int32');
      let sum = tf.scalar(0);
      for (let start = 0; start < n; start += batch) {
        const size = Math.min(batch, n - start);
        const next = tf.tidy(() => {
          const picked = indices.slice(start, size);
          const xb = tf.gather(xs, picked);
          const yb = tf.gather(ys, picked);
          const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)), true);
          return tf.add(sum, tf.mul(cost, size));
        });
        sum.dispose();
        sum = next;
      }
      loss = (await sum.data())[0] / n;
      sum.dispose();
      indices.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    const flags = backend === 'wasm'
      ? `SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')} (threads need a cross-origin-isolated page)`
      : backend === 'webgl' ? `WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'float32' : 'float16'} textures` : undefined;
    self.postMessage({ backend: tf.getBackend(), seconds, epochs, samples: epochs * n, loss, flags });
  } catch (err) {
    self.postMessage({ error: `${err?.message ?? err}` });
  }
};
