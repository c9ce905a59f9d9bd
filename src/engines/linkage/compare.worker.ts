// Worker thread for the comparison phase (see parallel.ts).
import { parentPort, workerData } from "node:worker_threads";
import { compareRange, type KernelField } from "./compare.ts";

const fields = (workerData as { fields: KernelField[] }).fields;

parentPort!.on(
  "message",
  (msg: {
    pairsI: Int32Array;
    pairsJ: Int32Array;
    gamma: Uint8Array;
    counter: Int32Array;
    chunk: number;
  }) => {
    const { pairsI, pairsJ, gamma, counter, chunk } = msg;
    const n = pairsI.length;
    let done = 0;
    for (;;) {
      const s = Atomics.add(counter, 0, chunk);
      if (s >= n) break;
      const e = Math.min(n, s + chunk);
      compareRange(fields, pairsI, pairsJ, gamma, s, e);
      done += e - s;
    }
    parentPort!.postMessage(done);
  },
);
