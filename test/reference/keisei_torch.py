"""The PyTorch referee: the Python original's network and keisei's PPO update, written the way a
PyTorch user would write them, so the tests can compare keisei with an implementation that shares
none of its code.

The network follows ../shared/reference/keisei-python.md section 4 (ActorCriticResTower with SE,
the dense policy head, the value head, the CNN) with the exact state-dict names, plus keisei's
convolutional policy head. The PPO update follows src/rl/ppo.ts. Where keisei deliberately differs
from PyTorch's defaults or from the Python original, the code below sets keisei's choice and says
why. Run by /usr/bin/python3 (Debian's python3-torch); the tests call `main` through the CLI:

    python3 test/reference/keisei_torch.py crossload DIR    # checkpoints both ways (manifest.json)
    python3 test/reference/keisei_torch.py step DIR         # one PPO step: loss terms, gradients
    python3 test/reference/keisei_torch.py update DIR       # a whole PPO update (rl/ppo.ts)
    python3 test/reference/keisei_torch.py golden IN WEIGHTS OUT  # the golden fixture (test/fixtures/)

Each command reads its inputs from safetensors files in DIR and writes its outputs there.
"""

import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)  # deterministic sums; the tests run beside others on 2 cores

# --------------------------------------------------------------------------- safetensors
# A small reader/writer of the format (Debian has no python3-safetensors): 8-byte little-endian
# header length, JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, data.

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U32": np.uint32, "U8": np.uint8, "I32": np.int32}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {}) or {}
    data = raw[8 + n :]
    out = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=DTYPES[t["dtype"]]).reshape(t["shape"]).copy()
    return out, meta


def save_safetensors(path, tensors, metadata=None):
    header, blobs, at = {"__metadata__": metadata or {}}, [], 0
    for name, a in tensors.items():
        a = np.array(a.detach().cpu().numpy() if torch.is_tensor(a) else a, order="C")  # keeps 0-d shapes
        b = a.tobytes()
        header[name] = {"dtype": NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


# --------------------------------------------------------------------------- the network (section 4)

SIDE_TO_MOVE_PLANE = 42  # core46: the plane that is all ones when Black is to move
POLICY_PLANES = 139  # keisei's conv policy head: 64 line moves, 2 knight jumps (each +/- promotion), 7 drops
NO_CELL = 0xFFFFFFFF


class SqueezeExcitation(nn.Module):
    def __init__(self, channels, hidden):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s


class ResidualBlock(nn.Module):
    def __init__(self, channels, se_ratio):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(channels)
        self.se = SqueezeExcitation(channels, max(1, int(channels * se_ratio))) if se_ratio else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.se is not None:
            out = self.se(out)
        return F.relu(out + x)


class ActorCriticResTower(nn.Module):
    """Section 4.1. policy_head "conv" is keisei's (policy_head.0 / .1 / .3, see params.ts)."""

    def __init__(self, input_planes, num_actions, depth, width, se_ratio, policy_head="dense", gather=None):
        super().__init__()
        self.stem = nn.Conv2d(input_planes, width, 3, padding=1)
        self.bn_stem = nn.BatchNorm2d(width)
        self.res_blocks = nn.Sequential(*[ResidualBlock(width, se_ratio) for _ in range(depth)])
        self.conv_policy = policy_head == "conv"
        if self.conv_policy:
            self.policy_head = nn.Sequential(
                nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(), nn.Conv2d(width, POLICY_PLANES, 1)
            )
            # gather[mover, action] = the action's cell in the planes (P·81 + 1 is "no cell": logit 0).
            # Not persistent: the state dict stays the weights alone, as keisei writes it.
            g = torch.as_tensor(gather.astype(np.int64)).reshape(2, num_actions)
            g = torch.where(g == NO_CELL, torch.full_like(g, POLICY_PLANES * 81), g)
            self.register_buffer("gather", g, persistent=False)
        else:
            self.policy_head = nn.Sequential(
                nn.Conv2d(width, 2, 1), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 81, num_actions)
            )
        self.value_head = nn.Sequential(nn.Conv2d(width, 2, 1), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 81, 1))

    def forward(self, obs):
        x = self.res_blocks(F.relu(self.bn_stem(self.stem(obs))))
        if self.conv_policy:
            planes = self.policy_head(x).flatten(1)
            planes = torch.cat([planes, planes.new_zeros(planes.shape[0], 1)], 1)
            # the mover's frame: Black to move (side-to-move plane 1) reads table row 0, White row 1
            mover = (obs[:, SIDE_TO_MOVE_PLANE, 0, 0] <= 0.5).long()
            logits = torch.gather(planes, 1, self.gather[mover])
        else:
            logits = self.policy_head(x)
        return logits, self.value_head(x).squeeze(-1)


