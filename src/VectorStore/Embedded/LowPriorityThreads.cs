using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Threads of their own, at a lower CPU priority (nice +10 on Linux), for the graph builders' adds. A search runs on a
/// request thread at normal priority, so where the builder keeps every core busy the scheduler gives a search about nine
/// tenths of a contended core (weight 1024 against 110) instead of half: building slows while searches run, rather than
/// searches while building runs. The builder catches up between searches; under searches that keep every core busy it falls behind and the rows it has not reached
/// are scanned (<see cref="CollectionIndex"/>), never lost. Elsewhere than Linux the threads run at normal priority.
/// </summary>
internal sealed partial class LowPriorityThreads : TaskScheduler
{
    private const int Nice = 10;
    private const int PrioProcess = 0; // with a thread id, setpriority applies to that thread alone on Linux

    private readonly BlockingCollection<Task> _queue = [];

    private LowPriorityThreads(int count)
    {
        for (var i = 0; i < count; i++)
            new Thread(Work) { IsBackground = true, Name = "graph builder worker" }.Start();
        MaximumConcurrencyLevel = count;
    }

    /// <summary>
    /// A quarter of the cores, at least two, shared by every collection's builder. Nice +10 does not keep a builder on
    /// every core out of the way: a thread of the process that wakes waits for a core, and on the 16-core GPU host the
    /// in-process ingest did 11,548–12,193 img/s with the builder on all cores and 12,461–13,314 with it on four (four
    /// runs each, alternated; two threads: 12,746 / 13,279). On two cores it stays two, as the store's benchmarks ran:
    /// there two threads added 9,000–17,000 rows/s when busy, up to 1M rows.
    /// </summary>
    public static LowPriorityThreads Shared { get; } = new(Math.Max(2, Environment.ProcessorCount / 4));

    public override int MaximumConcurrencyLevel { get; }

    /// <summary>Lowers the calling thread's priority; where that fails (or off Linux) it keeps running as it was.</summary>
    public static void LowerCurrentThread()
    {
        if (OperatingSystem.IsLinux())
            _ = SetPriority(PrioProcess, GetThreadId(), Nice);
    }

    protected override void QueueTask(Task task) => _queue.Add(task);

    // Never on the caller's thread: a task queued here is meant to run at low priority.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        LowerCurrentThread();
        foreach (var task in _queue.GetConsumingEnumerable())
            TryExecuteTask(task);
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);
}
