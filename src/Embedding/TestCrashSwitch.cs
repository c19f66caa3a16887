namespace ImageSearch.Embedding;

/// <summary>
/// TEST ONLY: lets the end-to-end tests make a real process die in the decoder as a native crash would. When the environment
/// variable <c>IMAGESEARCH_TEST_ABORT_ON</c> is set, a file whose name contains its value aborts the process just before
/// decoding. Unset (always, outside tests) it is read once at start and costs one null check per image.
/// </summary>
internal static class TestCrashSwitch
{
    public const string Variable = "IMAGESEARCH_TEST_ABORT_ON";

    private static readonly string? FileNamePart = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } part ? part : null;

    public static void AbortIfMarked(string path)
    {
        if (FileNamePart is not null && Path.GetFileName(path).Contains(FileNamePart, StringComparison.Ordinal))
            Environment.FailFast($"{Variable}: aborting on {path}, as a crashing native decoder would");
    }
}
