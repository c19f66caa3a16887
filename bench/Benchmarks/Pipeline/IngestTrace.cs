using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Pipeline.Embedder;
using ImageSearch.Pipeline.Indexer;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// What `ingest --trace` prints every half second, to show where an in-process pipeline waits: how far each stage got;
/// how many batches the embed consumer had in hand on average (its time in batches over wall time), and how much of that
/// was embedding rather than publishing; the process's cores busy; the thread pool; and the garbage collector's pauses.
/// At the end, the embedder's stage times within the pipeline (either path), to set beside the `gpu` benchmark's.
/// </summary>
internal sealed class IngestTrace
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ImageEmbedder _embedder;
    private readonly (double Embedded, double Indexed, long EmbedBatches, long IndexBatches) _start;
    private readonly Sample _first = Sample.Now();
    private Sample _last;
    private TimeSpan _next = Every;

    public IngestTrace(IServiceProvider services)
    {
        _embedder = services.GetRequiredService<ImageEmbedder>();
        _embedder.Times.Reset();
        _last = _first;
        _start = (EmbedderMetrics.ImagesEmbedded.Value, IndexerMetrics.VectorsIndexed.Value, EmbedderMetrics.BatchDuration.Count, IndexerMetrics.UpsertDuration.Count);
    }

    /// <summary>Prints a line when half a second has passed since the last.</summary>
    public void Poll(long stored, bool published)
    {
        if (_clock.Elapsed < _next)
            return;
        _next += Every;
        var now = Sample.Now();
        var seconds = (now.At - _last.At).TotalSeconds;
        Console.WriteLine(
            $"  {_clock.Elapsed.TotalSeconds,5:F1} s: publish {(published ? "done" : "running")}, embedded {EmbedderMetrics.ImagesEmbedded.Value - _start.Embedded,7:N0}, " +
            $"indexed {IndexerMetrics.VectorsIndexed.Value - _start.Indexed,7:N0}, stored {stored,7:N0}; " +
            $"batches: embed {EmbedderMetrics.BatchDuration.Count - _start.EmbedBatches:N0}, index {IndexerMetrics.UpsertDuration.Count - _start.IndexBatches:N0}; " +
            $"in hand {(now.BatchSeconds - _last.BatchSeconds) / seconds:F1} (embedding {(now.EmbedSeconds - _last.EmbedSeconds) / seconds:F1}); " +
            $"cores {(now.Cpu - _last.Cpu).TotalSeconds / seconds:F1}; pool {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued; " +
            $"GC {now.Gen0 - _last.Gen0}/{now.Gen1 - _last.Gen1}/{now.Gen2 - _last.Gen2}, paused {(now.Paused - _last.Paused).TotalMilliseconds:F0} ms");
        _last = now;
    }

    /// <summary>The whole run: batches in hand, GC pauses, and the embedder's stage times.</summary>
    public void PrintSummary()
    {
        var end = Sample.Now();
        var seconds = (end.At - _first.At).TotalSeconds;
        Console.WriteLine($"  whole run: {EmbedderMetrics.BatchDuration.Count - _start.EmbedBatches:N0} embed batches, in hand {(end.BatchSeconds - _first.BatchSeconds) / seconds:F2} " +
                          $"(embedding {(end.EmbedSeconds - _first.EmbedSeconds) / seconds:F2}), cores {(end.Cpu - _first.Cpu).TotalSeconds / seconds:F1}, " +
                          $"GC {end.Gen0 - _first.Gen0}/{end.Gen1 - _first.Gen1}/{end.Gen2 - _first.Gen2} paused {(end.Paused - _first.Paused).TotalMilliseconds:F0} ms");
        foreach (var (stage, images, time) in _embedder.Times.Snapshot())
            if (images > 0)
                Console.WriteLine($"  {stage}: {time.TotalMilliseconds / images:F3} ms per image ({images:N0} images)");
    }

    private sealed record Sample(TimeSpan At, TimeSpan Cpu, double BatchSeconds, double EmbedSeconds, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static Sample Now() => new(
            Stopwatch.GetElapsedTime(0), Process.GetCurrentProcess().TotalProcessorTime,
            EmbedderMetrics.BatchDuration.Sum, EmbedderMetrics.EmbedDuration.Sum,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
    }
}
