namespace ImageSearch.Embedding;

/// <summary>Distribution of the random projection matrix's entries.</summary>
public enum ProjectionKind
{
    /// <summary>Independent N(0, 1) entries.</summary>
    Gaussian,
    /// <summary>Independent ±1 entries with equal probability (Achlioptas, 2003): as good in practice and cheaper to generate.</summary>
    Sign,
}
