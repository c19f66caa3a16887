using ImageSearch.DeadLetters;
using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Pipeline.Tests;

/// <summary>Hosts composed by the same extension methods as the real processes, pointed at a test's virtual host.</summary>
public static class TestHosts
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The indexer worker (dead-letter recorder included unless settings say otherwise) over <paramref name="store"/>.</summary>
    public static Task<PipelineHost> StartIndexerAsync(Broker broker, IVectorStore store, Dictionary<string, string?> settings) =>
        PipelineHost.StartIndexerAsync(Folder(), broker.Settings.Concat(settings), Cancel, services => services.AddSingleton(store));

    /// <summary>A process that only publishes (like the CLI), with the journal at <paramref name="journal"/>.</summary>
    public static Task<PipelineHost> StartPublisherAsync(Broker broker, string journal, bool quorum = false) =>
        PipelineHost.StartAsync(Folder(), broker.Settings.Concat(new Dictionary<string, string?> { ["DeadLetters:Path"] = journal, ["Bus:QuorumQueues"] = quorum.ToString() }),
            builder =>
            {
                builder.AddDeadLetterJournal();
                builder.AddMessageBus(_ => { });
            }, Cancel);

    /// <summary>Only the dead-letter recorder, writing to <paramref name="journal"/>.</summary>
    public static Task<PipelineHost> StartRecorderAsync(Broker broker, string journal) =>
        PipelineHost.StartAsync(Folder(), broker.Settings.Concat(new Dictionary<string, string?> { ["DeadLetters:Path"] = journal }),
            builder =>
            {
                builder.AddDeadLetterJournal();
                builder.AddMessageBus(bus => bus.AddDeadLetterRecorder());
            }, Cancel);

    /// <summary>Indexer and recorder in one process over the in-memory transport (how the standalone mode runs them).</summary>
    public static Task<PipelineHost> StartInMemoryIndexerAsync(IVectorStore store, string journal, Dictionary<string, string?>? settings = null) =>
        PipelineHost.StartIndexerAsync(Folder(),
            new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory", ["DeadLetters:Path"] = journal }.Concat(settings ?? []),
            Cancel, services => services.AddSingleton(store));

    /// <summary>A folder of its own for each host (its default store and journal, unused where settings name others).</summary>
    private static string Folder() => Directory.CreateTempSubdirectory("imagesearch-host-").FullName;
}
