using System.Buffers;
using System.Net.Sockets;
using ContractGen.Protocol;
using MemoryPack;
using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>A hand-written client that speaks the protocol but sends what no generated proxy would.</summary>
public sealed class HostileInputTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Invalid_utf8_in_a_string_argument_closes_only_that_connection()
    {
        await using var healthy = await ServiceConnection.ConnectAsync<IValidated>(fixture.Service.Endpoint);
        using var rogue = await HandshakeAsync(ValidatedContract.Name);

        // Unbounded(string text, List<int> numbers, byte[] blob) with text = 0xC3 0x28 (an invalid UTF-8 sequence).
        var payload = new ArrayBufferWriter<byte>();
        payload.Write(BitConverter.GetBytes(~2));
        payload.Write(BitConverter.GetBytes(2));
        payload.Write(new byte[] { 0xC3, 0x28 });
        payload.Write(BitConverter.GetBytes(0));
        payload.Write(BitConverter.GetBytes(0));
        await SendFrameAsync(rogue, FrameKind.Request, 1, ValidatedContract.MethodIds.Unbounded, payload.WrittenSpan.ToArray());

        var goAway = await ReadFrameAsync(rogue);
        Assert.Equal(FrameKind.GoAway, goAway.Header.Kind);
        Assert.Contains("UTF-8", System.Text.Encoding.UTF8.GetString(goAway.Payload), StringComparison.Ordinal);
        Assert.True(await ReadsToEndAsync(rogue));

        Assert.Equal(3, await healthy.Proxy.Unbounded("abc", [], []));
    }

    [Fact]
    public async Task The_62_byte_hello_of_issue_11_closes_that_connection_and_the_daemon_lives()
    {
        // A Hello whose contract-name string header is int.MinValue: MemoryPack 1.21.4 computed utf8Length + 4 unchecked,
        // passed its bounds check and read far outside the payload (AccessViolationException, the daemon gone).
        var frame = Convert.FromHexString(
            "2e000000" + "01" + "00" + "0000" + "00000000" + "00000000"
            + "4347454e" + "0100" + "00000080" + "00000000" + string.Concat(Enumerable.Repeat("78", 32)));
        Assert.Equal(62, frame.Length);
        using var rogue = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await rogue.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Service.SocketPath));

        await rogue.SendAsync(frame);

        var goAway = await ReadFrameAsync(rogue);
        Assert.Equal(FrameKind.GoAway, goAway.Header.Kind);
        Assert.Equal(2u, goAway.Header.MethodId); // ProtocolViolation
        Assert.True(await ReadsToEndAsync(rogue));
        Assert.False(fixture.Service.HasExited);
        await using var fresh = await ServiceConnection.ConnectAsync<IValidated>(fixture.Service.Endpoint);
        Assert.Equal(3, await fresh.Proxy.Unbounded("abc", [], []));
    }

    [Theory]
    [InlineData("sku-int-min")]
    [InlineData("sku-utf16")]
    [InlineData("sku-hint")]
    [InlineData("tags-count")]
    [InlineData("tag-element")]
    [InlineData("attributes-count")]
    [InlineData("attributes-null-key")]
    [InlineData("attributes-duplicate-key")]
    [InlineData("member-count")]
    public async Task A_hostile_length_inside_a_record_argument_gets_BadRequest_and_the_daemon_lives(string lie)
    {
        // EchoOrder(Order) where Order is a [MemoryPackable] record: before the scan, MemoryPack's own reader decoded its
        // nested strings and collections, and Sku = int.MinValue read outside the payload as the Hello of issue 11 did.
        await using var daemon = await ServiceProcess.StartAsync(extraArguments: ["--fail-malformed-calls"]);
        using var rogue = await HandshakeAsync(daemon, AllTypesContract.Name);

        await SendFrameAsync(rogue, FrameKind.Request, 1, AllTypesContract.MethodIds.EchoOrder, HostileOrder(lie));

        var error = await ReadFrameAsync(rogue);
        Assert.Equal(FrameKind.Error, error.Header.Kind);
        Assert.Equal((byte)ErrorCode.BadRequest, error.Payload[0]);

        // The same connection still works (FailCall), and so does a fresh real client.
        await SendFrameAsync(rogue, FrameKind.Request, 2, AllTypesContract.MethodIds.EchoOrder, HostileOrder(null));
        Assert.Equal(FrameKind.Reply, (await ReadFrameAsync(rogue)).Header.Kind);
        Assert.False(daemon.HasExited);
        await using var fresh = await ServiceConnection.ConnectAsync<IAllTypes>(daemon.Endpoint);
        var order = new Order("SKU-1", 2, 9.5m, ["a", "b"], new Dictionary<string, string> { ["k"] = "v" });
        Assert.Equal(order.Sku, (await fresh.Proxy.EchoOrder(order)).Sku);
    }

    /// <summary>An Order(Sku, Quantity, Price, Tags, Attributes) encoded by hand, with one length made a lie (none: the real thing).</summary>
    private static byte[] HostileOrder(string? lie)
    {
        var w = new ArrayBufferWriter<byte>();
        void Int(int v) => w.Write(BitConverter.GetBytes(v));
        void Str(string s)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(s);
            Int(~bytes.Length);
            Int(s.Length);
            w.Write(bytes);
        }

        w.Write(new byte[] { lie == "member-count" ? (byte)6 : (byte)5 });
        switch (lie)
        {
            case "sku-int-min":
                Int(int.MinValue);
                Int(0);
                break;
            case "sku-utf16":
                Int(0x3FFFFFFF);
                break;
            case "sku-hint":
                Int(~3);
                Int(5); // "abc" is 3 UTF-16 chars: MemoryPack would pad the string with two NULs
                w.Write("abc"u8);
                break;
            default:
                Str("SKU");
                break;
        }

        Int(1);
        w.Write(new byte[16]); // decimal 0
        if (lie == "tags-count")
        {
            Int(int.MaxValue);
        }
        else if (lie == "tag-element")
        {
            Int(1);
            Int(int.MinValue + 1);
            Int(0);
        }
        else
        {
            Int(1);
            Str("t");
        }

        switch (lie)
        {
            case "attributes-count":
                Int(0x10000000);
                break;
            case "attributes-null-key":
                Int(1);
                Int(-1);
                Str("v");
                break;
            case "attributes-duplicate-key":
                Int(2);
                Str("k");
                Str("v");
                Str("k");
                Str("w");
                break;
            default:
                Int(1);
                Str("k");
                Str("v");
                break;
        }

        w.Write(new byte[32]); // padding a lying length could reach into
        var padded = lie is "sku-int-min" or "sku-utf16" or "tags-count" or "tag-element" or "attributes-count";
        return padded ? w.WrittenSpan.ToArray() : w.WrittenSpan[..^32].ToArray();
    }

    [Fact]
    public async Task A_collection_length_beyond_the_payload_is_refused_before_allocating()
    {
        using var rogue = await HandshakeAsync(ValidatedContract.Name);

        // numbers claims 100 million ints in a 20-byte payload.
        var payload = new ArrayBufferWriter<byte>();
        payload.Write(BitConverter.GetBytes(0));
        payload.Write(BitConverter.GetBytes(100_000_000));
        payload.Write(BitConverter.GetBytes(0));
        await SendFrameAsync(rogue, FrameKind.Request, 1, ValidatedContract.MethodIds.Unbounded, payload.WrittenSpan.ToArray());

        Assert.Equal(FrameKind.GoAway, (await ReadFrameAsync(rogue)).Header.Kind);
        Assert.True(await ReadsToEndAsync(rogue));
    }

    [Fact]
    public async Task A_reused_call_id_while_the_first_call_runs_closes_the_connection()
    {
        using var rogue = await HandshakeAsync(BehaviourContract.Name);
        var payload = new byte[8];
        BitConverter.TryWriteBytes(payload, 1);
        BitConverter.TryWriteBytes(payload.AsSpan(4), 5000);
        await SendFrameAsync(rogue, FrameKind.Request, 7, BehaviourContract.MethodIds.DelayedEcho, payload);
        await SendFrameAsync(rogue, FrameKind.Request, 7, BehaviourContract.MethodIds.DelayedEcho, payload);

        Assert.Equal(FrameKind.GoAway, (await ReadFrameAsync(rogue)).Header.Kind);
    }

    [Fact]
    public async Task A_protocol_violation_in_the_handshake_is_logged_with_the_peers_pid_and_uid()
    {
        // A Hello with the wrong magic number: refused before any contract is bound, when the kernel's word on the peer
        // is all the daemon knows of it, and exactly what its log needs.
        var marker = Random.Shared.Next(100_000, 999_999);
        using var rogue = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await rogue.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Service.SocketPath));
        await SendFrameAsync(rogue, FrameKind.Hello, 0, 0, Soak.SoakSeeds.Hello("test.alltypes", 0, [], magic: (uint)marker));
        Assert.Equal(FrameKind.GoAway, (await ReadFrameAsync(rogue)).Header.Kind);
        Assert.True(await ReadsToEndAsync(rogue));

        string? line = null;
        for (var i = 0; i < 100 && line is null; i++)
        {
            line = fixture.Service.Output.Split('\n').LastOrDefault(l => l.Contains("magic number is wrong", StringComparison.Ordinal));
            await Task.Delay(50);
        }

        Assert.NotNull(line);
        Assert.Contains($"(pid {Environment.ProcessId}, uid ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("(null)", line, StringComparison.Ordinal);
    }

    private Task<Socket> HandshakeAsync(string contract) => HandshakeAsync(fixture.Service, contract);

    private static async Task<Socket> HandshakeAsync(ServiceProcess service, string contract)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(service.SocketPath));
        var hello = new ArrayBufferWriter<byte>();
        var writer = new MemoryPackWriter<ArrayBufferWriter<byte>>(ref hello, MemoryPackWriterOptionalStatePool.Rent(null));
        writer.WriteUnmanaged(ProtocolConstants.Magic);
        writer.WriteUnmanaged(ProtocolConstants.Version);
        writer.WriteString(contract);
        writer.WriteUnmanaged(0UL);
        writer.WriteUnmanagedArray(Array.Empty<uint>());
        writer.WriteUnmanaged(1024 * 1024);
        writer.Flush();
        await SendFrameAsync(socket, FrameKind.Hello, 0, 0, hello.WrittenSpan.ToArray());
        var ack = await ReadFrameAsync(socket);
        Assert.Equal(FrameKind.HelloAck, ack.Header.Kind);
        Assert.Equal(0, ack.Payload[0]);
        return socket;
    }

    private static async Task SendFrameAsync(Socket socket, FrameKind kind, uint callId, uint methodId, byte[] payload)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader((uint)payload.Length, kind, 0, callId, methodId).Write(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        await socket.SendAsync(frame);
    }

    private static async Task<(FrameHeader Header, byte[] Payload)> ReadFrameAsync(Socket socket)
    {
        var header = new byte[FrameHeader.Size];
        await ReceiveExactlyAsync(socket, header);
        var parsed = FrameHeader.Read(header);
        var payload = new byte[parsed.PayloadLength];
        await ReceiveExactlyAsync(socket, payload);
        return (parsed, payload);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new EndOfStreamException($"The service closed the connection after {read} of {buffer.Length} bytes.");
            }

            read += n;
        }
    }

    private static async Task<bool> ReadsToEndAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
