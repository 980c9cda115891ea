"""PyTorch's side of bench/vs-pytorch.ts: samples/s of the Python original's ResNet tower (the same
module test/reference/keisei_torch.py cross-checks keisei against), inference and one training
step (forward, PPO loss over 40 legal moves per row, backward, Adam), at the threads asked for.

    /usr/bin/python3 bench/torch_tower.py DEPTH WIDTH SE BATCH THREADS SECONDS [DEVICE [MATH]]

DEVICE is cpu (the default) or cuda (bench/gpu.ts's anchor on an NVIDIA machine); each timed step
ends by reading a number back, which waits for the device. MATH on cuda: tf32 (PyTorch's default:
cuDNN convolutions on TF32 tensor cores, a 10-bit mantissa) or fp32 (TF32 off everywhere, the
arithmetic keisei's kernels do).

Prints one JSON line: {"torch": version, "inference": samples/s, "train": samples/s}.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "reference"))
import keisei_torch as kt  # noqa: E402
import torch  # noqa: E402

ACTIONS, PLANES = 13527, 46


def median_rate(step, batch, seconds):
    step()  # warm-up: oneDNN primitive creation, first-touch allocation
    times, started = [], time.perf_counter()
    while not times or (time.perf_counter() - started < seconds and len(times) < 50):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    return batch / times[len(times) // 2]


def main():
    depth, width, se, batch, threads, seconds = sys.argv[1:7]
    device = torch.device(sys.argv[7] if len(sys.argv) > 7 else "cpu")
    if len(sys.argv) > 8 and sys.argv[8] == "fp32":
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    depth, width, se, batch, threads, seconds = int(depth), int(width), float(se), int(batch), int(threads), float(seconds)
    torch.use_deterministic_algorithms(False)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = kt.ActorCriticResTower(PLANES, ACTIONS, depth, width, se if se > 0 else None).to(device)
    obs = torch.rand(batch, PLANES, 9, 9)
    legal = torch.zeros(batch, ACTIONS, dtype=torch.bool)
    for r in range(batch):
        for k in range(40):
            legal[r, (r * 7919 + k * 337) % ACTIONS] = True
    actions = torch.tensor([(r * 7919) % ACTIONS for r in range(batch)])
    old_logp = torch.full((batch,), -3.7)
    adv, ret, old_v = torch.rand(batch) - 0.5, torch.rand(batch) - 0.5, torch.rand(batch) - 0.5
    obs, legal, actions, old_logp, adv, ret, old_v = (
        t.to(device) for t in (obs, legal, actions, old_logp, adv, ret, old_v)
    )
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)

    def infer():
        model.eval()
        with torch.no_grad():
            logits, value = model(obs)
            float(logits[0, 0]) + float(value[0])

    def train():
        model.train()
        opt.zero_grad(set_to_none=False)
        logits, values = model(obs)
        loss, _ = kt.ppo_loss(logits, values, legal, actions, old_logp, adv, ret, old_v, 0.2, 0.5, 0.01, False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        float(loss)

    out = {"torch": torch.__version__, "device": str(device), "inference": median_rate(infer, batch, seconds), "train": median_rate(train, batch, seconds)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
