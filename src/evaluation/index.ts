// Evaluation: players (opponents.ts; USI engines: usi-player.ts over usi-engine.ts), lock-step
// matches (match.ts), strategies (strategies.ts), start positions (openings.ts), Elo and the
// previous-model pool (elo.ts), results and records (report.ts), entry points (evaluate.ts).
export * from "./elo.ts";
export * from "./evaluate.ts";
export * from "./match.ts";
export * from "./openings.ts";
export * from "./opponents.ts";
export * from "./report.ts";
export * from "./strategies.ts";
export * from "./usi-engine.ts";
export * from "./usi-player.ts";
