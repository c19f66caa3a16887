using ImageSearch.Contracts;
using ImageSearch.Pipeline.Tests.Infrastructure;

namespace ImageSearch.EndToEnd.Tests.Infrastructure;

public static class PipelineQueues
{
    private static readonly string[] Queues = [QueueNames.EmbedImage, QueueNames.IndexImage, QueueNames.DeadLetters];

    /// <summary>
    /// True when no pipeline queue holds a message, ready or delivered and unacknowledged. Each stage publishes its outputs
    /// (confirmed) before it acknowledges its input, so once every queue is empty, everything published before has gone through.
    /// </summary>
    public static async Task<bool> IdleAsync(this Broker broker)
    {
        // One rabbitmqctl call for all queues: each call starts an Erlang VM, about a second.
        var table = await broker.Node.CtlAsync(
            ["list_queues", "-q", "--no-table-headers", "-p", broker.VirtualHost, "name", "messages_ready", "messages_unacknowledged"],
            TestContext.Current.CancellationToken);
        var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(r => Queues.Contains(r[0])).ToList();
        return rows.Count == Queues.Length && rows.All(r => r[1] == "0" && r[2] == "0");
    }
}
