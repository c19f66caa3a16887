namespace ImageSearch.TestSupport;

/// <summary>Waits on real state instead of fixed sleeps.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, double seconds = 30)
    {
        var cancellationToken = Xunit.TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {seconds} s waiting until {what}");
            await Task.Delay(50, cancellationToken);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, double seconds = 30) =>
        HoldsAsync(() => Task.FromResult(condition()), what, seconds);
}
