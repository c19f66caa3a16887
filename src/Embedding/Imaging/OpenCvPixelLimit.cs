using System.Runtime.InteropServices;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// OpenCV's own limit on the pixels of an image it decodes, a second line of defence behind <see cref="ImageHeaderReader"/>
/// should a header ever fool it. OpenCV reads <c>OPENCV_IO_MAX_IMAGE_PIXELS</c> once, when its library is loaded (a
/// static initialiser), so it must be in the native environment before the first OpenCV call of the process: .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the native environment on Unix, so
/// libc's <c>setenv</c> is called. The first value set in a process stays; <see cref="ImageDecoder"/> sets it from
/// <see cref="EmbeddingOptions.MaxPixels"/> when it is created, which hosts do before anything else touches OpenCV.
/// </summary>
internal static partial class OpenCvPixelLimit
{
    public const string Variable = "OPENCV_IO_MAX_IMAGE_PIXELS";

    private static readonly Lock Gate = new();
    private static bool _set;

    public static void Apply(long maxPixels)
    {
        lock (Gate)
        {
            if (_set)
                return;
            _set = true;
            if (setenv(Variable, maxPixels.ToString(System.Globalization.CultureInfo.InvariantCulture), 1) != 0)
                throw new InvalidOperationException($"cannot set {Variable}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
