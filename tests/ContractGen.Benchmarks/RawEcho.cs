using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace ContractGen.Benchmarks;

/// <summary>
/// The floor for calls that carry bytes: a hand-written length-prefixed echo, <c>u32 length | bytes</c> each way, on
/// the same kind of socket. The server answers each request with one send of header and bytes from its receive
/// buffer; the client copies its bytes behind the header into one reused buffer and sends that (as ContractGen
/// serializes into its frame buffer), then reads the answer into another reused buffer. Nothing is allocated per call.
/// </summary>
internal static class RawEcho
{
    public const int MaxPayload = 1024 * 1024;

    /// <summary>Accepts connections forever; each gets a thread with blocking Receive/Send.</summary>
    public static void ServeBlocking(Socket listener)
        => new Thread(() =>
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = listener.Accept();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                new Thread(() => RunBlocking(client)) { IsBackground = true, Name = "raw-echo-blocking-conn" }.Start();
            }
        })
        { IsBackground = true, Name = "raw-echo-blocking-accept" }.Start();

    /// <summary>Accepts connections forever; each gets an async loop with ValueTask ReceiveAsync/SendAsync.</summary>
    public static async Task ServeAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => RunAsync(client));
        }
    }

    private static void RunBlocking(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4 + MaxPayload];
            try
            {
                while (ReceiveExactly(socket, buffer.AsSpan(0, 4)))
                {
                    var length = ReadLength(buffer);
                    if (!ReceiveExactly(socket, buffer.AsSpan(4, length)))
                    {
                        return;
                    }

                    for (var sent = 0; sent < 4 + length;)
                    {
                        sent += socket.Send(buffer.AsSpan(sent, 4 + length - sent), SocketFlags.None);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or InvalidDataException)
            {
                // The benchmark client went away or misbehaved: drop this connection only.
            }
        }
    }

    private static async Task RunAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4 + MaxPayload];
            try
            {
                while (await ReceiveExactlyAsync(socket, buffer.AsMemory(0, 4)).ConfigureAwait(false))
                {
                    var length = ReadLength(buffer);
                    if (!await ReceiveExactlyAsync(socket, buffer.AsMemory(4, length)).ConfigureAwait(false))
                    {
                        return;
                    }

                    for (var sent = 0; sent < 4 + length;)
                    {
                        sent += await socket.SendAsync(buffer.AsMemory(sent, 4 + length - sent), SocketFlags.None).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or InvalidDataException)
            {
                // The benchmark client went away or misbehaved: drop this connection only.
            }
        }
    }

    internal static int ReadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > MaxPayload)
        {
            throw new InvalidDataException($"A raw echo frame of {length} bytes is larger than {MaxPayload}.");
        }

        return (int)length;
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the peer closed first.</summary>
    internal static bool ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        for (var received = 0; received < buffer.Length;)
        {
            var n = socket.Receive(buffer[received..], SocketFlags.None);
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        return true;
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the peer closed first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal static async ValueTask<bool> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        for (var received = 0; received < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer[received..], SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        return true;
    }
}

/// <summary>The raw echo floor's client: one connection, two reused buffers.</summary>
internal sealed class RawEchoClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _send = new byte[4 + RawEcho.MaxPayload];
    private readonly byte[] _receive = new byte[4 + RawEcho.MaxPayload];

    private RawEchoClient(Socket socket) => _socket = socket;

    public static RawEchoClient Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new RawEchoClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One echo with blocking Send/Receive; returns the length that came back.</summary>
    public int Echo(ReadOnlySpan<byte> data)
    {
        var length = Prepare(data);
        for (var sent = 0; sent < length;)
        {
            sent += _socket.Send(_send.AsSpan(sent, length - sent), SocketFlags.None);
        }

        if (!RawEcho.ReceiveExactly(_socket, _receive.AsSpan(0, 4)) || !RawEcho.ReceiveExactly(_socket, _receive.AsSpan(4, RawEcho.ReadLength(_receive))))
        {
            throw new EndOfStreamException("The raw echo server closed the connection.");
        }

        return RawEcho.ReadLength(_receive);
    }

    /// <summary>One echo with ValueTask SendAsync/ReceiveAsync; returns the length that came back.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> EchoAsync(ReadOnlyMemory<byte> data)
    {
        var length = Prepare(data.Span);
        for (var sent = 0; sent < length;)
        {
            sent += await _socket.SendAsync(_send.AsMemory(sent, length - sent), SocketFlags.None).ConfigureAwait(false);
        }

        if (!await RawEcho.ReceiveExactlyAsync(_socket, _receive.AsMemory(0, 4)).ConfigureAwait(false)
            || !await RawEcho.ReceiveExactlyAsync(_socket, _receive.AsMemory(4, RawEcho.ReadLength(_receive))).ConfigureAwait(false))
        {
            throw new EndOfStreamException("The raw echo server closed the connection.");
        }

        return RawEcho.ReadLength(_receive);
    }

    private int Prepare(ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_send, (uint)data.Length);
        data.CopyTo(_send.AsSpan(4));
        return 4 + data.Length;
    }

    public void Dispose() => _socket.Dispose();
}
