// The pure renderer, line by line, and the Display's TTY/pipe behaviour against a fake output
// read back through a small terminal emulator (fixtures/display-vt.ts).
import { describe, expect, test } from "bun:test";
import { configSchema } from "../../src/config/schema.ts";
import {
  type DashboardFrame,
  Display,
  displayWidth,
  fitWidth,
  handText,
  renderBoard,
  renderDashboard,
  renderPlainLine,
  sparkline,
  stripAnsi,
  trendArrow,
} from "../../src/training/display.ts";
import { fmtDuration, fmtNum, fmtSig } from "../../src/training/display/format.ts";
import {
  AFTER_7G7F_3C3D,
  PROMOTED_AND_HANDS,
  PROMOTED_AND_HANDS_MOVES,
  sampleFrame,
} from "./fixtures/display-frames.ts";
import { VirtualTerminal } from "./fixtures/display-vt.ts";

const displayConfig = configSchema.parse({}).display;
const KANJI = /[\u3000-\u9fff\uff00-\uffef]/;
const board = (sfen: string, unicode = true) => renderBoard(sfen, { unicode, color: false }).lines;

describe("board", () => {
  test("start position after 7g7f 3c3d, kanji with KIF's v for White", () => {
    expect(board(AFTER_7G7F_3C3D)).toEqual([
      "White hand: none",
      "  ９ ８ ７ ６ ５ ４ ３ ２ １",
      "+---------------------------+",
      "|v香v桂v銀v金v玉v金v銀v桂v香|一",
      "| ・v飛 ・ ・ ・ ・ ・v角 ・|二",
      "|v歩v歩v歩v歩v歩v歩 ・v歩v歩|三",
      "| ・ ・ ・ ・ ・ ・v歩 ・ ・|四",
      "| ・ ・ ・ ・ ・ ・ ・ ・ ・|五",
      "| ・ ・ 歩 ・ ・ ・ ・ ・ ・|六",
      "| 歩 歩 ・ 歩 歩 歩 歩 歩 歩|七",
      "| ・ 角 ・ ・ ・ ・ ・ 飛 ・|八",
      "| 香 桂 銀 金 玉 金 銀 桂 香|九",
      "+---------------------------+",
      "Black hand: none",
    ]);
  });

  test("start position after 7g7f 3c3d, ASCII letters", () => {
    expect(board(AFTER_7G7F_3C3D, false)).toEqual([
      "White hand: none",
      "   9  8  7  6  5  4  3  2  1",
      "+---------------------------+",
      "|  l  n  s  g  k  g  s  n  l|a",
      "|  .  r  .  .  .  .  .  b  .|b",
      "|  p  p  p  p  p  p  .  p  p|c",
      "|  .  .  .  .  .  .  p  .  .|d",
      "|  .  .  .  .  .  .  .  .  .|e",
      "|  .  .  P  .  .  .  .  .  .|f",
      "|  P  P  .  P  P  P  P  P  P|g",
      "|  .  B  .  .  .  .  .  R  .|h",
      "|  L  N  S  G  K  G  S  N  L|i",
      "+---------------------------+",
      "Black hand: none",
    ]);
  });

  test("pieces in both hands and promoted rooks on both sides", () => {
    expect(board(PROMOTED_AND_HANDS)).toEqual([
      "White hand: 角 歩",
      "  ９ ８ ７ ６ ５ ４ ３ ２ １",
      "+---------------------------+",
      "|v香v桂v銀v金v玉v金 ・v桂v香|一",
      "| ・ ・ ・ ・ ・ ・ ・ 龍 ・|二",
      "|v歩 ・v歩v歩v歩v歩 ・ ・v歩|三",
      "| ・ ・ ・ ・ ・ ・v歩 ・ ・|四",
      "| ・ ・ ・ ・ 角 ・ ・ ・ ・|五",
      "| ・ ・ 歩 ・ ・ ・ ・ ・ ・|六",
      "| 歩 ・ ・ 歩 歩 歩 歩 ・ 歩|七",
      "| ・v龍 ・ ・ ・ ・ ・v歩 ・|八",
      "| 香 桂 銀 金 玉 金 銀 桂 香|九",
      "+---------------------------+",
      "Black hand: 銀 歩x2",
    ]);
    const ascii = board(PROMOTED_AND_HANDS, false);
    expect(ascii[0]).toBe("White hand: B P");
    expect(ascii[4]).toBe("|  .  .  .  .  .  .  . +R  .|b");
    expect(ascii[10]).toBe("|  . +r  .  .  .  .  .  p  .|h");
    expect(ascii[13]).toBe("Black hand: S Px2");
  });

  test("every promoted type, both colours", () => {
    const sfen = "+p+l+n+s+b+r1k1/9/9/9/9/9/9/9/+P+L+N+S+B+R1K1 b - 1";
    expect(board(sfen)[3]).toBe("|vとv杏v圭v全v馬v龍 ・v玉 ・|一");
    expect(board(sfen)[11]).toBe("| と 杏 圭 全 馬 龍 ・ 玉 ・|九");
    expect(board(sfen, false)[3]).toBe("| +p +l +n +s +b +r  .  k  .|a");
    expect(board(sfen, false)[11]).toBe("| +P +L +N +S +B +R  .  K  .|i");
  });

  test("hands list R B G S N L P with counts", () => {
    const hands = new Uint8Array(14);
    hands.set([3, 1, 0, 2, 4, 1, 1], 0); // Black: P×3 L N×0 S×2 G×4 B R
    hands.set([1, 0, 1, 0, 0, 0, 0], 7); // White: P N
    expect(handText(hands, 0, true)).toBe("飛 角 金x4 銀x2 香 歩x3");
    expect(handText(hands, 1, true)).toBe("桂 歩");
    expect(handText(hands, 0, false)).toBe("R B Gx4 Sx2 L Px3");
    expect(handText(new Uint8Array(14), 1, false)).toBe("none");
  });

  test("the dashboard carries the board, the side to move and the recent moves, newest first", () => {
    const frame = sampleFrame(0, {
      game: { sfen: PROMOTED_AND_HANDS, recentMoves: PROMOTED_AND_HANDS_MOVES, ply: 18, gameIndex: 3 },
    });
    const text = renderDashboard(frame, 120, 60).join("\n");
    for (const row of board(PROMOTED_AND_HANDS)) expect(text).toContain(row);
    expect(text).toContain("Self-play game #3 · ply 18 · Black to move");
    const order = ["18. P*2h", "17. B*5e", "16. 8f8h+", "15. 2d2b+"].map((m) => text.indexOf(m));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("a bad SFEN is reported in the panel, not thrown", () => {
    const lines = renderDashboard(
      sampleFrame(0, { game: { sfen: "not a sfen", recentMoves: [], ply: 0, gameIndex: 0 } }),
      120,
      60,
    );
    expect(lines.join("\n")).toContain("cannot draw: invalid SFEN");
  });
});

describe("sparklines and numbers", () => {
  test("a known series maps to known characters", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([7, 6, 5, 4, 3, 2, 1, 0], 8)).toBe("█▇▆▅▄▃▂▁");
    expect(sparkline([1, 2], 2)).toBe("▁█");
    expect(sparkline([0, 10, 5], 3)).toBe("▁█▅");
    expect(sparkline([3, 3, 3], 5)).toBe("  ▄▄▄"); // flat: middle level, left-padded
    expect(sparkline([100, 0, 1, 2, 3], 4)).toBe("▁▃▆█"); // only the last `width` points, scaled among themselves
    expect(sparkline([0, Number.NaN, 1], 3)).toBe("▁ █");
    expect(sparkline([], 3)).toBe("   ");
  });

  test("trend arrows", () => {
    expect(trendArrow([1, 2])).toBe("↑");
    expect(trendArrow([2, 1])).toBe("↓");
    expect(trendArrow([1, 1])).toBe("→");
    expect(trendArrow([1000, 1000.5])).toBe("→"); // within 0.1%
    expect(trendArrow([5])).toBe("→");
    expect(trendArrow([])).toBe(" ");
  });

  test("formats", () => {
    expect([0.812, 0.094, 4.21, 0.0041, 0.08, 112.4, 1532.2, Number.NaN].map(fmtSig)).toEqual([
      "0.812",
      "0.094",
      "4.21",
      "0.0041",
      "0.08",
      "112",
      "1532",
      "-",
    ]);
    expect([0.8123456, 12.3456, 0.0001234, 1.5e7, 0].map(fmtNum)).toEqual([
      "0.8123",
      "12.35",
      "1.23e-4",
      "1.50e7",
      "0",
    ]);
    expect([0, 45, 93.6, 3600 + 5 * 60 + 1, 3 * 86400 + 4 * 3600, Number.NaN].map(fmtDuration)).toEqual([
      "0s",
      "45s",
      "1m34s",
      "1h05m",
      "3d04h",
      "--",
    ]);
  });
});

