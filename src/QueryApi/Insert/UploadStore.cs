using System.Security.Cryptography;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Insert;

/// <summary>
/// Keeps uploaded images for insert in <see cref="QueryApiOptions.UploadsPath"/>, where embedders can read them. Files
/// are named by their content (SHA-256) and sniffed format, so uploading the same image twice gives the same path and
/// therefore the same image id: the store upserts instead of duplicating. Writes go to a temporary name first, so a
/// reader never sees half a file.
/// </summary>
public sealed class UploadStore
{
    private readonly string _folder;

    public UploadStore(IOptions<QueryApiOptions> options)
    {
        _folder = Path.GetFullPath(options.Value.UploadsPath);
        Directory.CreateDirectory(_folder);
    }

    /// <returns>The absolute path of the stored file.</returns>
    public async Task<string> SaveAsync(byte[] bytes, ImageFormat format, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        // One level of 256 folders (the first byte of the hash) keeps each folder small with millions of uploads.
        var folder = Path.Combine(_folder, hash[..2]);
        var path = Path.Combine(folder, $"{hash[2..32]}.{Extension(format)}");
        if (File.Exists(path))
            return path;
        Directory.CreateDirectory(folder);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        try
        {
            File.Move(temporary, path, overwrite: true); // same content either way if another request won the race
        }
        finally
        {
            File.Delete(temporary);
        }
        return path;
    }

    private static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpg",
        ImageFormat.Tiff => "tif",
        _ => format.ToString().ToLowerInvariant(),
    };
}
