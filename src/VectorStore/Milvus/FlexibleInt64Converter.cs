using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>Milvus writes int64 values as JSON strings unless told otherwise (<c>Accept-Type-Allow-Int64</c>): accept both.</summary>
internal sealed class FlexibleInt64Converter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Utf8Parser.TryParse(reader.ValueSpan, out long value, out var used) && used == reader.ValueSpan.Length
            ? value
            : reader.TokenType == JsonTokenType.String
                ? throw new JsonException($"'{reader.GetString()}' is not an int64")
                : reader.GetInt64();

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
