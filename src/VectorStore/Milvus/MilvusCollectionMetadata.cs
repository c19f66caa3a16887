using System.Globalization;
using System.Text.Json;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// Maps a <see cref="CollectionSpec"/> to Milvus's create-collection body and back from a describe response. Milvus
/// knows dimension and metric itself; the model id (with any projection) and our index settings ride in the
/// collection description as a small JSON document, so a collection filled by another model is caught, not mixed.
/// </summary>
internal static class MilvusCollectionMetadata
{
    private const string App = "imagesearch";

    private sealed record Description(string App, string Model, DistanceMetric Metric, IndexSpec Index);

    /// <summary>The vector field, which the index is built on and searches run over.</summary>
    public const string VectorField = "embedding";

    public static CreateCollectionRequest CreateRequest(string database, CollectionSpec spec)
    {
        var schema = new CollectionSchema(AutoID: false, EnableDynamicField: false,
        [
            new FieldSchema("id", "Int64", IsPrimary: true),
            new FieldSchema(VectorField, "FloatVector", ElementTypeParams: new Dictionary<string, string> { ["dim"] = spec.Dimension.ToString(CultureInfo.InvariantCulture) }),
            new FieldSchema("path", "VarChar", ElementTypeParams: new Dictionary<string, string> { ["max_length"] = RecordValidation.MaxPathBytes.ToString(CultureInfo.InvariantCulture) }),
            new FieldSchema("label", "VarChar", ElementTypeParams: new Dictionary<string, string> { ["max_length"] = RecordValidation.MaxLabelBytes.ToString(CultureInfo.InvariantCulture) }),
        ]);
        // With both schema and index params, Milvus creates the index and loads the collection in the same call.
        return new CreateCollectionRequest(database, spec.Name, schema, [VectorIndex(spec)],
            new Dictionary<string, object> { ["consistencyLevel"] = "Strong", ["shardsNum"] = 1 },
            JsonSerializer.Serialize(new Description(App, spec.Model, spec.Metric, spec.Index ?? new IndexSpec()), MilvusRestClient.Json));
    }

    /// <summary>The index on <see cref="VectorField"/>: sent with the collection, or alone when a creation was interrupted before it.</summary>
    public static IndexParam VectorIndex(CollectionSpec spec)
    {
        var index = spec.Index ?? new IndexSpec();
        Dictionary<string, object> indexParams = index.Kind == IndexKind.Hnsw
            ? new() { ["index_type"] = "HNSW", ["M"] = index.M, ["efConstruction"] = index.EfConstruction }
            : new() { ["index_type"] = "IVF_FLAT", ["nlist"] = index.NList };
        return new IndexParam(VectorField, VectorField, MetricName(spec.Metric), indexParams);
    }

    /// <summary>Whether the described collection has its index (a creation interrupted between its steps leaves none, and then it cannot load).</summary>
    public static bool HasVectorIndex(DescribeResponse described) => described.Indexes?.Any(i => i.FieldName == VectorField) == true;

    /// <summary>The spec a described collection was created with; throws when it was not created by this application.</summary>
    public static CollectionSpec Read(DescribeResponse described)
    {
        var vector = described.Fields.FirstOrDefault(f => f.Name == VectorField && f.Type == "FloatVector");
        var dim = vector?.Params?.FirstOrDefault(p => p.Key == "dim")?.Value;
        Description? description = null;
        try
        {
            description = string.IsNullOrEmpty(described.Description) ? null : JsonSerializer.Deserialize<Description>(described.Description, MilvusRestClient.Json);
        }
        catch (JsonException)
        {
        }
        if (vector is null || dim is null || description?.App != App)
            throw new CollectionMismatchException(
                $"Milvus collection '{described.CollectionName}' exists but was not created by this application " +
                "(expected an Int64 'id', a FloatVector 'embedding' and our description). Use another collection name.");
        var dimension = dim.Value.ValueKind == JsonValueKind.Number ? dim.Value.GetInt32() : int.Parse(dim.Value.GetString()!, CultureInfo.InvariantCulture);
        return new CollectionSpec(described.CollectionName, dimension, description.Model, description.Metric, description.Index);
    }

    private static string MetricName(DistanceMetric metric) => metric == DistanceMetric.Cosine ? "COSINE" : "L2";
}
