using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// The store's HNSW adds alone (<see cref="HnswGraph"/>, the product's own binding of USearch), without SQLite, the arena,
/// locks or searches around them: several graphs fed the same 512-d <c>structured</c> rows, each 10,000-row chunk to
/// every graph in turn, so load from other jobs on the machine falls on all of them alike and their ratios hold. Each graph
/// projects the rows (fitted on 5,000 of them, as the store does) to its dimensions and stores them as its scalar kind.
/// Reports rows per second of wall time and CPU microseconds per row (process CPU while that graph's chunk was added).
/// Options: --graphs 128:I8:2:1000000,64:I8:2:1000000,... (dimensions:quantization:threads:rows) --m 16 --ef-construction 40
/// </summary>
public sealed class GraphAddBenchmark : IBenchmark
{
    private const int Chunk = 10_000;
    private static readonly int[] Marks = [100_000, 250_000, 500_000, 750_000, 1_000_000];

    public string Name => "store-graph";

    public string Description => "HNSW adds alone through the store's USearch binding: rows/s and CPU per row by graph dimensions, scalar kind and threads";

    private sealed record Graph(int Dimensions, HnswQuantization Quantization, int Threads, int Rows, HnswGraph Index)
    {
        public string Label => $"{Dimensions}-d {Quantization}, {Threads} thread{(Threads > 1 ? "s" : "")}";
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var (m, efConstruction) = (arguments.Integer("m", 16), arguments.Integer("ef-construction", 40));
        var vectors = new SyntheticVectors("structured", 512, seed: 42);
        var sample = Enumerable.Range(0, 5_000).Select(i => vectors.Make(i * 200L)).ToArray();
        var graphs = arguments.Get("graphs", "128:I8:2:1000000,64:I8:2:1000000,128:F16:2:500000,64:F16:2:500000,128:F32:2:500000,64:F32:2:500000,128:I8:1:250000,64:I8:1:250000")
            .Split(',').Select(spec => spec.Split(':')).Select(p =>
            {
                var (dimensions, quantization) = (int.Parse(p[0], CultureInfo.InvariantCulture), Enum.Parse<HnswQuantization>(p[1], ignoreCase: true));
                var projection = GraphProjection.Fit(sample, dimensions, DistanceMetric.Cosine) ?? throw new InvalidOperationException($"no {dimensions}-d projection");
                var index = HnswGraph.Create(512, DistanceMetric.Cosine, new HnswParameters(m, efConstruction, quantization, dimensions), 64, projection);
                return new Graph(dimensions, quantization, int.Parse(p[2], CultureInfo.InvariantCulture), int.Parse(p[3], CultureInfo.InvariantCulture), index);
            }).ToArray();
        var table = new StringBuilder("| rows | graph | rows/s (wall) | CPU µs per row | graph MB |\n|---|---|---:|---:|---:|\n");
        var (wall, cpu) = (new double[graphs.Length], new double[graphs.Length]);
        var rows = new float[Chunk][];
        using var process = Process.GetCurrentProcess();
        for (var start = 0; start < graphs.Max(g => g.Rows); start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Parallel.For(0, Chunk, i => rows[i] = vectors.Make(start + i));
            for (var g = 0; g < graphs.Length; g++)
            {
                if (start >= graphs[g].Rows)
                    continue;
                var (graph, first) = (graphs[g].Index, start);
                graph.EnsureCapacity(start + Chunk);
                process.Refresh();
                var (cpu0, clock) = (process.TotalProcessorTime, Stopwatch.StartNew());
                var sequential = Math.Clamp(2_000 - start, 0, Chunk); // as GraphBuilder: the first rows one at a time
                for (var i = 0; i < sequential; i++)
                    graph.Add(first + i, rows[i]);
                Parallel.For(sequential, Chunk, new ParallelOptions { MaxDegreeOfParallelism = graphs[g].Threads }, i => graph.Add(first + i, rows[i]));
                wall[g] += clock.Elapsed.TotalSeconds;
                process.Refresh();
                cpu[g] += (process.TotalProcessorTime - cpu0).TotalSeconds;
            }
            var done = start + Chunk;
            if (!Marks.Contains(done))
                continue;
            var since = done - Marks.LastOrDefault(x => x < done);
            for (var g = 0; g < graphs.Length; g++)
            {
                if (done > graphs[g].Rows)
                    continue;
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"| {done:N0} | {graphs[g].Label} | {since / wall[g]:N0} | {cpu[g] / since * 1e6:N0} | {graphs[g].Index.MemoryBytes / 1e6:N0} |");
                Console.WriteLine(line);
                table.AppendLine(line);
            }
            (wall, cpu) = (new double[graphs.Length], new double[graphs.Length]);
        }
        var acceleration = string.Join(", ", graphs.Select(g => $"{g.Quantization} {g.Index.Acceleration}").Distinct());
        foreach (var g in graphs)
            g.Index.Dispose();
        BenchmarkReport.Write("store-graph", $"""
            ### HNSW adds alone (`store-graph`)

            `dotnet run -c Release --project bench/Benchmarks -- store-graph`. The store's `HnswGraph` (USearch 2.26.6 C API) without the store:
            512-d `structured` rows projected to the graph's dimensions, M={m}, efConstruction={efConstruction}, each 10,000-row chunk to every graph in
            turn (so other load on the machine falls on all alike). Rows/s and CPU per row over the rows since the previous line. Distance kernels: {acceleration}.

            {table}
            """);
        return Task.FromResult(0);
    }
}
