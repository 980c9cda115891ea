// W&B's parameter distributions as percent-point functions: a coordinate u in [0, 1] maps to a
// value, exactly as wandb/sweeps' HyperParameter.ppf does. Random search draws u uniformly; TPE
// models u (so every distribution, normal ones included, is searched over its own prior).

import type { ParamSpec } from "./spec.ts";

/** erfc(x), Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p), Acklam's rational approximation (relative error < 1.2e-9). */
export function normalPpf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** Whether the parameter is searched as a number (u-coordinate) rather than as a choice index. */
export function isNumeric(p: ParamSpec): boolean {
  return p.distribution !== "constant" && p.distribution !== "categorical";
}

function quantize(x: number, p: ParamSpec): number {
  const r = Math.round(x / p.q) * p.q;
  return p.intQ ? Math.round(r) : Number(r.toPrecision(12));
}

/** The index a coordinate u selects among a categorical's values (with its probabilities, if any). */
export function categoricalIndex(p: ParamSpec, u: number): number {
  const n = p.values.length;
  if (!p.probabilities) return Math.min(n - 1, Math.floor(u * n));
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += p.probabilities[i];
    if (u < acc) return i;
  }
  return n - 1;
}

/** The value at coordinate u ∈ [0, 1] (W&B's ppf). */
export function ppf(p: ParamSpec, u: number): unknown {
  const span = p.max - p.min;
  const z = () => normalPpf(Math.min(1 - 1e-12, Math.max(1e-12, u)));
  switch (p.distribution) {
    case "constant":
      return p.values[0];
    case "categorical":
      return p.values[categoricalIndex(p, u)];
    case "int_uniform":
      return Math.min(p.max, p.min + Math.floor(u * (span + 1)));
    case "uniform":
      return p.min + u * span;
    case "q_uniform":
      return quantize(p.min + u * span, p);
    case "log_uniform":
      return Math.exp(p.min + u * span);
    case "log_uniform_values":
    case "inv_log_uniform_values": // W&B: exp(-U(-ln max, -ln min)) is log-uniform on [min, max]
      return Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min)));
    case "q_log_uniform":
      return quantize(Math.exp(p.min + u * span), p);
    case "q_log_uniform_values":
      return quantize(Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))), p);
    case "inv_log_uniform":
      return Math.exp(-(p.min + (1 - u) * span));
    case "normal":
      return p.mu + p.sigma * z();
    case "q_normal":
      return quantize(p.mu + p.sigma * z(), p);
    case "log_normal":
      return Math.exp(p.mu + p.sigma * z());
    case "q_log_normal":
      return quantize(Math.exp(p.mu + p.sigma * z()), p);
  }
}
