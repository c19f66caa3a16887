using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImageSearch.DeadLetters;

public static class DeadLetterExtensions
{
    /// <summary>The journal (options section <c>DeadLetters</c>) and the replayer, for any process that reads or replays dead letters.</summary>
    public static TBuilder AddDeadLetterJournal<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<DeadLetterOptions>(DeadLetterOptions.Section);
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DeadLetterOptions>>().Value;
            return new DeadLetterJournal(options.Path, options.ReplayedRetention);
        });
        builder.Services.TryAddScoped<DeadLetterReplayer>();
        return builder;
    }

    /// <summary>
    /// Reading the pipeline's error queues (<see cref="ErrorQueueReader"/>) and moving their messages
    /// (<see cref="ErrorQueueMover"/>, which also needs the message bus), over the RabbitMQ broker of <c>Bus:*</c>.
    /// </summary>
    public static TBuilder AddErrorQueues<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddBrokerConnection();
        builder.Services.TryAddSingleton<ErrorQueueReader>();
        builder.Services.TryAddScoped<ErrorQueueMover>();
        return builder;
    }

    /// <summary>The recorder that moves dead letters from their queue into the journal (needs <see cref="AddDeadLetterJournal{TBuilder}"/>).</summary>
    public static IBusRegistrationConfigurator AddDeadLetterRecorder(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RecordDeadLetterConsumer, RecordDeadLetterConsumerDefinition>();
        return bus;
    }
}