describe("widths", () => {
  test("displayWidth counts kanji, kana and fullwidth forms as 2, escapes as 0 (as Bun.stringWidth does)", () => {
    const cases = ["歩", "v香", " ・", "９", "一", "abc", "┌─▁█↑", "\x1b[1mbold\x1b[0m", "後手の持駒：", "e\u0301"];
    for (const s of cases) expect(displayWidth(s)).toBe(Bun.stringWidth(s));
    expect(displayWidth("|v香v桂v銀v金v玉v金v銀v桂v香|一")).toBe(31);
  });

  test("fitWidth cuts at a column boundary and never splits a wide character", () => {
    expect(fitWidth("歩歩歩", 5)).toBe("歩歩 ");
    expect(fitWidth("ab", 4)).toBe("ab  ");
    expect(fitWidth("\x1b[31mabcdef\x1b[0m", 3)).toBe("\x1b[31mabc\x1b[0m");
  });

  const frames: [string, DashboardFrame][] = [
    ["a run part-way", sampleFrame(0)],
    [
      "promoted pieces and hands, a message",
      sampleFrame(3, {
        game: { sfen: PROMOTED_AND_HANDS, recentMoves: PROMOTED_AND_HANDS_MOVES, ply: 18, gameIndex: 1 },
        message: "checkpoint written: checkpoint_ts20480.safetensors",
      }),
    ],
    [
      "the first step: no record, no history, no game, no Elo",
      {
        ...sampleFrame(0),
        timestep: 0,
        iteration: 0,
        elapsedSeconds: 0,
        record: {},
        history: {},
        game: null,
        weightStats: [],
        elo: null,
      },
    ],
    [
      "actors playing for the learner, one with a very long host name",
      sampleFrame(2, {
        actors: [
          { name: "0: vm:1234", state: "playing", gamesPerSecond: 1.25, stepsPerSecond: 7021, lag: 1 },
          { name: `1: ${"h".repeat(80)}:99`, state: "waiting", gamesPerSecond: 0, stepsPerSecond: 0, lag: 2 },
        ],
        record: {
          ...sampleFrame(2).record,
          "parallel/policy_lag_mean": 1.5,
          "parallel/policy_lag_max": 2,
          "parallel/dropped_steps_total": 4096,
        },
      }),
    ],
    [
      "NaN metrics and huge values",
      sampleFrame(0, {
        record: {
          "charts/SPS": Number.NaN,
          "losses/policy_loss": 1e12,
          "game/black_win_rate": Number.NaN,
          "game/white_win_rate": Number.NaN,
          "game/draw_rate": Number.NaN,
        },
        runName: "x".repeat(300),
      }),
    ],
  ];
  const sizes: [number, number][] = [
    [80, 24],
    [80, 60],
    [120, 40],
    [120, 60],
    [200, 50],
    [200, 60],
    [60, 40],
    [40, 20],
    [20, 10],
  ];

  for (const [name, frame] of frames) {
    test(`every line fits: ${name}`, () => {
      for (const [w, h] of sizes) {
        for (const color of [false, true]) {
          for (const unicode of [true, false]) {
            const lines = renderDashboard(frame, w, h, {
              color,
              display: { ...displayConfig, board_unicode_pieces: unicode },
            });
            expect(lines.length).toBeLessThanOrEqual(h);
            for (const line of lines) {
              if (displayWidth(line) > w)
                throw new Error(`${w}x${h} color=${color}: ${displayWidth(line)} columns: ${JSON.stringify(line)}`);
              expect(Bun.stringWidth(line)).toBe(displayWidth(line));
            }
            if (!color) expect(lines.join("")).not.toContain("\x1b");
            if (!unicode) expect(lines.join("\n")).not.toMatch(KANJI);
          }
        }
      }
    });
  }

  test("panels line up: box borders sit at the same columns on every line of a row", () => {
    const lines = renderDashboard(sampleFrame(0), 120, 60);
    const boxLines = lines.filter((l) => /^[┌│└]/.test(l));
    const borderColumns = (l: string) => {
      const cols: number[] = [];
      let x = 0;
      for (const ch of l) {
        if ("┌┐│└┘".includes(ch)) cols.push(x);
        x += displayWidth(ch);
      }
      return cols;
    };
    // In the two-column layout every box line has its borders at 0, 58, 60 and 119... minus 1.
    for (const l of boxLines) expect(borderColumns(l)).toEqual([0, 58, 60, 119]);
  });
});

