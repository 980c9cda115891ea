// The network as the search's evaluator: priors are the softmax of the network's own logits over
// each row's legal actions, divided by the temperature first; values are (v + 1) / 2.
import { describe, expect, test } from "bun:test";
import { parseSearchOptions } from "../../src/evaluation/search-player.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { NetworkEvaluator } from "../../src/search/network-evaluator.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { referenceBackend as be } from "../models/helpers.ts";

describe("NetworkEvaluator", () => {
  test("temperature T gives softmax(logits / T) over the legal actions; the value maps to a win rate", async () => {
    const net = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0, policyHead: "conv" }, { seed: 3 });
    const pos = positionFromCommand("startpos moves 7g7f 3c3d");
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    const n = pos.generateLegal(moves);
    const obs = new Float32Array(OBS_SIZE);
    encodeCore46(pos, 500, obs);
    const actions = Int32Array.from(moves.subarray(0, n), moveToAction);
    // The network's own outputs, read directly.
    const plan = net.plan(1, { training: false });
    net.setInputs(plan, obs);
    net.forward(plan, "infer");
    const logits = (await be.read(plan.logits)) as Float32Array;
    const v = ((await be.read(plan.value)) as Float32Array)[0];
    for (const T of [1, 2.5]) {
      const evaluator = new NetworkEvaluator(net, 1, T);
      const priors = new Float32Array(n);
      const values = new Float32Array(1);
      await evaluator.evaluate(1, obs, Int32Array.of(0, n), actions, priors, values);
      const e = [...actions].map((a) => Math.exp(logits[a] / T));
      const z = e.reduce((s, x) => s + x, 0);
      for (let k = 0; k < n; k++) expect(priors[k]).toBeCloseTo(e[k] / z, 6);
      expect(values[0]).toBeCloseTo((v + 1) / 2, 6);
      evaluator.destroy();
    }
    // A higher temperature flattens: the largest prior falls.
    const flat = new NetworkEvaluator(net, 1, 4);
    const sharp = new NetworkEvaluator(net, 1, 0.5);
    const [pf, ps] = [new Float32Array(n), new Float32Array(n)];
    await flat.evaluate(1, obs, Int32Array.of(0, n), actions, pf, new Float32Array(1));
    await sharp.evaluate(1, obs, Int32Array.of(0, n), actions, ps, new Float32Array(1));
    expect(Math.max(...pf)).toBeLessThan(Math.max(...ps));
  });

  test("a network trained with material shaping w is read as v + w × material (its head learned V − Φ)", async () => {
    const net = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0, policyHead: "conv" }, { seed: 5 });
    // Black to move, White's rook in Black's hand: two rooks to none, +22.
    const pos = Position.fromSfen("lnsgkgsnl/7b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b R 1");
    const moves = new Uint32Array(MAX_LEGAL_MOVES);
    const n = pos.generateLegal(moves);
    const obs = new Float32Array(OBS_SIZE);
    encodeCore46(pos, 500, obs);
    const actions = Int32Array.from(moves.subarray(0, n), moveToAction);
    const read = async (w: number) => {
      const evaluator = new NetworkEvaluator(net, 1, 1, w);
      const values = new Float32Array(1);
      await evaluator.evaluate(1, obs, Int32Array.of(0, n), actions, new Float32Array(n), values);
      evaluator.destroy();
      return values[0];
    };
    const plain = await read(0);
    expect(await read(0.01)).toBeCloseTo(Math.min(1, plain + (0.01 * 22) / 2), 6);
    expect(await read(0.2)).toBe(1); // clamped to a win rate
  });

  test("--agent-search takes temperature=T in [0.01, 10] and names a bad one", () => {
    expect(parseSearchOptions("playouts=50,temperature=2.5")).toMatchObject({ playouts: 50, temperature: 2.5 });
    expect(parseSearchOptions("playouts=50").temperature).toBe(1);
    for (const bad of ["0", "11", "x", ""])
      expect(() => parseSearchOptions(`temperature=${bad}`)).toThrow(
        `--agent-search temperature=${bad}: a number in [0.01, 10] is expected`,
      );
    expect(() => parseSearchOptions("playout=5")).toThrow(
      /unknown setting "playout" \(playouts, batch, mate, temperature\)/,
    );
  });
});
