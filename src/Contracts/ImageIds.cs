using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ImageSearch.Contracts;

/// <summary>
/// Deterministic image ids, shared by every producer so that publishing the same image twice
/// (from the CLI, the HTTP API or a replay) upserts one row instead of adding a duplicate.
/// </summary>
public static class ImageIds
{
    /// <summary>Id of a file, from its absolute, normalised path.</summary>
    public static long FromPath(string path) => FromKey(Path.GetFullPath(path));

    /// <summary>Id from a caller-supplied key (a CSV id column): an integer is kept as is, anything else is hashed.</summary>
    public static long FromKey(string key) =>
        long.TryParse(key, out var id) && id >= 0 ? id : Hash(key);

    // 63 bits of SHA-256: positive (Milvus and SQLite both take it as a signed int64) and collision-free in practice.
    private static long Hash(string key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);
        return (long)(BinaryPrimitives.ReadUInt64LittleEndian(digest) & long.MaxValue);
    }
}
