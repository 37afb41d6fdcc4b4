using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ContractGen.Benchmarks;

/// <summary>
/// The server process and the client connections every round-trip benchmark shares: started once per run (the
/// server also serves StreamJsonRpc and Kestrel, which take a while to start), connected on first use, and checked
/// before anything is timed.
/// </summary>
internal static class SharedServer
{
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<(BenchSystem System, int Index), BenchClient> s_clients = [];
    private static ServerProcess? s_server;

    public static ServerProcess Server
    {
        get
        {
            lock (s_lock)
            {
                if (s_server is null)
                {
                    s_server = ServerProcess.Start();
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => s_server.Dispose();
                }

                return s_server;
            }
        }
    }

    /// <summary>Connection number <paramref name="index"/> of <paramref name="system"/>, connected and checked once.</summary>
    public static BenchClient Client(BenchSystem system, int index = 0)
    {
        var sockets = Server.Sockets;
        lock (s_lock)
        {
            if (!s_clients.TryGetValue((system, index), out var client))
            {
                client = BenchClient.ConnectCheckedAsync(system, sockets).GetAwaiter().GetResult();
                s_clients.Add((system, index), client);
            }

            return client;
        }
    }
}

/// <summary>
/// One call at a time, each awaited before the next, client in this process and server in a child process over Unix
/// domain sockets. Per workload, every system's time per call is also a ratio to the raw async floor.
/// </summary>
/// <remarks>
/// Each invocation makes <see cref="Workloads.SequentialCalls"/> calls so that the harness's own wake-up (it blocks
/// on the benchmark's task) is paid once per batch, not once per call. The workload helpers use the pooling async
/// builder, so the harness allocates nothing per call and the Allocated column is the system's own cost per call in
/// the client process (the server's: <c>probe</c>).
/// </remarks>
[Config(typeof(BenchConfig))]
public class SequentialBenchmarks
{
    [ParamsAllValues]
    public Workload Workload { get; set; }

    [Benchmark(Description = "raw blocking", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> RawBlocking() => Run(BenchSystem.RawBlocking);

    [Benchmark(Baseline = true, Description = "raw async", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> RawAsync() => Run(BenchSystem.RawAsync);

    [Benchmark(Description = "ContractGen", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> ContractGen() => Run(BenchSystem.ContractGen);

    [Benchmark(Description = "ContractGen, InlineDispatch", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> ContractGenInline() => Run(BenchSystem.ContractGenInline);

    [Benchmark(Description = "StreamJsonRpc, MessagePack", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> StreamJsonRpcMessagePack() => Run(BenchSystem.StreamJsonRpcMessagePack);

    [Benchmark(Description = "StreamJsonRpc, System.Text.Json", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> StreamJsonRpcJson() => Run(BenchSystem.StreamJsonRpcJson);

    [Benchmark(Description = "gRPC", OperationsPerInvoke = Workloads.SequentialCalls)]
    public ValueTask<int> Grpc() => Run(BenchSystem.Grpc);

    private ValueTask<int> Run(BenchSystem system) => Workloads.SequentialAsync(SharedServer.Client(system), Workload, Workloads.SequentialCalls);
}

/// <summary>
/// Many <c>Add</c> calls in flight: 16 or 64 on one connection, or 8 on each of 8 connections. Every system's time
/// per call is also a ratio to the raw async floor, which pipelines the same number of requests on its socket(s).
/// </summary>
[Config(typeof(BenchConfig))]
public class ThroughputBenchmarks
{
    private readonly ValueTask<int>[][] _inFlight = Workloads.CreateSlots();
    private readonly ValueTask<long>[] _bursts = new ValueTask<long>[Workloads.Connections];
    private readonly Dictionary<BenchSystem, BenchClient[]> _clients = [];

    [ParamsAllValues]
    public Load Load { get; set; }

    [Benchmark(Baseline = true, Description = "raw async, pipelined", OperationsPerInvoke = Workloads.ThroughputCalls)]
    public ValueTask<long> RawAsync() => Run(BenchSystem.RawAsync);

    [Benchmark(Description = "ContractGen", OperationsPerInvoke = Workloads.ThroughputCalls)]
    public ValueTask<long> ContractGen() => Run(BenchSystem.ContractGen);

    [Benchmark(Description = "ContractGen, InlineDispatch", OperationsPerInvoke = Workloads.ThroughputCalls)]
    public ValueTask<long> ContractGenInline() => Run(BenchSystem.ContractGenInline);

    [Benchmark(Description = "StreamJsonRpc, MessagePack", OperationsPerInvoke = Workloads.ThroughputCalls)]
    public ValueTask<long> StreamJsonRpcMessagePack() => Run(BenchSystem.StreamJsonRpcMessagePack);

    [Benchmark(Description = "StreamJsonRpc, System.Text.Json", OperationsPerInvoke = Workloads.ThroughputCalls)]
    public ValueTask<long> StreamJsonRpcJson() => Run(BenchSystem.StreamJsonRpcJson);

    [Benchmark(Description = "gRPC", OperationsPerInvoke = Workloads.ThroughputCalls)]
    public ValueTask<long> Grpc() => Run(BenchSystem.Grpc);

    private ValueTask<long> Run(BenchSystem system)
    {
        if (!_clients.TryGetValue(system, out var clients))
        {
            clients = [.. Enumerable.Range(0, Workloads.Connections).Select(i => SharedServer.Client(system, i))];
            _clients.Add(system, clients);
        }

        return Workloads.ThroughputAsync(Load, clients, _inFlight, _bursts);
    }
}
