using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Squared L2 between two int8 codes (<see cref="VectorArena"/>'s growing-row codes): sign-extend to int16, subtract,
/// square and add pairs (vpmaddwd), so a 64-d code costs a couple of instructions where a 512-d float row costs 32 FMAs
/// and 32 times the memory. Differences stay within ±254, so int32 sums cannot overflow below 33,000 dimensions.
/// </summary>
internal static class CodeDistance
{
    public static int SquaredL2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var (i, sum, length) = (0, 0, Math.Min(a.Length, b.Length));
        if (Avx512BW.IsSupported)
        {
            var acc = Vector512<int>.Zero;
            for (; i + 32 <= length; i += 32)
            {
                var d = Avx512BW.Subtract(
                    Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, (nuint)i)),
                    Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref y, (nuint)i)));
                acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(d, d));
            }
            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported)
        {
            var acc = Vector256<int>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                var d = Avx2.Subtract(
                    Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)i)),
                    Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref y, (nuint)i)));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(d, d));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < length; i++)
        {
            var d = Unsafe.Add(ref x, i) - Unsafe.Add(ref y, i);
            sum += d * d;
        }
        return sum;
    }
}
