// Number and duration formatting shared by the dashboard and the plain progress line.
//
// defines: fmtNum, fmtSig, fmtPct, fmtDuration, fmtCount

const DASH = "-";

/** Three significant digits, trailing zeros dropped (0.0940 → "0.094"); integers from 100 up. */
export function fmtSig(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return DASH;
  if (Math.abs(v) >= 100) return String(Math.round(v));
  if (v === 0) return "0";
  return String(Number(v.toPrecision(3)));
}

/** A metric value in at most 8 characters: 1532, 112, 0.812, 0.0041, 4.00e-4, 1.23e7. */
export function fmtNum(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return DASH;
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e6) return v.toExponential(2).replace("e+", "e");
  if (a >= 1000) return String(Math.round(v));
  if (a >= 1e-3) return String(Number(v.toPrecision(4)));
  return v.toExponential(2);
}

/** A rate in [0, 1] as a percentage with `digits` decimals. */
export function fmtPct(v: number | undefined, digits = 1): string {
  if (v === undefined || !Number.isFinite(v)) return DASH;
  return `${(v * 100).toFixed(digits)}%`;
}

/** A count with thousands separators: 163840 → "163,840". */
export function fmtCount(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return DASH;
  return Math.round(v).toLocaleString("en-US");
}

/** 45s, 1m33s, 2h05m, 3d04h; "--" when unknown. */
export function fmtDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--";
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor((s % 86400) / 3600))}h`;
}
