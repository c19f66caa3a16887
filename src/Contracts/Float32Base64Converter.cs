using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageSearch.Contracts;

/// <summary>
/// A float vector as the base64 of its float32 little-endian bytes: 4 bytes a value, exactly, where JSON numbers take
/// 10–14 characters and round-trip only through the shortest-decimal formatting. A JSON array of numbers is read too.
/// </summary>
public sealed class Float32Base64Converter : JsonConverter<float[]>
{
    public override float[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                return JsonSerializer.Deserialize<float[]>(ref reader);
            case JsonTokenType.String:
                var bytes = reader.GetBytesFromBase64();
                if (bytes.Length % sizeof(float) != 0)
                    throw new JsonException($"a float32 vector takes a multiple of 4 bytes, not {bytes.Length}");
                var vector = new float[bytes.Length / sizeof(float)];
                for (var i = 0; i < vector.Length; i++)
                    vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
                return vector;
            default:
                throw new JsonException($"a vector is a base64 string or an array of numbers, not {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options)
    {
        var bytes = new byte[value.Length * sizeof(float)];
        for (var i = 0; i < value.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value[i]);
        writer.WriteBase64StringValue(bytes);
    }
}
