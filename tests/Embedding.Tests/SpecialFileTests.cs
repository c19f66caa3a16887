using System.Diagnostics;
using System.Net.Sockets;
using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Tests;

/// <summary>Only regular files are read; anything else is NotAFile at once, and nothing blocks or consumes data.</summary>
public sealed class SpecialFileTests(EmbedderFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ImageFileReader _reader = new(Options.Create(new EmbeddingOptions { AllowedRoots = [fixture.Scratch], ReadTimeout = Deadline }));

    private string NewPath(string name) => Path.Combine(fixture.Scratch, Guid.NewGuid().ToString("N")[..8] + "-" + name);

    private async Task<ImageRejectedException> Reject(string path)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ImageRejectedException>(async () => (await _reader.ReadAsync(path, Ct)).Dispose());
        Assert.True(clock.Elapsed < Deadline, $"took {clock.Elapsed}, the read deadline is {Deadline}");
        Assert.False(error.IsSourceTimeout);
        return error;
    }

    [Fact]
    public async Task FifoWithoutWriterIsNotAFileAndDoesNotBlock()
    {
        var error = await Reject(UnixFiles.MakeFifo(NewPath("pipe.jpg")));

        Assert.Equal(DeadLetterReason.NotAFile, error.Reason);
        Assert.Contains("a named pipe", error.Message);
    }

    [Fact]
    public async Task FifoWithWriterIsNotRead()
    {
        var path = UnixFiles.MakeFifo(NewPath("fed.jpg"));
        // Read-write, so that opening does not wait for a reader; the bytes wait in the pipe.
        using var writer = ReadTimeoutTests.Open(path, FileAccess.ReadWrite);
        var jpeg = TestImages.Jpeg(64, 64);
        writer.Write(jpeg);

        var error = await Reject(path);

        Assert.Equal(DeadLetterReason.NotAFile, error.Reason);
        var left = new byte[jpeg.Length];
        Assert.Equal(jpeg.Length, writer.Read(left)); // nothing was taken out of the pipe
    }

    [Fact]
    public async Task UnixSocketIsNotAFile()
    {
        var path = NewPath("socket.jpg");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();

        var error = await Reject(path);

        Assert.Equal(DeadLetterReason.NotAFile, error.Reason);
        Assert.Contains("a socket", error.Message);
    }

    [Fact]
    public async Task DeviceNodeInsideTheRootIsNotAFile()
    {
        var path = UnixFiles.MakeCharacterDevice(NewPath("device.jpg"), out var whyNot);
        Assert.SkipWhen(path is null, whyNot ?? "");

        var error = await Reject(path!);

        Assert.Equal(DeadLetterReason.NotAFile, error.Reason);
        Assert.Contains("a character device", error.Message);
    }

    [Fact]
    public async Task DirectoryNamedLikeAnImageIsNotAFile()
    {
        var error = await Reject(Directory.CreateDirectory(NewPath("x.jpg")).FullName);

        Assert.Equal(DeadLetterReason.NotAFile, error.Reason);
        Assert.Contains("a directory", error.Message);
    }

    [Fact]
    public async Task ZeroByteFileIsEmpty()
    {
        var error = await Reject(fixture.WriteFile(Path.GetFileName(NewPath("zero.jpg")), []));

        Assert.Equal(DeadLetterReason.FileEmpty, error.Reason);
    }

    [Fact]
    public async Task LinkToASpecialFileIsJudgedByWhatItLeadsTo()
    {
        var fifo = UnixFiles.MakeFifo(NewPath("target-pipe"));
        var link = NewPath("link.jpg");
        File.CreateSymbolicLink(link, fifo);

        var error = await Reject(link);

        Assert.Equal(DeadLetterReason.NotAFile, error.Reason);
    }
}
