import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const PALETTE = ['#e8590c', '#1c7ed6', '#2b8a3e', '#ae3ec9', '#f08c00', '#495057'];

/** One inline SVG line chart of several series over steps (no scripts, opens offline). */
export function lineChartSvg(title: string, series: { name: string; points: [number, number][] }[], width = 560, height = 220): string {
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (all.length === 0) return '';
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  // Folds, not Math.min(...xs): a long run's points would overflow the call stack as arguments.
  const lo = (v: number[]) => v.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = (v: number[]) => v.reduce((a, b) => Math.max(a, b), -Infinity);
  const [x0, x1] = [lo(xs), hi(xs)];
  let [y0, y1] = [lo(ys), hi(ys)];
  if (y1 - y0 < 1e-9) { y0 -= 1; y1 += 1; }
  const m = { l: 52, r: 12, t: 26, b: 28 };
  const sx = (x: number) => m.l + ((x - x0) / Math.max(x1 - x0, 1e-9)) * (width - m.l - m.r);
  const sy = (y: number) => height - m.b - ((y - y0) / (y1 - y0)) * (height - m.t - m.b);
  const paths = series.map((s, i) => {
    const step = Math.max(1, Math.floor(s.points.length / 600));
    const pts = s.points.filter((_, k) => k % step === 0 || k === s.points.length - 1).filter(([, y]) => Number.isFinite(y));
    const d = pts.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.5"/>`;
  });
  const legend = series.map((s, i) => `<tspan fill="${PALETTE[i % PALETTE.length]}">■ ${escapeHtml(s.name)}</tspan>`).join('  ');
  const ticks = [y0, (y0 + y1) / 2, y1].map((v) => `<text x="${m.l - 6}" y="${sy(v) + 4}" text-anchor="end" font-size="10">${v.toPrecision(3)}</text><line x1="${m.l}" x2="${width - m.r}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">
<text x="${m.l}" y="16" font-size="12" font-weight="600">${escapeHtml(title)}</text><text x="${width - m.r}" y="16" font-size="11" text-anchor="end">${legend}</text>
${ticks.join('')}<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}" stroke="#999"/><line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" stroke="#999"/>
<text x="${m.l}" y="${height - 8}" font-size="10">${x0}</text><text x="${width - m.r}" y="${height - 8}" font-size="10" text-anchor="end">step ${x1}</text>
${paths.join('\n')}</svg>`;
}

export interface ReportInput {
  title: string;
  config: unknown;
  metrics: Record<string, number>[];
  samples: { step: number; file: string }[];
  evaluation?: Record<string, unknown> | null;
  notes?: string[];
}

/** Groups logged keys into charts: losses together, everything else on its own. */
function chartGroups(metrics: Record<string, number>[]): { title: string; keys: string[] }[] {
  const keys = [...new Set(metrics.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'step' && k !== 'seconds' && typeof metrics.find((r) => k in r)?.[k] === 'number');
  const losses: string[] = keys.filter((k) => k === 'd_loss' || k === 'g_loss');
  const rest = keys.filter((k) => !losses.includes(k));
  return [...(losses.length ? [{ title: 'Losses', keys: losses }] : []), ...rest.map((k) => ({ title: k, keys: [k] }))];
}

/** A self-contained HTML report: curves as inline SVG, sample grids as data URIs. */
export function renderReport(input: ReportInput): string {
  const charts = chartGroups(input.metrics).map((g) =>
    lineChartSvg(g.title, g.keys.map((k) => ({ name: k, points: input.metrics.filter((r) => Number.isFinite(r[k])).map((r) => [r.step, r[k]] as [number, number]) }))),
  );
  const maxGrids = 12;
  const stride = Math.max(1, Math.ceil(input.samples.length / maxGrids));
  const shown = input.samples.filter((_, i) => i % stride === 0 || i === input.samples.length - 1);
  const grids = shown
    .filter((s) => existsSync(s.file))
    .map((s) => `<figure><img alt="samples at step ${s.step}" src="data:image/png;base64,${readFileSync(s.file).toString('base64')}"/><figcaption>step ${s.step}</figcaption></figure>`);
  const evalRows = input.evaluation
    ? Object.entries(input.evaluation)
        .filter(([, v]) => typeof v !== 'object')
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v))}</td></tr>`)
        .join('')
    : '';
  const notes = (input.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
.charts{display:flex;flex-wrap:wrap;gap:12px}.grids{display:flex;flex-wrap:wrap;gap:10px}figure{margin:0}figure img{max-width:280px;image-rendering:pixelated;border:1px solid #ccc}figcaption{font-size:12px;color:#555;text-align:center}
table{border-collapse:collapse}th,td{text-align:left;padding:3px 12px 3px 0;border-bottom:1px solid #eee}pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}.note{background:#fff4e6;padding:8px;border-left:3px solid #e8590c}</style></head>
<body><h1>${escapeHtml(input.title)}</h1>${notes}
<h2>Final metrics</h2>${evalRows ? `<table>${evalRows}</table>` : '<p>No evaluation recorded.</p>'}
<h2>Training curves</h2><div class="charts">${charts.join('') || '<p>No metrics logged yet.</p>'}</div>
<h2>Samples over time (fixed noise)</h2><div class="grids">${grids.join('') || '<p>No samples yet.</p>'}</div>
<h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(input.config, null, 2))}</pre>
<p style="color:#888;font-size:12px">Made by gankit. This file is self-contained and opens offline.</p></body></html>`;
}

export function writeReport(path: string, input: ReportInput): void {
  writeFileAtomic(path, renderReport(input));
}

export function readJsonIfExists(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export const reportPaths = (runDir: string) => ({ html: join(runDir, 'report.html'), eval: join(runDir, 'eval.json') });
