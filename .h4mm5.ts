import { tf } from "./src/runtime/tfjs/tf.js";
import { initBackend } from "./src/runtime/tfjs/backends.js";
await initBackend("wasm");
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const a = tf.randomNormal([128, 1200]); const b = tf.randomNormal([1200, 1200]);
for (const [ta, tb] of [[false, false], [false, true], [true, false]] as const) {
  const aa = ta ? tf.randomNormal([1200, 128]) : a;
  tf.matMul(aa, b, ta, tb).dispose();
  const t0 = cpu(); for (let i = 0; i < 5; i++) tf.matMul(aa, b, ta, tb).dataSync(); console.log(ta, tb, "same operands", ((cpu() - t0) / 5).toFixed(1), "ms cpu");
  let tot = 0; for (let i = 0; i < 5; i++) { const bb = tf.randomNormal([1200, 1200]); const t1 = cpu(); tf.matMul(aa, bb, ta, tb).dataSync(); tot += cpu() - t1; bb.dispose(); }
  console.log(ta, tb, "fresh b", (tot / 5).toFixed(1), "ms cpu");
}
