using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Threads of their own for the shards of a search beyond the one its caller searches, which stay awake, spinning,
/// for <see cref="AwakeFor"/> after each job before they block. A thread-pool worker woken for a shard search starts
/// late on a small VM: measured on 2 vCPUs, p50 1.04 ms after its waker when the scheduler queues it on the waker's
/// core (behind the caller's own shard search), and 0.16–0.23 ms (p90 0.8–1.2) on the other core, the time a halted
/// vCPU takes to wake; a shard search takes about 1 ms. A thread still spinning takes the job at once, so searches
/// that follow one another run their shards side by side; the first after a pause pays the wake-up, as before. The
/// caller searches every shard no thread has taken, so a late or busy thread costs no more than searching alone.
/// </summary>
internal sealed class ShardSearchThreads
{
    /// <summary>How long a thread spins for the next job: a few searches' worth, a bounded cost per search.</summary>
    public static readonly TimeSpan AwakeFor = TimeSpan.FromMilliseconds(5);

    private readonly Worker[] _workers;

    internal ShardSearchThreads(int count) =>
        _workers = Enumerable.Range(0, count).Select(_ => new Worker(AwakeFor)).ToArray();

    /// <summary>One fewer than the cores (the caller takes the last), shared by every collection; none on one core.</summary>
    public static ShardSearchThreads Shared { get; } = new(Environment.ProcessorCount - 1);

    /// <summary>Runs <paramref name="body"/> for 0 to <paramref name="count"/> − 1, on the caller and on any idle thread here, and returns when all have.</summary>
    public void Run(int count, Action<int> body)
    {
        var job = new Job(count, body);
        var posted = 0;
        foreach (var worker in _workers)
        {
            if (posted == count - 1)
                break;
            if (worker.TryPost(job))
                posted++;
        }
        job.Help();
        job.Wait();
    }

    private sealed class Job(int count, Action<int> body)
    {
        private readonly ManualResetEventSlim _done = new();
        private readonly int _count = count;
        private int _next = -1, _pending = count;
        private ExceptionDispatchInfo? _error;

        public bool AllClaimed => Volatile.Read(ref _next) >= _count - 1;

        /// <summary>Runs items until none is left unclaimed.</summary>
        public void Help()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < _count)
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }
                if (Interlocked.Decrement(ref _pending) == 0)
                    _done.Set();
            }
        }

        public void Wait()
        {
            _done.Wait();
            _done.Dispose();
            _error?.Throw();
        }
    }

    private sealed class Worker
    {
        private readonly long _awakeTicks;
        private readonly SemaphoreSlim _wake = new(0);
        private Job? _job;
        private int _sleeping;

        public Worker(TimeSpan awakeFor)
        {
            _awakeTicks = (long)(awakeFor.TotalSeconds * Stopwatch.Frequency);
            new Thread(Work) { IsBackground = true, Name = "shard search" }.Start();
        }

        /// <summary>Hands the job over unless another waits here with work left; wakes the thread if it has gone to sleep.</summary>
        public bool TryPost(Job job)
        {
            // A job still waiting here with every item claimed (its caller did them all) is stale: replace it.
            var waiting = Volatile.Read(ref _job);
            if (waiting is { AllClaimed: false } || Interlocked.CompareExchange(ref _job, job, waiting) != waiting)
                return false;
            if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
                _wake.Release();
            return true;
        }

        private void Work()
        {
            var lastJob = Stopwatch.GetTimestamp();
            while (true)
            {
                // Taken off the slot before it runs, so the caller's next search can post here as soon as this one ends.
                if (Interlocked.Exchange(ref _job, null) is { } job)
                {
                    job.Help();
                    lastJob = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetTimestamp() - lastJob < _awakeTicks)
                    Thread.SpinWait(20);
                else
                {
                    // Announce the sleep before the last look, as TryPost posts before it looks: one of the two sees the other.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _job) is null)
                        _wake.Wait();
                    Interlocked.Exchange(ref _sleeping, 0);
                    lastJob = Stopwatch.GetTimestamp();
                }
            }
        }
    }
}
