#!/usr/bin/env python3
"""The strong PyTorch peer of the `gpu` benchmark: JPEG files -> ResNet18 vectors the way a careful PyTorch user would
write it. DataLoader worker processes open, decode and resize each file with PIL (shorter side to 224, centre crop), pinned
memory, non-blocking copies, fp16 channels-last ResNet18 (torchvision, random weights: speed does not depend on them) with
cuDNN autotuning. Same files as `Benchmarks gpu`: the shared photos repeated to --images. Writes a JSON list for the report.

    python3 bench/peers/torch_peer.py --data ../shared/data --images 20000 --batches 64,256 --workers 15 --out peer.json
"""
import argparse
import glob
import json
import os
import time

import torch
import torchvision
import torchvision.transforms as transforms
from PIL import Image
from torch.utils.data import DataLoader, Dataset


class Files(Dataset):
    def __init__(self, paths):
        self.paths = paths
        self.transform = transforms.Compose([transforms.Resize(224), transforms.CenterCrop(224), transforms.PILToTensor()])

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        with Image.open(self.paths[index]) as image:
            return self.transform(image.convert("RGB"))


def photos(data):
    found = glob.glob(os.path.join(data, "imagenet-100", "**", "*.JPEG"), recursive=True)
    found += glob.glob(os.path.join(data, "imagenet-1k-samples", "*.JPEG"))
    return sorted(found)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--batches", default="64,256")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    shared = photos(args.data)
    files = [shared[i % len(shared)] for i in range(args.images)]
    torch.backends.cudnn.benchmark = True
    model = torchvision.models.resnet18(weights=None)
    model.fc = torch.nn.Identity()
    model = model.cuda().half().eval().to(memory_format=torch.channels_last)
    mean = torch.tensor([0.485, 0.456, 0.406], device="cuda").view(1, 3, 1, 1).half() * 255
    std = torch.tensor([0.229, 0.224, 0.225], device="cuda").view(1, 3, 1, 1).half() * 255

    results = []
    for batch in [int(b) for b in args.batches.split(",")]:
        with torch.inference_mode():
            for _ in range(3):  # warm-up: cuDNN picks its kernels for this batch size
                model(torch.randn(batch, 3, 224, 224, device="cuda").half().to(memory_format=torch.channels_last))
            torch.cuda.synchronize()
            loader = DataLoader(Files(files), batch_size=batch, num_workers=args.workers, pin_memory=True, prefetch_factor=4)
            start = time.perf_counter()
            count = 0
            for pixels in loader:
                x = pixels.cuda(non_blocking=True).half().sub_(mean).div_(std).contiguous(memory_format=torch.channels_last)
                model(x)
                count += pixels.shape[0]
            torch.cuda.synchronize()
            seconds = time.perf_counter() - start
        rate = count / seconds
        print(f"peer batch {batch}, {args.workers} workers: {count} images in {seconds:.1f} s = {rate:.0f} img/s", flush=True)
        results.append({"name": "PyTorch DataLoader + PIL", "images": count, "seconds": seconds, "imagesPerSecond": rate,
                        "batch": batch, "workers": args.workers, "precision": "fp16"})
    with open(args.out, "w") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
