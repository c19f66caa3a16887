using System.Text.RegularExpressions;

namespace ImageSearch.Contracts;

/// <summary>
/// Milvus's naming rule, applied to both stores so a name valid in one is valid in the other, and checked wherever a
/// collection is named (the stores, <c>ingestor publish --collection</c>, the query API's settings) so a bad name fails
/// at once instead of as a dead letter per image.
/// </summary>
public static partial class CollectionNames
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    /// <exception cref="ArgumentException">The name breaks the rule; the message says what the rule is.</exception>
    public static void Validate(string name)
    {
        if (!IsValid(name))
            throw new ArgumentException(Explain(name), nameof(name));
    }

    public static string Explain(string name) =>
        $"Invalid collection name '{name}': use letters, digits and underscores, starting with a letter or underscore (at most 255).";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex Pattern();
}
