using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Runs a blocking file read on a thread of <see cref="ReadThreads"/> and stops waiting for it after a timeout. A read from a dead network
/// mount can block in the kernel for minutes, uninterruptibly: it is abandoned, not cancelled. It is told to stop at its
/// next chunk, and when it does return, its file is closed and its buffer handed back then, never while it may still
/// write into it. At most <see cref="MaxAbandoned"/> abandoned reads may be outstanding: beyond that every read is refused
/// at once, so a dead mount cannot pile up threads. Thread-safe.
/// </summary>
internal sealed class ReadDeadline(TimeSpan timeout)
{
    /// <summary>Each abandoned read holds a thread until the kernel lets it go.</summary>
    public const int MaxAbandoned = 64;

    private int _abandoned;

    /// <summary>Reads given up on that have not returned yet.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <exception cref="ImageRejectedException">Timed out (<see cref="ImageRejectedException.IsSourceTimeout"/>), or what <paramref name="read"/> threw.</exception>
    public async ValueTask<EncodedImage> RunAsync(Func<CancellationToken, EncodedImage> read, string path, CancellationToken cancellationToken)
    {
        if (Abandoned >= MaxAbandoned)
            throw TimedOut($"{path} was not read: {Abandoned} earlier reads timed out and are still stuck");
        var giveUp = new CancellationTokenSource();
        var reading = ReadThreads.Run(() => read(giveUp.Token));
        try
        {
            // The deadline runs from the moment a read thread takes the read up: while reads stuck on a dead mount hold every
            // thread, a read from healthy storage waits its turn (a stuck read's thread is replaced once it times out).
            await reading.Started.WaitAsync(cancellationToken);
            var image = await reading.Task.WaitAsync(timeout, cancellationToken);
            giveUp.Dispose();
            return image;
        }
        catch (TimeoutException)
        {
            Abandon(reading, giveUp);
            throw TimedOut($"reading {path} timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(reading, giveUp);
            throw;
        }
        catch
        {
            giveUp.Dispose(); // the read finished (it threw), nothing is left running
            throw;
        }
    }

    private void Abandon(ReadThreads.Read reading, CancellationTokenSource giveUp)
    {
        Interlocked.Increment(ref _abandoned);
        reading.Abandon();
        giveUp.Cancel();
        reading.Task.ContinueWith(finished =>
        {
            if (finished.IsCompletedSuccessfully)
                finished.Result.Dispose();
            _ = finished.Exception; // observed: nobody waits for an abandoned read's failure
            giveUp.Dispose();
            Interlocked.Decrement(ref _abandoned);
        }, TaskScheduler.Default);
    }

    private static ImageRejectedException TimedOut(string what) =>
        new(DeadLetterReason.Unreadable, $"{what}; its storage is slow or not answering") { IsSourceTimeout = true };
}
