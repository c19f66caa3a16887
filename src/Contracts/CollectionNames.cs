using System.Text.RegularExpressions;

namespace ImageSearch.Contracts;

/// <summary>
/// Milvus's naming rule, applied to both stores so a name valid in one is valid in the other, and checked wherever a
/// collection is named (the stores, <c>ingestor publish --collection</c>, the query API's settings, the indexer) so a bad
/// name fails at once instead of as a dead letter per image.
/// </summary>
public static partial class CollectionNames
{
    /// <summary>Why <paramref name="name"/> cannot name a collection, or null when it can.</summary>
    public static string? Problem(string? name) =>
        name is not null && Pattern().IsMatch(name)
            ? null
            : $"invalid collection name '{name}': use letters, digits and underscores, starting with a letter or underscore (at most 255)";

    public static void Validate(string name)
    {
        if (Problem(name) is { } problem)
            throw new ArgumentException(char.ToUpperInvariant(problem[0]) + problem[1..] + ".", nameof(name));
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex Pattern();
}
