using System.Diagnostics;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>Fills a collection with synthetic records <c>0..size-1</c> in batches, timing only the store's UpsertAsync.</summary>
internal static class StoreLoad
{
    /// <summary>
    /// Upserts each batch into every store, in turns (the first store goes first on even batches, last on odd ones), so
    /// that stores compared side by side meet the same machine load; returns the milliseconds each batch spent in each
    /// store's UpsertAsync. <paramref name="observe"/> sees each batch first.
    /// </summary>
    public static async Task<double[][]> UpsertAsync(IReadOnlyList<EmbeddedVectorStore> stores, string collection, SyntheticVectors vectors,
        int size, int batchSize, Action<VectorRecord[]>? observe, CancellationToken cancellationToken)
    {
        var milliseconds = stores.Select(_ => new List<double>()).ToArray();
        for (var start = 0; start < size; start += batchSize)
        {
            var batch = vectors.Records(start, Math.Min(batchSize, size - start));
            observe?.Invoke(batch);
            var order = Enumerable.Range(0, stores.Count);
            foreach (var s in start / batchSize % 2 == 0 ? order : order.Reverse())
            {
                var write = Stopwatch.GetTimestamp();
                await stores[s].UpsertAsync(collection, batch, cancellationToken);
                milliseconds[s].Add(Stopwatch.GetElapsedTime(write).TotalMilliseconds);
            }
        }
        return milliseconds.Select(m => m.ToArray()).ToArray();
    }

    /// <summary>Rows per second spent inside UpsertAsync.</summary>
    public static double Rate(int rows, double[] batchMilliseconds) => rows / (batchMilliseconds.Sum() / 1000);
}
