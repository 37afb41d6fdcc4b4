using System.Net.Sockets;
using ContractGen.Benchmarks.Baselines;
using ContractGen.Transports;

namespace ContractGen.Benchmarks;

/// <summary>The socket files the server process listens on, all in one private directory.</summary>
internal sealed record ServerSockets(string Directory)
{
    /// <summary>ContractGen, calls dispatched to the thread pool (the default).</summary>
    public string ContractGen => Path.Combine(Directory, "cg.sock");

    /// <summary>ContractGen with <see cref="ServiceHostOptions.InlineDispatch"/>: calls run on the read loop.</summary>
    public string ContractGenInline => Path.Combine(Directory, "cg-inline.sock");

    /// <summary>The raw floor of <c>Add</c>, a thread per connection with blocking Receive/Send.</summary>
    public string RawBlocking => Path.Combine(Directory, "raw-blocking.sock");

    /// <summary>The raw floor of <c>Add</c>, an async read loop per connection.</summary>
    public string RawAsync => Path.Combine(Directory, "raw-async.sock");

    /// <summary>The raw floor of the echo and record calls, blocking.</summary>
    public string RawEchoBlocking => Path.Combine(Directory, "raw-echo-blocking.sock");

    /// <summary>The raw floor of the echo and record calls, async.</summary>
    public string RawEchoAsync => Path.Combine(Directory, "raw-echo-async.sock");

    /// <summary>StreamJsonRpc with its MessagePack formatter.</summary>
    public string StreamJsonRpcMessagePack => Path.Combine(Directory, "sjr-msgpack.sock");

    /// <summary>StreamJsonRpc with its System.Text.Json formatter.</summary>
    public string StreamJsonRpcJson => Path.Combine(Directory, "sjr-json.sock");

    /// <summary>gRPC for .NET: Kestrel, HTTP/2 over a Unix domain socket.</summary>
    public string Grpc => Path.Combine(Directory, "grpc.sock");
}

/// <summary>
/// <c>server --dir DIR</c>: serves <see cref="IBenchService"/> (twice: default and inline dispatch), the raw floor
/// servers, StreamJsonRpc (two formatters) and gRPC, prints <c>ready</c>, answers <c>stats</c> queries, and runs until
/// its standard input closes (the parent died or hung up) or it is killed.
/// </summary>
internal static class BenchServer
{
    public const string ReadyLine = "ready";

    /// <summary>A line on standard input that asks for this process's <see cref="ProcessStats"/>, answered on standard output.</summary>
    public const string StatsCommand = "stats";

    public static async Task<int> RunAsync(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var sockets = new ServerSockets(directory);

        await using var pooled = new ServiceHost(new ServiceHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(1) });
        pooled.AddService<IBenchService>(new BenchService());
        await pooled.StartAsync(ServiceEndpoint.UnixSocket(sockets.ContractGen));

        await using var inline = new ServiceHost(new ServiceHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(1), InlineDispatch = true });
        inline.AddService<IBenchService>(new BenchService());
        await inline.StartAsync(ServiceEndpoint.UnixSocket(sockets.ContractGenInline));

        using var rawBlocking = Listen(sockets.RawBlocking);
        using var rawAsync = Listen(sockets.RawAsync);
        using var rawEchoBlocking = Listen(sockets.RawEchoBlocking);
        using var rawEchoAsync = Listen(sockets.RawEchoAsync);
        RawServer.ServeBlocking(rawBlocking);
        _ = RawServer.ServeAsync(rawAsync);
        RawEcho.ServeBlocking(rawEchoBlocking);
        _ = RawEcho.ServeAsync(rawEchoAsync);

        using var rpcMessagePack = Listen(sockets.StreamJsonRpcMessagePack);
        using var rpcJson = Listen(sockets.StreamJsonRpcJson);
        _ = StreamJsonRpcBaseline.ServeAsync(rpcMessagePack, RpcFormat.MessagePack);
        _ = StreamJsonRpcBaseline.ServeAsync(rpcJson, RpcFormat.SystemTextJson);

        await using var grpc = await GrpcBaseline.StartAsync(sockets.Grpc);

        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();

        // The parent keeps our stdin open; end of input means it is gone, so never outlive it. It may ask for this
        // process's CPU time, context switches and allocations, to work out the service's cost per call.
        await Task.Run(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line == StatsCommand)
                {
                    Console.Out.WriteLine(ProcessStats.Current().Format());
                    Console.Out.Flush();
                }
            }
        });

        return 0;
    }

    private static Socket Listen(string path)
    {
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(64);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
