// Worker thread for parallel betweenness (see parallel.ts): accumulates the dependencies of its
// share of the sources and posts them back.
import { parentPort } from "node:worker_threads";
import { accumulateDependencies } from "./brandes.ts";

interface Task {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  sources: Int32Array;
  from: number;
  to: number;
}

parentPort!.on("message", (task: Task) => {
  const out = new Float64Array(task.n);
  try {
    accumulateDependencies(task.n, task.offsets, task.targets, task.sources, task.from, task.to, out);
    parentPort!.postMessage({ out }, [out.buffer]);
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
