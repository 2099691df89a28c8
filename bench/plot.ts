// A line chart as SVG, rasterised to PNG by resvg: the one picture the bench draws (figure 15's curve).
import { Resvg } from "@resvg/resvg-js";

/** One line of the chart: its label and its points. */
export interface Line {
  label: string;
  color: string;
  points: { x: number; y: number }[];
}

const W = 720;
const H = 420;
const M = { left: 70, right: 20, top: 40, bottom: 55 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round tick steps (1, 2, 5 × 10^n) that cut `span` into about five parts. */
function ticks(min: number, max: number): number[] {
  const raw = (max - min) / 5 || 1;
  const base = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * base).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step / 2; v += step)
    out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** The chart as an SVG text: lines with their points marked, axes with ticks, a title and a legend. */
export function lineChartSvg(title: string, xLabel: string, yLabel: string, lines: Line[]): string {
  const xs = lines.flatMap((l) => l.points.map((p) => p.x));
  const ys = lines.flatMap((l) => l.points.map((p) => p.y));
  const xt = ticks(0, Math.max(...xs));
  const yt = ticks(Math.min(0, ...ys), Math.max(...ys));
  const [x0, x1, y0, y1] = [xt[0], xt[xt.length - 1], yt[0], yt[yt.length - 1]];
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const text = (x: number, y: number, s: string, extra = "", size = 12) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${size}" ${extra}>${esc(s)}</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    text(M.left, 22, title, 'font-weight="bold"', 14),
    ...yt.map(
      (v) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${sy(v)}" y2="${sy(v)}" stroke="#ddd"/>` +
        text(M.left - 8, sy(v) + 4, String(v), 'text-anchor="end"'),
    ),
    ...xt.map((v) => text(sx(v), H - M.bottom + 18, String(v), 'text-anchor="middle"')),
    `<line x1="${M.left}" x2="${W - M.right}" y1="${sy(y0)}" y2="${sy(y0)}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`,
    text((M.left + W - M.right) / 2, H - 15, xLabel, 'text-anchor="middle"'),
    text(
      18,
      (M.top + H - M.bottom) / 2,
      yLabel,
      `text-anchor="middle" transform="rotate(-90 18 ${(M.top + H - M.bottom) / 2})"`,
    ),
    ...lines.flatMap((line, i) => [
      `<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${line.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" ")}"/>`,
      ...line.points.map((p) => `<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="3.5" fill="${line.color}"/>`),
      `<line x1="${M.left + 15}" x2="${M.left + 35}" y1="${M.top + 12 + i * 18}" y2="${M.top + 12 + i * 18}" stroke="${line.color}" stroke-width="2"/>`,
      text(M.left + 42, M.top + 16 + i * 18, line.label),
    ]),
    "</svg>",
  ];
  return parts.join("\n");
}

/** The SVG as a PNG, with the system's fonts (DejaVu Sans, named by the chart). */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } })
    .render()
    .asPng();
}
