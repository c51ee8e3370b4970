// The chart of time against cluster count, as a small hand-written SVG: one panel per part, one line per series.
export interface Series {
    name: string;
    color: string;
    points: [number, number][];
}

export interface Panel {
    title: string;
    yLabel: string;
    series: Series[];
}

const W = 440;
const H = 300;
const M = { left: 58, right: 16, top: 34, bottom: 96 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** About five round steps from 0 to at least `max`. */
function ticks(max: number): number[] {
    const raw = max / 5;
    const mag = 10 ** Math.floor(Math.log10(raw || 1));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
    return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

function panel(p: Panel, dx: number): string {
    const xs = [...new Set(p.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
    const yTicks = ticks(Math.max(...p.series.flatMap((s) => s.points.map(([, y]) => y))));
    const xMax = Math.max(...xs);
    const yMax = yTicks[yTicks.length - 1];
    const px = (x: number) => dx + M.left + (x / xMax) * (W - M.left - M.right);
    const py = (y: number) => M.top + (1 - y / yMax) * (H - M.top - M.bottom);
    const out = [`<text x="${dx + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`];
    for (const y of yTicks) {
        out.push(`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
        out.push(`<text x="${px(0) - 6}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
    }
    for (const x of xs) {
        out.push(`<text x="${px(x)}" y="${py(0) + 16}" text-anchor="middle">${x}</text>`);
    }
    out.push(`<text x="${dx + M.left + (W - M.left - M.right) / 2}" y="${py(0) + 32}" text-anchor="middle">clusters</text>`);
    out.push(`<text transform="translate(${dx + 14} ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
    p.series.forEach((s, i) => {
        const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
        out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(" ")}"/>`);
        out.push(...pts.map((pt) => `<circle cx="${pt.split(",")[0]}" cy="${pt.split(",")[1]}" r="3" fill="${s.color}"/>`));
        const lx = dx + M.left + (i % 2) * 190;
        const ly = py(0) + 52 + Math.floor(i / 2) * 16;
        out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="3" fill="${s.color}"/><text x="${lx + 16}" y="${ly - 4}">${esc(s.name)}</text>`);
    });
    return out.join("\n");
}

export function chartSvg(panels: Panel[]): string {
    const width = W * panels.length;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="11">`,
        `<rect width="${width}" height="${H}" fill="#fff"/>`,
        ...panels.map((p, i) => panel(p, i * W)),
        "</svg>",
        "",
    ].join("\n");
}
