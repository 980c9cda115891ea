// The dashboard's HTTP API, as types the server and the page share (the page imports them as types
// only). Every endpoint is a GET; runs and files are named by their path relative to the log
// directory, in query parameters.
//
//   /api/info                                   InfoResponse
//   /api/runs                                   RunsResponse
//   /api/scalars?run=R[&key=K…][&axis=step|relative|wall][&points=N][&from=X&to=X][&after=ROWS]
//                                               ScalarsResponse (all keys when no key is given)
//   /api/run/config?run=R                       the run's effective_config.yaml (text)
//   /api/run/log?run=R[&lines=N]                the last N lines of its training_log.txt (text)
//   /api/live?run=R                             LiveBoard of a running run (404 when none)
//   /api/games                                  GamesResponse: every KIF/CSA record under the log directory
//   /api/game?path=P                            Replay of one record
//   /api/file?path=P                            a file under the log directory, as a download
//   /api/sweeps                                 SweepsResponse
//   /api/sweep?name=S                           StudyView
//   /api/events                                 server-sent events: "runs" (RunsEvent), "live" (LiveBoard),
//                                               "sweeps" (SweepsResponse), every second at most

import type { Axis, Sample } from "./metrics-store.ts";
import type { LiveBoard, RunSummary } from "./runs.ts";
import type { StudySummary } from "./sweeps.ts";

export type { Axis, Sample } from "./metrics-store.ts";
export type { BoardView, Replay } from "./board.ts";
export type { LiveBoard, RunSummary, RunStatus } from "./runs.ts";
export type { StudySummary, StudyView, TrialView } from "./sweeps.ts";

export interface InfoResponse {
  version: string;
  logdir: string;
  /** The pid of the `keisei train --web` process that started this server: the page opens its run. */
  focusPid: number | null;
  sweepStorage: string | null;
  pollMs: number;
  /** The server's memory: its resident set, its JavaScript heap, and the metric columns it holds (bytes). */
  memory: { rss: number; heap: number; columns: number; runsHeld: number };
}

export interface RunsResponse {
  runs: RunSummary[];
}

export interface RunsEvent {
  changed: RunSummary[];
  removed: string[];
}

export interface ScalarsResponse {
  run: string;
  axis: Axis;
  /** The records' epoch: when it differs from the one a client holds, its series are stale. */
  epoch: number;
  /** Records the server holds; `after` = rows asks for the records added since. */
  rows: number;
  series: Record<string, Sample>;
}

export interface GameFile {
  path: string;
  /** The run folder the record lies in, if any. */
  run: string | null;
  bytes: number;
  mtime: number;
}

export interface GamesResponse {
  games: GameFile[];
  /** True when the listing stopped at its limit. */
  truncated: boolean;
}

export interface SweepsResponse {
  storage: string | null;
  studies: StudySummary[];
  error: string | null;
}

export type LiveEvent = LiveBoard;
