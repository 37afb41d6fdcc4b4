using System.Runtime.CompilerServices;
using ContractGen.Benchmarks.Baselines;
using ContractGen.Transports;
using Google.Protobuf;
using Grpc.Net.Client;
using MemoryPack;
using StreamJsonRpc;

namespace ContractGen.Benchmarks;

/// <summary>What one call carries.</summary>
public enum Workload
{
    /// <summary><c>Add(int, int)</c>: two ints in, one out.</summary>
    Add,

    /// <summary>1 KiB echoed.</summary>
    Echo1KiB,

    /// <summary>64 KiB echoed.</summary>
    Echo64KiB,

    /// <summary>A record of a dozen fields (<see cref="Order"/>) there and back.</summary>
    Order,
}

/// <summary>Who carries the call: the raw floors, ContractGen, and the peers a user would pick instead.</summary>
public enum BenchSystem
{
    /// <summary>The raw floor, blocking calls.</summary>
    RawBlocking,

    /// <summary>The raw floor, async calls (pipelined when many are in flight).</summary>
    RawAsync,

    /// <summary>ContractGen, calls dispatched to the thread pool (the default).</summary>
    ContractGen,

    /// <summary>ContractGen with <see cref="ServiceHostOptions.InlineDispatch"/>.</summary>
    ContractGenInline,

    /// <summary>StreamJsonRpc with its MessagePack formatter.</summary>
    StreamJsonRpcMessagePack,

    /// <summary>StreamJsonRpc with its System.Text.Json formatter.</summary>
    StreamJsonRpcJson,

    /// <summary>gRPC for .NET over a Unix domain socket.</summary>
    Grpc,
}

/// <summary>The data the workloads send, made once.</summary>
internal static class Payloads
{
    public static readonly byte[] OneKiB = Filled(1024);
    public static readonly byte[] SixtyFourKiB = Filled(64 * 1024);

    /// <summary>
    /// The raw floor of the record call echoes as many bytes as ContractGen's encoding of <see cref="Order.Sample"/>
    /// (MemoryPack): the same bytes on the wire, without a serializer or validation.
    /// </summary>
    public static readonly byte[] OrderBytes = MemoryPackSerializer.Serialize(Order.Sample);

    private static byte[] Filled(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }
}

/// <summary>
/// One client connection of one <see cref="BenchSystem"/>, behind one shape so that every system runs the very same
/// workload code. Results are reduced to a number the caller checks (a sum, a length, a quantity), so that a wrong
/// answer fails the run instead of being timed.
/// </summary>
internal abstract class BenchClient : IAsyncDisposable
{
    public abstract ValueTask<int> AddAsync(int a, int b);

    /// <summary>Echoes <paramref name="data"/>; returns the length that came back.</summary>
    public abstract ValueTask<int> EchoAsync(byte[] data);

    /// <summary>Places <see cref="Order.Sample"/>; returns the quantity that came back (one more than sent).</summary>
    public abstract ValueTask<int> PlaceAsync();

    /// <summary>One call of <paramref name="workload"/>; returns what <see cref="Expected"/> says it must.</summary>
    public ValueTask<int> CallAsync(Workload workload, int i) => workload switch
    {
        Workload.Add => AddAsync(i, 1),
        Workload.Echo1KiB => EchoAsync(Payloads.OneKiB),
        Workload.Echo64KiB => EchoAsync(Payloads.SixtyFourKiB),
        _ => PlaceAsync(),
    };

    public static int Expected(Workload workload, int i) => workload switch
    {
        Workload.Add => i + 1,
        Workload.Echo1KiB => Payloads.OneKiB.Length,
        Workload.Echo64KiB => Payloads.SixtyFourKiB.Length,
        _ => Order.Sample.Quantity + 1,
    };

