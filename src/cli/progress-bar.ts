import type { Writer } from './command.ts';

/** A progress reporter for long byte work: `update(phase, done, total)`, then `done()`. */
export interface ProgressBar {
  update(phase: string, done: number, total: number): void;
  /** ends the bar's line */
  done(): void;
}

const WIDTH = 24;
const MB = 1024 * 1024;

/**
 * A progress bar on `out` (stderr): bytes done of total and MB/s per phase. On a terminal
 * it redraws one line at most 10 times a second; elsewhere (logs, CI) it prints a line
 * per phase each time another quarter is done, so logs stay short.
 */
export function createProgressBar(
  out: Writer,
  options: { tty?: boolean; quiet?: boolean } = {},
): ProgressBar {
  const tty = options.tty ?? Boolean((out as { isTTY?: boolean }).isTTY);
  let phase = '';
  let phaseStart = 0;
  let lastDraw = 0;
  let lastQuarter = -1;
  let open = false;
  const line = (done: number, total: number) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * WIDTH);
    const seconds = Math.max(0.001, (Date.now() - phaseStart) / 1000);
    const speed = done / MB / seconds;
    return `${phase.padEnd(9)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${(done / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB  ${speed.toFixed(1)} MB/s`;
  };
  return {
    update(next, done, total) {
      if (options.quiet) return;
      if (next !== phase) {
        if (open && tty) out.write('\n');
        phase = next;
        phaseStart = Date.now();
        lastQuarter = -1;
        lastDraw = 0;
      }
      open = true;
      const now = Date.now();
      const finished = done >= total;
      if (tty) {
        if (finished || now - lastDraw >= 100) {
          out.write(`\r${line(done, total)}`);
          lastDraw = now;
        }
        return;
      }
      const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
      if (quarter > lastQuarter) {
        out.write(`${line(done, total)}\n`);
        lastQuarter = quarter;
      }
    },
    done() {
      if (open && tty) out.write('\n');
      open = false;
      phase = '';
    },
  };
}
