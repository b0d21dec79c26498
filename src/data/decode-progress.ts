/** A one-line progress bar for decoding or generating files: count, files/s, ETA (stderr). */
export interface CountProgress {
  tick(done: number): void;
  done(): void;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function countProgress(label: string, total: number, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): CountProgress {
  const stream = opts.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const t0 = performance.now();
  let lastDraw = 0;
  let lastDecile = 0;
  const line = (n: number) => {
    const elapsed = (performance.now() - t0) / 1000;
    const rate = n / Math.max(elapsed, 1e-9);
    const width = 24;
    const filled = Math.round((n / total) * width);
    return `${label} ${n}/${total} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${rate.toFixed(0)} files/s  ETA ${clock((total - n) / rate)}`;
  };
  return {
    tick(n) {
      if (opts.quiet || total === 0) return;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && n < total) return;
        lastDraw = now;
        stream.write(`\r${line(n)}\x1b[K`);
      } else {
        const decile = Math.floor((n / total) * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(line(n) + '\n');
        }
      }
    },
    done() {
      if (!opts.quiet && tty && total > 0) stream.write('\n');
    },
  };
}
