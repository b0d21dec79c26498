/**
 * The variants table of `npm run bench`: seconds per training step of gankit's own
 * configs (bench/variants.ts), the plain DCGAN among them, all in one process taking turns
 * round by round, so each config sees the same machine. Beside each time: how much more
 * arithmetic the step asks for than the plain DCGAN's (bench/flops.ts), and whether the
 * time stays within 1.5x of that. The process's CPU time per step (all its threads) is
 * measured over the same steps: on a machine shared with other jobs the wall-clock ratios
 * move with their load, CPU time much less (with GANKIT_THREADS=1 it is the work itself).
 */
import { countFlops } from './flops.js';
import { VARIANT_CONFIGS, makeVariantStepper, type VariantStepper } from './variants.js';

export interface VariantRow {
  config: string;
  s_per_step: number;
  /** s/step of each round */
  rounds: number[];
  /** CPU seconds per step of the process (all threads), median over rounds, and relative to the plain DCGAN */
  cpu_s_per_step: number;
  cpu_ratio: number;
  gflop_per_step: number;
  /** time and arithmetic, each relative to the plain DCGAN */
  time_ratio: number;
  flop_ratio: number;
  /** 1.5 x flop_ratio: the time ratio this config should stay within */
  budget: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export function runVariantTable(opts: { rounds: number; steps: number; warmup: number; configs?: readonly string[]; log?: (line: string) => void }): { rows: VariantRow[]; table: string } {
  const names = opts.configs ?? VARIANT_CONFIGS;
  if (!names.includes('plain')) throw new Error('the variants table needs the plain DCGAN (plain) as its reference');
  const steppers: VariantStepper[] = names.map((n) => makeVariantStepper(n));
  try {
    const flops = steppers.map((s) => {
      for (let i = 0; i < opts.warmup; i++) s.step();
      return countFlops(() => s.step());
    });
    const times: number[][] = steppers.map(() => []);
    const cpu: number[][] = steppers.map(() => []);
    for (let r = 0; r < opts.rounds; r++) {
      steppers.forEach((s, i) => {
        const c = process.cpuUsage();
        const t = performance.now();
        for (let k = 0; k < opts.steps; k++) s.step();
        times[i].push((performance.now() - t) / 1000 / opts.steps);
        const used = process.cpuUsage(c);
        cpu[i].push((used.user + used.system) / 1e6 / opts.steps);
      });
      opts.log?.(`  variants round ${r + 1}: ${steppers.map((s, i) => `${s.name} ${times[i][r].toFixed(3)} s`).join(', ')}`);
    }
    const ref = names.indexOf('plain');
    const refTime = median(times[ref]), refFlops = flops[ref], refCpu = median(cpu[ref]);
    const rows = steppers.map((s, i): VariantRow => {
      const t = median(times[i]);
      const flopRatio = flops[i] / refFlops;
      return {
        config: s.name, s_per_step: round(t, 3), rounds: times[i].map((x) => round(x, 3)), gflop_per_step: round(flops[i] / 1e9, 2),
        time_ratio: round(t / refTime, 2), flop_ratio: round(flopRatio, 2), budget: round(1.5 * flopRatio, 2),
        cpu_s_per_step: round(median(cpu[i]), 3), cpu_ratio: round(median(cpu[i]) / refCpu, 2),
      };
    });
    const lines = [
      '| config | s / step | × plain | GFLOP / step | FLOP × plain | budget (1.5 × FLOP) | within | CPU s / step | CPU × plain |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.config} | ${r.s_per_step} | ${r.time_ratio}× | ${r.gflop_per_step} | ${r.flop_ratio}× | ${r.budget}× | ${r.time_ratio <= r.budget ? 'yes' : 'no'} | ${r.cpu_s_per_step} | ${r.cpu_ratio}× |`),
    ];
    return { rows, table: lines.join('\n') };
  } finally {
    for (const s of steppers) s.dispose();
  }
}
