using System.Text.RegularExpressions;

namespace ImageSearch.VectorStore;

/// <summary>Milvus's naming rule, applied to both stores so a name valid in one is valid in the other.</summary>
public static partial class CollectionNames
{
    public static void Validate(string name)
    {
        if (!Pattern().IsMatch(name))
            throw new ArgumentException(
                $"Invalid collection name '{name}': use letters, digits and underscores, starting with a letter or underscore (at most 255).", nameof(name));
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex Pattern();
}
