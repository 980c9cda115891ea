// An actor's policy when an inference server evaluates its positions (inference-server.ts): each
// self-play step sends the batch's positions, the weight version of the segment being played and
// the actor's own uniforms, and waits for the actions the server sampled. What the actor plays is
// what NetworkPolicy would have played with the same weights and uniforms.

import { connect, type Socket } from "node:net";
import type { ActBatch, ActingPolicy } from "../../rl/acting.ts";
import type { Random } from "../../util/random.ts";
import {
  decodeResponse,
  encodeRequest,
  FrameReader,
  type Response,
  STATUS_OK,
  STATUS_VERSION_GONE,
} from "./inference-wire.ts";

/** The server no longer serves the segment's weight version (the store pruned it): the segment is given up. */
export class VersionGone extends Error {
  override name = "VersionGone";
}

/** The server cannot be reached or went away; the message says which (the actor retries). */
export class InferenceUnavailable extends Error {
  override name = "InferenceUnavailable";
}

/** The server refused this actor's requests: sending them again would be refused again, so the actor stops. */
export class InferenceRefused extends Error {
  override name = "InferenceRefused";
}

/** The longest wait for one step's answer (the server may first fetch a version's weights from the store). */
const REPLY_S = 60;

export class ServedPolicy implements ActingPolicy {
  /** The weight version the next requests are played with (the actor sets it per segment). */
  version = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Response | Error) => void>();
  private uniforms = new Float32Array(0);
  private closed: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
    private readonly rng: Random,
  ) {
    const frames = new FrameReader(1 << 26);
    socket.on("data", (chunk: Buffer) => {
      let responses: Response[];
      try {
        responses = frames.push(chunk).map(decodeResponse);
      } catch (e) {
        return this.fail(new InferenceUnavailable(`inference server at ${path}: ${(e as Error).message}`));
      }
      for (const r of responses) {
        const done = this.waiting.get(r.id);
        // A refusal that names no request (id 0: the stream itself was bad) fails them all.
        if (!done) {
          if (r.status !== STATUS_OK)
            this.fail(new InferenceRefused(`inference server at ${path} refused: ${r.reason}`));
          continue;
        }
        this.waiting.delete(r.id);
        done(r);
      }
    });
    const gone = (e?: Error) =>
      this.fail(
        new InferenceUnavailable(`inference server at ${path} closed the connection${e ? ` (${e.message})` : ""}`),
      );
    socket.on("error", gone);
    socket.on("close", () => gone());
  }

  /** Connects to the server at `path` (a Unix socket). */
  static connect(path: string, rng: Random): Promise<ServedPolicy> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const onError = (e: Error) => reject(new InferenceUnavailable(`inference server at ${path}: ${e.message}`));
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        socket.setNoDelay?.(true);
        resolve(new ServedPolicy(socket, path, rng));
      });
    });
  }

  private fail(e: Error): void {
    this.closed ??= e;
    for (const done of this.waiting.values()) done(e);
    this.waiting.clear();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  async act(b: ActBatch): Promise<void> {
    if (this.closed) throw this.closed;
    if (this.uniforms.length < b.n) this.uniforms = new Float32Array(b.n);
    for (let i = 0; i < b.n; i++) this.uniforms[i] = this.rng.next();
    const id = this.nextId++;
    const frame = encodeRequest(id, this.version, b.n, b.obs, b.legalOffsets, b.legalActions, this.uniforms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const r = await new Promise<Response | Error>((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.write(frame);
      // A server that neither answers nor closes (a hung device) is given up on like one that died.
      timer = setTimeout(
        () =>
          this.fail(new InferenceUnavailable(`inference server at ${this.path} did not answer within ${REPLY_S} s`)),
        REPLY_S * 1000,
      );
    });
    clearTimeout(timer);
    if (r instanceof Error) throw r;
    if (r.status === STATUS_VERSION_GONE)
      throw new VersionGone(`weight version ${r.version} is no longer served (the store pruned it)`);
    if (r.status !== STATUS_OK)
      throw new InferenceRefused(`inference server at ${this.path} refused a request: ${r.reason}`);
    if (r.version !== this.version)
      throw new InferenceUnavailable(
        `inference server at ${this.path} answered with weight version ${r.version} for ${this.version}`,
      );
    if (r.actions.length !== b.n)
      throw new InferenceUnavailable(`inference server at ${this.path} answered ${r.actions.length} rows for ${b.n}`);
    b.actions.set(r.actions.subarray(0, b.n));
    b.logProbs.set(r.logProbs.subarray(0, b.n));
    b.values.set(r.values.subarray(0, b.n));
  }

  destroy(): void {
    this.closed ??= new InferenceUnavailable("closed");
    this.socket.destroy();
  }
}
