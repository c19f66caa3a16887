namespace ImageSearch.VectorStore.Tests;

/// <summary>Waits on real state instead of fixed sleeps (the same helper as the other test projects').</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {seconds} s waiting until {what}");
            await Task.Delay(20, Xunit.TestContext.Current.CancellationToken);
        }
    }
}
