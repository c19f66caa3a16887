using System.Text;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Running;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>The GPU benchmark's section of docs/benchmarks.md: throughput against the peer, stage times, parity, retrieval.</summary>
internal sealed record GpuDecodeReport(IReadOnlyList<GpuDecodeRun> Runs, IReadOnlyList<PeerResult> Peers, IReadOnlyList<string> Photos, EvaluationSet ClassSet,
    double IndexRate, (int Images, float MinCosine) Fallback, int Images, int Batch, int[] Concurrency, string Gpu)
{
    public string Markdown()
    {
        var text = new StringBuilder();
        var strongest = Peers.Count == 0 ? 0 : Peers.Max(p => p.ImagesPerSecond);
        text.AppendLine($"### GPU decode path: JPEG files → vectors, {Gpu}")
            .AppendLine()
            .AppendLine($"`Benchmarks gpu --images {Images} --batch {Batch} --concurrency {string.Join(',', Concurrency)}`: {Images:N0} files made of the {Photos.Count:N0} shared photos, embedded as that many concurrent")
            .AppendLine($"calls of {Batch} files (best shown) (as the embedder worker's consumer calls it), model on ONNX Runtime's CUDA provider; time after a warm-up. The peer is")
            .AppendLine("`bench/peers/torch_peer.py` in the same run: PyTorch DataLoader workers decoding and resizing with PIL, fp16 ResNet18 on the same GPU." +
                (Environment.GetEnvironmentVariable("DOTNET_ThreadPool_ForceMinWorkerThreads") is { Length: > 0 } forced
                    ? $" The .NET thread pool was started with at least 0x{forced} worker threads (`DOTNET_ThreadPool_ForceMinWorkerThreads={forced}`)." : ""))
            .AppendLine()
            .AppendLine("| path | model | img/s | × strongest peer | concurrent calls | cores busy | img/s at each concurrency |")
            .AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var run in Runs)
            text.AppendLine($"| {run.Name} | `{run.ModelId}` | {run.ImagesPerSecond:N0} | {Ratio(run.ImagesPerSecond, strongest)} | {run.Best.Concurrency} | {run.Best.CoresBusy:N1} | " +
                string.Join(", ", run.Rates.Select(r => $"{r.Concurrency}: {r.ImagesPerSecond:N0}")) + " |");
        foreach (var peer in Peers)
            text.AppendLine($"| peer: {peer.Name} (batch {peer.Batch}, {peer.Workers} workers) | torchvision resnet18 {peer.Precision} | {peer.ImagesPerSecond:N0} | {Ratio(peer.ImagesPerSecond, strongest)} | | | |");

        foreach (var run in Runs.Where(r => r.Stages.Any(s => s.Images > 0)))
        {
            text.AppendLine()
                .AppendLine($"Stage times of {run.Name} (`{run.ModelId}`, {run.Best.Concurrency} concurrent calls), summed over the run:")
                .AppendLine()
                .AppendLine("| stage | images | ms per image | img/s if alone |")
                .AppendLine("|---|---:|---:|---:|");
            foreach (var (stage, images, time) in run.Stages.Where(s => s.Images > 0))
                text.AppendLine($"| {stage} | {images:N0} | {time.TotalMilliseconds / images:F3} | {images / time.TotalSeconds:N0} |");
            text.AppendLine($"| index (embedded store upsert, batches of {Batch}; measured apart) | {Images:N0} | {1000 / IndexRate:F3} | {IndexRate:N0} |");
            if (run.InferenceAlone.Count > 0)
                text.AppendLine()
                    .AppendLine($"Inference alone (normalise + model on batches of {Batch} already in GPU memory, 20 runs per thread): " +
                        string.Join(", ", run.InferenceAlone.Select(i => $"{i.ImagesPerSecond:N0} img/s on {i.Threads} thread{(i.Threads > 1 ? "s" : "")}")) + ".");
        }
        text.AppendLine()
            .AppendLine("GPU path stages on CPU threads are wall time inside each image's task (waiting for a thread included), summed over concurrent tasks;")
            .AppendLine("GPU stages and the CPU path's stages are wall time of each chunk, summed over concurrent calls. They overlap, so no column adds up to the run's time.");

        var (cpu, gpuFp32, gpuFp16) = (Runs[0], Runs[1], Runs[2]);
        var parity = Cosines(gpuFp32, cpu);
        var half = Cosines(gpuFp16, gpuFp32);
        text.AppendLine()
            .AppendLine($"Parity on the {Photos.Count:N0} shared photos: GPU-path vs CPU-path vectors (both fp32) mean cosine **{parity.Average():F4}**, min {parity.Min():F4}; " +
                        $"fp16 vs fp32 (both GPU path) mean {half.Average():F4}, min {half.Min():F4}. " +
                        $"Images the GPU path leaves to the CPU ({Fallback.Images} PNG, progressive, grayscale, EXIF-rotated and baseline copies of shared photos): min cosine to the CPU path {Fallback.MinCosine:F4}.")
            .AppendLine()
            .AppendLine("| path | model | recall@1 | mHR@10 | mAP@10 |")
            .AppendLine("|---|---|---:|---:|---:|");
        foreach (var run in Runs)
        {
            var (recall, hit, map) = Retrieval(run.PhotoVectors);
            text.AppendLine($"| {run.Name} | `{run.ModelId}` | {recall:F3} | {hit:F3} | {map:F3} |");
        }
        text.AppendLine()
            .AppendLine(SvgChart.Bars("gpu-decode.svg", "JPEG files → vectors on one GPU", "img/s", ["img/s"],
                Runs.Select(r => ($"{(r.Decoder == ImageSearch.Embedding.DecoderKind.Cpu ? "CPU" : "GPU")} decode {r.Precision}", (IReadOnlyList<double>)[r.ImagesPerSecond]))
                    .Concat(Peers.Select(p => ($"peer {p.Name}", (IReadOnlyList<double>)[p.ImagesPerSecond]))).ToList()));
        return text.ToString();
    }

    private static string Ratio(double rate, double peer) => peer > 0 ? $"{rate / peer:F2}×" : "–";

    private static List<float> Cosines(GpuDecodeRun a, GpuDecodeRun b) =>
        a.PhotoVectors.Zip(b.PhotoVectors, (x, y) => x.Zip(y, (p, q) => p * q).Sum()).ToList();

    /// <summary>The class-retrieval protocol (see <see cref="RetrievalBenchmark"/>) on this run's photo vectors.</summary>
    private (double Recall1, double HitRatio10, double Map10) Retrieval(float[][] vectors)
    {
        var byPath = Photos.Select((path, i) => (path, i)).ToDictionary(p => p.path, p => vectors[p.i], StringComparer.Ordinal);
        var metrics = SetScorer.Score(ClassSet, byPath, 10)[0].Metrics;
        return (metrics.RecallAt1, metrics.HitRatio, metrics.MeanAveragePrecision);
    }
}
