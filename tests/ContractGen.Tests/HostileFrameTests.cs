using System.Buffers;
using ContractGen.Protocol;
using ContractGen.Transports;
using MemoryPack;

namespace ContractGen.Tests;

/// <summary>
/// Control frames whose length fields lie, sent over a real Unix socket: to a real host by a raw client, and to a real
/// client by a fake server. Issue 11, finding 1: MemoryPack 1.21.4's string reader computes <c>utf8Length + 4</c>
/// unchecked, so a header of <c>int.MinValue</c> wrapped past its bounds check and ended the process.
/// </summary>
public sealed class HostileFrameTests
{
    /// <summary>The frame from the issue, byte for byte: a Hello whose contract-name header is <c>int.MinValue</c>.</summary>
    internal static readonly byte[] KillerHello = Convert.FromHexString(
        "2e000000" + "01" + "00" + "0000" + "00000000" + "00000000"
        + "4347454e" + "0100" + "00000080" + "00000000" + string.Concat(Enumerable.Repeat("78", 32)));

    [Fact]
    public void The_regression_frame_is_the_62_bytes_of_the_issue()
    {
        Assert.Equal(62, KillerHello.Length);
        var header = FrameHeader.Read(KillerHello);
        Assert.Equal(FrameKind.Hello, header.Kind);
        Assert.Equal(46u, header.PayloadLength);
    }

    [Fact]
    public async Task The_62_byte_hello_closes_only_that_connection_and_the_host_keeps_serving()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var raw = await host.ConnectRawAsync();

        await raw.SendRawAsync(KillerHello);

