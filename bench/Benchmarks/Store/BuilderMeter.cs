using System.Diagnostics;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// The graph builder between two readings: rows it added per second of wall time, and the share of that time it was busy
/// adding. At a busy share below 1 it keeps up (rows/s is then the ingest's); rows / busy time is what it could sustain.
/// </summary>
internal sealed class BuilderMeter(EmbeddedVectorStore store, string collection)
{
    public sealed record Reading(double RowsPerSecond, double Busy)
    {
        public double Capacity => Busy > 0 ? RowsPerSecond / Busy : 0;
    }

    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private (long Rows, TimeSpan Busy, TimeSpan Wall) _last;

    public Reading Read()
    {
        var (rows, busy) = store.GraphBuilderProgress(collection);
        var wall = _wall.Elapsed;
        var seconds = (wall - _last.Wall).TotalSeconds;
        var reading = new Reading((rows - _last.Rows) / seconds, (busy - _last.Busy).TotalSeconds / seconds);
        _last = (rows, busy, wall);
        return reading;
    }
}
