using ImageSearch.Contracts;
using MassTransit;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Single vectors (<see cref="ImageEmbedded"/>, and v1 messages still queued from before the compact encoding), gathered
/// by MassTransit into batches (<see cref="IndexImagesConsumerDefinition"/>) and indexed by <see cref="BatchIndexing"/>.
/// </summary>
public sealed class IndexImagesConsumer(BatchIndexing indexing) : IConsumer<Batch<ImageEmbedded>>, IConsumer<Batch<ImageEmbeddedV1>>
{
    public Task Consume(ConsumeContext<Batch<ImageEmbedded>> context) =>
        indexing.IndexAsync(context, context.Message.Select(m => m.Message));

    public Task Consume(ConsumeContext<Batch<ImageEmbeddedV1>> context) =>
        indexing.IndexAsync(context, context.Message.Select(m => m.Message.ToCurrent()));
}
