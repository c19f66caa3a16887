using System.Collections.Concurrent;
using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The threads that search a query's shards beside its caller: every shard once, side by side, whether they are still awake or asleep.</summary>
public sealed class ShardSearchThreadsTests
{
    private static readonly TimeSpan Asleep = ShardSearchThreads.AwakeFor * 4;

    // Not the shared threads: a search elsewhere in the test run could hold them, and the caller would then search alone.
    private static readonly ShardSearchThreads Threads = new(Math.Max(1, Environment.ProcessorCount - 1));

    [Theory]
    [InlineData(2, false)]
    [InlineData(2, true)]
    [InlineData(9, true)] // more than the threads: the caller takes what no thread has
    public async Task EveryItemRunsOnce(int count, bool afterAPause)
    {
        for (var round = 0; round < 20; round++)
        {
            if (afterAPause)
                await Task.Delay(Asleep, TestContext.Current.CancellationToken);
            var runs = new int[count];
            Threads.Run(count, i => Interlocked.Increment(ref runs[i]));
            Assert.All(runs, n => Assert.Equal(1, n));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoItemsRunAtOnceOnTwoThreads(bool afterAPause)
    {
        Assert.SkipWhen(Environment.ProcessorCount < 2, "one core: there is no thread to search beside the caller");
        for (var round = 0; round < 10; round++)
        {
            if (afterAPause)
                await Task.Delay(Asleep, TestContext.Current.CancellationToken);
            // Each item waits for the other to start: it can only pass if the two run at the same time.
            using var bothStarted = new Barrier(2);
            var met = new bool[2];
            var threads = new int[2];
            Threads.Run(2, i =>
            {
                threads[i] = Environment.CurrentManagedThreadId;
                met[i] = bothStarted.SignalAndWait(TimeSpan.FromSeconds(10));
            });
            Assert.Equal([true, true], met);
            Assert.NotEqual(threads[0], threads[1]);
        }
    }

    [Fact]
    public void AFailingItemFailsTheRunAfterTheOthersHaveRun()
    {
        var ran = new ConcurrentBag<int>();
        var error = Assert.Throws<InvalidOperationException>(() => Threads.Run(4, i =>
        {
            if (i == 1)
                throw new InvalidOperationException("shard 1");
            ran.Add(i);
        }));
        Assert.Equal("shard 1", error.Message);
        Assert.Equal([0, 2, 3], ran.Order());
    }

    [Fact]
    public async Task ManyCallersAtOnceAllFinish()
    {
        // Callers race for the threads, which go to sleep and wake between bursts: a lost wake-up would hang a caller.
        var total = 0;
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                Threads.Run(3, _ => Interlocked.Increment(ref total));
                if (i % 50 == c)
                    await Task.Delay(Asleep);
            }
        }));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.Equal(8 * 200 * 3, total);
    }
}
