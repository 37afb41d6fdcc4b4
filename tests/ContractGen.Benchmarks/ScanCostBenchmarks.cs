using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using ContractGen.Protocol;
using MemoryPack;

namespace ContractGen.Benchmarks;

/// <summary>
/// What the generated scan costs beside MemoryPack's decode, in one process with no transport: the benchmark
/// <see cref="Order"/> alone (PlaceAsync's argument) and a list of 100 of them. <see cref="Scan"/> makes the same
/// <see cref="WireScanner"/> calls, in the same order, as the scan ContractGen generates for these types (see the
/// generated <c>__Bench_Wire.Order</c>).
/// </summary>
[Config(typeof(BenchConfig))]
public class ScanCostBenchmarks
{
    private byte[] _payload = [];

    /// <summary>How many orders the payload holds: 1 is the order itself, otherwise a list of them.</summary>
    [Params(1, 100)]
    public int Orders { get; set; }

    /// <summary>Encodes the payload once.</summary>
    [GlobalSetup]
    public void Setup()
        => _payload = Orders == 1
            ? MemoryPackSerializer.Serialize(Order.Sample)
            : MemoryPackSerializer.Serialize(Enumerable.Repeat(Order.Sample, Orders).ToList());

    /// <summary>MemoryPack's decode alone (what ran before the scan existed).</summary>
    [Benchmark(Baseline = true)]
    public object? Decode()
        => Orders == 1 ? MemoryPackSerializer.Deserialize<Order>(_payload) : MemoryPackSerializer.Deserialize<List<Order>>(_payload);

    /// <summary>The scan alone.</summary>
    [Benchmark]
    public int Scan()
    {
        var s = new WireScanner(_payload);
        if (Orders == 1)
        {
            ScanOrder(ref s);
        }
        else if (s.TryCollection(out var count, 1))
        {
            s.Enter();
            for (var i = 0; i < count; i++)
            {
                ScanOrder(ref s);
            }

            s.Exit();
        }

        s.End();
        return s.Consumed;
    }

    /// <summary>Both, as a call's arguments are read now.</summary>
    [Benchmark]
    public object? ScanThenDecode()
    {
        Scan();
        return Decode();
    }

    private static void ScanOrder(ref WireScanner s)
    {
        if (!s.TryObject(12, out var members))
        {
            return;
        }

        s.Enter();
        if (members > 0) s.Fixed(Unsafe.SizeOf<long>());
        if (members > 1) s.Utf8String();
        if (members > 2) s.Utf8String();
        if (members > 3) s.Fixed(Unsafe.SizeOf<int>());
        if (members > 4) s.Fixed(Unsafe.SizeOf<double>());
        if (members > 5) s.Fixed(Unsafe.SizeOf<long>());
        if (members > 6) s.Boolean();
        if (members > 7) s.Fixed(Unsafe.SizeOf<int>());
        if (members > 8) s.Utf8String();
        if (members > 9) s.Fixed(Unsafe.SizeOf<long>());
        if (members > 10) s.Fixed(Unsafe.SizeOf<double>());
        if (members > 11) s.Utf8String();
        s.Exit();
    }
}
