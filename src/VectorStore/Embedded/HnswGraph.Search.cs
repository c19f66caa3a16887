using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static ImageSearch.VectorStore.Embedded.UsearchNative;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>Searching the graph: the query in the graph's form, optionally filtered by a predicate on ids.</summary>
internal sealed unsafe partial class HnswGraph
{
    /// <summary>Nearest ids, closest first. <paramref name="filter"/>, when given, is asked about each candidate id.</summary>
    public int Search(ReadOnlySpan<float> query, int k, Span<long> ids, Span<float> distances, Func<long, bool>? filter = null)
    {
        _slots.Wait();
        try
        {
            if (Projection is null)
            {
                fixed (float* q = query)
                    return SearchInSlot(q, ScalarKind.F32, k, ids, distances, filter);
            }
            Span<byte> projected = stackalloc byte[Projection.Dimension * sizeof(float)];
            var kind = Projection.Write(query, projected, _int8);
            fixed (byte* q = projected)
                return SearchInSlot(q, kind, k, ids, distances, filter);
        }
        finally
        {
            _slots.Release();
        }
    }

    private int SearchInSlot(void* q, ScalarKind kind, int k, Span<long> ids, Span<float> distances, Func<long, bool>? filter)
    {
        nint error;
        nuint found;
        fixed (long* keys = ids)
        fixed (float* d = distances)
        {
            if (filter is null)
            {
                found = UsearchNative.Search(_handle, q, kind, (nuint)k, (ulong*)keys, d, out error);
            }
            else
            {
                var state = GCHandle.Alloc(filter);
                try
                {
                    found = FilteredSearch(_handle, q, kind, (nuint)k, &Accept, (void*)GCHandle.ToIntPtr(state),
                        (ulong*)keys, d, out error);
                }
                finally
                {
                    state.Free();
                }
            }
        }
        Check(error, "search");
        return (int)found;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Accept(ulong key, void* state)
    {
        // An exception must not unwind through native frames: treat a failing filter as "reject".
        try
        {
            return ((Func<long, bool>)GCHandle.FromIntPtr((nint)state).Target!)((long)key) ? 1 : 0;
        }
        catch
        {
            return 0;
        }
    }
}
