using Xunit;

namespace ImageSearch.TestSupport;

/// <summary>
/// The one skip policy of the suite. A prerequisite that is not on this machine (no Docker engine for Milvus, no
/// Chromium, no RabbitMQ, no shared image data) skips the test with its reason and how to get it. One that is there but
/// broken (Chromium that fails to start, a RabbitMQ node that does not come up) fails the test with its error: a skip
/// must never hide a machine that should have run the test.
/// </summary>
public static class Prerequisite
{
    /// <summary>Skips the calling test when <paramref name="missing"/>, the reason, is not null.</summary>
    public static void Require(string? missing)
    {
        if (missing is not null)
            Assert.Skip(missing);
    }

    /// <summary>Null when <paramref name="path"/> exists; otherwise the reason, with how to install it.</summary>
    public static string? Installed(string path, string install) =>
        File.Exists(path) ? null : $"{path} is not installed ({install})";
}
