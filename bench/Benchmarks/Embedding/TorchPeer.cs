using System.Diagnostics;
using System.Text.Json;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// Runs bench/peers/torch_cpu_peer.py (Debian's python3-torch, not a pip install) on a list of files and reads back its
/// images per second. Benchmarks only: nothing the product builds or tests needs torch.
/// </summary>
internal static class TorchPeer
{
    private const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(ServiceBuild.RepositoryRoot, "bench", "peers", "torch_cpu_peer.py");

    /// <summary>Null when the peer can run here; otherwise why not and how to install it.</summary>
    public static string? Missing()
    {
        if (!File.Exists(Python))
            return $"{Python} is not installed";
        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch, torchvision, PIL"]) { RedirectStandardError = true })!;
        probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : "the PyTorch peer needs Debian's python3-torch python3-torchvision python3-pil (apt-get install)";
    }

    /// <returns>Images per second from the first file read to the last vector (the model is warmed up before).</returns>
    public static double Run(IReadOnlyList<string> files, int batch)
    {
        var start = new ProcessStartInfo(Python, [Script, "--batch", batch.ToString()])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var peer = Process.Start(start)!;
        var errors = peer.StandardError.ReadToEndAsync();
        peer.StandardInput.Write(string.Join('\n', files));
        peer.StandardInput.Close();
        var output = peer.StandardOutput.ReadToEnd();
        peer.WaitForExit();
        if (peer.ExitCode != 0)
            throw new InvalidOperationException($"the PyTorch peer failed ({peer.ExitCode}): {errors.Result}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return json.RootElement.GetProperty("imagesPerSecond").GetDouble();
    }
}