describe("layout", () => {
  const titles = (lines: string[]) => lines.filter((l) => l.includes("┌─"));
  test("three columns at 200, two at 120, the board beside the statistics at 80", () => {
    const wide = renderDashboard(sampleFrame(0), 200, 60);
    expect(titles(wide)[0]).toMatch(/Self-play game.*Metric trends.*Configuration/);
    const mid = renderDashboard(sampleFrame(0), 120, 60);
    expect(titles(mid)[0]).toMatch(/Self-play game.*Metric trends/);
    expect(mid.join("\n")).toMatch(/Game statistics.*Configuration/);
    const narrow = renderDashboard(sampleFrame(0), 80, 80);
    expect(titles(narrow)[0]).toMatch(/Self-play game.*Game statistics/);
    for (const panel of ["Metric trends", "Elo", "Configuration", "Weight statistics"])
      expect(narrow.join("\n")).toContain(panel);
  });

  test("every panel at 120×40, with the contents §7.11 users had", () => {
    const text = renderDashboard(sampleFrame(0), 120, 40).join("\n");
    for (const s of [
      "12.5%",
      "20,480/163,840 steps",
      "1532 steps/s",
      "ETA 1m34s",
      "iteration 10",
      "policy loss",
      "value loss",
      "entropy",
      "approx KL",
      "clip frac",
      "explained var",
      "Black wins",
      "draws",
      "Black 41.0%",
      "White 38.0%",
      "draw 21.0%",
      "112 plies/game",
      "captures 23.1",
      "drops 5.2",
      "promotions 3.4",
      "512/hour",
      "resnet 9x256",
      "SE 0.25",
      "lr 0.0003 (linear)",
      "2,048 steps",
      "16 envs",
      "minibatch 64",
      "10 epochs",
      "webgpu: llvmpipe",
      "stem.conv.weight",
      "policy_head.fc.weight",
      "rating     1520.0",
      "vs random",
    ])
      expect(text).toContain(s);
    expect(text).toMatch(/ [▁▂▃▄▅▆▇█]{15} [↑↓→] /); // sparklines sparkline_width wide, with an arrow
    expect(text).not.toContain("res_blocks.5"); // not in log_layer_keyword_filters
  });

  test("the actors panel: one row per actor, and the lag the learner trained at", () => {
    const frame = sampleFrame(0, {
      actors: [{ name: "0: vm:1234", state: "playing", gamesPerSecond: 1.25, stepsPerSecond: 7021, lag: 1 }],
      record: {
        ...sampleFrame(0).record,
        "parallel/policy_lag_mean": 1,
        "parallel/policy_lag_max": 1,
        "parallel/dropped_steps_total": 0,
      },
    });
    for (const [w, h] of [
      [200, 60],
      [120, 60],
      [80, 80],
    ]) {
      const text = renderDashboard(frame, w, h).join("\n");
      expect(text).toContain("Actors · 1");
      expect(text).toMatch(/0: vm:1234 +playing +1\.25 +7,?021 +1/);
      expect(text).toContain("trained at lag 1 mean, 1 max");
    }
    expect(renderDashboard(sampleFrame(0), 120, 60).join("\n")).not.toContain("Actors"); // a single-process run
  });

  test("a short terminal keeps the most important panels and never exceeds its height", () => {
    const lines = renderDashboard(sampleFrame(0), 120, 24);
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.join("\n")).toContain("Metric trends");
    expect(lines.join("\n")).not.toContain("Weight statistics");
  });

  test("panels switched off in the config stay off", () => {
    const display = {
      ...displayConfig,
      enable_board_display: false,
      enable_trend_visualization: false,
      enable_elo_ratings: false,
    };
    const text = renderDashboard(sampleFrame(0), 120, 60, { display }).join("\n");
    for (const gone of ["Self-play game", "Metric trends", "┌─ Elo"]) expect(text).not.toContain(gone);
    expect(text).toContain("Game statistics");
  });

  test("a render takes a few milliseconds at most", () => {
    const frame = sampleFrame(0, {
      game: { sfen: PROMOTED_AND_HANDS, recentMoves: PROMOTED_AND_HANDS_MOVES, ply: 18, gameIndex: 0 },
    });
    for (let i = 0; i < 20; i++) renderDashboard(frame, 200, 60, { color: true });
    const t = performance.now();
    for (let i = 0; i < 50; i++) renderDashboard(frame, 200, 60, { color: true });
    const ms = (performance.now() - t) / 50;
    expect(ms).toBeLessThan(10);
  });
});

