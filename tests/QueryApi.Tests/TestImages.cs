using OpenCvSharp;

namespace ImageSearch.QueryApi.Tests;

/// <summary>Images the tests make themselves (nothing here is copied data).</summary>
internal static class TestImages
{
    /// <summary>A JPEG of smooth colour gradients, different for each seed, so each one embeds to its own vector.</summary>
    public static byte[] Jpeg(int seed, int width = 320, int height = 240)
    {
        using var image = new Mat(height, width, MatType.CV_8UC3);
        var random = new Random(seed);
        var (a, b, c) = (random.Next(1, 7), random.Next(1, 7), random.Next(0, 255));
        image.SetTo(new OpenCvSharp.Scalar(c, 255 - c, 128));
        for (var i = 0; i < 6; i++)
            Cv2.Circle(image, new Point(random.Next(width), random.Next(height)), random.Next(20, 90),
                new OpenCvSharp.Scalar(random.Next(256), random.Next(256), random.Next(256)), -1);
        Cv2.Line(image, new Point(0, 0), new Point(width * a / 7, height * b / 7), OpenCvSharp.Scalar.White, 9);
        Cv2.ImEncode(".jpg", image, out var bytes);
        return bytes;
    }

    public static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
