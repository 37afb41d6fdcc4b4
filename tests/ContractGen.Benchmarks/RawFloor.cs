using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace ContractGen.Benchmarks;

/// <summary>
/// The floor: a hand-written length-prefixed ping-pong on a Unix domain socket, with no multiplexing, no call ids,
/// no serializer and no validation. Request <c>u32 length=8 | i32 a | i32 b</c> (12 bytes); reply
/// <c>u32 length=4 | i32 sum</c> (8 bytes). Replies come back in request order.
/// </summary>
internal static class RawFraming
{
    public const int RequestSize = 12;
    public const int ReplySize = 8;
    public const int BufferSize = 64 * 1024;

    public static void WriteRequest(Span<byte> destination, int a, int b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, 8);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], a);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], b);
    }

    public static int ReadReply(ReadOnlySpan<byte> source)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != 4)
        {
            throw new InvalidDataException("The raw server sent a reply with a bad length.");
        }

        return BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
    }

    /// <summary>
    /// Answers every complete request in <paramref name="input"/> into <paramref name="output"/>; returns how many
    /// input bytes were consumed and sets how many output bytes were produced. Rejects any other length.
    /// </summary>
    public static int AnswerRequests(ReadOnlySpan<byte> input, Span<byte> output, out int produced)
    {
        var consumed = 0;
        produced = 0;
        while (input.Length - consumed >= RequestSize && output.Length - produced >= ReplySize)
        {
            var request = input[consumed..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(request) != 8)
            {
                throw new InvalidDataException("The raw client sent a request with a bad length.");
            }

            var sum = unchecked(BinaryPrimitives.ReadInt32LittleEndian(request[4..]) + BinaryPrimitives.ReadInt32LittleEndian(request[8..]));
            BinaryPrimitives.WriteUInt32LittleEndian(output[produced..], 4);
            BinaryPrimitives.WriteInt32LittleEndian(output[(produced + 4)..], sum);
            consumed += RequestSize;
            produced += ReplySize;
        }

        return consumed;
    }
}

/// <summary>The raw floor's servers: one blocking (a thread per connection), one async (a read loop per connection).</summary>
internal static class RawServer
{
    /// <summary>Accepts connections forever; each gets a dedicated thread doing blocking Receive/Send.</summary>
    public static void ServeBlocking(Socket listener)
    {
        var acceptor = new Thread(() =>
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

                new Thread(() => RunBlocking(client)) { IsBackground = true, Name = "raw-blocking-conn" }.Start();
            }
        })
        { IsBackground = true, Name = "raw-blocking-accept" };
        acceptor.Start();
    }

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
            var input = new byte[RawFraming.BufferSize];
            var output = new byte[RawFraming.BufferSize];
            var end = 0;
            try
            {
                while (true)
                {
                    var n = socket.Receive(input.AsSpan(end), SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    end += n;
                    var consumed = RawFraming.AnswerRequests(input.AsSpan(0, end), output, out var produced);
                    input.AsSpan(consumed, end - consumed).CopyTo(input);
                    end -= consumed;
                    for (var sent = 0; sent < produced;)
                    {
                        sent += socket.Send(output.AsSpan(sent, produced - sent), SocketFlags.None);
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
            var input = new byte[RawFraming.BufferSize];
            var output = new byte[RawFraming.BufferSize];
            var end = 0;
            try
            {
                while (true)
                {
                    var n = await socket.ReceiveAsync(input.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }

                    end += n;
                    var consumed = RawFraming.AnswerRequests(input.AsSpan(0, end), output, out var produced);
                    input.AsSpan(consumed, end - consumed).CopyTo(input);
                    end -= consumed;
                    for (var sent = 0; sent < produced;)
                    {
                        sent += await socket.SendAsync(output.AsMemory(sent, produced - sent), SocketFlags.None).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or InvalidDataException)
            {
                // The benchmark client went away or misbehaved: drop this connection only.
            }
        }
    }
}

/// <summary>The raw floor's client side: one connection, reused buffers, nothing allocated per call.</summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request = new byte[RawFraming.RequestSize * 64];
    private readonly byte[] _reply = new byte[RawFraming.BufferSize];

    private RawClient(Socket socket) => _socket = socket;

    public static RawClient Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new RawClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One round trip with blocking Send/Receive.</summary>
    public int Add(int a, int b)
    {
        Span<byte> request = stackalloc byte[RawFraming.RequestSize];
        RawFraming.WriteRequest(request, a, b);
        for (var sent = 0; sent < request.Length;)
        {
            sent += _socket.Send(request[sent..], SocketFlags.None);
        }

        var reply = _reply.AsSpan(0, RawFraming.ReplySize);
        for (var received = 0; received < reply.Length;)
        {
            var n = _socket.Receive(reply[received..], SocketFlags.None);
            if (n == 0)
            {
                throw new EndOfStreamException("The raw server closed the connection.");
            }

            received += n;
        }

        return RawFraming.ReadReply(reply);
    }

    /// <summary>One round trip with ValueTask SendAsync/ReceiveAsync (pooled by the socket: no allocation).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> AddAsync(int a, int b)
    {
        RawFraming.WriteRequest(_request, a, b);
        var request = _request.AsMemory(0, RawFraming.RequestSize);
        while (!request.IsEmpty)
        {
            request = request[await _socket.SendAsync(request, SocketFlags.None).ConfigureAwait(false)..];
        }

        await ReceiveExactlyAsync(RawFraming.ReplySize).ConfigureAwait(false);
        return RawFraming.ReadReply(_reply);
    }

    /// <summary>
    /// <paramref name="count"/> requests in flight at once on this one socket: each is sent by its own SendAsync as
    /// soon as it is ready (no batching by the client), while a single reader collects the replies in order.
    /// Returns the sum of the results so the caller can check them.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> AddPipelinedAsync(int count, int a)
    {
        var reader = ReceiveExactlyAsync(count * RawFraming.ReplySize);
        for (var i = 0; i < count; i++)
        {
            var request = _request.AsMemory(i * RawFraming.RequestSize, RawFraming.RequestSize);
            RawFraming.WriteRequest(request.Span, a, i);
            while (!request.IsEmpty)
            {
                request = request[await _socket.SendAsync(request, SocketFlags.None).ConfigureAwait(false)..];
            }
        }

        await reader.ConfigureAwait(false);
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            total += RawFraming.ReadReply(_reply.AsSpan(i * RawFraming.ReplySize));
        }

        return total;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveExactlyAsync(int length)
    {
        for (var received = 0; received < length;)
        {
            var n = await _socket.ReceiveAsync(_reply.AsMemory(received, length - received), SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException("The raw server closed the connection.");
            }

            received += n;
        }
    }

    public void Dispose() => _socket.Dispose();
}
