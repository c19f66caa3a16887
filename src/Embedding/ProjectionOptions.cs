using System.ComponentModel.DataAnnotations;

namespace ImageSearch.Embedding;

/// <summary>
/// Optional seeded random projection of the normalised vector to fewer dimensions. Ingest and query must use the same
/// matrix, so the kind, dimension and seed become part of the model id that the collection records.
/// </summary>
public sealed class ProjectionOptions
{
    /// <summary>Target dimension; 0 turns projection off.</summary>
    [Range(0, 65536)]
    public int Dimension { get; set; }

    public int Seed { get; set; } = 42;

    public ProjectionKind Kind { get; set; } = ProjectionKind.Gaussian;
}
