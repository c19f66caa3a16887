using ImageSearch.Contracts;
using ImageSearch.Embedding;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Keeps an image that kills the process (native decoding code crashing or aborting) from taking its batch neighbours down
/// with it forever. The first death cannot tell which image did it: a batch decodes many at once. Its messages come back
/// marked redelivered, and a batch with redelivered messages embeds alone in the process, those messages one at a time
/// behind the <see cref="DecodeMarker"/>. If that kills the process too, the next embedder to start here, or to take a
/// redelivered batch here, finds the marker, dead-letters its image as <see cref="DeadLetterReason.DecoderCrashed"/> and
/// records it in <see cref="CrashedImages"/>, so its next redelivery is acknowledged without another decode.
/// Singleton; the folder is <see cref="EmbedderOptions.CrashTrackingPath"/>.
/// </summary>
public sealed class CrashIsolation : IDisposable
{
    private readonly string _folder;
    private readonly BatchGate _gate;
    private readonly DecodeMarker _marker;
    private readonly CrashedImages _crashed;
    private readonly SemaphoreSlim _deadLettering = new(1, 1);
    private readonly ILogger<CrashIsolation> _logger;

    public CrashIsolation(IOptions<EmbedderOptions> options, ILogger<CrashIsolation> logger)
    {
        _folder = Path.GetFullPath(options.Value.CrashTrackingPath);
        _gate = new BatchGate(options.Value.ConcurrencyLimit);
        _marker = new DecodeMarker(_folder);
        _crashed = new CrashedImages(_folder);
        _logger = logger;
    }

    /// <summary>Creates this process's marker: fails now if the folder cannot hold it.</summary>
    internal void OpenMarker() => _marker.Open();

    /// <summary>Enters for a batch: side by side with others, or <paramref name="alone"/> when it decodes behind the marker.</summary>
    internal Task<IDisposable> EnterAsync(bool alone, CancellationToken cancellationToken) =>
        alone ? _gate.EnterExclusiveAsync(cancellationToken) : _gate.EnterSharedAsync(cancellationToken);

    /// <summary>Whether this very message (image, collection, attempt) already killed an embedder here.</summary>
    internal bool HasCrashed(EmbedImage image) => _crashed.Contains(image);

    /// <summary>Keeps the marker on the image in hand while <see cref="ImageEmbedder.EmbedFilesOneAtATimeAsync"/> embeds <paramref name="images"/>.</summary>
    internal IPreparationTracker Track(IReadOnlyList<EmbedImage> images) => new MarkerTracker(_marker, images);

    /// <summary>
    /// Dead-letters the image named by each marker a dead process left in the folder, records it as crashed, then deletes the
    /// marker (in that order: a crash in between repeats a dead letter, which the journal absorbs, but never loses one).
    /// </summary>
    /// <returns>How many images were dead-lettered.</returns>
    public async Task<int> DeadLetterOrphansAsync(IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        await _deadLettering.WaitAsync(cancellationToken);
        try
        {
            var deadLettered = 0;
            foreach (var orphan in OrphanedMarker.Find(_folder, _marker.FilePath))
                using (orphan)
                {
                    if (orphan.Blamed is { } entry)
                    {
                        _crashed.Add(entry.Image);
                        await publisher.Publish(entry.Image.DeadLetter(DeadLetterReason.DecoderCrashed,
                            $"embedder process {entry.ProcessId} on {entry.Host} died while decoding this image at {entry.Since:O}"), cancellationToken);
                        EmbedderMetrics.DeadLetters.WithLabels(nameof(DeadLetterReason.DecoderCrashed)).Inc();
                        _logger.LogWarning("Dead-lettered {ImageId} {Path}: embedder process {ProcessId} died while decoding it",
                            entry.Image.ImageId, entry.Image.Path, entry.ProcessId);
                        deadLettered++;
                    }
                    orphan.Delete();
                }
            _crashed.Prune();
            return deadLettered;
        }
        finally
        {
            _deadLettering.Release();
        }
    }

    public void Dispose() => _marker.Dispose();

    private sealed class MarkerTracker(DecodeMarker marker, IReadOnlyList<EmbedImage> images) : IPreparationTracker
    {
        public void Preparing(int index) => marker.Set(images[index]);

        public void Prepared(int index) => marker.Clear();
    }
}