describe("plain lines", () => {
  test("one progress line with the latest metrics", () => {
    expect(renderPlainLine(sampleFrame(0))).toBe(
      "[ 12.5%] step 20480/163840  1532 steps/s  ETA 1m34s  policy 0.812 value 0.094 entropy 4.21 kl 0.0041 clip 0.08  B/W/D 41%/38%/21%  len 112  elo 1520",
    );
  });
  test("absent metrics are left out", () => {
    const f = { ...sampleFrame(0), timestep: 0, elapsedSeconds: 0, record: {}, elo: null };
    expect(renderPlainLine(f)).toBe("[  0.0%] step 0/163840  - steps/s  ETA --");
  });
});

// ---------------------------------------------------------------------------------------------
// Display against fake outputs

class FakeClock {
  t = 0;
  now = () => this.t;
}
const capture = (isTTY: boolean, columns = 120, rows = 40) => {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns, rows, write: (s: string) => chunks.push(s) } };
};

describe("Display", () => {
  test("in a pipe: plain lines at most one per interval, log lines as they come, a summary, no escape byte", () => {
    const clock = new FakeClock();
    const { chunks, out } = capture(false);
    const d = new Display({ ...displayConfig, refresh_per_second: 2 }, out, {
      now: clock.now,
      timer: false,
      plainIntervalSeconds: 5,
    });
    expect(d.live).toBe(false);
    for (let i = 0; i <= 12; i++) {
      clock.t = i * 1000;
      d.update(sampleFrame(i, i === 6 ? { message: "checkpoint written: x.safetensors" } : {}));
      if (i === 3) d.log("evaluation: win 55%");
    }
    d.close(sampleFrame(13));
    const text = chunks.join("");
    expect(text).not.toContain("\x1b");
    const lines = text.trimEnd().split("\n");
    expect(lines.map((l) => l.slice(0, 30))).toEqual([
      "[ 12.5%] step 20480/163840  15",
      "evaluation: win 55%",
      "[ 18.8%] step 30720/163840  15", // t = 5 s
      "[ 25.0%] step 40960/163840  15", // t = 10 s
      "[ 28.7%] step 47104/163840  15", // close(final)
      "stopped keisei_resnet_feats_co",
    ]);
    // The message of the frame pending at t = 6 s was never printed as a frame: no repeat later.
    expect(text.match(/\| checkpoint/g)).toBeNull();
  });

  test("update() does almost nothing between renders", () => {
    const { chunks, out } = capture(true);
    const d = new Display(displayConfig, out, { timer: false });
    const frame = sampleFrame(0);
    d.update(frame);
    const before = chunks.length;
    const t = performance.now();
    for (let i = 0; i < 100_000; i++) d.update(frame);
    const perCallUs = ((performance.now() - t) / 100_000) * 1000;
    expect(chunks.length).toBe(before); // nothing rendered within the refresh period
    d.close();
    expect(perCallUs).toBeLessThan(2);
  });

  test("on a TTY: redrawn in place, log lines above, cursor hidden then restored", () => {
    const clock = new FakeClock();
    const { chunks, out } = capture(true, 121, 41);
    const vt = new VirtualTerminal(121, 41);
    const d = new Display({ ...displayConfig, refresh_per_second: 4 }, out, {
      now: clock.now,
      timer: false,
      color: true,
    });
    expect(d.live).toBe(true);
    const frames = 12;
    for (let i = 0; i < frames; i++) {
      clock.t = i * 300;
      d.update(sampleFrame(i));
      if (i === 5) d.log("checkpoint written: checkpoint_ts30720.safetensors");
    }
    for (const c of chunks) vt.write(c);
    expect(vt.cursorVisible).toBe(false);
    let screen = vt.screen();
    // One log line above one dashboard; nothing scrolled away.
    expect(vt.all().filter((l) => l.startsWith("keisei  "))).toHaveLength(1);
    expect(screen[0]).toBe("checkpoint written: checkpoint_ts30720.safetensors");
    expect(screen[1]).toStartWith("keisei  keisei_resnet");
    expect(screen[2]).toContain("43,008/163,840 steps"); // the last frame (i = 11)
    expect(screen.join("\n")).toContain("|v香v桂v銀v金v玉v金v銀v桂v香|一");
    expect(screen.every((l) => Bun.stringWidth(l) <= 120)).toBe(true);

    chunks.length = 0;
    d.close(sampleFrame(frames));
    for (const c of chunks) vt.write(c);
    expect(vt.cursorVisible).toBe(true);
    screen = vt.screen().filter((l) => l !== "");
    expect(screen[screen.length - 1]).toStartWith(
      "stopped keisei_resnet_feats_core46_20260101_120000: 45,056/163,840 steps, 22 iterations",
    );
    expect(vt.all().filter((l) => l.startsWith("keisei  "))).toHaveLength(1);
  });

  test("on a TTY that shrinks: the next render fits the new size", () => {
    const clock = new FakeClock();
    const { chunks, out } = capture(true, 121, 41);
    const d = new Display(displayConfig, out, { now: clock.now, timer: false });
    d.update(sampleFrame(0));
    out.columns = 81;
    out.rows = 25;
    clock.t = 10_000;
    chunks.length = 0;
    d.update(sampleFrame(1));
    const vt = new VirtualTerminal(81, 25);
    vt.write(chunks.join(""));
    expect(vt.all().every((l) => Bun.stringWidth(l) <= 80)).toBe(true);
    expect(vt.all().filter((l) => l !== "").length).toBeLessThanOrEqual(24);
    d.close();
  });

  test("a render that throws falls back to plain lines instead of ending the run", () => {
    const { chunks, out } = capture(true);
    const d = new Display(displayConfig, out, { timer: false });
    const broken = { ...sampleFrame(0), config: undefined } as unknown as DashboardFrame; // the config panel reads frame.config
    expect(() => d.update(broken)).not.toThrow();
    d.close();
    const text = chunks.join("");
    expect(text).toContain("display: ");
    expect(text).toContain("plain progress lines from here on\n[ 12.5%] step 20480/163840");
  });

  test("mode and colour can be forced", () => {
    const { chunks, out } = capture(false);
    const d = new Display(displayConfig, out, { mode: "live", color: false, timer: false });
    d.update(sampleFrame(0));
    d.close();
    const text = chunks.join("");
    expect(text).toContain("\x1b[?25l"); // live: cursor control
    expect(text).not.toContain("\x1b[1m"); // but no colour
  });
});

describe("weight statistics panel", () => {
  test("long and negative values never run into each other", () => {
    const display = { ...configSchema.parse({}).display, log_layer_keyword_filters: ["bn_stem"] };
    const frame = sampleFrame(0, {
      weightStats: [{ name: "bn_stem.bias", mean: -0.0000788, std: 0.00257, min: -0.00431, max: 0.00453 }],
    });
    for (const width of [150, 200]) {
      const lines = renderDashboard(frame, width, 80, { display }).map(stripAnsi);
      const line = lines.find((l) => l.includes("stem.bias"))!;
      const cell = line.split("│").find((c) => c.includes("stem.bias"))!;
      const numbers = cell.trim().split(/\s+/).slice(1, 5).map(Number);
      [-0.0000788, 0.00257, -0.00431, 0.00453].forEach((v, i) => {
        expect(Math.abs(numbers[i] - v)).toBeLessThan(Math.abs(v) * 0.05);
      });
    }
  });
});
