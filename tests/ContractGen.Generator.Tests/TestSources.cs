namespace ContractGen.Generator.Tests;

/// <summary>Contracts shared by several test classes.</summary>
internal static class TestSources
{
    /// <summary>The clock contract of the original issue: a packable result, a long result, a cancellable reset.</summary>
    public const string Clock = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;
        using MemoryPack;

        namespace Example.Clock;

        [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
        public partial interface IClock
        {
            // Reads the clock in a time zone.
            ValueTask<ClockReading> NowAsync(string zone, CancellationToken ct = default);

            ValueTask<long> AddAsync(long a, long b);

            Task ResetAsync(CancellationToken ct);
        }

        [MemoryPackable]
        public sealed partial record ClockReading(string Zone, DateTimeOffset Time, long CallsServed);
        """;

    /// <summary>A file that has nothing to do with any contract.</summary>
    public const string Unrelated = """
        namespace Example.Other;

        public static class Helpers
        {
            public static int Twice(int value) => value * 2;
        }
        """;
}
