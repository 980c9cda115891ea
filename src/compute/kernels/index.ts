// Every kernel spec, by family (for pipeline warm-up and the spec consistency test).

import type { KernelSpec } from "../backend.ts";
import * as batchnorm from "./batchnorm.ts";
import * as conv3x3 from "./conv3x3.ts";
import * as elementwise from "./elementwise.ts";
import * as gemm from "./gemm.ts";
import * as optimizer from "./optimizer.ts";
import * as ppo from "./ppo.ts";
import * as reduce from "./reduce.ts";
import * as se from "./se.ts";
import * as softmax from "./softmax.ts";

const isSpec = (v: unknown): v is KernelSpec => typeof v === "object" && v !== null && "entryPoint" in v && "source" in v;

export const ALL_KERNELS: readonly KernelSpec[] = [batchnorm, conv3x3, elementwise, gemm, optimizer, ppo, reduce, se, softmax].flatMap((m) => Object.values(m).filter(isSpec));
