#!/usr/bin/python3
"""The PyTorch CPU peer of the C# embedder: image files in, unit-length 512-d ResNet18 vectors out.

PIL decodes, resizes the shorter side to 256 and centre-crops 224 (torchvision's usual ImageNet transform), in
DataLoader worker processes (one per core); the model runs in batches of 32 in the main process. The weights are
random: only speed is compared, and a ResNet18 costs the same whatever its weights. The files are given one per line
on standard input; one JSON line with the count and the seconds from the first file read to the last vector is printed.
Runs with Debian's python3-torch, python3-torchvision and python3-pil (see bench/peers/README.md).
"""
import argparse
import json
import os
import sys
import time

import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class Files(Dataset):
    def __init__(self, paths):
        self.paths = paths
        self.transform = transforms.Compose([
            transforms.Resize(256),
            transforms.CenterCrop(224),
            transforms.ToTensor(),
            transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
        ])

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        with Image.open(self.paths[index]) as image:
            return self.transform(image.convert("RGB"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    paths = [line.strip() for line in sys.stdin if line.strip()]
    if not paths:
        sys.exit("no image paths on standard input")

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count())
    model = torchvision.models.resnet18()
    model.fc = torch.nn.Identity()  # the 512-d pooled features, as the C# embedder returns
    model.eval()
    with torch.inference_mode():
        model(torch.zeros(args.batch, 3, 224, 224))  # warm-up, as the C# embedder warms up at start

        loader = DataLoader(Files(paths), batch_size=args.batch, num_workers=args.workers)
        start = time.perf_counter()
        vectors = 0
        for batch in loader:
            features = torch.nn.functional.normalize(model(batch), dim=1)
            vectors += features.shape[0]
        seconds = time.perf_counter() - start
    print(json.dumps({"images": vectors, "seconds": seconds, "imagesPerSecond": vectors / seconds,
                      "torch": torch.__version__, "threads": torch.get_num_threads(), "workers": args.workers}))


if __name__ == "__main__":
    main()
