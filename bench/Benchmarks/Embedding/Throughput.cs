using System.Diagnostics;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// Images per second of a repeated action: one warm-up pass, then the best of three timed rounds (the machines are shared,
/// so the best round is the closest to what the code can do; compare rows of one run, not across runs).
/// </summary>
internal static class Throughput
{
    private const int Rounds = 3;

    public static TimeSpan MinimumTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <param name="pass">Processes some images and returns how many.</param>
    public static double Measure(Func<int> pass) => MeasureAsync(() => Task.FromResult(pass())).GetAwaiter().GetResult();

    public static async Task<double> MeasureAsync(Func<Task<int>> pass)
    {
        await pass();
        var best = 0.0;
        for (var round = 0; round < Rounds; round++)
        {
            var images = 0;
            var clock = Stopwatch.StartNew();
            do images += await pass();
            while (clock.Elapsed < MinimumTime / Rounds);
            best = Math.Max(best, images / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>Runs <paramref name="work"/> for every item on <paramref name="threads"/> threads.</summary>
    public static int ForEach<T>(IReadOnlyList<T> items, int threads, Action<T> work)
    {
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => work(items[i]));
        return items.Count;
    }
}