class ActorCritic(nn.Module):
    """Section 4.2: the simple CNN."""

    def __init__(self, input_planes, num_actions):
        super().__init__()
        self.conv = nn.Conv2d(input_planes, 16, 3, padding=1)
        self.policy_head = nn.Linear(16 * 81, num_actions)
        self.value_head = nn.Linear(16 * 81, 1)

    def forward(self, x):
        x = F.relu(self.conv(x)).flatten(1)
        return self.policy_head(x), self.value_head(x).squeeze(-1)


def build_model(meta, gather=None):
    """The model a keisei checkpoint's __metadata__ describes."""
    planes, actions = int(meta["input_planes"]), int(meta["num_actions"])
    if meta["model_type"] == "cnn":
        return ActorCritic(planes, actions)
    se = float(meta["se_ratio"])
    return ActorCriticResTower(planes, actions, int(meta["tower_depth"]), int(meta["tower_width"]), se if se > 0 else None, meta.get("policy_head", "dense"), gather)


def bn_layers(model):
    return [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]


def load_model(path, gather=None):
    """The model a keisei checkpoint describes, its weights loaded strictly (every name, shape and dtype)."""
    tensors, meta = load_safetensors(path)
    model = build_model(meta, gather)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    return model


# --------------------------------------------------------------------------- PPO (src/rl/ppo.ts)


def ppo_loss(logits, values, legal, actions, old_logp, adv, ret, old_v, clip_eps, value_coef, entropy_coef, value_clip):
    """The per-sample PPO terms and the loss, over the legal moves only."""
    masked = logits.masked_fill(~legal, float("-inf"))
    logp_all = F.log_softmax(masked, dim=1)
    p = logp_all.exp()
    entropy = -(p * logp_all.masked_fill(~legal, 0.0)).sum(1)
    logp = logp_all.gather(1, actions[:, None]).squeeze(1)
    ratio = (logp - old_logp).exp()
    surr = torch.min(ratio * adv, ratio.clamp(1 - clip_eps, 1 + clip_eps) * adv)
    v_loss = (values - ret) ** 2  # keisei has no ½ (as the reference's MSE)
    if value_clip:
        # keisei takes the max per sample (CleanRL), not of the two batch means as the reference
        # did: the per-sample max is the pessimistic bound PPO's paper intends.
        v_clipped = old_v + (values - old_v).clamp(-clip_eps, clip_eps)
        v_loss = torch.max(v_loss, (v_clipped - ret) ** 2)
    loss = -surr.mean() + value_coef * v_loss.mean() - entropy_coef * entropy.mean()
    stats = torch.stack([-surr, v_loss, entropy, old_logp - logp, ((ratio - 1).abs() > clip_eps).float(), logp], 1)
    return loss, stats


