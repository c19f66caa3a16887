using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImageSearch.Ingestion.Publishing;

/// <summary>
/// How far a publish of one source into one collection got: every item up to <see cref="Position"/> was confirmed by the
/// broker (or skipped), so <c>publish --resume</c> starts after it. Later batches that were confirmed too are published
/// again on resume; ids are stable, so the store upserts them instead of duplicating.
/// </summary>
/// <param name="Source">The source's full path (or absolute glob): with <paramref name="Collection"/>, what the checkpoint is of.</param>
/// <param name="Collection">The target collection; null for the deployment's default.</param>
/// <param name="Position">Items 1 to this one are done (0: none).</param>
/// <param name="LastItem">The path or skipped line at <paramref name="Position"/>: a resume refuses a source that no longer has it there.</param>
public sealed record PublishCheckpoint(string Source, string? Collection, long Position, string? LastItem, DateTimeOffset Updated)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The default file: <c>data/checkpoints/NAME-HASH.json</c> under the working directory, HASH of source and collection.</summary>
    public static string DefaultPath(string source, string? collection)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\n{collection}")))[..12];
        var name = string.Concat(Path.GetFileName(source.TrimEnd('/')).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return Path.GetFullPath(Path.Combine("data", "checkpoints", $"{name}-{hash}.json"));
    }

    /// <summary>The checkpoint in <paramref name="path"/>, or null when there is none.</summary>
    /// <exception cref="CheckpointMismatchException">The file is not a checkpoint, or one of another source or collection.</exception>
    public static PublishCheckpoint? Read(string path, string source, string? collection)
    {
        if (!File.Exists(path))
            return null;
        PublishCheckpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<PublishCheckpoint>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new CheckpointMismatchException($"{path} is not a publish checkpoint: {e.Message}");
        }
        if (checkpoint is null || checkpoint.Source != source || checkpoint.Collection != collection)
            throw new CheckpointMismatchException(
                $"{path} is the checkpoint of {checkpoint?.Source} (collection {checkpoint?.Collection ?? "default"}), not of {source} (collection {collection ?? "default"})");
        return checkpoint;
    }

    /// <summary>Replaces the file whole (written aside, flushed, renamed), so a crash leaves the old checkpoint or the new one.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp"; // two runs of one source never share a temporary file
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A checkpoint that does not fit the source being resumed: another source or collection, or a source that changed.</summary>
public sealed class CheckpointMismatchException(string message) : Exception(message);
