
namespace ImageSearch.EndToEnd.Tests;

/// <summary>Waits on the real state of a running pipeline: store count, journal and queue depths. No fixed sleeps.</summary>
public static class PipelineState
{
    /// <summary>
    /// Polls until the store holds at least <paramref name="count"/> rows, the journal at least <paramref name="deadLetters"/>
    /// entries, <paramref name="also"/> holds, and every queue is empty. On timeout, fails with what was reached and the embedders' logs.
    /// </summary>
    public static async Task SettledAsync(
        Broker broker, PipelineHost indexer, long count, int deadLetters, IReadOnlyList<WorkerProcess> embedders,
        Func<Task<bool>>? also = null, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var (stored, letters) = (await indexer.CountAsync(cancellationToken: TestContext.Current.CancellationToken), (await indexer.DeadLettersAsync(TestContext.Current.CancellationToken)).Count);
            if (stored >= count && letters >= deadLetters && (also is null || await also()) && await broker.IdleAsync())
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"after {seconds} s: {stored}/{count} stored, {letters}/{deadLetters} dead letters, queues idle: {await broker.IdleAsync()}\n"
                    + string.Join('\n', embedders.Select((e, i) => $"--- embedder {i + 1} ---\n{e.OutputTail(4000)}")));
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
