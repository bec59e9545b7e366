#!/usr/bin/env python3
"""Train one of the small nets of models/ on Fashion-MNIST (Debian's dataset-fashion-mnist): --model NAME is the
file models/NAME.py and its factory NAME(). The demo and the two quantization-hostile proxies:
    .venv/bin/python models/train_fashion.py --model fashion_resnext --epochs 10 --lr 0.1
    .venv/bin/python models/train_fashion.py --model fashion_mobilenet --epochs 8 --lr 0.1
    .venv/bin/python models/train_fashion.py --model fashion_repvgg --epochs 10 --lr 0.1
Writes models/NAME.pt (the training-time form: RepVGG keeps its branches) and NAME.pt.json beside it, with the
test-set Top-1 of the saved weights (its own evaluation) and the command.
"""

import argparse
import importlib
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "scripts", "src")]  # the model beside it; zooforge (the IDX reader)
from zooforge.data.idx import load_fashion_mnist  # noqa: E402

MEAN, STD = 0.2860, 0.3530  # Fashion-MNIST train-set pixel statistics (x/255)


def to_tensor(images: np.ndarray) -> torch.Tensor:
    return ((torch.from_numpy(images.astype(np.float32)) / 255.0 - MEAN) / STD).unsqueeze(1)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random 2-pixel shifts and horizontal flips (clothes are left/right symmetric)."""
    n = x.shape[0]
    padded = nn.functional.pad(x, (2, 2, 2, 2), value=-MEAN / STD)
    dx, dy = torch.randint(0, 5, (2,), generator=gen).tolist()
    x = padded[:, :, dy : dy + 28, dx : dx + 28]
    flip = torch.rand(n, generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(3), x)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i : i + 1000]).argmax(1) == y[i : i + 1000]).sum().item()
    return 100.0 * correct / len(x)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="fashion_resnext", help="models/<model>.py with factory <model>()")
    ap.add_argument("--out", help="default models/<model>.pt")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--bn-decay",
        type=float,
        default=5e-4,
        help="weight decay of BatchNorm weights and biases (RepVGG's "
        "quantization trouble grows when its branch BatchNorms are left undecayed: 0)",
    )
    args = ap.parse_args()
    args.out = args.out or os.path.join(HERE, f"{args.model}.pt")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)

    train_x, train_y = load_fashion_mnist("train")
    test_x, test_y = load_fashion_mnist("test")
    xtr, ytr = to_tensor(train_x), torch.from_numpy(train_y)
    xte, yte = to_tensor(test_x), torch.from_numpy(test_y)

    model = getattr(importlib.import_module(args.model), args.model)()
    steps = args.epochs * ((len(xtr) + args.batch_size - 1) // args.batch_size)
    bn = [p for m in model.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters()]
    rest = [p for p in model.parameters() if all(p is not b for b in bn)]
    opt = torch.optim.SGD(
        [{"params": rest}, {"params": bn, "weight_decay": args.bn_decay}],
        lr=args.lr,
        momentum=0.9,
        weight_decay=5e-4,
        nesterov=True,
    )
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.25)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), args.batch_size):
            idx = perm[i : i + args.batch_size]
            loss = loss_fn(model(augment(xtr[idx], gen)), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(
            f"epoch {epoch + 1}/{args.epochs}: loss {loss.item():.3f}, test top-1 {evaluate(model, xte, yte):.2f} %, "
            f"{time.time() - start:.0f} s",
            flush=True,
        )

    top1 = evaluate(model, xte, yte)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(model.state_dict(), args.out)
    info = {
        "test_top1": top1,
        "epochs": args.epochs,
        "seed": args.seed,
        "seconds": round(time.time() - start, 1),
        "torch": torch.__version__,
        "mean": MEAN,
        "std": STD,
        "params": sum(p.numel() for p in model.parameters()),
        "command": "python models/train_fashion.py " + " ".join(sys.argv[1:]),
    }
    with open(args.out + ".json", "w") as f:
        json.dump(info, f, indent=2)
    print(f"saved {args.out}: test top-1 {top1:.2f} % ({info['params']} parameters, {info['seconds']} s)")


if __name__ == "__main__":
    main()
