using System.Text.Json;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.Pipeline.Embedder;
using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Tests.Embedder;

/// <summary>The crash markers and records behind <see cref="CrashIsolation"/>, with dead letters going into a real journal.</summary>
public sealed class CrashIsolationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMarkerLeftByADeadProcessBecomesItsImagesDeadLetterOnce()
    {
        using var folder = new TempFolder();
        var crashes = Path.Combine(folder.Path, "crashes");
        Directory.CreateDirectory(crashes);
        await using var recorder = await InMemoryRecorderAsync(folder.Path);
        using var isolation = new CrashIsolation(Options.Create(new EmbedderOptions { CrashTrackingPath = crashes }), NullLogger<CrashIsolation>.Instance);
        var poison = new EmbedImage(7, "/photos/poison.jpg", "cats", null, 2);
        var innocent = new EmbedImage(8, "/photos/innocent.jpg");
        // What dead processes leave: a marker naming the image in hand, one from before a reboot, one emptied between images.
        WriteMarker(crashes, "decoding-101-a.json", poison, DecodeMarkerEntry.CurrentBoot);
        WriteMarker(crashes, "decoding-102-b.json", innocent, "an-earlier-boot");
        File.WriteAllText(Path.Combine(crashes, "decoding-103-c.json"), "");
        // A live process's marker: open and locked.
        using var live = new DecodeMarker(crashes);
        live.Set(new EmbedImage(9, "/photos/in-hand.jpg"));

        Assert.Equal(1, await isolation.DeadLetterOrphansAsync(recorder.Bus, Cancel));
        Assert.Equal(0, await isolation.DeadLetterOrphansAsync(recorder.Bus, Cancel));

        await Eventually.HoldsAsync(async () => (await recorder.DeadLettersAsync(Cancel)).Count > 0, "the dead letter is recorded");
        var letter = Assert.Single(await recorder.DeadLettersAsync(Cancel));
        Assert.Equal((7L, "cats", PipelineStage.Embed, DeadLetterReason.DecoderCrashed, 2), (letter.ImageId, letter.Label, letter.Stage, letter.Reason, letter.Attempts));
        Assert.Contains("embedder process 101", letter.Message);
        Assert.True(isolation.HasCrashed(poison));
        Assert.False(isolation.HasCrashed(poison with { Attempt = 3 }), "a replay is tried afresh");
        Assert.False(isolation.HasCrashed(innocent), "a machine that went down blames no image");
        Assert.Equal([live.FilePath], Directory.GetFiles(crashes, DecodeMarker.FilePattern));
    }

    [Fact]
    public async Task AMarkerIsEmptyBetweenImagesAndGoneAfterANormalStop()
    {
        using var folder = new TempFolder();
        string path;
        using (var marker = new DecodeMarker(folder.Path))
        {
            marker.Set(new EmbedImage(5, "/photos/five.jpg"));
            path = marker.FilePath!;
            marker.Clear();
            Assert.Equal(0, new FileInfo(path).Length);
            marker.Set(new EmbedImage(6, "/photos/six.jpg"));
            // Another process cannot take it over while this one lives.
            Assert.Throws<IOException>(() => new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ABatchEntersAloneOnceTheOthersAreDoneAndKeepsNewOnesWaiting()
    {
        var gate = new BatchGate(2);
        var first = await gate.EnterSharedAsync(Cancel);
        var second = await gate.EnterSharedAsync(Cancel);

        var alone = gate.EnterExclusiveAsync(Cancel);
        first.Dispose();
        var later = gate.EnterSharedAsync(Cancel);
        Assert.False(alone.IsCompleted, "a batch still embeds");
        second.Dispose();
        var exclusive = await alone.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        Assert.False(later.IsCompleted, "no batch enters beside one that is alone");
        exclusive.Dispose();
        (await later.WaitAsync(TimeSpan.FromSeconds(10), Cancel)).Dispose();
    }

    private static void WriteMarker(string folder, string name, EmbedImage image, string bootId) =>
        File.WriteAllBytes(Path.Combine(folder, name),
            JsonSerializer.SerializeToUtf8Bytes(new DecodeMarkerEntry(image, int.Parse(name.Split('-')[1]), "host-a", bootId, DateTimeOffset.UtcNow)));

    private static Task<PipelineHost> InMemoryRecorderAsync(string folder) =>
        PipelineHost.StartAsync(folder, new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" }, builder =>
        {
            builder.AddDeadLetterJournal();
            builder.AddMessageBus(bus => bus.AddDeadLetterRecorder());
        }, Cancel);
}
