using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using ImageSearch.QueryApi.Errors;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi;

/// <summary>
/// Reads uploaded files into memory under the API's limits. The size is checked before reading (Kestrel and the form
/// reader bound the request as a whole; this bounds each file with a clear message). What the bytes are is left to the
/// embedding core's decoder, which sniffs the content and never trusts the name or the declared content type.
/// </summary>
public sealed class UploadReader(IOptions<QueryApiOptions> options)
{
    public const string FileField = "image";

    private readonly QueryApiOptions _options = options.Value;

    /// <summary>The files of field <see cref="FileField"/> (any field when that one is absent).</summary>
    /// <exception cref="InvalidRequestException">The form has no file, or more than <see cref="QueryApiOptions.MaxUploadFiles"/>.</exception>
    /// <exception cref="ImageRejectedException">A file is over <see cref="QueryApiOptions.MaxUploadBytes"/>.</exception>
    public async Task<IReadOnlyList<Upload>> ReadAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        var files = Files(form);
        if (files.Count > _options.MaxUploadFiles)
            throw new InvalidRequestException($"{files.Count} files is over the limit of {_options.MaxUploadFiles} per request");
        var uploads = new List<Upload>(files.Count);
        foreach (var file in files)
            uploads.Add(await ReadAsync(file, cancellationToken));
        return uploads;
    }

    /// <summary>Only the first file of the form (a search uses one image): the others are never read into memory.</summary>
    /// <exception cref="InvalidRequestException">The form has no file.</exception>
    /// <exception cref="ImageRejectedException">The file is over <see cref="QueryApiOptions.MaxUploadBytes"/>.</exception>
    public Task<Upload> ReadFirstAsync(IFormCollection form, CancellationToken cancellationToken) => ReadAsync(Files(form)[0], cancellationToken);

    private static IReadOnlyList<IFormFile> Files(IFormCollection form)
    {
        var files = form.Files.GetFiles(FileField) is { Count: > 0 } named ? named : form.Files;
        return files.Count > 0 ? files : throw new InvalidRequestException($"the form has no file: send the image in field '{FileField}'");
    }

    private async Task<Upload> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        if (file.Length > _options.MaxUploadBytes)
            throw new ImageRejectedException(DeadLetterReason.TooManyBytes,
                $"{file.FileName}: {file.Length:N0} bytes is over the upload limit of {_options.MaxUploadBytes:N0}");
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        return new Upload(file.FileName, bytes);
    }
}

/// <param name="Name">The client's file name: shown in messages, never used to decide anything.</param>
public sealed record Upload(string Name, byte[] Bytes);
