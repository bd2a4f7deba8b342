"""A small Fashion-MNIST CNN used only to judge generated samples (train/evaluate.py).

  /usr/bin/python3 train/classifier.py [--epochs 3]

Trains on the 60k training images (32x32, [-1,1], same preprocessing as the diffusion
model), reports accuracy on the 10k held-out test set, saves runs/classifier.pt.
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402

RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")
PATH = os.path.join(RUNS, "classifier.pt")


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 128, 3, padding=1)
        self.fc1 = nn.Linear(128 * 4 * 4, 128)
        self.fc2 = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        return self.fc2(self.drop(F.relu(self.fc1(x.flatten(1)))))


def load_classifier():
    m = Classifier()
    m.load_state_dict(torch.load(PATH, map_location="cpu"))
    return m.eval()


@torch.no_grad()
def accuracy(m, x, y, batch=1000):
    m.eval()
    hits = 0
    for i in range(0, x.shape[0], batch):
        hits += (m(data.to_model_range(x[i:i + batch])).argmax(1) == y[i:i + batch]).sum().item()
    return hits / x.shape[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xs, ys = data.load("train")
    xt, yt = data.load("test")
    m = Classifier()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    t0 = time.time()
    for ep in range(args.epochs):
        m.train()
        perm = torch.randperm(xs.shape[0])
        for i in range(0, xs.shape[0], args.batch):
            idx = perm[i:i + args.batch]
            loss = F.cross_entropy(m(data.to_model_range(xs[idx])), ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {ep + 1}: loss {loss.item():.3f} test accuracy {accuracy(m, xt, yt):.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)
    os.makedirs(RUNS, exist_ok=True)
    torch.save(m.state_dict(), PATH)
    print(f"held-out test accuracy {accuracy(m, xt, yt):.4f}; saved {PATH}")


if __name__ == "__main__":
    main()
