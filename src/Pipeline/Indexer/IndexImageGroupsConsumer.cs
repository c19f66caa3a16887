using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// <see cref="ImageEmbeddedGroup"/> messages, gathered by MassTransit into batches of a few groups
/// (<see cref="IndexImageGroupsConsumerDefinition"/>), whose vectors <see cref="BatchIndexing"/> indexes as one batch.
/// </summary>
public sealed class IndexImageGroupsConsumer(BatchIndexing indexing) : IConsumer<Batch<ImageEmbeddedGroup>>
{
    // A foreign or broken producer may send a group without images, or with empty entries: those hold no image to index.
    public Task Consume(ConsumeContext<Batch<ImageEmbeddedGroup>> context) =>
        indexing.IndexAsync(context, context.Message.SelectMany(m => m.Message.Images ?? []).OfType<ImageEmbedded>());
}

/// <summary>
/// Queue <see cref="QueueNames.IndexImageGroup"/>: batches of <see cref="IndexerOptions.GroupsPerBatch"/> groups, with the
/// time and concurrency limits of the single vectors, and twice what the batches hold prefetched, so the next batch fills
/// while one is written but another indexer (on a store that takes several) still gets groups. The failure policy is the
/// single vectors' (<see cref="IndexImagesConsumerDefinition"/>): no retry filter, and <see cref="OutagePause"/> pauses this
/// queue too.
/// </summary>
public sealed class IndexImageGroupsConsumerDefinition : ConsumerDefinition<IndexImageGroupsConsumer>
{
    private readonly IndexerOptions _options;
    private readonly OutagePause _pause;

    public IndexImageGroupsConsumerDefinition(IOptions<IndexerOptions> options, OutagePause pause)
    {
        _options = options.Value;
        _pause = pause;
        EndpointName = QueueNames.IndexImageGroup;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IndexImageGroupsConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 2 * _options.GroupsPerBatch * _options.ConcurrencyLimit;
        endpointConfigurator.ConnectReceiveEndpointObserver(_pause.GroupEndpoint);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.GroupsPerBatch)
            .SetTimeLimit(_options.TimeLimit)
            .SetConcurrencyLimit(_options.ConcurrencyLimit));
    }
}
