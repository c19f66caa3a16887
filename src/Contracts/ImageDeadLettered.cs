using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>An image the pipeline gave up on, with the reason; kept so that it can be inspected and replayed.</summary>
/// <param name="Attempts">How many times the image has been tried, replays included.</param>
[MessageUrn("image-search:image-dead-lettered:v1")]
public sealed record ImageDeadLettered(
    long ImageId,
    string Path,
    string? Label,
    string? Collection,
    PipelineStage Stage,
    DeadLetterReason Reason,
    string Message,
    int Attempts,
    DateTimeOffset Time);
