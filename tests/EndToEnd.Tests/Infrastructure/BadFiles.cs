using System.Buffers.Binary;
using ImageSearch.Contracts;
using OpenCvSharp;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// One file (or path) for each way an image can be bad, each with the reason the embedder must give.
/// <see cref="Folder"/> is meant to be an allowed root of the embedder; <see cref="Outside"/> is not.
/// </summary>
public sealed class BadFiles
{
    private readonly List<(string Path, DeadLetterReason Reason)> _files = [];

    public BadFiles(string root, string photo)
    {
        Folder = Directory.CreateDirectory(Path.Combine(root, "bad")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(root, "outside")).FullName;
        var jpeg = File.ReadAllBytes(photo);

        Add("empty.jpg", [], DeadLetterReason.FileEmpty);
        Add("truncated.jpg", jpeg.AsSpan(0, jpeg.Length / 2).ToArray(), DeadLetterReason.Corrupt);
        Add("notes.jpg", "shopping list: milk, eggs"u8.ToArray(), DeadLetterReason.NotAnImage);
        Add("icon.png", Png(16, 16), DeadLetterReason.TooSmall);
        Add("huge.png", ClaimingSize(Png(64, 64), 20_000, 20_000), DeadLetterReason.TooManyPixels);
        _files.Add((Path.Combine(Folder, "missing.jpg"), DeadLetterReason.FileMissing));
        _files.Add((Directory.CreateDirectory(Path.Combine(Folder, "folder.jpg")).FullName, DeadLetterReason.NotAFile));
        var outside = Path.Combine(Outside, "photo.jpg");
        File.WriteAllBytes(outside, jpeg); // a good photo, but where the embedder may not read
        _files.Add((outside, DeadLetterReason.OutsideAllowedRoots));
    }

    public string Folder { get; }

    public string Outside { get; }

    /// <summary>A CSV (id,path,label) listing every bad path, ids from 9001; returns it with the expected reason per id.</summary>
    public (string Csv, Dictionary<long, DeadLetterReason> Expected) WriteCsv(string path)
    {
        var expected = new Dictionary<long, DeadLetterReason>();
        var lines = new List<string> { "id,path,label" };
        for (var i = 0; i < _files.Count; i++)
        {
            lines.Add($"{9001 + i},{_files[i].Path},bad");
            expected[9001 + i] = _files[i].Reason;
        }
        File.WriteAllLines(path, lines);
        return (path, expected);
    }

    private void Add(string name, byte[] bytes, DeadLetterReason reason)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        _files.Add((path, reason));
    }

    private static byte[] Png(int width, int height)
    {
        using var pixels = new Mat(height, width, MatType.CV_8UC3, Scalar.All(128));
        Cv2.ImEncode(".png", pixels, out var png);
        return png;
    }

    /// <summary>Rewrites the PNG header's width and height: the file stays small, its claim does not.</summary>
    private static byte[] ClaimingSize(byte[] png, uint width, uint height)
    {
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        return png;
    }
}
