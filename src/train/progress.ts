/** A one-line progress bar on stderr: step, it/s, ETA and the latest losses. */
export interface Progress {
  update(step: number, logs: Record<string, number>): void;
  done(): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(3)}`)
    .join('  ');
}

/**
 * On a terminal the bar redraws in place; otherwise (CI, a log file) it prints one line
 * every 10% so logs stay readable.
 */
export function progressBar(opts: { total: number; start: number; stream?: NodeJS.WriteStream; quiet?: boolean }): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const t0 = performance.now();
  let lastDraw = 0;
  let lastDecile = Math.floor((opts.start / opts.total) * 10);
  const line = (step: number, logs: Record<string, number>) => {
    const elapsed = (performance.now() - t0) / 1000;
    const rate = (step - opts.start) / Math.max(elapsed, 1e-9);
    const eta = (opts.total - step) / rate;
    const frac = step / opts.total;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `step ${step}/${opts.total} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${rate.toFixed(1)} it/s  ETA ${formatDuration(eta)}  ${formatLogs(logs)}`;
  };
  return {
    update(step, logs) {
      if (opts.quiet) return;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && step < opts.total) return;
        lastDraw = now;
        const text = line(step, logs);
        stream.write(`\r${text.slice(0, (stream.columns ?? 160) - 1)}\x1b[K`);
      } else {
        const decile = Math.floor((step / opts.total) * 10);
        if (decile > lastDecile || step === opts.total) {
          lastDecile = decile;
          stream.write(line(step, logs) + '\n');
        }
      }
    },
    done() {
      if (!opts.quiet && tty) stream.write('\n');
    },
  };
}