def lr_factor(kind, kwargs, step, total):
    """rl/schedules.ts: the multiplier of the initial learning rate after `step` of `total` steps."""
    if kind is None:
        return 1.0
    progress = min(step / total, 1.0) if total > 0 else 1.0
    if kind == "linear":
        return max(kwargs.get("final_lr_fraction", 0.1), 1 - progress)
    if kind == "cosine":
        eta = kwargs.get("eta_min_fraction", 0.0)
        return eta + (1 - eta) * 0.5 * (1 + math.cos(math.pi * progress))
    if kind == "exponential":
        return kwargs.get("gamma", 0.995) ** step
    return kwargs.get("gamma", 0.5) ** (step // kwargs.get("step_size", 1000))


def make_optimizer(model, s):
    """PyTorch's Adam (weight decay added to the gradient, the reference's) or AdamW (decoupled)."""
    opt = torch.optim.AdamW if s.get("decoupled") else torch.optim.Adam
    return opt(model.parameters(), lr=s["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=s.get("weight_decay", 0.0))


def flat_grads(model):
    return {n: p.grad.detach().clone() for n, p in model.named_parameters()}


def ppo_inputs(d):
    """The tensors of a step or update file, as torch tensors."""
    return dict(
        obs=torch.from_numpy(d["obs"]).reshape(-1, 46, 9, 9),
        legal=torch.from_numpy(d["legal"]).bool(),
        actions=torch.from_numpy(d["actions"].astype(np.int64)),
        old_logp=torch.from_numpy(d["old_logp"]),
        old_v=torch.from_numpy(d["old_values"]),
    )


def gae(events, gamma, lam):
    """GAE per trajectory (one per game and colour), from the rollout's event log.

    events: rows (game, colour, value, reward, done, bootstrap) in time order; a trajectory is a
    game's transitions of one colour. A terminal transition has no successor; the last transition
    of a trajectory still in progress bootstraps with its `bootstrap` value.
    """
    n = len(events)
    adv = np.zeros(n, np.float64)
    by_traj = {}
    for t, (g, c, *_rest) in enumerate(events):
        by_traj.setdefault((int(g), int(c)), []).append(t)
    for idx in by_traj.values():
        # a game's colour may finish a game and start the next one in the same slot: cut at dones
        running = 0.0
        for k in range(len(idx) - 1, -1, -1):
            t = idx[k]
            _g, _c, v, r, done, boot = events[t]
            if done:
                next_v, running = 0.0, 0.0
            elif k + 1 < len(idx):
                next_v = events[idx[k + 1]][2]
            else:
                next_v, running = boot, 0.0
            delta = r + gamma * next_v - v
            running = delta + gamma * lam * (0.0 if done else 1.0) * running
            adv[t] = running
    return adv, adv + events[:, 2]


# --------------------------------------------------------------------------- commands


def randomise_batchnorm(model, gen):
    """Default BatchNorm (weight 1, bias 0, mean 0, var 1) would hide a BN mistake: move them."""
    with torch.no_grad():
        for bn in bn_layers(model):
            c = bn.num_features
            bn.weight.copy_(1 + 0.3 * torch.randn(c, generator=gen))
            bn.bias.copy_(0.2 * torch.randn(c, generator=gen))
            bn.running_mean.copy_(0.3 * torch.randn(c, generator=gen))
            bn.running_var.copy_(0.5 + torch.rand(c, generator=gen))
            bn.num_batches_tracked.fill_(7)


def cmd_crossload(d):
    """For each case of DIR/manifest.json: load keisei's weights (DIR/NAME.keisei.safetensors, or the
    case's "file") strictly and run them ("to_torch"), or make a PyTorch model, save its state dict
    and run it ("to_keisei")."""
    with open(f"{d}/manifest.json") as f:
        manifest = json.load(f)
    for case in manifest["cases"]:
        name = case["name"]
        inp, _ = load_safetensors(f"{d}/{name}.in.safetensors")
        obs = torch.from_numpy(inp["obs"]).reshape(-1, 46, 9, 9)
        if case["direction"] == "to_torch":
            model = load_model(case.get("file", f"{d}/{name}.keisei.safetensors"), inp.get("gather"))
        else:
            meta = case["metadata"]
            torch.manual_seed(case["seed"])
            model = build_model(meta, inp.get("gather"))
            randomise_batchnorm(model, torch.Generator().manual_seed(case["seed"]))
            save_safetensors(f"{d}/{name}.torch.safetensors", model.state_dict(), meta)
        model.eval()
        with torch.no_grad():
            logits, value = model(obs)
        save_safetensors(f"{d}/{name}.out.safetensors", {"logits": logits, "value": value})


def open_ppo(d, name):
    """The settings, the input tensors and the loaded model of a step or update directory."""
    with open(f"{d}/settings.json") as f:
        s = json.load(f)
    data, _ = load_safetensors(f"{d}/{name}.in.safetensors")
    return s, data, load_model(f"{d}/weights.safetensors", data.get("gather"))


def cmd_step(d):
    """One PPO step in the given BN mode: loss terms, every gradient (before clipping), the global
    norm, and the parameters and running statistics after one clipped Adam(W) step."""
    s, data, model = open_ppo(d, "step")
    x = ppo_inputs(data)
    adv, ret = torch.from_numpy(data["advantages"]), torch.from_numpy(data["returns"])
    # "train": batch statistics, running ones updated (momentum 0.1, keisei's as PyTorch's);
    # "frozen": keisei's PPO mode, the running statistics held constant through the backward
    model.train(s["mode"] == "train")
    opt = make_optimizer(model, s)
    opt.zero_grad()
    logits, values = model(x["obs"])
    loss, stats = ppo_loss(logits, values, x["legal"], x["actions"], x["old_logp"], adv, ret, x["old_v"], s["clip_eps"], s["value_coef"], s["entropy_coef"], s["value_clip"])
    loss.backward()
    grads = flat_grads(model)
    norm = nn.utils.clip_grad_norm_(model.parameters(), s["max_grad_norm"])
    opt.step()
    out = {"logits": logits, "value": values, "stats": stats, "loss": loss.reshape(1), "grad_norm": norm.reshape(1)}
    out.update({f"grad.{k}": v for k, v in grads.items()})
    out.update({f"after.{k}": v for k, v in model.state_dict().items() if v.dtype == torch.float32})
    save_safetensors(f"{d}/step.out.safetensors", out)


def cmd_update(d):
    """A whole PPO update as rl/ppo.ts makes it, on the rollout in DIR/update.in.safetensors."""
    s, data, model = open_ppo(d, "update")
    x = ppo_inputs(data)
    n, B = x["obs"].shape[0], s["minibatch"]

    # credit assignment: GAE per trajectory from the event log, in float64
    adv_np, ret_np = gae(data["events"].astype(np.float64), s["gamma"], s["lambda"])
    adv, ret = torch.from_numpy(adv_np.astype(np.float32)), torch.from_numpy(ret_np.astype(np.float32))
    explained_var = 1 - np.var(ret_np - data["events"][:, 2]) / np.var(ret_np)
    if s["normalize_advantages"]:
        adv = (adv - adv.mean()) / adv.std()  # unbiased std, as the reference

    opt = make_optimizer(model, s)
    sched_step, rows = 0, []
    perms = torch.from_numpy(data["permutations"].astype(np.int64))
    for epoch in range(s["epochs"]):
        order = perms[epoch]
        for start in range(0, n - B + 1, B):  # full minibatches only (the plan has a fixed size)
            i = order[start : start + B]
            lr = s["lr"] * lr_factor(s["schedule"], s["schedule_kwargs"], sched_step, s["schedule_total"])
            for g in opt.param_groups:
                g["lr"] = lr
            model.eval()  # keisei trains the acting function: running statistics, held constant
            opt.zero_grad()
            logits, values = model(x["obs"][i])
            loss, st = ppo_loss(logits, values, x["legal"][i], x["actions"][i], x["old_logp"][i], adv[i], ret[i], x["old_v"][i], s["clip_eps"], s["value_coef"], s["entropy_coef"], s["value_clip"])
            loss.backward()
            last_grads = flat_grads(model)
            norm = nn.utils.clip_grad_norm_(model.parameters(), s["max_grad_norm"])
            opt.step()
            log_ratio = -st[:, 3].double()
            rows.append([st[:, 0].mean(), st[:, 1].mean(), st[:, 2].mean(), st[:, 3].mean(), (log_ratio.exp() - 1 - log_ratio).mean(), st[:, 4].mean(), norm])
            if s["schedule_step_on"] == "update":
                sched_step += 1
        if s["schedule_step_on"] == "epoch":
            sched_step += 1

    # keisei re-estimates the running statistics over the rollout: the plain average of the batch
    # statistics of its full minibatches in order, which is PyTorch's momentum=None after a reset
    for bn in bn_layers(model):
        bn.reset_running_stats()
        bn.momentum = None
    model.train()
    with torch.no_grad():
        for start in range(0, n - B + 1, B):
            model(x["obs"][start : start + B])

    lr = s["lr"] * lr_factor(s["schedule"], s["schedule_kwargs"], sched_step, s["schedule_total"])
    per_update = torch.tensor([[float(v) for v in r] for r in rows], dtype=torch.float64)
    out = {
        "advantages": torch.from_numpy(adv_np.astype(np.float32)),
        "returns": ret,
        "per_update": per_update.float(),
        "means": torch.cat([per_update.mean(0), torch.tensor([explained_var, lr], dtype=torch.float64)]).float(),
    }
    out.update({f"grad.{k}": v for k, v in last_grads.items()})
    out.update({f"after.{k}": v for k, v in model.state_dict().items() if v.dtype == torch.float32})
    save_safetensors(f"{d}/update.out.safetensors", out)


def sample(t, above=8192):
    """golden.ts's sampleIndices: tensors over `above` elements keep every ceil(n/4096)-th element."""
    flat = t.detach().reshape(-1).clone()  # a copy: optimizer steps change tensors in place
    return flat[:: math.ceil(flat.numel() / 4096)] if flat.numel() > above else flat


def cmd_golden(inp_path, weights_path, out_path):
    """The golden fixture (test/fixtures/golden.ts): K training-mode PPO steps with clipped Adam on
    keisei's initial weights (a checkpoint) and the fixture's inputs (IN), every output computed
    here. OUT holds the inputs, the first INIT_PEEK initial values of each parameter (they pin
    keisei's initialisation and RNG) and PyTorch's results, large tensors sampled as golden.ts does."""
    data, meta = load_safetensors(inp_path)
    cfg = json.loads(meta["config"])
    model = load_model(weights_path)
    init_peek = {f"init.{k}": v.detach().reshape(-1)[: int(meta["init_peek"])].clone() for k, v in model.named_parameters()}
    B = cfg["batch"]
    obs = torch.from_numpy(data["in.obs"].astype(np.float32)).reshape(B, -1, 9, 9)
    legal = torch.from_numpy(np.unpackbits(data["in.mask"].view(np.uint8), bitorder="little").reshape(B, -1)[:, : cfg["arch"]["numActions"]].astype(bool))
    actions = torch.from_numpy(data["in.actions"].astype(np.int64))
    smp = torch.from_numpy(data["in.samples"])
    old_logp, adv, ret, old_v = smp[:, 0], smp[:, 1], smp[:, 2], smp[:, 3]
    p = cfg["ppo"]
    # Adam with PyTorch's defaults (betas 0.9 / 0.999, eps 1e-8), keisei's too; clip_grad_norm_
    # before the step, as the reference orders them
    opt = torch.optim.Adam(model.parameters(), lr=cfg["adam"]["lr"])
    model.train()  # batch statistics; running ones updated with momentum 0.1 (keisei's BN_MOMENTUM)
    out = {k: v for k, v in data.items() if k.startswith("in.")}
    out.update(init_peek)
    losses, norms = [], []
    for step in range(cfg["steps"]):
        opt.zero_grad()
        logits, values = model(obs)
        loss, stats = ppo_loss(logits, values, legal, actions, old_logp, adv, ret, old_v, p["clipEps"], p["valueCoef"], p["entropyCoef"], p["valueClip"])
        loss.backward()
        if step == 0:
            out["out.logits"], out["out.value"] = sample(logits), values.detach()
            out["out.means"] = torch.cat([stats.mean(0), loss.detach().reshape(1)])
            out.update({f"grad.{k}": sample(v.grad) for k, v in model.named_parameters()})
        norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), cfg["adam"]["maxGradNorm"])))
        losses.append(float(loss))
        opt.step()
    out["out.losses"] = torch.tensor(losses)
    out["out.grad_norms"] = torch.tensor(norms)
    out.update({f"after.{k}": sample(v) for k, v in model.named_parameters()})
    out.update({f"after_stats.{k}": v for k, v in model.state_dict().items() if "running_" in k})
    meta = {k: v for k, v in meta.items() if k != "init_peek"}
    meta.update(num_batches_tracked=str(int(bn_layers(model)[0].num_batches_tracked)), written_by=f"test/reference/keisei_torch.py golden: PyTorch {torch.__version__}, NumPy {np.__version__}")
    save_safetensors(out_path, out, meta)
    return losses, norms


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "golden":
        losses, norms = cmd_golden(*args)
        print("golden: losses", " ".join(f"{v:.6f}" for v in losses), "grad norms", " ".join(f"{v:.4f}" for v in norms))
    else:
        {"crossload": cmd_crossload, "step": cmd_step, "update": cmd_update}[cmd](*args)
