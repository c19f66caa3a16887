namespace ImageSearch.Ingestion.Publishing;

/// <summary>
/// Consecutive positions of a source. Positions number the source's items from 1 in the order it yields them: a CSV's
/// data lines (header and blank lines are not items), a folder's or a glob's files in walk order, skipped ones included.
/// </summary>
/// <param name="FirstItem">Path (or skipped line) at <paramref name="First"/>, so that a person can find the range.</param>
/// <param name="LastItem">Path (or skipped line) at <paramref name="Last"/>: a resume checks the source still has it there.</param>
public sealed record PositionRange(long First, long Last, string FirstItem, string LastItem)
{
    public long Count => Last - First + 1;

    public override string ToString() => First == Last ? $"item {First:N0} ({FirstItem})" : $"items {First:N0}–{Last:N0} (from {FirstItem})";
}
