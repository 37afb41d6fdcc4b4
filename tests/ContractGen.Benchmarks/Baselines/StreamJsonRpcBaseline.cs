using System.Net.Sockets;
using StreamJsonRpc;

namespace ContractGen.Benchmarks.Baselines;

/// <summary>
/// The StreamJsonRpc baseline's contract: the same three calls, marked as its analyzer asks so that StreamJsonRpc
/// generates the proxy at compile time (its fastest configuration).
/// </summary>
[JsonRpcContract]
public partial interface IRpcBench
{
    /// <summary>Returns <paramref name="a"/> + <paramref name="b"/>.</summary>
    Task<int> AddAsync(int a, int b);

    /// <summary>Returns <paramref name="data"/> as it came.</summary>
    Task<byte[]> EchoAsync(byte[] data);

    /// <summary>Returns <paramref name="order"/> with its quantity incremented.</summary>
    Task<Order> PlaceAsync(Order order);
}

/// <summary>The StreamJsonRpc service: what <see cref="BenchService"/> does, completing synchronously.</summary>
internal sealed class RpcBench : IRpcBench
{
    public Task<int> AddAsync(int a, int b) => Task.FromResult(unchecked(a + b));

    public Task<byte[]> EchoAsync(byte[] data) => Task.FromResult(data);

    public Task<Order> PlaceAsync(Order order) => Task.FromResult(order with { Quantity = order.Quantity + 1 });
}

/// <summary>Which StreamJsonRpc formatter, with the message handler it is normally paired with.</summary>
internal enum RpcFormat
{
    /// <summary><see cref="MessagePackFormatter"/> behind a 4-byte length header (its binary pairing).</summary>
    MessagePack,

    /// <summary><see cref="SystemTextJsonFormatter"/> behind HTTP-like headers (the JSON-RPC standard framing).</summary>
    SystemTextJson,
}

/// <summary>StreamJsonRpc over the same kind of Unix domain socket as ContractGen: a server loop and a client factory.</summary>
internal static class StreamJsonRpcBaseline
{
    /// <summary>Accepts connections until the listener closes; each gets its own <see cref="JsonRpc"/> serving <see cref="RpcBench"/>.</summary>
    public static async Task ServeAsync(Socket listener, RpcFormat format)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            // The JsonRpc instance lives as long as its connection; it disposes the stream when the client goes away.
            var rpc = new JsonRpc(CreateHandler(new NetworkStream(socket, ownsSocket: true), format), new RpcBench());
            rpc.StartListening();
        }
    }

    /// <summary>Connects to <paramref name="path"/> and returns the listening <see cref="JsonRpc"/> and its proxy.</summary>
    public static (JsonRpc Rpc, IRpcBench Proxy) Connect(string path, RpcFormat format)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var rpc = new JsonRpc(CreateHandler(new NetworkStream(socket, ownsSocket: true), format));
        var proxy = rpc.Attach<IRpcBench>();
        rpc.StartListening();
        return (rpc, proxy);
    }

    private static IJsonRpcMessageHandler CreateHandler(Stream stream, RpcFormat format) => format switch
    {
        RpcFormat.MessagePack => new LengthHeaderMessageHandler(stream, stream, new MessagePackFormatter()),
        _ => new HeaderDelimitedMessageHandler(stream, stream, new SystemTextJsonFormatter()),
    };
}
