using System.Runtime.CompilerServices;

namespace ContractGen.Benchmarks;

/// <summary>The shapes of load shared by the benchmarks and the probe.</summary>
internal static class Workloads
{
    /// <summary>Calls per invocation in the sequential benchmarks.</summary>
    public const int SequentialCalls = 32;

    /// <summary>Calls per invocation in the throughput benchmarks, whatever the shape.</summary>
    public const int ThroughputCalls = 64;

    /// <summary>Connections in <see cref="Load.EightConnections"/>.</summary>
    public const int Connections = 8;

    /// <summary>What <see cref="BenchClient.BurstAsync"/> returns for <paramref name="count"/> calls.</summary>
    public static long ExpectedBurstTotal(int count) => count + ((long)count * (count - 1) / 2);

    /// <summary>
    /// <see cref="SequentialCalls"/> calls of <paramref name="workload"/>, each awaited before the next; throws on a
    /// wrong answer.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> SequentialAsync(BenchClient client, Workload workload, int calls)
    {
        var checksum = 0;
        for (var i = 0; i < calls; i++)
        {
            var answer = await client.CallAsync(workload, i).ConfigureAwait(false);
            if (answer != BenchClient.Expected(workload, i))
            {
                throw new InvalidOperationException($"{workload} call {i} answered {answer}, expected {BenchClient.Expected(workload, i)}.");
            }

            checksum += answer;
        }

        return checksum;
    }

    /// <summary>
    /// <see cref="ThroughputCalls"/> <c>Add</c> calls in the shape <paramref name="load"/>: bursts of 16 or 64 calls
    /// in flight on one connection, or a burst of 8 on each of 8 connections at once. Throws on a wrong total.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<long> ThroughputAsync(Load load, BenchClient[] clients, ValueTask<int>[][] inFlight, ValueTask<long>[] bursts)
    {
        long total = 0;
        switch (load)
        {
            case Load.Outstanding16:
            case Load.Outstanding64:
                var slots = load == Load.Outstanding16 ? inFlight[1] : inFlight[0];
                for (var done = 0; done < ThroughputCalls; done += slots.Length)
                {
                    total += Check(await clients[0].BurstAsync(slots).ConfigureAwait(false), slots.Length);
                }

                break;

            default:
                for (var c = 0; c < Connections; c++)
                {
                    // Started together: each burst sends its calls before its first await.
#pragma warning disable CA2012
                    bursts[c] = clients[c].BurstAsync(inFlight[2 + c]);
#pragma warning restore CA2012
                }

                for (var c = 0; c < Connections; c++)
                {
                    total += Check(await bursts[c].ConfigureAwait(false), ThroughputCalls / Connections);
                    bursts[c] = default;
                }

                break;
        }

        return total;

        static long Check(long sum, int count)
            => sum == ExpectedBurstTotal(count) ? sum : throw new InvalidOperationException($"A burst of {count} calls added up to {sum}, expected {ExpectedBurstTotal(count)}.");
    }

    /// <summary>The in-flight slots <see cref="ThroughputAsync"/> uses: [0] 64, [1] 16, [2..9] 8 per connection.</summary>
    public static ValueTask<int>[][] CreateSlots()
    {
        var slots = new ValueTask<int>[2 + Connections][];
        slots[0] = new ValueTask<int>[64];
        slots[1] = new ValueTask<int>[16];
        for (var c = 0; c < Connections; c++)
        {
            slots[2 + c] = new ValueTask<int>[ThroughputCalls / Connections];
        }

        return slots;
    }
}

/// <summary>How many calls are in flight, on how many connections.</summary>
public enum Load
{
    /// <summary>16 calls in flight on one connection (four bursts per invocation).</summary>
    Outstanding16,

    /// <summary>64 calls in flight on one connection.</summary>
    Outstanding64,

    /// <summary>8 connections, 8 calls in flight on each (64 in all).</summary>
    EightConnections,
}
