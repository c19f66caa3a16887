using ImageSearch.Contracts;
using ImageSearch.Embedding;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// The outputs of one consumed batch, one per message and in its order: <see cref="ImageEmbedded"/> or
/// <see cref="ImageDeadLettered"/>. Filled in parts (invalid messages, redelivered ones, the rest); complete once every part is done.
/// </summary>
internal sealed class BatchOutputs(IReadOnlyList<EmbedImage> images, string model)
{
    private readonly object?[] _outputs = new object?[images.Count];

    public IReadOnlyList<EmbedImage> Images => images;

    /// <summary>The outputs filled so far, in message order.</summary>
    public IReadOnlyList<object> Filled => _outputs.OfType<object>().ToList();

    /// <summary>Dead-letters the invalid messages (<see cref="EmbedImageValidation"/>); returns the positions of the others.</summary>
    public List<int> DeadLetterInvalid()
    {
        var valid = new List<int>(images.Count);
        for (var i = 0; i < images.Count; i++)
            if (EmbedImageValidation.Problem(images[i]) is { } problem)
                DeadLetter(i, DeadLetterReason.InvalidMessage, problem);
            else
                valid.Add(i);
        return valid;
    }

    public void DeadLetter(int position, DeadLetterReason reason, string message) =>
        _outputs[position] = images[position].DeadLetter(reason, message);

    /// <summary>
    /// Embeds the messages at <paramref name="positions"/>, each distinct path once even if the batch holds it twice:
    /// <paramref name="embed"/> gets the first message of each path and returns one result per message it got.
    /// </summary>
    public async Task EmbedAsync(IReadOnlyList<int> positions, Func<IReadOnlyList<EmbedImage>, Task<IReadOnlyList<EmbeddingResult>>> embed)
    {
        if (positions.Count == 0)
            return;
        var distinct = new List<EmbedImage>(positions.Count);
        var slotOfPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var slots = new int[positions.Count];
        for (var i = 0; i < positions.Count; i++)
        {
            var image = images[positions[i]];
            if (!slotOfPath.TryGetValue(image.Path, out slots[i]))
            {
                slotOfPath.Add(image.Path, slots[i] = distinct.Count);
                distinct.Add(image);
            }
        }

        var results = await embed(distinct);
        if (EmbeddingResult.SourceLooksDown(results))
            throw new ImageSourceUnavailableException(
                $"{results.Count(r => r.SourceTimedOut)} of {results.Count} images timed out reading; their storage looks down, so the batch waits");
        for (var i = 0; i < positions.Count; i++)
        {
            var (image, result) = (images[positions[i]], results[slots[i]]);
            _outputs[positions[i]] = result.Vector is { } vector
                ? new ImageEmbedded(image.ImageId, image.Path, image.Label, image.Collection, model, vector, image.Attempt)
                : image.DeadLetter(result.Reason ?? DeadLetterReason.Corrupt, result.Error ?? "the image could not be embedded");
        }
    }
}
