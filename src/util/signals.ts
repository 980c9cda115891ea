// The signals that stop keisei gracefully (finish the step, write what must be written, exit) and
// the exit status each leaves: 128 + the signal's number, as a shell reports a process the signal
// killed, so callers can tell an interrupted run from a finished one.

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
