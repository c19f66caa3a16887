using System.Diagnostics;

namespace ImageSearch.Evaluation.Tests;

/// <summary>The evaluate tool run as a user runs it, from its own build, on the repository's sample photos.</summary>
public sealed class EvaluateCommandTests
{
    private static readonly ServiceBuild Evaluate = new("Evaluate");
    private static readonly string Samples = Path.Combine(ServiceBuild.RepositoryRoot, "samples", "images");

    [Fact]
    public async Task CodelabRunWritesTheTablesAndTheirFiles()
    {
        using var folder = new TempFolder();
        var gallery = folder.File("gallery.csv",
            $"id,path,label\n1,{Samples}/apple.jpg,fruit\n2,{Samples}/aero1.jpg,plane\n3,{Samples}/baboon.jpg,animal\n");
        Directory.CreateDirectory(Path.Combine(folder.Path, "queries", "plane"));
        File.Copy(Path.Combine(Samples, "aero3.jpg"), Path.Combine(folder.Path, "queries", "plane", "aero3.jpg"));
        var output = Path.Combine(folder.Path, "out");

        var (exitCode, stdout, stderr) = await RunAsync("codelab", "--gallery", gallery, "--queries", Path.Combine(folder.Path, "queries"),
            "--config", "gap", "--config", "rp64;Embedding:Projection:Dimension=64", "--out", output, "--Embedding:MaxBatchSize=4");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("| gap | resnet18 | 512 | 2,048 | 2,560 | codelab | 1 | 0 |", stdout);
        Assert.Contains("| rp64 | resnet18+rp64s42 | 64 | 256 | 320 | codelab | 1 | 0 |", stdout);
        Assert.Equal(stdout.Trim(), File.ReadAllText(Path.Combine(output, "evaluation.md")).Trim());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "evaluation.csv")).Length);
    }

    [Fact]
    public async Task ABadGalleryRowStopsTheRunBeforeEmbeddingWithExitCode2()
    {
        using var folder = new TempFolder();
        var gallery = folder.File("gallery.csv", $"1,{Samples}/apple.jpg,fruit\n2,{Samples}/aero1.jpg,\n");
        folder.File("queries/fruit/x.jpg");

        var (exitCode, _, stderr) = await RunAsync("codelab", "--gallery", gallery, "--queries", Path.Combine(folder.Path, "queries"));

        Assert.Equal(2, exitCode);
        Assert.Contains($"error: {gallery}:2: field 3 is empty", stderr);
    }

    [Fact]
    public async Task AnUnknownOptionInAConfigurationIsRefusedByName()
    {
        var (exitCode, _, stderr) = await RunAsync("near-duplicates", "--source", Samples, "--config", "typo;Embedding:Projection:Dimensoin=64");

        Assert.Equal(2, exitCode);
        Assert.Contains("configuration 'typo'", stderr);
        Assert.Contains("Dimensoin", stderr);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Evaluate.Assembly);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
