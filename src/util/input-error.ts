// The one error class of bad input: a careless or hostile flag, config, SFEN, checkpoint or sweep
// file. Its message is one line that names the input and what is wrong (the CLI prints it and
// exits with status 2); each entry point's own error (ConfigError, SfenError, UsageError, …)
// extends it, so a test — or a fuzzer — can tell a refusal from an internal error.
//
// Defines: InputError, quote.

export class InputError extends Error {
  override name = "InputError";
}

/**
 * `text` as a quoted, one-line echo of user input: control characters escaped (JSON style), and
 * cut to `max` characters with the full length said, so a 100 KB SFEN or a newline in a flag
 * never floods or breaks the one-line error.
 */
export function quote(text: unknown, max = 80): string {
  const s = typeof text === "string" ? text : String(text);
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`;
}

/** `text` as it was typed when it is short and printable, else quote(text): for names built from input. */
export function echo(text: unknown, max = 120): string {
  const s = typeof text === "string" ? text : String(text);
  return s === "" || s.length > max || hasControl(s) ? quote(s) : s;
}

/** Whether `s` holds a character that would break or hide a line: C0 controls, DEL, line and paragraph separators. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}
