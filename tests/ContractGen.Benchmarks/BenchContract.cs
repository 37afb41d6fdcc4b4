using ContractGen;
using MemoryPack;

namespace ContractGen.Benchmarks;

/// <summary>
/// The calls every system in the benchmarks makes: two ints in and one out (the smallest useful call, the same
/// payload the raw floor carries), bytes echoed back, and a record of a dozen fields there and back.
/// </summary>
[ServiceContract(Name = "contractgen.benchmarks.bench", Context = ServiceContext.User, MaxStringLength = 256, MaxByteLength = 1024 * 1024)]
public partial interface IBenchService
{
    /// <summary>Returns <paramref name="a"/> + <paramref name="b"/>.</summary>
    ValueTask<int> AddAsync(int a, int b);

    /// <summary>Returns <paramref name="data"/> as it came.</summary>
    ValueTask<ReadOnlyMemory<byte>> EchoAsync(ReadOnlyMemory<byte> data);

    /// <summary>Returns <paramref name="order"/> with its quantity incremented (so the service reads and writes it).</summary>
    ValueTask<Order> PlaceAsync(Order order);
}

/// <summary>
/// A record of a dozen fields of the usual kinds. Serializable by every system in the run: MemoryPack (ContractGen),
/// MessagePack and System.Text.Json (StreamJsonRpc); gRPC has its own message of the same fields (bench.proto).
/// </summary>
[MemoryPackable]
[MessagePack.MessagePackObject(keyAsPropertyName: true)]
public sealed partial record Order(
    long Id,
    string Customer,
    string Sku,
    int Quantity,
    double UnitPrice,
    long CreatedUnixMs,
    bool Express,
    int Priority,
    string Currency,
    long Warehouse,
    double Discount,
    string Note)
{
    /// <summary>The order every benchmark sends.</summary>
    public static Order Sample { get; } = new(
        42, "customer-0042", "SKU-12345-XL", 3, 19.99, 1_767_225_600_000, true, 2, "EUR", 7, 0.15, "leave at the door");
}

/// <summary>The service implementation: completes synchronously, so the benchmark measures the plumbing only.</summary>
public sealed class BenchService : IBenchService
{
    /// <inheritdoc/>
    public ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(unchecked(a + b));

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>> EchoAsync(ReadOnlyMemory<byte> data) => ValueTask.FromResult(data);

    /// <inheritdoc/>
    public ValueTask<Order> PlaceAsync(Order order) => ValueTask.FromResult(order with { Quantity = order.Quantity + 1 });
}
