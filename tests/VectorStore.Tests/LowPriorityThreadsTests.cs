using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The graph builders' adds run on threads the kernel schedules after normal ones (nice +10), and only there.</summary>
public sealed class LowPriorityThreadsTests
{
    [Fact]
    public async Task WorkQueuedThereRunsAtNiceTenOnAThreadOfItsOwn()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "thread priorities are lowered on Linux only");
        var caller = Environment.CurrentManagedThreadId;

        var (nice, thread) = await Task.Factory.StartNew(() => (CurrentThreadNice(), Environment.CurrentManagedThreadId),
            CancellationToken.None, TaskCreationOptions.None, LowPriorityThreads.Shared);

        Assert.Equal(10, nice);
        Assert.NotEqual(caller, thread);
        Assert.Equal(0, CurrentThreadNice()); // the test's own thread is untouched
    }

    [Fact]
    public void ParallelAddsAtTheBuildersSettingsUseTheLowPriorityThreads()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "thread priorities are lowered on Linux only");
        var nices = new System.Collections.Concurrent.ConcurrentBag<int>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, TaskScheduler = LowPriorityThreads.Shared };
        var t = new Thread(() =>
        {
            LowPriorityThreads.LowerCurrentThread(); // as the builder's own thread does before its rounds
            Parallel.For(0, 64, options, _ => nices.Add(CurrentThreadNice()));
        });
        t.Start();
        t.Join();

        Assert.Equal(64, nices.Count);
        Assert.All(nices, n => Assert.Equal(10, n));
    }

    /// <summary>Field 19 of /proc/thread-self/stat (after the command name, which may hold spaces, in parentheses).</summary>
    private static int CurrentThreadNice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
    }
}
