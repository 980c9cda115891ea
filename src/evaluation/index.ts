// Evaluation: players (opponents.ts), lock-step matches (match.ts), strategies (strategies.ts), Elo
// and the previous-model pool (elo.ts), results and records (report.ts), entry points (evaluate.ts).
export * from "./elo.ts";
export * from "./evaluate.ts";
export * from "./match.ts";
export * from "./opponents.ts";
export * from "./report.ts";
export * from "./strategies.ts";