        Assert.Contains("string", await raw.ReadProtocolViolationGoAwayAsync().WithPatience(), StringComparison.Ordinal);
        var fresh = await host.ConnectAsync();
        Assert.Equal(3, await fresh.Proxy.AddAsync(1, 2).WithPatience());
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(0x40000000)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public async Task A_hello_whose_method_id_count_lies_is_a_protocol_violation(int count)
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var raw = await host.ConnectRawAsync();
        var hello = RawClient.Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged(ProtocolConstants.Magic);
            w.WriteUnmanaged(ProtocolConstants.Version);
            w.WriteString(RuntimeServiceContract.Name);
            w.WriteUnmanaged(RuntimeServiceContract.Fingerprint);
            w.WriteUnmanaged(count);
            w.WriteUnmanaged(1u);
            w.WriteUnmanaged(1024 * 1024);
        });

        await raw.SendFrameAsync(FrameKind.Hello, 0, 0, hello);

        await raw.ReadProtocolViolationGoAwayAsync().WithPatience();
        var fresh = await host.ConnectAsync();
        Assert.Equal(3, await fresh.Proxy.AddAsync(1, 2).WithPatience());
    }

    [Fact]
    public async Task A_hello_whose_contract_name_is_in_UTF16_form_is_a_protocol_violation()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var raw = await host.ConnectRawAsync();
        var hello = RawClient.Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged(ProtocolConstants.Magic);
            w.WriteUnmanaged(ProtocolConstants.Version);
            w.WriteUnmanaged(int.MaxValue); // UTF-16 form: a char count, here far beyond the payload
            w.WriteUnmanaged(0L);
        });

        await raw.SendFrameAsync(FrameKind.Hello, 0, 0, hello);

        await raw.ReadProtocolViolationGoAwayAsync().WithPatience();
        Assert.Equal(3, await (await host.ConnectAsync()).Proxy.AddAsync(1, 2).WithPatience());
    }

    [Theory]
    [InlineData(nameof(HostileAck.ContractName))]
    [InlineData(nameof(HostileAck.MethodIds))]
    [InlineData(nameof(HostileAck.Detail))]
    public async Task A_handshake_answer_whose_length_lies_fails_the_connect_with_a_typed_exception(string field)
    {
        await using var server = await FakeServer.StartAsync();
        var connecting = ServiceConnection.ConnectAsync<IRuntimeService>(server.Endpoint);
        var peer = await server.AcceptAsync();
        Assert.Equal(FrameKind.Hello, (await peer.ReadFrameAsync().WithPatience())!.Kind);

        await peer.SendFrameAsync(FrameKind.HelloAck, 0, 0, HostileAck.Payload(field));

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => connecting);
        Assert.Equal(ConnectionCloseReason.ProtocolViolationByPeer, error.Reason);
    }

    [Theory]
    [InlineData("type-name")]
    [InlineData("message")]
    [InlineData("stack")]
    [InlineData("details-count")]
    [InlineData("details-element")]
    [InlineData("details-negative")]
    public async Task An_error_frame_whose_length_lies_fails_the_call_with_a_typed_exception(string field)
    {
        await using var server = await FakeServer.StartAsync();
        var (connection, peer) = await server.ConnectAcceptedAsync<IRuntimeService>();
        var call = connection.Proxy.AddAsync(1, 2);
        var request = (await peer.ReadFrameAsync().WithPatience())!;

        await peer.SendFrameAsync(FrameKind.Error, request.Header.CallId, request.Header.MethodId, HostileError(field));

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => call);
        Assert.Equal(ConnectionCloseReason.ProtocolViolationByPeer, error.Reason);
    }

    [Fact]
    public async Task A_well_formed_error_frame_with_details_still_reaches_the_caller()
    {
        // The control: the strict reader refuses the lies above, not the real thing.
        await using var server = await FakeServer.StartAsync();
        var (connection, peer) = await server.ConnectAcceptedAsync<IRuntimeService>();
        var call = connection.Proxy.AddAsync(1, 2);
        var request = (await peer.ReadFrameAsync().WithPatience())!;

        await peer.SendFrameAsync(FrameKind.Error, request.Header.CallId, request.Header.MethodId, HostileError(null));

        var error = await Patience.ThrowsAsync<RemoteFaultException>(() => call);
        Assert.Equal("Boom", error.RemoteMessage);
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    [InlineData(-1000)]
    public async Task A_go_away_whose_length_lies_fails_the_connect_with_a_typed_exception(int header)
    {
        await using var server = await FakeServer.StartAsync();
        var connecting = ServiceConnection.ConnectAsync<IRuntimeService>(server.Endpoint);
        var peer = await server.AcceptAsync();
        await peer.ReadFrameAsync().WithPatience();
        var payload = new byte[40];
        BitConverter.TryWriteBytes(payload, header);

        await peer.SendFrameAsync(FrameKind.GoAway, 0, RawClient.GoAwayProtocolViolation, payload);

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => connecting);
        Assert.Equal(ConnectionCloseReason.ProtocolViolationByPeer, error.Reason);
    }

    [Fact]
    public async Task A_quota_go_away_with_its_quota_in_the_call_id_field_still_reads()
    {
        await using var server = await FakeServer.StartAsync();
        var connecting = ServiceConnection.ConnectAsync<IRuntimeService>(server.Endpoint);
        var peer = await server.AcceptAsync();
        var detail = RawClient.Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteString("uid 1000 has 8 connections open"));

        await peer.SendFrameAsync(FrameKind.GoAway, (uint)Quota.ConnectionsPerUser, 3, detail);

        var error = await Patience.ThrowsAsync<QuotaExceededException>(() => connecting);
        Assert.Equal(Quota.ConnectionsPerUser, error.Quota);
        Assert.Contains("8 connections", error.Message, StringComparison.Ordinal);
    }

    private static byte[] HostileError(string? field) => RawClient.Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
    {
        w.WriteUnmanaged(ErrorCode.RemoteFault);
        WriteOrLie(ref w, field == "type-name", "System.InvalidOperationException");
        WriteOrLie(ref w, field == "message", "Boom");
        WriteOrLie(ref w, field == "stack", null);
        switch (field)
        {
            case "details-count":
                w.WriteUnmanaged(int.MaxValue);
                break;
            case "details-negative":
                w.WriteUnmanaged(-7);
                break;
            case "details-element":
                w.WriteUnmanaged(1);
                w.WriteUnmanaged(int.MinValue);
                w.WriteUnmanaged(0);
                break;
            default:
                w.WriteValue(new[] { "path", "rule" });
                break;
        }

        w.WriteUnmanaged(0L);
        w.WriteUnmanaged(0L);
    });

    private static void WriteOrLie(ref MemoryPackWriter<ArrayBufferWriter<byte>> w, bool lie, string? value)
    {
        if (lie)
        {
            w.WriteUnmanaged(int.MinValue);
            w.WriteUnmanaged(0);
        }
        else
        {
            w.WriteString(value);
        }
    }

    /// <summary>A handshake answer accepting <see cref="IRuntimeService"/>, with one field's length made a lie.</summary>
    private static class HostileAck
    {
        public const string ContractName = nameof(ContractName);
        public const string MethodIds = nameof(MethodIds);
        public const string Detail = nameof(Detail);

        public static byte[] Payload(string? field) => RawClient.Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged((byte)0);
            w.WriteUnmanaged(ProtocolConstants.Version);
            WriteOrLie(ref w, field == ContractName, RuntimeServiceContract.Name);
            w.WriteUnmanaged(RuntimeServiceContract.Fingerprint);
            if (field == MethodIds)
            {
                w.WriteUnmanaged(0x7FFFFFF0);
            }
            else
            {
                w.WriteUnmanagedArray(RuntimeServiceContract.Descriptor.Methods.Select(m => m.Id).ToArray());
            }

            w.WriteUnmanaged(1024 * 1024);
            WriteOrLie(ref w, field == Detail, string.Empty);
            w.WriteUnmanaged(0L);
        });
    }
}

