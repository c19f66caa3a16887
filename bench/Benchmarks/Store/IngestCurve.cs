using System.Diagnostics;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// The rates of a sustained ingest, one point per window of rows: upsert (time inside UpsertAsync), end to end (wall time
/// while ingesting, pauses for measurement left out) and the graph builder's (rows sealed per second of wall time, pauses
/// included, since it keeps building through them), with the rows not yet in the graph at the end of each window.
/// </summary>
internal sealed class IngestCurve(int window, int threshold)
{
    public sealed record Point(int Rows, double UpsertRate, double EndToEndRate, double BuilderRate, int Unindexed);

    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private TimeSpan _paused, _inUpsert, _windowUpsert, _windowStart, _lastWall;
    private int _rows, _windowRows, _lastSealed;

    public List<Point> Points { get; } = [];

    /// <summary>Rows per second inside UpsertAsync, from the first row.</summary>
    public double UpsertRate => _rows / _inUpsert.TotalSeconds;

    /// <summary>Rows per second of ingest wall time (vector generation included), from the first row.</summary>
    public double EndToEndRate => _rows / Active.TotalSeconds;

    private TimeSpan Active => _wall.Elapsed - _paused;

    public void Upserted(int rows, TimeSpan inUpsert, Func<int> unindexed)
    {
        (_rows, _inUpsert, _windowRows, _windowUpsert) = (_rows + rows, _inUpsert + inUpsert, _windowRows + rows, _windowUpsert + inUpsert);
        if (_windowRows < window)
            return;
        var (active, wall, waiting) = (Active, _wall.Elapsed, unindexed());
        var sealedRows = _rows < threshold ? 0 : _rows - waiting; // below the threshold no row waits, and none is in a graph
        Points.Add(new Point(_rows, _windowRows / _windowUpsert.TotalSeconds, _windowRows / (active - _windowStart).TotalSeconds,
            (sealedRows - _lastSealed) / (wall - _lastWall).TotalSeconds, waiting));
        (_windowRows, _windowUpsert, _windowStart, _lastWall, _lastSealed) = (0, TimeSpan.Zero, active, wall, sealedRows);
    }

    /// <summary>Runs a measurement outside the ingest's time.</summary>
    public async Task<T> PausedAsync<T>(Func<Task<T>> measure)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await measure();
        }
        finally
        {
            _paused += Stopwatch.GetElapsedTime(start);
        }
    }
}
