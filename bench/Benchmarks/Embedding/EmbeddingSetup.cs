using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>What both embedding benchmarks share: options from the command line, a console logger, the machine's GPU.</summary>
internal static class EmbeddingSetup
{
    public static ILoggerFactory Logging { get; } = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));

    public static IOptions<EmbeddingOptions> Options(BenchmarkArguments args, int maxBatchSize = 32)
    {
        var options = new EmbeddingOptions
        {
            ExecutionProvider = args.Provider(),
            DeviceId = int.Parse(args.Get("device", "0")),
            MaxBatchSize = maxBatchSize,
        };
        if (args.Get("model", "") is { Length: > 0 } model)
            options.Model = model;
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    public static ImageEmbedder Embedder(IOptions<EmbeddingOptions> options, ModelDescriptor? model = null)
    {
        var decoder = new ImageDecoder(options);
        var logger = Logging.CreateLogger<ImageEmbedder>();
        return model is null ? new ImageEmbedder(options, decoder, logger) : new ImageEmbedder(options, model, decoder, logger);
    }

    /// <summary>The GPU's name from nvidia-smi, or null on a machine without one.</summary>
    public static string? GpuName()
    {
        try
        {
            using var smi = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name --format=csv,noheader") { RedirectStandardOutput = true, RedirectStandardError = true });
            var name = smi?.StandardOutput.ReadToEnd().Trim();
            smi?.WaitForExit();
            return string.IsNullOrEmpty(name) ? null : name.Split('\n')[0];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
