using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static ImageSearch.VectorStore.Embedded.UsearchNative;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// One USearch HNSW graph keyed by record id. USearch allows concurrent adds and searches but not while capacity
/// grows, so <see cref="CollectionIndex"/> calls <see cref="EnsureCapacity"/> and <see cref="Remove"/> under its write
/// lock and searches under its read lock, while its <see cref="GraphBuilder"/> calls <see cref="Add"/> without a lock.
/// </summary>
internal sealed unsafe partial class HnswGraph : IDisposable
{
    /// <summary>
    /// USearch's thread slots (one context and one cast buffer each). A caller that finds none free is not made to wait:
    /// it runs with an invalid slot, which fails the search or writes its cast vector out of bounds. So every add and
    /// search holds one of these first.
    /// </summary>
    private static readonly int ThreadSlots = Math.Max(2 * Environment.ProcessorCount, 8);

    private readonly SemaphoreSlim _slots = new(ThreadSlots, ThreadSlots);
    private nint _handle;

    private readonly bool _int8;

    private HnswGraph(nint handle, int dimension, GraphProjection? projection, bool int8)
    {
        (_handle, Dimension, Projection, _int8) = (handle, dimension, projection, int8);
    }

    /// <summary>The vectors' dimension (the graph's own is the projection's, if it has one).</summary>
    public int Dimension { get; }

    /// <summary>What the graph holds of each vector, when not the vector itself (saved with it in a snapshot).</summary>
    public GraphProjection? Projection { get; }

    public int Count => (int)Call(static (h, out e) => Size(h, out e), "size");

    public long MemoryBytes => (long)Call(static (h, out e) => MemoryUsage(h, out e), "memory_usage");

    /// <summary>Which SIMD kernel USearch measures distances with on this CPU ("serial" would mean none).</summary>
    public string Acceleration => Marshal.PtrToStringUTF8((nint)Call(static (h, out e) => (nuint)HardwareAcceleration(h, out e), "hardware_acceleration")) ?? "";

    public static HnswGraph Create(int dimension, DistanceMetric metric, HnswParameters parameters, int efSearch, GraphProjection? projection)
    {
        var options = new InitOptions
        {
            MetricKind = metric == DistanceMetric.Cosine && projection is null ? MetricKind.Cos : MetricKind.L2sq,
            Quantization = parameters.Quantization switch
            {
                HnswQuantization.F32 => ScalarKind.F32,
                HnswQuantization.F16 => ScalarKind.F16,
                HnswQuantization.BF16 => ScalarKind.BF16,
                HnswQuantization.I8 => ScalarKind.I8,
                _ => throw new ArgumentOutOfRangeException(nameof(parameters)),
            },
            Dimensions = (nuint)(projection?.Dimension ?? dimension),
            Connectivity = (nuint)parameters.M,
            ExpansionAdd = (nuint)parameters.EfConstruction,
            ExpansionSearch = (nuint)efSearch,
        };
        var handle = Init(&options, out var error);
        Check(error, "init");
        var graph = new HnswGraph(handle, dimension, projection, parameters.Quantization == HnswQuantization.I8);
        graph.ConfigureThreads();
        return graph;
    }

    /// <summary>Loads a saved graph into a graph created with the same parameters; throws if the file is unreadable.</summary>
    public static HnswGraph Load(string file, int dimension, DistanceMetric metric, HnswParameters parameters, int efSearch, GraphProjection? projection)
    {
        var graph = Create(dimension, metric, parameters, efSearch, projection);
        try
        {
            UsearchNative.Load(graph._handle, file, out var error);
            Check(error, "load");
            if ((int)Dimensions(graph._handle, out error) != (projection?.Dimension ?? dimension))
                throw new InvalidOperationException($"snapshot {file} has another dimension");
            ChangeExpansionSearch(graph._handle, (nuint)efSearch, out error);
            Check(error, "change_expansion_search");
            graph.ConfigureThreads();
            return graph;
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    public void Save(string file)
    {
        UsearchNative.Save(_handle, file, out var error);
        Check(error, "save");
    }

    /// <summary>Grows geometrically so a stream of small batches does not re-allocate each time.</summary>
    public void EnsureCapacity(int needed)
    {
        var capacity = (long)Capacity(_handle, out var error);
        Check(error, "capacity");
        if (needed <= capacity)
            return;
        Reserve(_handle, (nuint)Math.Max(needed, Math.Max(1024, capacity * 2)), out error);
        Check(error, "reserve");
        ConfigureThreads(); // usearch_reserve resets the slots to the number of cores
    }

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        _slots.Wait();
        try
        {
            nint error;
            if (Projection is null)
            {
                fixed (float* v = vector)
                    UsearchNative.Add(_handle, (ulong)id, v, ScalarKind.F32, out error);
            }
            else
            {
                Span<byte> projected = stackalloc byte[Projection.Dimension * sizeof(float)];
                var kind = Projection.Write(vector, projected, _int8);
                fixed (byte* v = projected)
                    UsearchNative.Add(_handle, (ulong)id, v, kind, out error);
            }
            Check(error, "add");
        }
        finally
        {
            _slots.Release();
        }
    }

    public bool Contains(long id)
    {
        var found = UsearchNative.Contains(_handle, (ulong)id, out var error);
        Check(error, "contains");
        return found;
    }

    public bool Remove(long id)
    {
        if (!UsearchNative.Contains(_handle, (ulong)id, out var error))
            return false;
        UsearchNative.Remove(_handle, (ulong)id, out error);
        Check(error, "remove");
        return true;
    }

    /// <summary>More slots than cores, so the builder's adds on every core leave slots for concurrent searches.</summary>
    private void ConfigureThreads()
    {
        var threads = (nuint)ThreadSlots;
        ChangeThreadsAdd(_handle, threads, out var error);
        Check(error, "change_threads_add");
        ChangeThreadsSearch(_handle, threads, out error);
        Check(error, "change_threads_search");
    }

    private delegate nuint NativeQuery(nint handle, out nint error);

    private nuint Call(NativeQuery query, string operation)
    {
        var result = query(_handle, out var error);
        Check(error, operation);
        return result;
    }

    public void Dispose()
    {
        if (_handle == 0)
            return;
        Free(_handle, out _);
        _handle = 0;
    }
}
