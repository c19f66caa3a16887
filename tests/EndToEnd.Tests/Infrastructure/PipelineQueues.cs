using ImageSearch.DeadLetters.ErrorQueues;

namespace ImageSearch.EndToEnd.Tests;

public static class PipelineQueues
{
    // Every queue a pipeline consumer reads: the sources of the pipeline's error queues.
    private static readonly string[] Queues = ErrorQueue.All.Select(q => q.Source).ToArray();

    /// <summary>
    /// True when no pipeline queue holds a message, ready or delivered and unacknowledged. Each stage publishes its outputs
    /// (confirmed) before it acknowledges its input, so once every queue is empty, everything published before has gone through.
    /// A queue nobody has declared yet holds nothing.
    /// </summary>
    public static async Task<bool> IdleAsync(this Broker broker)
    {
        var depths = await broker.DepthsAsync(TestContext.Current.CancellationToken);
        return Queues.All(q => !depths.TryGetValue(q, out var depth) || depth == (0, 0));
    }
}
