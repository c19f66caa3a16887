namespace ImageSearch.Ingestion.Publishing;

/// <summary>
/// Which positions of a source are done. The source is cut into consecutive segments, each ending at the last image of a
/// batch (skipped items belong to the segment they fall in); a segment is done when the broker has confirmed its batch.
/// Batches complete out of order, so the checkpoint is the <see cref="Frontier"/>: the end of the longest run of done
/// segments from the start. A failed segment holds the frontier back for the rest of the run.
/// </summary>
internal sealed class PositionLedger(long start, string? startItem)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, (PositionRange Range, bool Published)> _beyondFrontier = new();
    private readonly List<PositionRange> _notPublished = [];
    private readonly long _start = start;

    /// <summary>Every position up to this one is published or skipped (0: none).</summary>
    public long Frontier { get; private set; } = start;

    /// <summary>The item at <see cref="Frontier"/>, which a resume expects to find there.</summary>
    public string? FrontierItem { get; private set; } = startItem;

    /// <summary>Records a segment's outcome.</summary>
    /// <returns>Whether the frontier moved (a checkpoint is due).</returns>
    public bool Close(PositionRange segment, bool published)
    {
        lock (_gate)
        {
            if (!published)
                _notPublished.Add(segment);
            _beyondFrontier[segment.First] = (segment, published);
            var moved = false;
            while (_beyondFrontier.TryGetValue(Frontier + 1, out var next) && next.Published)
            {
                _beyondFrontier.Remove(next.Range.First);
                (Frontier, FrontierItem, moved) = (next.Range.Last, next.Range.LastItem, true);
            }
            return moved;
        }
    }

    /// <param name="notSentFrom">First position never handed to the broker (an interrupt or a give-up); null when the source was read to its end.</param>
    public SourcePositions Report(long? notSentFrom)
    {
        lock (_gate)
            return new SourcePositions(_start, Frontier, _notPublished.OrderBy(r => r.First).ToList(), notSentFrom);
    }
}

/// <summary>Where a publish run stands in its source, for the summary and the checkpoint.</summary>
/// <param name="ResumedAfter">Positions up to this one were done by earlier runs and not read again (0: from the start).</param>
/// <param name="DoneThrough">Every position up to this one is published or skipped: what the checkpoint records.</param>
/// <param name="NotPublished">Batches the broker did not confirm: failed, or cut short by an interrupt.</param>
/// <param name="NotSentFrom">From this position on nothing was handed to the broker; null when the whole source was.</param>
public sealed record SourcePositions(long ResumedAfter, long DoneThrough, IReadOnlyList<PositionRange> NotPublished, long? NotSentFrom)
{
    /// <summary>Whether everything from <see cref="ResumedAfter"/> on is published or skipped.</summary>
    public bool Complete => NotPublished.Count == 0 && NotSentFrom is null;
}
