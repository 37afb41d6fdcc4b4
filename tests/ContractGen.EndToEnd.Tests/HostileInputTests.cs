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

    private async Task<Socket> HandshakeAsync(string contract)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Service.SocketPath));
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
