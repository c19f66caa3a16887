using System.Diagnostics;
using System.Net.Sockets;
using ImageSearch.Contracts;
using OpenCvSharp;
using static ImageSearch.EndToEnd.Tests.CorpusImages;
using static ImageSearch.TestSupport.ImageBytes;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>One kind of input: where it is, and the reason it must be dead-lettered for, or null when it must be stored.</summary>
public sealed record CorpusEntry(string Kind, string Path, DeadLetterReason? Reason, string? Label = null);

/// <summary>
/// Every kind of bad input a file system and a careless producer can hand the pipeline, next to valid but unusual images
/// that must be stored. <see cref="Root"/> is an allowed root; <see cref="Names"/> (odd file names, one holding a newline,
/// which no CSV line can carry) is published as a folder. Disposing stops the FIFO's writer and closes the socket.
/// </summary>
public sealed class BadInputCorpus : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Task _writer;

    public BadInputCorpus(string folder)
    {
        Root = Directory.CreateDirectory(Path.Combine(folder, "corpus")).FullName;
        Names = Directory.CreateDirectory(Path.Combine(Root, "names")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        var jpeg = Encode(".jpg");

        Fifo("fifo-no-writer.jpg");
        _writer = WriteSlowly(Fifo("fifo-with-writer.jpg"), _stop.Token);
        _socket.Bind(new UnixDomainSocketEndPoint(Place("socket", "socket.jpg", DeadLetterReason.NotAFile)));
        if (UnixFiles.MakeCharacterDevice(Place("device", "device.jpg", DeadLetterReason.NotAFile), out var whyNot) is null)
            throw new IOException(whyNot);
        Directory.CreateDirectory(Place("directory", "x.jpg", DeadLetterReason.NotAFile));
        Add("zero-byte", "empty.jpg", [], DeadLetterReason.FileEmpty);
        foreach (var format in new[] { "jpg", "png", "webp", "gif", "tiff" })
            Add($"truncated {format}", $"truncated.{format}", Truncated(Encode("." + format)), DeadLetterReason.Corrupt);
        Add("jpeg scan damaged", "scan.jpg", ScanDamaged(jpeg), DeadLetterReason.Corrupt);
        Add("png bad IDAT crc", "crc.png", PngWithBadIdatCrc(Encode(".png")), DeadLetterReason.Corrupt);
        Add("bmp height 0x80000000", "height.bmp", BmpHeightMostNegative(), DeadLetterReason.Corrupt);
        Add("jpeg SOF 65535x65535", "sof.jpg", JpegSofClaiming(65535, 65535), DeadLetterReason.TooManyPixels);
        Add("png IHDR 1e6x1e6", "ihdr.png", PngClaiming(1_000_000, 1_000_000), DeadLetterReason.TooManyPixels);
        Add("gif 65535x65535", "screen.gif", GifClaimingMaximum(), DeadLetterReason.TooManyPixels);
        Add("webp 16383x16383", "frame.webp", WebpClaimingMaximum(), DeadLetterReason.TooManyPixels);
        Add("tiff 2^32-1 square", "max.tiff", Tiff([(TiffWidth, 4, uint.MaxValue), (257, 4, uint.MaxValue), .. TiffAfterWidth[1..]]), DeadLetterReason.Corrupt);
        Add("tiff duplicate width, huge first", "twowidths.tiff", Tiff([(TiffWidth, 4, 20_000), (TiffWidth, 3, 100), (257, 4, 20_000), .. TiffAfterWidth]), DeadLetterReason.TooManyPixels);
        Add("png bomb", "bomb.png", PngBomb(), DeadLetterReason.TooManyPixels);
        Add("tiff bomb", "bomb.tiff", Tiff([(TiffWidth, 4, 30_000), (257, 4, 30_000), .. TiffAfterWidth[1..]]), DeadLetterReason.TooManyPixels);
        Add("text named .jpg", "notes.jpg", "shopping list: milk, eggs\n"u8.ToArray(), DeadLetterReason.NotAnImage);
        Add("html named .png", "page.png", "<!DOCTYPE html><html><body><img src=x.png></body></html>"u8.ToArray(), DeadLetterReason.NotAnImage);
        Add("tiny png", "icon.png", Encode16x16(), DeadLetterReason.TooSmall);
        Entries.Add(new("missing", Path.Combine(Root, "missing.jpg"), DeadLetterReason.FileMissing));
        File.WriteAllBytes(Path.Combine(outside, "photo.jpg"), jpeg);
        Entries.Add(new("outside allowed roots", Path.Combine(outside, "photo.jpg"), DeadLetterReason.OutsideAllowedRoots));
        File.CreateSymbolicLink(Place("symlink leading outside the roots", "escape.jpg", DeadLetterReason.OutsideAllowedRoots), Path.Combine(outside, "photo.jpg"));
        File.CreateSymbolicLink(Place("symlink to a photo in an allowed root", "link.jpg", null), SharedData.ImageNet100Files[0]);
        Entries.Add(new("4096-byte path", LongPath(jpeg), DeadLetterReason.Unreadable));

        Add("cmyk jpeg", "cmyk.jpg", File.ReadAllBytes(CmykFixture()), null);
        Add("16-bit png", "deep.png", Encode(".png", MatType.CV_16UC3), null);
        Add("exif-rotated jpeg", "rotated.jpg", WithExifOrientation(jpeg, 6), null);
        Add("grayscale jpeg", "grey.jpg", Encode(".jpg", MatType.CV_8UC1), null);
        Add("rgba png", "alpha.png", Encode(".png", MatType.CV_8UC4), null);
        foreach (var format in new[] { "gif", "webp", "tiff", "bmp" })
            Add($"valid {format}", $"valid.{format}", Encode("." + format), null);
        Add("png named .jpg", "png-inside.jpg", Encode(".png"), null);
        Add("tiff duplicate width, small first", "twowidths-small.tiff", Tiff([(TiffWidth, 3, 50), (TiffWidth, 3, 100), .. TiffAfterWidth]), null);
        Add("label with quotes and comma", "quoted.jpg", jpeg, null, "say \"cheese\", please");
        foreach (var (kind, name) in new[] { ("name with spaces", "my holiday photo.jpg"), ("non-ascii name", "café – 東京 ✓.jpg"), ("name holding a newline", "two\nlines.jpg") })
        {
            File.WriteAllBytes(Path.Combine(Names, name), jpeg);
            Entries.Add(new(kind, Path.Combine(Names, name), null));
        }
    }

    public string Root { get; }

    public string Names { get; }

    public List<CorpusEntry> Entries { get; } = [];

    /// <summary>Writes every entry outside <see cref="Names"/> as <c>id,path,label</c> (ids from 1, labels quoted); returns id → entry.</summary>
    public Dictionary<long, CorpusEntry> WriteCsv(string csv)
    {
        var listed = Entries.Where(e => !e.Path.StartsWith(Names + "/", StringComparison.Ordinal)).ToList();
        File.WriteAllLines(csv, ["id,path,label", .. listed.Select((e, i) => $"{i + 1},{e.Path},\"{(e.Label ?? e.Kind).Replace("\"", "\"\"")}\"")]);
        return listed.Select((e, i) => (Id: (long)i + 1, e)).ToDictionary(p => p.Id, p => p.e);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _writer.Wait(TimeSpan.FromSeconds(10));
        _socket.Dispose();
        _stop.Dispose();
    }

    private string Place(string kind, string name, DeadLetterReason? reason)
    {
        var path = Path.Combine(Root, name);
        Entries.Add(new(kind, path, reason));
        return path;
    }

    private void Add(string kind, string name, byte[] bytes, DeadLetterReason? reason, string? label = null)
    {
        File.WriteAllBytes(Place(kind, name, reason), bytes);
        if (label is not null)
            Entries[^1] = Entries[^1] with { Label = label };
    }

    private string Fifo(string name)
    {
        var path = Place(name.Replace(".jpg", "").Replace('-', ' '), name, DeadLetterReason.NotAFile);
        return UnixFiles.MakeFifo(path);
    }

    /// <summary>Holds the FIFO open (read-write, so the open does not wait for a reader) and writes a byte every 100 ms.</summary>
    private static Task WriteSlowly(string fifo, CancellationToken stop) => Task.Run(async () =>
    {
        await using var stream = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0);
        while (!stop.IsCancellationRequested)
        {
            await stream.WriteAsync("\xFF"u8.ToArray(), CancellationToken.None);
            await Task.Delay(100, CancellationToken.None);
        }
    });

    /// <summary>
    /// A photo at a path of exactly 4,096 bytes (one more than the kernel takes): nested folders, the file copied in by a
    /// process working inside the deepest one, since no call can name it whole.
    /// </summary>
    private string LongPath(byte[] jpeg)
    {
        var deep = Path.Combine(Root, "deep");
        while (4096 - deep.Length - 1 > 250) // a name may have 255 bytes at most
            deep = Path.Combine(deep, new string('d', 200));
        Directory.CreateDirectory(deep);
        var name = new string('f', 4096 - deep.Length - 1 - ".jpg".Length) + ".jpg";
        File.WriteAllBytes(Path.Combine(Root, "long-source.jpg"), jpeg);
        Run("cp", [Path.Combine(Root, "long-source.jpg"), name], deep);
        File.Delete(Path.Combine(Root, "long-source.jpg"));
        return Path.Combine(deep, name);
    }

    private static void Run(string program, string[] arguments, string? workingDirectory = null)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new IOException($"{program} {string.Join(' ', arguments)}: {error.Trim()}");
    }

    private static byte[] Encode16x16()
    {
        using var small = new Mat(16, 16, MatType.CV_8UC3, Scalar.All(128));
        Cv2.ImEncode(".png", small, out var png);
        return png;
    }

    private static string CmykFixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Path.Combine(dir.FullName, "tests", "Embedding.Tests", "Fixtures", "cmyk.jpg") is var path && File.Exists(path))
                return path;
        throw new FileNotFoundException("tests/Embedding.Tests/Fixtures/cmyk.jpg not found above " + AppContext.BaseDirectory);
    }
}
