using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageSearch.VectorStore.Milvus;

// Request and response bodies of the REST v2 endpoints we use, named as in Milvus's request_v2.go / handler_v2.go.
// Properties serialise camelCase (JsonSerializerDefaults.Web); nulls are omitted.

internal sealed record DatabaseRequest(string DbName);

internal sealed record CollectionNameRequest(string DbName, string CollectionName);

internal sealed record CreateCollectionRequest(
    string DbName, string CollectionName, CollectionSchema Schema, IReadOnlyList<IndexParam> IndexParams,
    IReadOnlyDictionary<string, object> Params, string Description);

internal sealed record CollectionSchema(bool AutoID, bool EnableDynamicField, IReadOnlyList<FieldSchema> Fields);

internal sealed record FieldSchema(
    string FieldName, string DataType, bool IsPrimary = false, IReadOnlyDictionary<string, string>? ElementTypeParams = null);

internal sealed record IndexParam(string FieldName, string IndexName, string MetricType, IReadOnlyDictionary<string, object> Params);

internal sealed record CreateIndexRequest(string DbName, string CollectionName, IReadOnlyList<IndexParam> IndexParams);

internal sealed record UpsertRequest(string DbName, string CollectionName, IReadOnlyList<MilvusRow> Data);

internal sealed record MilvusRow(long Id, float[] Embedding, string Path, string Label);

internal sealed record DeleteRequest(string DbName, string CollectionName, string Filter);

/// <param name="ExprParams">Values for the <c>{name}</c> placeholders of <paramref name="Filter"/> (expression templates, Milvus 2.5+).</param>
internal sealed record SearchRequest(
    string DbName, string CollectionName, IReadOnlyList<float[]> Data, string AnnsField, int Limit, string? Filter,
    IReadOnlyDictionary<string, string>? ExprParams, IReadOnlyList<string> OutputFields, IReadOnlyDictionary<string, object> SearchParams,
    string ConsistencyLevel);

/// <param name="Data">The hits of every query vector, one after the other (absent or empty when there are none).</param>
/// <param name="Topks">How many of <paramref name="Data"/> belong to each query vector, in order (builds since February 2025, e.g. 2.5.16).</param>
internal sealed record SearchResponse(IReadOnlyList<SearchHitRow>? Data, IReadOnlyList<long>? Topks);

internal sealed record QueryRequest(
    string DbName, string CollectionName, string Filter, IReadOnlyList<string> OutputFields, int? Limit, string ConsistencyLevel);

internal sealed record GetRequest(
    string DbName, string CollectionName, IReadOnlyList<long> Id, IReadOnlyList<string> OutputFields, string ConsistencyLevel);

internal sealed record HasResponse(bool Has);

internal sealed record LoadStateResponse(string LoadState, int? LoadProgress);

internal sealed record UpsertResponse(long UpsertCount, IReadOnlyList<long>? UpsertIds);

internal sealed record SearchHitRow(long Id, float Distance, string? Path, string? Label);

internal sealed record EntityRow(long Id, float[]? Embedding, string? Path, string? Label);

internal sealed record CountRow([property: JsonPropertyName("count(*)")] long Count);

internal sealed record DescribeResponse(
    string CollectionName, string? Description, IReadOnlyList<DescribedField> Fields, IReadOnlyList<DescribedIndex>? Indexes);

internal sealed record DescribedField(string Name, string Type, bool PrimaryKey, IReadOnlyList<KeyValue>? Params);

internal sealed record DescribedIndex(string FieldName, string IndexName, string MetricType);

internal sealed record KeyValue(string Key, JsonElement Value);
