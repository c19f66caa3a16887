namespace ImageSearch.Evaluation.Search;

/// <summary>The top results of one query, best first: gallery positions, their scores, and whether each is relevant.</summary>
public sealed record RankedList(int[] Indices, float[] Scores, bool[] Relevant);
