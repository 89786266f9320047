#!/usr/bin/env python3
"""Plain PyTorch baseline for `neurostream bench engine`.

The same network as NeuroStream's classifier (torchvision ResNet50 v1 backbone, global average
pooling, Dense 512 + ReLU + Dropout, Dense 4), random weights, eval mode, at the same input shape and
batch sizes. Prints the median latency per batch over the timed repeats (warm-up excluded) and the
images/s it implies, in the same columns as the Java benchmark.

Run with Debian's interpreter, which has python3-torch and python3-torchvision:
    /usr/bin/python3 bench/pytorch_resnet50.py --batch-sizes 1,8,32 --image-size 128 --repeats 10 --warmup 3
"""
import argparse
import os
import statistics
import time

import torch
import torchvision


def build(channels_last: bool) -> torch.nn.Module:
    model = torchvision.models.resnet50(weights=None)
    model.fc = torch.nn.Sequential(
        torch.nn.Linear(2048, 512), torch.nn.ReLU(), torch.nn.Dropout(0.3), torch.nn.Linear(512, 4))
    model.eval()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="intra-op threads (default: all cores; Debian's torch otherwise starts with 1 here)")
    parser.add_argument("--channels-last", action="store_true", help="NHWC memory format")
    parser.add_argument("--jit", action="store_true", help="torch.jit.trace + freeze (not plain eager)")
    args = parser.parse_args()

    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    model = build(args.channels_last)
    size = args.image_size
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    if args.jit:
        with torch.inference_mode():
            example = torch.randn(1, 3, size, size)
            model = torch.jit.freeze(torch.jit.trace(model, example))

    print(f"# pytorch resnet50-gap-dense512-dense4 input [3, {size}, {size}], warm-up {args.warmup}, "
          f"median of {args.repeats} batches")
    print(f"# torch={torch.__version__} torchvision={torchvision.__version__} threads={torch.get_num_threads()} "
          f"interop={torch.get_num_interop_threads()} mkldnn={torch.backends.mkldnn.is_available()} "
          f"channels_last={args.channels_last} jit={args.jit} OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}")
    print(f"{'batch':>6} {'median_ms':>12} {'min_ms':>10} {'max_ms':>10} {'img_per_s':>12} {'cpu_ms_img':>12}"
          f" {'cores_busy':>12}")
    for batch in batch_sizes:
        x = torch.randn(batch, 3, size, size)
        if args.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        cpu0 = time.process_time()
        with torch.inference_mode():
            for _ in range(args.warmup):
                model(x)
            times = []
            cpu1, wall1 = time.process_time(), time.perf_counter()
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - t0) * 1000)
        cores = (time.process_time() - cpu1) / (time.perf_counter() - wall1)
        cpu_ms_img = (time.process_time() - cpu0) * 1000 / ((args.warmup + args.repeats) * batch)
        median = statistics.median(times)
        print(f"{batch:>6} {median:>12.2f} {min(times):>10.2f} {max(times):>10.2f} {batch * 1000 / median:>12.2f}"
              f" {cpu_ms_img:>12.2f} {cores:>12.2f}", flush=True)


if __name__ == "__main__":
    main()
