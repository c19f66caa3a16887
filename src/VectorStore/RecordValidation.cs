using System.Numerics.Tensors;

namespace ImageSearch.VectorStore;

/// <summary>Checks done before anything is written, identically for both stores.</summary>
internal static class RecordValidation
{
    /// <summary>Keeps the last record of each id: inside a batch the last write wins, as it does across batches.</summary>
    public static IReadOnlyList<VectorRecord> LastPerId(IReadOnlyList<VectorRecord> records) =>
        records.Count < 2 ? records : records.GroupBy(r => r.Id).Select(g => g.Last()).ToArray();

    public static void Check(VectorRecord record, int dimension, string collection)
    {
        ArgumentNullException.ThrowIfNull(record.Path);
        CheckVector(record.Vector, dimension, collection, $"record {record.Id}");
    }

    public static void CheckVector(float[] vector, int dimension, string collection, string what)
    {
        if (vector is null || vector.Length != dimension)
            throw new ArgumentException(
                $"{what}: vector has {vector?.Length ?? 0} values but collection '{collection}' holds {dimension}-d vectors.");
        if (!TensorPrimitives.IsFiniteAll<float>(vector))
            throw new ArgumentException($"{what}: vector contains NaN or infinity.");
    }
}
