using System.Runtime.CompilerServices;

namespace ContractGen.Benchmarks;

/// <summary>The ContractGen workloads shared by the benchmarks and the probe.</summary>
internal static class Workloads
{
    /// <summary>Starts one call per slot of <paramref name="inFlight"/>, all before awaiting any, then awaits them in order.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<long> OutstandingAsync(IAdder adder, ValueTask<int>[] inFlight)
    {
        for (var i = 0; i < inFlight.Length; i++)
        {
            // Each ValueTask is awaited exactly once, below; holding them is the point (many calls in flight).
#pragma warning disable CA2012
            inFlight[i] = adder.AddAsync(1, i);
#pragma warning restore CA2012
        }

        long total = 0;
        for (var i = 0; i < inFlight.Length; i++)
        {
            total += await inFlight[i].ConfigureAwait(false);
            inFlight[i] = default;
        }

        return total;
    }

    /// <summary>What <see cref="OutstandingAsync"/> and <see cref="RawClient.AddPipelinedAsync"/> return for <paramref name="count"/> calls.</summary>
    public static long ExpectedOutstandingTotal(int count) => count + ((long)count * (count - 1) / 2);
}
