// Sparklines and trend arrows for metric histories.
//
// defines: SPARK_CHARS, sparkline, trendArrow

/** Eight levels, lowest first. */
export const SPARK_CHARS = "▁▂▃▄▅▆▇█";

/**
 * The last `width` points of `series` as block characters: level = ⌊(v − min)/(max − min)·8⌋
 * clamped to 7, min and max taken over the points shown. A flat series sits at the middle level
 * (▄); a non-finite point is a space; a series shorter than `width` is left-padded with spaces.
 */
export function sparkline(series: readonly number[], width: number): string {
  if (width <= 0) return "";
  const start = Math.max(0, series.length - width);
  let min = Infinity,
    max = -Infinity;
  for (let i = start; i < series.length; i++) {
    const v = series[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let out = " ".repeat(width - (series.length - start));
  const span = max - min;
  for (let i = start; i < series.length; i++) {
    const v = series[i];
    if (!Number.isFinite(v)) out += " ";
    else if (span === 0) out += SPARK_CHARS[3];
    else out += SPARK_CHARS[Math.min(7, Math.floor(((v - min) / span) * 8))];
  }
  return out;
}

/**
 * ↑, ↓ or → comparing the last point with the one before; → also when the change is within
 * `relTol` of the larger magnitude, or there are fewer than two finite points; a space for no data.
 */
export function trendArrow(series: readonly number[] | undefined, relTol = 1e-3): string {
  if (!series || series.length === 0) return " ";
  const last = series[series.length - 1],
    prev = series[series.length - 2];
  if (!Number.isFinite(last) || prev === undefined || !Number.isFinite(prev)) return "→";
  const d = last - prev;
  if (Math.abs(d) <= relTol * Math.max(Math.abs(last), Math.abs(prev))) return "→";
  return d > 0 ? "↑" : "↓";
}
