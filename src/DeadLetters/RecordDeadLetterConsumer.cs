using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ImageSearch.DeadLetters;

/// <summary>
/// Writes dead letters into the journal, a batch per SQLite transaction (one fsync for many letters: a run over a
/// share with a million missing files produces a million dead letters). Redeliveries are absorbed by the journal's key.
/// </summary>
public sealed class RecordDeadLetterConsumer(DeadLetterJournal journal, ILogger<RecordDeadLetterConsumer> logger)
    : IConsumer<Batch<ImageDeadLettered>>
{
    public async Task Consume(ConsumeContext<Batch<ImageDeadLettered>> context)
    {
        var letters = context.Message.Select(m => m.Message).ToList();
        await journal.RecordAsync(letters, context.CancellationToken);
        foreach (var letter in letters)
            logger.LogDebug("Dead letter {ImageId} {Path}: {Stage} {Reason} {Message}",
                letter.ImageId, letter.Path, letter.Stage, letter.Reason, letter.Message);
        logger.LogInformation("Recorded {Count} dead letters", letters.Count);
    }
}
