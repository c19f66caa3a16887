using System.Runtime.InteropServices;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The C API of USearch (libusearch_c, shipped by the Cloud.Unum.USearch package). Bound directly because the package's
/// managed wrapper grows capacity without locking (concurrent adds crash), cannot change ef after load, and has no
/// filtered search or memory figure. Layouts follow c/usearch.h of the 2.x line.
/// </summary>
internal static unsafe partial class UsearchNative
{
    private const string Library = "libusearch_c";

    internal enum MetricKind { Unknown = 0, Cos = 1, Ip = 2, L2sq = 3 }

    internal enum ScalarKind { Unknown = 0, F32 = 1, F64 = 2, F16 = 3, I8 = 4, B1 = 5, BF16 = 6 }

    [StructLayout(LayoutKind.Sequential)]
    internal struct InitOptions
    {
        public MetricKind MetricKind;
        public nint Metric;
        public ScalarKind Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi; // C bool; byte keeps the struct blittable
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    internal static partial nint Init(InitOptions* options, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    internal static partial void Free(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Save(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Load(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    internal static partial nuint Size(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    internal static partial nuint Capacity(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    internal static partial nuint Dimensions(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_memory_usage")]
    internal static partial nuint MemoryUsage(nint index, out nint error);

    /// <summary>The SIMD target the index's distance kernel was dispatched to (e.g. "icelake", "skylake", "serial").</summary>
    [LibraryImport(Library, EntryPoint = "usearch_hardware_acceleration")]
    internal static partial nint HardwareAcceleration(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    internal static partial void Reserve(nint index, nuint capacity, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    internal static partial void ChangeExpansionSearch(nint index, nuint expansion, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    internal static partial void ChangeThreadsAdd(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    internal static partial void ChangeThreadsSearch(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    internal static partial void Add(nint index, ulong key, void* vector, ScalarKind kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_contains")]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool Contains(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    internal static partial nuint Remove(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    internal static partial nuint Search(
        nint index, void* query, ScalarKind kind, nuint count, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_filtered_search")]
    internal static partial nuint FilteredSearch(
        nint index, void* query, ScalarKind kind, nuint count,
        delegate* unmanaged[Cdecl]<ulong, void*, int> filter, void* filterState,
        ulong* keys, float* distances, out nint error);

    /// <summary>Throws when the last call reported an error (a static C string owned by the library).</summary>
    internal static void Check(nint error, string operation)
    {
        if (error != 0)
            throw new InvalidOperationException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
    }
}
