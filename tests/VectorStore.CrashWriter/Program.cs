using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

// Usage: CrashWriter <store-dir> <collection> <dimension> [batch] [ef-construction]
// Upserts batches of deterministic records forever; prints "acked <first> <last> <unindexed>" after each upsert returned,
// where <unindexed> is how many rows the background graph builder had not indexed yet at that moment.
// The crash test kills it with SIGKILL at a random moment and checks every acknowledged record survived.
var (directory, collection, dimension) = (args[0], args[1], int.Parse(args[2]));
var batchSize = args.Length > 3 ? int.Parse(args[3]) : 10;
var store = new EmbeddedVectorStore(new EmbeddedStoreOptions
{
    Path = directory,
    HnswThreshold = 500,          // cross into HNSW and take snapshots while running, so a kill can land anywhere
    SnapshotEveryChanges = 700,
    // A costlier graph (the test's choice) keeps the builder behind ingest, so a kill lands mid-build with rows growing.
    Hnsw = { EfConstruction = args.Length > 4 ? int.Parse(args[4]) : new HnswOptions().EfConstruction },
});
await store.EnsureCollectionAsync(new CollectionSpec(collection, dimension, "crash-test"), CancellationToken.None);
for (long next = 0; ; next += batchSize)
{
    var batch = Enumerable.Range(0, batchSize).Select(i => CrashRecords.Make(next + i, dimension)).ToArray();
    await store.UpsertAsync(collection, batch, CancellationToken.None);
    Console.Out.WriteLine($"acked {next} {next + batchSize - 1} {store.UnindexedRows(collection)}");
    Console.Out.Flush();
}
