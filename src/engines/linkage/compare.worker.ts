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
    for (;;) {
      const s = Atomics.add(counter, 0, chunk);
      if (s >= n) break;
      compareRange(fields, pairsI, pairsJ, gamma, s, Math.min(n, s + chunk));
    }
    parentPort!.postMessage("done");
  },
);