/// <summary>A server that listens on a real Unix socket and speaks the protocol by hand, to test what a client does with a hostile service.</summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly ITransportListener _listener;
    private readonly List<IAsyncDisposable> _owned = [];

    private FakeServer(TempDirectory directory, UnixSocketEndpoint endpoint, ITransportListener listener)
    {
        _directory = directory;
        Endpoint = endpoint;
        _listener = listener;
    }

    public UnixSocketEndpoint Endpoint { get; }

    public static async Task<FakeServer> StartAsync()
    {
        var directory = new TempDirectory();
        var endpoint = directory.Socket();
        return new(directory, endpoint, await endpoint.ListenAsync(CancellationToken.None));
    }

    /// <summary>The handshake answer a real host gives a client of <typeparamref name="TContract"/>: accepted, the same shape.</summary>
    public static byte[] AcceptingAck<TContract>()
        where TContract : class
    {
        var contract = ContractRegistry.Get<TContract>();
        return RawClient.Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged((byte)0);
            w.WriteUnmanaged(ProtocolConstants.Version);
            w.WriteString(contract.Name);
            w.WriteUnmanaged(contract.Fingerprint);
            w.WriteUnmanagedArray(contract.Methods.Select(m => m.Id).ToArray());
            w.WriteUnmanaged(1024 * 1024);
            w.WriteString(string.Empty);
        });
    }

    /// <summary>Connects a real client of <typeparamref name="TContract"/> and accepts its handshake; returns both ends.</summary>
    public async Task<(ServiceConnection<TContract> Connection, RawClient Peer)> ConnectAcceptedAsync<TContract>()
        where TContract : class
    {
        var connecting = ServiceConnection.ConnectAsync<TContract>(Endpoint);
        var peer = await AcceptAsync();
        Assert.Equal(FrameKind.Hello, (await peer.ReadFrameAsync().WithPatience())!.Kind);
        await peer.SendFrameAsync(FrameKind.HelloAck, 0, 0, AcceptingAck<TContract>());
        var connection = await connecting.WithPatience();
        _owned.Add(connection);
        return (connection, peer);
    }

    /// <summary>Accepts the next connection; the returned peer reads and writes frames like a raw client does.</summary>
    public async Task<RawClient> AcceptAsync()
    {
        var peer = new RawClient(await _listener.AcceptAsync(CancellationToken.None).AsTask().WithPatience());
        _owned.Add(peer);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _listener.DisposeAsync();
        _directory.Dispose();
    }
}
