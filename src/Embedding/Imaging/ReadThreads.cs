using System.Collections.Concurrent;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Long-lived threads for blocking file reads, one set per process: a thread per read would cost a thread start per
/// image (thousands a second on a GPU host). The pool's threads are its own, not the .NET pool's, so reads stuck on a dead
/// mount cannot starve the rest of the worker. A read given up on keeps its thread; another thread takes its place at
/// once, and the stuck one ends when its read returns.
/// </summary>
internal static class ReadThreads
{
    private static readonly BlockingCollection<Read> Queue = [];

    /// <summary>Threads serving reads while none is stuck: reads wait on storage more than they compute.</summary>
    internal static readonly int Size = Math.Max(32, 4 * Environment.ProcessorCount);

    static ReadThreads()
    {
        for (var i = 0; i < Size; i++)
            Start();
    }

    /// <summary>Queues <paramref name="read"/>; the task completes when it returns or throws.</summary>
    public static Read Run(Func<EncodedImage> read)
    {
        var work = new Read(read);
        Queue.Add(work);
        return work;
    }

    private static void Start() => new Thread(Serve) { IsBackground = true, Name = "image-read" }.Start();

    private static void Serve()
    {
        foreach (var read in Queue.GetConsumingEnumerable())
            if (!read.Execute())
                return; // given up on: a replacement already serves the queue
    }

    /// <summary>One queued read.</summary>
    public sealed class Read(Func<EncodedImage> read)
    {
        private const int Waiting = 0, Finished = 1, Abandoned = 2;
        private readonly TaskCompletionSource<EncodedImage> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;

        public Task<EncodedImage> Task => _result.Task;

        /// <summary>Completes when a thread takes the read up: until then it waits behind others, which is not its own slowness.</summary>
        public Task Started => _started.Task;

        /// <summary>Stops waiting for this read; if it is still running, another thread takes its place in the pool.</summary>
        public void Abandon()
        {
            if (Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting)
                Start();
        }

        /// <summary>Runs the read; false when it was abandoned meanwhile, so its thread must leave the pool.</summary>
        internal bool Execute()
        {
            _started.TrySetResult();
            if (Volatile.Read(ref _state) == Abandoned)
            {
                _result.TrySetCanceled(); // given up before it started: its replacement thread is already serving
                return false;
            }
            try
            {
                _result.TrySetResult(read());
            }
            catch (Exception e)
            {
                _result.TrySetException(e);
            }
            return Interlocked.CompareExchange(ref _state, Finished, Waiting) == Waiting;
        }
    }
}
