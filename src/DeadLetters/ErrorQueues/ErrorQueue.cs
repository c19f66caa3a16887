using ImageSearch.Contracts;

namespace ImageSearch.DeadLetters.ErrorQueues;

/// <summary>The error queue (<see cref="QueueNames.ErrorQueueOf"/>) of a pipeline queue.</summary>
/// <param name="Name">The error queue, e.g. <c>index-image_error</c>.</param>
/// <param name="Source">The queue its messages came from and go back to when requeued.</param>
/// <param name="Stage">The stage that faulted; null for the dead-letter recorder, whose messages are dead letters already.</param>
public sealed record ErrorQueue(string Name, string Source, PipelineStage? Stage)
{
    /// <summary>The error queues of the pipeline's consumers, in pipeline order.</summary>
    public static IReadOnlyList<ErrorQueue> All { get; } =
    [
        Of(QueueNames.EmbedImage, PipelineStage.Embed),
        Of(QueueNames.EmbedImageGroup, PipelineStage.Embed),
        Of(QueueNames.IndexImage, PipelineStage.Index),
        Of(QueueNames.IndexImageGroup, PipelineStage.Index),
        Of(QueueNames.DeadLetters, null),
    ];

    /// <summary>The error queues named by <paramref name="name"/> (the error queue or its source queue); all when null or empty.</summary>
    /// <exception cref="ArgumentException">No pipeline queue has that name.</exception>
    public static IReadOnlyList<ErrorQueue> Select(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return All;
        return All.FirstOrDefault(q => q.Name == name || q.Source == name) is { } queue
            ? [queue]
            : throw new ArgumentException($"'{name}' is not an error queue of the pipeline: use one of {string.Join(", ", All.Select(q => q.Name))}");
    }

    private static ErrorQueue Of(string source, PipelineStage? stage) => new(QueueNames.ErrorQueueOf(source), source, stage);
}
