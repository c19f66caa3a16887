using ImageSearch.Contracts;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Indexes the vectors of one consumed batch (a MassTransit batch of <see cref="ImageEmbedded"/>, or of
/// <see cref="ImageEmbeddedGroup"/>) through <see cref="VectorBatchWriter"/>, then publishes the dead letters of the images
/// that did not fit. A store outage is never an image's fault: the batch is retried in place for
/// <see cref="IndexerOptions.PauseAfter"/> (blips), then given back to the broker while <see cref="OutagePause"/> pauses the
/// index queues until the store answers. Nothing is dead-lettered or moved to an error queue because of an outage.
/// </summary>
public sealed class BatchIndexing(VectorBatchWriter writer, StoreOutage outage, OutagePause pause, IOptions<IndexerOptions> options)
{
    public async Task IndexAsync<T>(ConsumeContext<Batch<T>> context, IEnumerable<ImageEmbedded> messages)
        where T : class
    {
        var images = messages.ToList();
        var deadLetters = await WriteUntilStoredAsync(context, images);
        // Published before the batch is acknowledged: if this fails, the batch is retried, and the journal
        // absorbs the repeated dead letters.
        if (deadLetters.Count > 0)
            await context.PublishBatch(deadLetters, context.CancellationToken);
    }

    private async Task<List<ImageDeadLettered>> WriteUntilStoredAsync<T>(ConsumeContext<Batch<T>> context, List<ImageEmbedded> images)
        where T : class
    {
        while (true)
        {
            // Delivered while the queues are being paused: straight back, without troubling the store.
            if (pause.IsPaused)
                throw OutagePause.GiveBack(context);
            try
            {
                var deadLetters = await writer.WriteAsync(images, context.CancellationToken);
                outage.Succeeded();
                return deadLetters;
            }
            catch (StoreUnavailableException e)
            {
                outage.Failed(e);
                if (pause.CanPause && outage.Current?.Lasted >= options.Value.PauseAfter)
                {
                    pause.Pause();
                    throw OutagePause.GiveBack(context);
                }
            }
            await Task.Delay(outage.NextDelay, context.CancellationToken);
        }
    }
}
