namespace ImageSearch.Pipeline.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {seconds} s waiting until {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, int seconds = 30) =>
        HoldsAsync(() => Task.FromResult(condition()), what, seconds);
}
