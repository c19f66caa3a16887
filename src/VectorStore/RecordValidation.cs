using System.Numerics.Tensors;
using System.Text;

namespace ImageSearch.VectorStore;

/// <summary>
/// What makes a record storable, checked identically by both stores before anything is written and by the indexer
/// before it calls a store (so one bad record is set aside instead of failing its whole batch). The text limits are
/// Milvus's schema (VarChar <c>max_length</c> counts UTF-8 bytes) applied to both stores, as <see cref="CollectionNames"/>
/// is, so a record valid in one store is valid in the other.
/// </summary>
public static class RecordValidation
{
    /// <summary><c>max_length</c> of the Milvus <c>path</c> field, in UTF-8 bytes.</summary>
    public const int MaxPathBytes = 4096;

    /// <summary><c>max_length</c> of the Milvus <c>label</c> field, in UTF-8 bytes.</summary>
    public const int MaxLabelBytes = 512;

    /// <summary>Why <paramref name="record"/> cannot go into a collection of <paramref name="dimension"/>-d vectors, or null when it can.</summary>
    public static string? Problem(VectorRecord record, int dimension, string collection) =>
        IdProblem(record.Id) ?? TextProblem(record.Path, record.Label) ?? VectorProblem(record.Vector, dimension, collection);

    /// <summary>Ids are non-negative (<c>ImageIds</c> makes them so): the embedded store's graph keys are unsigned, and -1 is its empty slot.</summary>
    public static string? IdProblem(long id) => id < 0 ? $"id {id} is negative" : null;

    /// <summary>Path (required) and label (optional) within what both stores accept.</summary>
    public static string? TextProblem(string? path, string? label)
    {
        // Contracts say non-null, but a foreign or broken producer can still send a JSON null.
        if (string.IsNullOrEmpty(path))
            return "the path is empty";
        return FieldProblem("path", path, MaxPathBytes) ?? (label is null ? null : FieldProblem("label", label, MaxLabelBytes));
    }

    /// <summary>A vector of <paramref name="dimension"/> finite values.</summary>
    public static string? VectorProblem(float[]? vector, int dimension, string collection)
    {
        if (vector is null || vector.Length == 0)
            return "the vector is empty";
        if (vector.Length != dimension)
            return $"the vector has {vector.Length} values but collection '{collection}' holds {dimension}-d vectors";
        return TensorPrimitives.IsFiniteAll<float>(vector) ? null : "the vector contains NaN or infinity";
    }

    /// <summary>Throws <see cref="ArgumentException"/> with the <see cref="Problem"/> of <paramref name="record"/>, if any.</summary>
    public static void Check(VectorRecord record, int dimension, string collection)
    {
        if (Problem(record, dimension, collection) is { } problem)
            throw new ArgumentException($"record {record.Id}: {problem}.");
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="vector"/> (a query, named by <paramref name="what"/>) does not fit.</summary>
    public static void CheckVector(float[] vector, int dimension, string collection, string what)
    {
        if (VectorProblem(vector, dimension, collection) is { } problem)
            throw new ArgumentException($"{what}: {problem}.");
    }

    /// <summary>Keeps the last record of each id: inside a batch the last write wins, as it does across batches.</summary>
    public static IReadOnlyList<VectorRecord> LastPerId(IReadOnlyList<VectorRecord> records) =>
        records.Count < 2 ? records : records.GroupBy(r => r.Id).Select(g => g.Last()).ToArray();

    private static string? FieldProblem(string field, string value, int maxBytes)
    {
        // NUL ends a string in the native layers under both stores.
        if (value.Contains('\0'))
            return $"the {field} contains a NUL character";
        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes > maxBytes ? $"the {field} is {bytes} bytes long (UTF-8); the store keeps at most {maxBytes}" : null;
    }
}
