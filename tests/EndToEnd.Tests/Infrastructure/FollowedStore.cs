using ImageSearch.VectorStore;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>Waits on a pipeline of separate processes through a follower of the indexer's store and the broker's queues.</summary>
public static class FollowedStore
{
    /// <summary>Rows the follower sees in the default collection (0 before the indexer created it).</summary>
    public static async Task<long> CountAsync(this IVectorStore follower) =>
        (await follower.DescribeAsync(PipelineHost.DefaultCollection, TestContext.Current.CancellationToken))?.Count ?? 0;

    /// <summary>
    /// Polls until the store holds at least <paramref name="count"/> rows and every pipeline queue is empty; on timeout
    /// fails with what was reached and the processes' logs.
    /// </summary>
    public static async Task SettledAsync(
        this IVectorStore follower, Broker broker, long count, IReadOnlyList<WorkerProcess> processes, int seconds = 180)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var stored = await follower.CountAsync();
            if (stored >= count && await broker.IdleAsync())
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"after {seconds} s: {stored}/{count} stored, queues idle: {await broker.IdleAsync()}\n"
                    + string.Join('\n', processes.Select((p, i) => $"--- process {i + 1} ---\n{p.OutputTail(4000)}")));
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A CSV line per photo, ids 1..n (distinct ids: each line is an image of its own to the store).</summary>
    public static IEnumerable<string> CsvLines(IReadOnlyList<string> photos) =>
        photos.Select((path, i) => $"{i + 1},{path},outage");
}
