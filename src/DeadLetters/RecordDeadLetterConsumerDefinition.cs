using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.DeadLetters;

/// <summary>Queue <see cref="QueueNames.DeadLetters"/>, batches of <see cref="DeadLetterOptions.RecordBatchSize"/>.</summary>
public sealed class RecordDeadLetterConsumerDefinition : ConsumerDefinition<RecordDeadLetterConsumer>
{
    private readonly DeadLetterOptions _options;

    public RecordDeadLetterConsumerDefinition(IOptions<DeadLetterOptions> options)
    {
        _options = options.Value;
        EndpointName = QueueNames.DeadLetters;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RecordDeadLetterConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.RecordBatchSize)
            .SetTimeLimit(TimeSpan.FromSeconds(1)));
        // A locked or full disk is usually brief; past these retries the batch moves to image-dead-letters_error,
        // still durable, still replayable by moving it back.
        consumerConfigurator.UseMessageRetry(retry =>
            retry.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)));
    }
}
