using ImageSearch.Contracts;
using MassTransit;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Single <see cref="EmbedImage"/> messages, gathered by MassTransit into batches (<see cref="EmbedImagesConsumerDefinition"/>)
/// and embedded by <see cref="BatchEmbedding"/>; a message counts as redelivered on its own, and each vector goes out on its own.
/// </summary>
public sealed class EmbedImagesConsumer(BatchEmbedding embedding) : IConsumer<Batch<EmbedImage>>
{
    public Task Consume(ConsumeContext<Batch<EmbedImage>> context) =>
        embedding.EmbedAndPublishAsync(context, context.Message.Select(m => m.Message).ToList(), i => context.Message[i].ReceiveContext.Redelivered, group: false);
}
