using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

// Usage: CrashWriter <store-dir> <collection> <dimension>
// Upserts batches of 10 deterministic records forever; prints "acked <first> <last>" after each upsert returned.
// The crash test kills it with SIGKILL at a random moment and checks every acknowledged record survived.
var (directory, collection, dimension) = (args[0], args[1], int.Parse(args[2]));
var store = new EmbeddedVectorStore(new EmbeddedStoreOptions
{
    Path = directory,
    HnswThreshold = 500,          // cross into HNSW and take snapshots while running, so a kill can land anywhere
    SnapshotEveryChanges = 700,
});
await store.EnsureCollectionAsync(new CollectionSpec(collection, dimension, "crash-test"), CancellationToken.None);
for (long next = 0; ; next += 10)
{
    var batch = Enumerable.Range(0, 10).Select(i => CrashRecords.Make(next + i, dimension)).ToArray();
    await store.UpsertAsync(collection, batch, CancellationToken.None);
    Console.Out.WriteLine($"acked {next} {next + 9}");
    Console.Out.Flush();
}
