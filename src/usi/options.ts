// The engine's USI options: each one's type, default and range, as `option` lines for the GUI, and
// `setoption` checked against them (a bad value is reported with an `info string` naming the
// option and what it allows; the engine keeps its previous value and keeps running).

export type OptionSpec =
  | { name: string; type: "spin"; default: number; min: number; max: number; doc: string }
  | { name: string; type: "check"; default: boolean; doc: string }
  | { name: string; type: "combo"; default: string; vars: readonly string[]; doc: string }
  | { name: string; type: "filename" | "string"; default: string; doc: string };

/** Every option, in the order `usi` lists them. Percent-scaled spins follow dlshogi (C_init 144 = 1.44). */
export const OPTIONS: readonly OptionSpec[] = [
  { name: "ModelFile", type: "filename", default: "", doc: "the keisei checkpoint (.safetensors) to play" },
  { name: "Device", type: "combo", default: "auto", vars: ["auto", "webgpu", "cpu"], doc: "compute backend" },
  { name: "Threads", type: "spin", default: 2, min: 1, max: 2, doc: "cpu backend threads" },
  {
    name: "BatchSize",
    type: "spin",
    default: 0,
    min: 0,
    max: 1024,
    doc: "leaves per batched evaluation (0: 64 on cpu, 256 on a GPU)",
  },
  {
    name: "Playouts",
    type: "spin",
    default: 0,
    min: 0,
    max: 100_000_000,
    doc: "playouts per move (0: by the clock; 1: policy only)",
  },
  {
    name: "NodesLimit",
    type: "spin",
    default: 0,
    min: 0,
    max: 100_000_000,
    doc: "the same limit under ShogiHome's name (0: none)",
  },
  { name: "C_init", type: "spin", default: 144, min: 0, max: 10_000, doc: "PUCT C_init × 100" },
  { name: "C_base", type: "spin", default: 28288, min: 1, max: 1_000_000, doc: "PUCT C_base" },
  { name: "FPU_Reduction", type: "spin", default: 27, min: 0, max: 100, doc: "first-play urgency reduction × 100" },
  { name: "Temperature", type: "spin", default: 100, min: 1, max: 1000, doc: "policy softmax temperature × 100" },
  {
    name: "ResignThreshold",
    type: "spin",
    default: 10,
    min: 0,
    max: 1000,
    doc: "resign below this win rate (‰; 0: never)",
  },
  {
    name: "DrawValue",
    type: "spin",
    default: 500,
    min: 0,
    max: 1000,
    doc: "a draw's value to the engine (‰ win rate)",
  },
  { name: "MultiPV", type: "spin", default: 1, min: 1, max: 32, doc: "principal variations shown" },
  { name: "MateSearchPly", type: "spin", default: 3, min: 0, max: 5, doc: "mate search at new leaves (plies; 0: off)" },
  {
    name: "RootMateSearchPly",
    type: "spin",
    default: 5,
    min: 0,
    max: 7,
    doc: "mate search at the root before searching (plies)",
  },
  { name: "ReuseTree", type: "check", default: true, doc: "keep the searched subtree between moves" },
  { name: "TimeMargin", type: "spin", default: 500, min: 0, max: 60_000, doc: "ms kept back from every move's time" },
  {
    name: "MaxMovesToDraw",
    type: "spin",
    default: 0,
    min: 0,
    max: 100_000,
    doc: "a game reaching this ply is a draw in search (0: none)",
  },
  { name: "USI_Ponder", type: "check", default: false, doc: "think on the opponent's time" },
];

export type OptionValue = number | boolean | string;

/** The `option name … type …` line `usi` prints for `spec`. */
export function optionLine(spec: OptionSpec): string {
  const head = `option name ${spec.name} type ${spec.type}`;
  switch (spec.type) {
    case "spin":
      return `${head} default ${spec.default} min ${spec.min} max ${spec.max}`;
    case "check":
      return `${head} default ${spec.default}`;
    case "combo":
      return `${head} default ${spec.default} ${spec.vars.map((v) => `var ${v}`).join(" ")}`;
    default:
      return `${head} default ${spec.default === "" ? "<empty>" : spec.default}`;
  }
}

/** Current option values, by name (USI option names are case-insensitive). */
export class Options {
  private readonly values = new Map<string, OptionValue>();

  constructor() {
    for (const spec of OPTIONS) this.values.set(spec.name, spec.default);
  }

  get(name: string): OptionValue {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`no option ${name}`);
    return v;
  }

  num(name: string): number {
    return this.get(name) as number;
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  str(name: string): string {
    return this.get(name) as string;
  }

  /**
   * Applies `setoption name N value V`; returns null, or the problem as one line. Options the
   * engine does not know (USI_Hash, which a GUI sends to every engine) are accepted silently.
   */
  set(name: string, value: string): string | null {
    const spec = OPTIONS.find((o) => o.name.toLowerCase() === name.toLowerCase());
    if (!spec) return name.startsWith("USI_") ? null : `unknown option ${name}`;
    switch (spec.type) {
      case "spin": {
        const n = Number(value);
        if (value.trim() === "" || !Number.isInteger(n) || n < spec.min || n > spec.max)
          return `option ${spec.name}: "${value}" is not a whole number in [${spec.min}, ${spec.max}]`;
        this.values.set(spec.name, n);
        return null;
      }
      case "check":
        if (value !== "true" && value !== "false") return `option ${spec.name}: "${value}" is not true or false`;
        this.values.set(spec.name, value === "true");
        return null;
      case "combo":
        if (!spec.vars.includes(value)) return `option ${spec.name}: "${value}" is not one of ${spec.vars.join(", ")}`;
        this.values.set(spec.name, value);
        return null;
      default:
        this.values.set(spec.name, value === "<empty>" ? "" : value);
        return null;
    }
  }
}