    /// <summary>
    /// <c>Add(1, i)</c> for every slot of <paramref name="inFlight"/>, all started before any is awaited; returns the
    /// sum (<see cref="Workloads.ExpectedBurstTotal"/>).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public virtual async ValueTask<long> BurstAsync(ValueTask<int>[] inFlight)
    {
        for (var i = 0; i < inFlight.Length; i++)
        {
            // Each ValueTask is awaited exactly once, below; holding them is the point (many calls in flight).
#pragma warning disable CA2012
            inFlight[i] = AddAsync(1, i);
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

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchClient> ConnectAsync(BenchSystem system, ServerSockets sockets) => system switch
    {
        BenchSystem.RawBlocking => new RawBlockingClient(RawClient.Connect(sockets.RawBlocking), RawEchoClient.Connect(sockets.RawEchoBlocking)),
        BenchSystem.RawAsync => new RawAsyncClient(RawClient.Connect(sockets.RawAsync), RawEchoClient.Connect(sockets.RawEchoAsync)),
        BenchSystem.ContractGen => new ContractGenClient(await ConnectContractGenAsync(sockets.ContractGen).ConfigureAwait(false)),
        BenchSystem.ContractGenInline => new ContractGenClient(await ConnectContractGenAsync(sockets.ContractGenInline).ConfigureAwait(false)),
        BenchSystem.StreamJsonRpcMessagePack => new StreamJsonRpcClient(StreamJsonRpcBaseline.Connect(sockets.StreamJsonRpcMessagePack, RpcFormat.MessagePack)),
        BenchSystem.StreamJsonRpcJson => new StreamJsonRpcClient(StreamJsonRpcBaseline.Connect(sockets.StreamJsonRpcJson, RpcFormat.SystemTextJson)),
        _ => new GrpcClient(GrpcBaseline.Connect(sockets.Grpc)),
    };

    private static Task<ServiceConnection<IBenchService>> ConnectContractGenAsync(string path)
        => ServiceConnection.ConnectAsync<IBenchService>(ServiceEndpoint.UnixSocket(path));

    /// <summary>Connects and checks that every workload answers correctly.</summary>
    public static async Task<BenchClient> ConnectCheckedAsync(BenchSystem system, ServerSockets sockets)
    {
        var client = await ConnectAsync(system, sockets).ConfigureAwait(false);
        foreach (var workload in Enum.GetValues<Workload>())
        {
            var answer = await client.CallAsync(workload, 4).ConfigureAwait(false);
            if (answer != Expected(workload, 4))
            {
                throw new InvalidOperationException($"{system} answered {workload} with {answer}, expected {Expected(workload, 4)}.");
            }
        }

        return client;
    }
}

/// <summary>The raw floor with blocking calls (completed synchronously when awaited).</summary>
internal sealed class RawBlockingClient(RawClient add, RawEchoClient echo) : BenchClient
{
    public override ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(add.Add(a, b));

    public override ValueTask<int> EchoAsync(byte[] data) => ValueTask.FromResult(echo.Echo(data));

    public override ValueTask<int> PlaceAsync() => ValueTask.FromResult(echo.Echo(Payloads.OrderBytes) == Payloads.OrderBytes.Length ? Order.Sample.Quantity + 1 : -1);

    public override ValueTask<long> BurstAsync(ValueTask<int>[] inFlight)
        => throw new NotSupportedException("A blocking client has one call in flight at a time.");

    public override ValueTask DisposeAsync()
    {
        add.Dispose();
        echo.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The raw floor with async calls; many calls in flight are pipelined on the one socket.</summary>
internal sealed class RawAsyncClient(RawClient add, RawEchoClient echo) : BenchClient
{
    public override ValueTask<int> AddAsync(int a, int b) => add.AddAsync(a, b);

    public override ValueTask<int> EchoAsync(byte[] data) => echo.EchoAsync(data);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> PlaceAsync()
        => await echo.EchoAsync(Payloads.OrderBytes).ConfigureAwait(false) == Payloads.OrderBytes.Length ? Order.Sample.Quantity + 1 : -1;

    public override ValueTask<long> BurstAsync(ValueTask<int>[] inFlight) => add.AddPipelinedAsync(inFlight.Length, 1);

    public override ValueTask DisposeAsync()
    {
        add.Dispose();
        echo.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>ContractGen: the generated proxy over a <see cref="ServiceConnection"/>.</summary>
internal sealed class ContractGenClient(ServiceConnection<IBenchService> connection) : BenchClient
{
    private readonly IBenchService _proxy = connection.Proxy;

    public override ValueTask<int> AddAsync(int a, int b) => _proxy.AddAsync(a, b);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> EchoAsync(byte[] data) => (await _proxy.EchoAsync(data).ConfigureAwait(false)).Length;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> PlaceAsync() => (await _proxy.PlaceAsync(Order.Sample).ConfigureAwait(false)).Quantity;

    public override ValueTask DisposeAsync() => connection.DisposeAsync();
}

/// <summary>StreamJsonRpc: its generated proxy over a <see cref="JsonRpc"/> connection.</summary>
internal sealed class StreamJsonRpcClient((JsonRpc Rpc, IRpcBench Proxy) connection) : BenchClient
{
    private readonly IRpcBench _proxy = connection.Proxy;

    public override ValueTask<int> AddAsync(int a, int b) => new(_proxy.AddAsync(a, b));

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> EchoAsync(byte[] data) => (await _proxy.EchoAsync(data).ConfigureAwait(false)).Length;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> PlaceAsync() => (await _proxy.PlaceAsync(Order.Sample).ConfigureAwait(false)).Quantity;

    public override ValueTask DisposeAsync()
    {
        connection.Rpc.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>gRPC for .NET: the protoc-generated client over a <see cref="GrpcChannel"/> (one HTTP/2 connection).</summary>
internal sealed class GrpcClient(GrpcChannel channel) : BenchClient
{
    private readonly Grpc.Bench.BenchClient _client = new(channel);
    private readonly Grpc.OrderMessage _order = GrpcBaseline.ToMessage(Order.Sample);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> AddAsync(int a, int b)
        => (await _client.AddAsync(new Grpc.AddRequest { A = a, B = b }).ResponseAsync.ConfigureAwait(false)).Sum;

    // Wrapped without a copy, as a performance-minded gRPC user would (the array is never changed).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> EchoAsync(byte[] data)
        => (await _client.EchoAsync(new Grpc.EchoMessage { Data = UnsafeByteOperations.UnsafeWrap(data) }).ResponseAsync.ConfigureAwait(false)).Data.Length;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> PlaceAsync() => (await _client.PlaceAsync(_order).ResponseAsync.ConfigureAwait(false)).Quantity;

    public override ValueTask DisposeAsync()
    {
        channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
