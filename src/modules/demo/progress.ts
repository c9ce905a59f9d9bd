// Progress for long demo seeding on stderr: a cli-progress bar per phase on a terminal, plain phase
// lines otherwise (logs, CI), so stdout stays clean for results.
import cliProgress from "cli-progress";

export type ProgressReporter = {
  update(phase: string, done: number, total: number): void;
  stop(): void;
};

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let phase: string | null = null;
  const finish = () => {
    bar?.stop();
    bar = null;
  };
  return {
    update(p, done, total) {
      if (p !== phase) {
        finish();
        phase = p;
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: `${p.padEnd(20)} [{bar}] {value}/{total}`,
              barsize: 30,
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(Math.max(total, 1), done);
        } else {
          stream.write(`${p}${total > 1 ? ` (${total.toLocaleString("en-GB")})` : ""}…\n`);
        }
        return;
      }
      if (bar) {
        if (bar.getTotal() !== Math.max(total, 1)) bar.setTotal(Math.max(total, 1));
        bar.update(done);
      }
    },
    stop: finish,
  };
}
