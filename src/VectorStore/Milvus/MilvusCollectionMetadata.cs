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

    public static CreateCollectionRequest CreateRequest(string database, CollectionSpec spec)
    {
        var index = spec.Index ?? new IndexSpec();
        var schema = new CollectionSchema(AutoID: false, EnableDynamicField: false,
        [
            new FieldSchema("id", "Int64", IsPrimary: true),
            new FieldSchema("embedding", "FloatVector", ElementTypeParams: new Dictionary<string, string> { ["dim"] = spec.Dimension.ToString(CultureInfo.InvariantCulture) }),
            new FieldSchema("path", "VarChar", ElementTypeParams: new Dictionary<string, string> { ["max_length"] = RecordValidation.MaxPathBytes.ToString(CultureInfo.InvariantCulture) }),
            new FieldSchema("label", "VarChar", ElementTypeParams: new Dictionary<string, string> { ["max_length"] = RecordValidation.MaxLabelBytes.ToString(CultureInfo.InvariantCulture) }),
        ]);
        Dictionary<string, object> indexParams = index.Kind == IndexKind.Hnsw
            ? new() { ["index_type"] = "HNSW", ["M"] = index.M, ["efConstruction"] = index.EfConstruction }
            : new() { ["index_type"] = "IVF_FLAT", ["nlist"] = index.NList };
        // With both schema and index params, Milvus creates the index and loads the collection in the same call.
        return new CreateCollectionRequest(database, spec.Name, schema,
            [new IndexParam("embedding", "embedding", MetricName(spec.Metric), indexParams)],
            new Dictionary<string, object> { ["consistencyLevel"] = "Strong", ["shardsNum"] = 1 },
            JsonSerializer.Serialize(new Description(App, spec.Model, spec.Metric, index), MilvusRestClient.Json));
    }

    /// <summary>The spec a described collection was created with; throws when it was not created by this application.</summary>
    public static CollectionSpec Read(DescribeResponse described)
    {
        var vector = described.Fields.FirstOrDefault(f => f.Name == "embedding" && f.Type == "FloatVector");
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

    public static string MetricName(DistanceMetric metric) => metric == DistanceMetric.Cosine ? "COSINE" : "L2";

    /// <summary>A string literal for a Milvus boolean expression.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
