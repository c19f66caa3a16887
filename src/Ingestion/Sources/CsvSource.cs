namespace ImageSearch.Ingestion.Sources;

/// <summary>
/// The codelab's CSV, <c>id,path,label</c>: header optional (a first line naming a <c>path</c> column maps the columns
/// by name, in any order), label optional, relative paths resolved against the CSV's folder. Files are not checked:
/// stating millions of paths on a network share is the embedder's job, which dead-letters the missing ones.
/// </summary>
public sealed class CsvSource(string file) : IImageSource
{
    private readonly string _file = Path.GetFullPath(file);

    public string Description => _file;

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(_file)!;
        var columns = CsvColumns.Positional;
        using var reader = new StreamReader(_file, detectEncodingFromByteOrderMarks: true);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var fields = CsvLine.Split(line, out var error);
            if (fields is null)
            {
                yield return new SourceSkip($"{_file}:{number}", error!);
                continue;
            }
            if (number == 1 && CsvColumns.FromHeader(fields) is { } header)
            {
                columns = header;
                continue;
            }
            yield return columns.ToItem(fields, folder, $"{_file}:{number}");
        }
    }

    /// <summary>The number of rows: lines counted by a byte scan (one sequential read, far cheaper than parsing), less the header.</summary>
    public long? EstimateCount(CancellationToken cancellationToken)
    {
        // A pipe reports length 0 and can be read only once: leave it to the publish.
        if (new FileInfo(_file).Length == 0)
            return null;
        using var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        lines = last == '\n' ? lines : lines + 1;
        return HasHeader() ? lines - 1 : lines;
    }

    private bool HasHeader()
    {
        using var reader = new StreamReader(_file, detectEncodingFromByteOrderMarks: true);
        return reader.ReadLine() is { } first && CsvLine.Split(first, out _) is { } fields && CsvColumns.FromHeader(fields) is not null;
    }
}
