// One SVG per bench:stt scenario: jobs in flight and the learned cap over time, the account's
// real limit as a dashed line, and each 429 as a tick coloured by its code. Plain SVG, no library.

export interface ChartSample {
  /** Seconds since the scenario started. */
  atS: number;
  inFlight: number;
  cap: number;
  /** The vendor account's concurrency limit at that moment. */
  accountLimit: number;
  /** A rate-class 429 had closed every call to the vendor. */
  allGateClosed: boolean;
}

export interface ChartMark {
  atS: number;
  code: 'A0001' | 'A0002' | 'A0003';
}

const WIDTH = 900;
const HEIGHT = 360;
const PAD = { left: 50, right: 20, top: 40, bottom: 45 };
const COLOURS = { inFlight: '#1f77b4', cap: '#ff7f0e', limit: '#7f7f7f', A0001: '#8c564b', A0002: '#9467bd', A0003: '#d62728' };

export function chartSvg(title: string, samples: readonly ChartSample[], marks: readonly ChartMark[], idealS: number): string {
  const endS = Math.max(idealS, ...samples.map((s) => s.atS), 1);
  const topJobs = Math.max(1, ...samples.map((s) => Math.max(s.inFlight, s.cap, s.accountLimit))) + 1;
  const x = (s: number) => PAD.left + (s / endS) * (WIDTH - PAD.left - PAD.right);
  const y = (jobs: number) => HEIGHT - PAD.bottom - (jobs / topJobs) * (HEIGHT - PAD.top - PAD.bottom);
  const steps = (value: (s: ChartSample) => number) =>
    samples.map((s, i) => (i === 0 ? `M${x(s.atS).toFixed(1)},${y(value(s)).toFixed(1)}` : `H${x(s.atS).toFixed(1)} V${y(value(s)).toFixed(1)}`)).join(' ');
  const xTicks = niceTicks(endS).map(
    (t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${y(0)}" y2="${y(0) + 5}" stroke="#000"/><text x="${x(t)}" y="${y(0) + 18}" text-anchor="middle">${t}</text>`,
  );
  const yTicks = niceTicks(topJobs).map(
    (t) => `<line x1="${PAD.left - 5}" x2="${WIDTH - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${PAD.left - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
  );
  const ticks = marks.map((m) => `<line x1="${x(m.atS).toFixed(1)}" x2="${x(m.atS).toFixed(1)}" y1="${PAD.top - 10}" y2="${PAD.top}" stroke="${COLOURS[m.code]}" stroke-width="1.5"/>`);
  const legend = [
    ['jobs in flight', COLOURS.inFlight, ''],
    ['learned cap', COLOURS.cap, ''],
    ['account limit', COLOURS.limit, 'stroke-dasharray="5,4"'],
    ['429 A0002', COLOURS.A0002, ''],
    ['429 A0003', COLOURS.A0003, ''],
  ].map(([label, colour, dash], i) => {
    const lx = PAD.left + i * 150;
    return `<line x1="${lx}" x2="${lx + 20}" y1="${HEIGHT - 8}" y2="${HEIGHT - 8}" stroke="${colour}" stroke-width="2" ${dash}/><text x="${lx + 25}" y="${HEIGHT - 4}">${label}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${PAD.left}" y="16" font-size="13">${escapeXml(title)}</text>`,
    `<text x="${WIDTH - PAD.right}" y="16" text-anchor="end">429s as ticks above the plot; dotted line: ideal makespan</text>`,
    ...yTicks,
    ...xTicks,
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(0)}" y2="${y(0)}" stroke="#000"/>`,
    `<line x1="${x(idealS)}" x2="${x(idealS)}" y1="${PAD.top}" y2="${y(0)}" stroke="#2ca02c" stroke-dasharray="2,3"/>`,
    `<text x="${(WIDTH + PAD.left) / 2}" y="${HEIGHT - 22}" text-anchor="middle">time since the first upload (s)</text>`,
    `<text transform="translate(14,${(HEIGHT - PAD.bottom + PAD.top) / 2}) rotate(-90)" text-anchor="middle">vendor jobs (count)</text>`,
    samples.length ? `<path d="${steps((s) => s.accountLimit)}" fill="none" stroke="${COLOURS.limit}" stroke-width="1.5" stroke-dasharray="5,4"/>` : '',
    samples.length ? `<path d="${steps((s) => s.cap)}" fill="none" stroke="${COLOURS.cap}" stroke-width="2"/>` : '',
    samples.length ? `<path d="${steps((s) => s.inFlight)}" fill="none" stroke="${COLOURS.inFlight}" stroke-width="1.5"/>` : '',
    ...ticks,
    ...legend,
    '</svg>',
  ].join('\n');
}

function niceTicks(max: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find((s) => max / s <= 10) ?? 1000;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
