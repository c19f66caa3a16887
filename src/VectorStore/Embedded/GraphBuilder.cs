using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Moves one collection's growing rows into its HNSW graph on a background thread, a chunk at a time: copy the rows out
/// (write lock, brief), add them to the graph on every core (no lock: searches go on), seal them (write lock, brief).
/// Ingest therefore never waits for the graph; when the builder is slower than ingest, the growing segment gets longer
/// and searches, which scan it exactly, get slower until the builder catches up. The writer's builder also saves the graph
/// (<see cref="IndexSnapshot"/>) every <see cref="EmbeddedStoreOptions.SnapshotEveryChanges"/> graph changes, at the
/// next moment it has caught up (a save pauses building; while rows keep waiting, at twice that many), and once when a
/// graph built in this process (not restored) first holds every row. A failing round is logged and retried.
/// </summary>
internal sealed class GraphBuilder : IDisposable
{
    private const int Chunk = 1_024;
    private const int SequentialRows = 2_000; // concurrent adds into a near-empty graph can leave nodes poorly linked
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1), AfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>
    /// USearch has one context per thread slot (<see cref="HnswGraph"/> reserves more than cores); never use more. The adds
    /// run at low priority, as the builder's own thread does, so searches get the cores first (<see cref="LowPriorityThreads"/>).
    /// </summary>
    private static readonly ParallelOptions GraphThreads = new()
    {
        MaxDegreeOfParallelism = LowPriorityThreads.Shared.MaximumConcurrencyLevel, TaskScheduler = LowPriorityThreads.Shared,
    };

    private readonly CollectionIndex _index;
    private readonly EmbeddedStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Func<CollectionIndex, bool>? _saveSnapshot;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _changesSinceSnapshot;
    private bool _saved;
    private long _rowsAdded, _busyTicks;

    public GraphBuilder(CollectionIndex index, EmbeddedStoreOptions options, ILogger logger, Func<CollectionIndex, bool>? saveSnapshot)
    {
        (_index, _options, _logger, _saveSnapshot) = (index, options, logger, saveSnapshot);
        _saved = index.Graph is not null; // restored from a snapshot
        _thread = new Thread(Run) { IsBackground = true, Name = $"graph builder {index.Meta.Name}" };
        _thread.Start();
    }

    /// <summary>Rows added to the graph so far and the time spent adding them (a round's copy, adds and seal).</summary>
    public (long Rows, TimeSpan Busy) Progress =>
        (Interlocked.Read(ref _rowsAdded), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks)));

    /// <summary>New rows or removals: start a round now rather than at the next idle tick.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    private void Run()
    {
        LowPriorityThreads.LowerCurrentThread();
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                while (!token.IsCancellationRequested && Round())
                {
                }
                _wake.Wait(Idle, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Building the HNSW graph of {Collection} failed; retrying in {Delay}", _index.Meta.Name, AfterFailure);
                token.WaitHandle.WaitOne(AfterFailure);
            }
        }
    }

    /// <summary>One chunk into the graph; false when there was nothing to add.</summary>
    private bool Round()
    {
        var started = Stopwatch.GetTimestamp();
        var work = _index.TakeGrowing(Chunk, out var removed);
        _changesSinceSnapshot += removed;
        if (work is null)
        {
            // Caught up: a graph built here (not restored) is saved once now, so the next start loads it directly.
            if (!_saved && _changesSinceSnapshot > 0 || _changesSinceSnapshot >= _options.SnapshotEveryChanges)
                Save();
            return false;
        }
        try
        {
            var sequential = Math.Clamp(SequentialRows - work.Graph.Count, 0, work.Ids.Length);
            for (var i = 0; i < sequential; i++)
                work.Graph.Add(work.Ids[i], work.VectorAt(i));
            Parallel.For(sequential, work.Ids.Length, GraphThreads, i => work.Graph.Add(work.Ids[i], work.VectorAt(i)));
        }
        catch
        {
            _index.Abandon(work);
            throw;
        }
        _index.Seal(work);
        Interlocked.Add(ref _rowsAdded, work.Ids.Length);
        Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
        _changesSinceSnapshot += work.Ids.Length;
        // A save pauses building, so a due one waits for a round with nothing to add (above), unless rows have kept
        // waiting for another SnapshotEveryChanges changes.
        if (_changesSinceSnapshot >= 2L * _options.SnapshotEveryChanges)
            Save();
        return true;
    }

    private void Save()
    {
        if (_saveSnapshot is null || !_saveSnapshot(_index))
            return; // a failed save was logged; the next due one tries again
        (_saved, _changesSinceSnapshot) = (true, 0);
    }

    /// <summary>Stops after the round in progress.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose(); // _wake stays usable: a late Wake() is harmless
    }
}
