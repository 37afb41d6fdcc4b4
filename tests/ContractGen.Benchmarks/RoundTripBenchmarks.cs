using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ContractGen.Transports;

namespace ContractGen.Benchmarks;

/// <summary>
/// Client in this process, server in a child process, over Unix domain sockets. Every figure is per call; each
/// category has its own same-style raw baseline, so the Ratio column reads "times the floor".
/// </summary>
/// <remarks>
/// Sequential benchmarks make <see cref="SequentialCalls"/> awaited calls per invocation so that the harness's own
/// wake-up (it blocks on the benchmark's task) is paid once per batch, not once per call: what is measured is what a
/// caller awaiting one call after another sees. Benchmark methods use the pooling async builder, so the harness's
/// state machines allocate nothing and the Allocated column is the library's own cost per call.
/// </remarks>
[Config(typeof(BenchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RoundTripBenchmarks
{
    /// <summary>Calls per invocation in the sequential category.</summary>
    public const int SequentialCalls = 32;

    /// <summary>Calls in flight at once in the outstanding category.</summary>
    public const int Outstanding = 64;

    private readonly ValueTask<int>[] _inFlight = new ValueTask<int>[Outstanding];
    private ServerProcess? _server;
    private RawClient? _rawBlocking;
    private RawClient? _rawAsync;
    private ServiceConnection<IAdder>? _pooled;
    private ServiceConnection<IAdder>? _inline;

    [GlobalSetup]
    public void Setup()
    {
        _server = ServerProcess.Start();
        var sockets = _server.Sockets;
        _rawBlocking = RawClient.Connect(sockets.RawBlocking);
        _rawAsync = RawClient.Connect(sockets.RawAsync);
        _pooled = ServiceConnection.ConnectAsync<IAdder>(ServiceEndpoint.UnixSocket(sockets.ContractGen)).GetAwaiter().GetResult();
        _inline = ServiceConnection.ConnectAsync<IAdder>(ServiceEndpoint.UnixSocket(sockets.ContractGenInline)).GetAwaiter().GetResult();

        // Every path answers correctly before anything is timed.
        Check(_rawBlocking.Add(2, 3), "raw blocking");
        Check(_rawAsync.AddAsync(2, 3).AsTask().GetAwaiter().GetResult(), "raw async");
        // CGEN4001: a synchronous [GlobalSetup] runs once, before timing, on a thread without a synchronization context.
#pragma warning disable CGEN4001
        Check(_pooled.Proxy.AddAsync(2, 3).AsTask().GetAwaiter().GetResult(), "ContractGen");
        Check(_inline.Proxy.AddAsync(2, 3).AsTask().GetAwaiter().GetResult(), "ContractGen inline");
#pragma warning restore CGEN4001

        static void Check(int sum, string what)
        {
            if (sum != 5)
            {
                throw new InvalidOperationException($"{what} answered 2 + 3 = {sum}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pooled?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _inline?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rawBlocking?.Dispose();
        _rawAsync?.Dispose();
        _server?.Dispose();
    }

    // ---- sequential: one call at a time --------------------------------------------------------------------------

    [Benchmark(Description = "raw blocking", OperationsPerInvoke = SequentialCalls)]
    [BenchmarkCategory("1 sequential")]
    public int RawBlockingSequential()
    {
        var client = _rawBlocking!;
        var sum = 0;
        for (var i = 0; i < SequentialCalls; i++)
        {
            sum += client.Add(i, 1);
        }

        return sum;
    }

    [Benchmark(Baseline = true, Description = "raw async", OperationsPerInvoke = SequentialCalls)]
    [BenchmarkCategory("1 sequential")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> RawAsyncSequential()
    {
        var client = _rawAsync!;
        var sum = 0;
        for (var i = 0; i < SequentialCalls; i++)
        {
            sum += await client.AddAsync(i, 1).ConfigureAwait(false);
        }

        return sum;
    }

    [Benchmark(Description = "ContractGen", OperationsPerInvoke = SequentialCalls)]
    [BenchmarkCategory("1 sequential")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ContractGenSequential()
    {
        var adder = _pooled!.Proxy;
        var sum = 0;
        for (var i = 0; i < SequentialCalls; i++)
        {
            sum += await adder.AddAsync(i, 1).ConfigureAwait(false);
        }

        return sum;
    }

    [Benchmark(Description = "ContractGen, InlineDispatch", OperationsPerInvoke = SequentialCalls)]
    [BenchmarkCategory("1 sequential")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ContractGenInlineSequential()
    {
        var adder = _inline!.Proxy;
        var sum = 0;
        for (var i = 0; i < SequentialCalls; i++)
        {
            sum += await adder.AddAsync(i, 1).ConfigureAwait(false);
        }

        return sum;
    }

    // ---- 64 outstanding on one connection -------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "raw async, pipelined", OperationsPerInvoke = Outstanding)]
    [BenchmarkCategory("2 outstanding 64")]
    public ValueTask<long> RawAsyncOutstanding() => _rawAsync!.AddPipelinedAsync(Outstanding, 1);

    [Benchmark(Description = "ContractGen", OperationsPerInvoke = Outstanding)]
    [BenchmarkCategory("2 outstanding 64")]
    public ValueTask<long> ContractGenOutstanding() => Workloads.OutstandingAsync(_pooled!.Proxy, _inFlight);

    [Benchmark(Description = "ContractGen, InlineDispatch", OperationsPerInvoke = Outstanding)]
    [BenchmarkCategory("2 outstanding 64")]
    public ValueTask<long> ContractGenInlineOutstanding() => Workloads.OutstandingAsync(_inline!.Proxy, _inFlight);
}
