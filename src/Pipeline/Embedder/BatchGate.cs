namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Lets batches embed side by side (shared), or one batch alone in the process (exclusive): while an image is decoded behind
/// the crash marker, no other batch may be decoding, or a crash caused by another image would be blamed on it.
/// </summary>
/// <param name="capacity">Batches embedded at once (<see cref="EmbedderOptions.ConcurrencyLimit"/>), so a shared entry never waits on another.</param>
internal sealed class BatchGate(int capacity)
{
    private readonly SemaphoreSlim _slots = new(capacity, capacity);
    private readonly SemaphoreSlim _exclusive = new(1, 1);

    public async Task<IDisposable> EnterSharedAsync(CancellationToken cancellationToken)
    {
        // Not while a batch is alone or waiting to be: it gets the slots as the batches in progress hand them back.
        await _exclusive.WaitAsync(cancellationToken);
        _exclusive.Release();
        await _slots.WaitAsync(cancellationToken);
        return new Exit(() => _slots.Release());
    }

    /// <summary>Waits until every batch in progress is done and takes all the slots; exclusive entries queue one behind the other.</summary>
    public async Task<IDisposable> EnterExclusiveAsync(CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken);
        var taken = 0;
        try
        {
            for (; taken < capacity; taken++)
                await _slots.WaitAsync(cancellationToken);
        }
        catch
        {
            if (taken > 0)
                _slots.Release(taken);
            _exclusive.Release();
            throw;
        }
        return new Exit(() =>
        {
            _slots.Release(capacity);
            _exclusive.Release();
        });
    }

    private sealed class Exit(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
