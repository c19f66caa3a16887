using ImageSearch.DeadLetters;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.TestSupport;

/// <summary>
/// The pipeline's services as separate processes from their own builds, sharing one data folder as a deployment on one
/// machine would: the indexer (the embedded store's writer and the dead-letter recorder), embedders, and the query API
/// (on a broker, a follower of the same store). The caller reads the store through a follower of its own and the journal
/// from its file. Shared by the end-to-end tests and the soak benchmark.
/// </summary>
/// <param name="bus">Configuration keys that point every process at the broker (<see cref="Broker.Settings"/>).</param>
/// <param name="folder">The data folder: store, journal, uploads; every process runs there.</param>
public sealed class ServiceProcesses(IReadOnlyDictionary<string, string?> bus, string folder)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    public string StorePath => Path.Combine(folder, "store");

    public string JournalPath => Path.Combine(folder, "dead-letters.db");

    /// <summary>The indexer, its batches cut short (<c>Indexer:TimeLimit</c> 0.2 s) so that the last vectors go through at once.</summary>
    /// <param name="readyPath"><c>/health/live</c> for one that is expected to wait (say, for the writer lock) instead of becoming ready.</param>
    public Task<WorkerProcess> StartIndexerAsync(
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null, string readyPath = "/health/ready") =>
        WorkerProcess.StartAsync(ServiceBuild.Indexer, Merge(new()
        {
            ["VectorStore:Embedded:Path"] = StorePath,
            ["DeadLetters:Path"] = JournalPath,
            ["Indexer:TimeLimit"] = "00:00:00.2",
        }, settings), "Indexer:MetricsPort", folder, ReadyTimeout, cancellationToken, readyPath);

    /// <summary>An embedder, ready once its model is warm and its bus connected.</summary>
    public Task<WorkerProcess> StartEmbedderAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null) =>
        WorkerProcess.StartAsync(ServiceBuild.Embedder, Merge(new()
        {
            ["Embedder:TimeLimit"] = "00:00:00.2",
            ["Embedder:CrashTrackingPath"] = Path.Combine(folder, "embedder-crashes"),
        }, settings), "Embedder:MetricsPort", folder, ReadyTimeout, cancellationToken);

    /// <summary>The query API on loopback over the same store and journal, reading images under <paramref name="allowedRoot"/>.</summary>
    public Task<WorkerProcess> StartQueryApiAsync(
        string allowedRoot, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null) =>
        WorkerProcess.StartAsync(ServiceBuild.QueryApi, Merge(new()
        {
            ["VectorStore:Embedded:Path"] = StorePath,
            ["DeadLetters:Path"] = JournalPath,
            ["QueryApi:UploadsPath"] = Path.Combine(folder, "uploads"),
            ["QueryApi:TrackingPath"] = Path.Combine(folder, "insert-tracking.db"),
            ["QueryApi:PipelineStatsMaxAge"] = "00:00:00",
            ["Embedding:AllowedRoots:0"] = allowedRoot,
            ["Embedding:AllowedRoots:1"] = folder,
        }, settings), "Urls", folder, ReadyTimeout, cancellationToken, readyPath: "/health", portValue: port => $"http://127.0.0.1:{port}");

    /// <summary>A read-only view of the indexer's store in this process, following its commits every 50 ms.</summary>
    public EmbeddedVectorStore OpenFollower() => new(new EmbeddedStoreOptions
    {
        Path = StorePath,
        Role = EmbeddedStoreRole.Follower,
        FollowInterval = TimeSpan.FromMilliseconds(50),
    });

    /// <summary>The dead-letter journal the indexer records into (reading it creates nothing).</summary>
    public DeadLetterJournal Journal() => new(JournalPath);

    private Dictionary<string, string?> Merge(Dictionary<string, string?> defaults, IReadOnlyDictionary<string, string?>? settings)
    {
        var merged = new Dictionary<string, string?>(bus);
        foreach (var (key, value) in defaults.Concat(settings ?? new Dictionary<string, string?>()))
            merged[key] = value;
        return merged;
    }
}
