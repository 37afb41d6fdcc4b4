using ContractGen.Protocol;

namespace ContractGen.Tests;

/// <summary>Frame-size limits, hostile byte streams and clients that never finish their handshake.</summary>
public sealed class LimitTests
{
    private const int HostFrameLimit = 16 * 1024;

    [Fact]
    public async Task A_request_larger_than_the_host_accepts_fails_on_the_client_before_sending_and_the_connection_stays_usable()
    {
        await using var host = await TestHost.StartAsync(o => o.MaxFrameSize = HostFrameLimit);
        var connection = await host.ConnectAsync();

        var error = await Patience.ThrowsAsync<MessageTooLargeException>(() => connection.Proxy.SizeAsync(new byte[HostFrameLimit + 1]).AsTask());

        Assert.Equal(HostFrameLimit, error.Limit);
        Assert.True(error.Size > HostFrameLimit);
        Assert.Equal(0, host.Service.SizeCalls);
        Assert.Equal(ConnectionCloseReason.None, connection.CloseReason);

        // Had the frame been sent, the host would have closed the connection; instead it serves the next call.
        Assert.Equal(100, await connection.Proxy.SizeAsync(new byte[100]).WithPatience());
        Assert.Equal(1, host.Service.SizeCalls);
    }

    [Fact]
    public async Task A_request_exactly_at_the_limit_is_sent()
    {
        await using var host = await TestHost.StartAsync(o => o.MaxFrameSize = HostFrameLimit);
        var proxy = (await host.ConnectAsync()).Proxy;

        // A byte array costs a 4-byte length prefix.
        Assert.Equal(HostFrameLimit - 4, await proxy.SizeAsync(new byte[HostFrameLimit - 4]).WithPatience());
        await Patience.ThrowsAsync<MessageTooLargeException>(() => proxy.SizeAsync(new byte[HostFrameLimit - 3]).AsTask());
    }

    [Fact]
    public async Task An_oversized_request_does_not_corrupt_calls_sent_concurrently()
    {
        await using var host = await TestHost.StartAsync(o => o.MaxFrameSize = HostFrameLimit);
        var proxy = (await host.ConnectAsync()).Proxy;

        var calls = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            if (i % 10 == 0)
            {
                await Assert.ThrowsAsync<MessageTooLargeException>(() => proxy.SizeAsync(new byte[HostFrameLimit * 2]).AsTask());
                return -1;
            }

            return await proxy.SizeAsync(new byte[i]);
        })).ToArray();
        var results = await Task.WhenAll(calls).WithPatience();

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 10 == 0 ? -1 : i, results[i]);
        }
    }

    public static TheoryData<bool> AfterHandshake => [false, true];

    [Theory]
    [MemberData(nameof(AfterHandshake))]
    public async Task A_header_claiming_a_2_GB_payload_disconnects_that_client_while_another_keeps_working(bool afterHandshake)
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(o => o.MaxFrameSize = HostFrameLimit, directory.Socket());
        var bystander = (await host.ConnectAsync()).Proxy;
        Assert.Equal(2, await bystander.AddAsync(1, 1).WithPatience());
        var raw = await host.ConnectRawAsync();
        if (afterHandshake)
        {
            await raw.HandshakeAsync<IRuntimeService>();
        }

        // Only the header: the claim alone must be refused, before the host waits for or allocates 2 GB.
        var kind = afterHandshake ? FrameKind.Request : FrameKind.Hello;
        await raw.SendFrameAsync(kind, 1, RuntimeServiceContract.MethodIds.SizeAsync, [], claimedLength: int.MaxValue);

        var detail = await raw.ReadProtocolViolationGoAwayAsync().WithPatience();
        Assert.Contains(int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.Equal(4, await bystander.AddAsync(2, 2).WithPatience());
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 1, "the host dropped the offending connection");
        Assert.True(host.Logs.Contains(5, "larger than the limit"));
    }

    [Fact]
    public async Task A_header_claiming_4_GB_is_refused_too()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        await raw.SendFrameAsync(FrameKind.Request, 1, RuntimeServiceContract.MethodIds.SizeAsync, [], claimedLength: uint.MaxValue);

        Assert.Contains("larger than the limit", await raw.ReadProtocolViolationGoAwayAsync().WithPatience(), StringComparison.Ordinal);
    }

    public static TheoryData<string> GarbageKinds => ["http", "zeros", "random"];

    [Theory]
    [MemberData(nameof(GarbageKinds))]
    public async Task Garbage_bytes_disconnect_that_client_while_another_keeps_working(string garbageKind)
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var bystander = (await host.ConnectAsync()).Proxy;
        var raw = await host.ConnectRawAsync();
        var garbage = garbageKind switch
        {
            "http" => "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray(),
            "zeros" => new byte[64],
            _ => RandomGarbage(),
        };

        await raw.SendRawAsync(garbage);

        await raw.ReadProtocolViolationGoAwayAsync().WithPatience();
        Assert.Equal(9, await bystander.AddAsync(4, 5).WithPatience());
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 1, "the host dropped the offending connection");

        static byte[] RandomGarbage()
        {
            var bytes = new byte[256];
            new Random(1234).NextBytes(bytes);
            bytes[4] = 0xEE; // Whatever the seed gives, the first header's kind is not one the protocol knows.
            return bytes;
        }
    }

    [Fact]
    public async Task Garbage_after_a_valid_handshake_disconnects_the_client()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        await raw.SendRawAsync(Enumerable.Repeat((byte)0xAB, 32).ToArray());

        Assert.Contains("unknown kind", await raw.ReadProtocolViolationGoAwayAsync().WithPatience(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_never_sends_a_handshake_is_closed_after_HandshakeTimeout()
    {
        await using var host = await TestHost.StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(200));
        var raw = await host.ConnectRawAsync();

        // The client sends nothing at all: only the timeout can end the connection.
        var detail = await raw.ReadProtocolViolationGoAwayAsync().WithPatience();

        Assert.Contains("no handshake", detail, StringComparison.Ordinal);
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 0, "the host dropped the silent connection");
    }

    [Fact]
    public async Task A_client_that_stops_in_the_middle_of_its_handshake_is_closed_after_HandshakeTimeout()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(200), directory.Socket());
        var raw = await host.ConnectRawAsync();
        var hello = RawClient.Frame(FrameKind.Hello, 0, 0, RawClient.HelloPayload(RuntimeServiceContract.Name, RuntimeServiceContract.Fingerprint, []));

        await raw.SendRawAsync(hello.AsMemory(0, hello.Length / 2));

        Assert.Contains("no handshake", await raw.ReadProtocolViolationGoAwayAsync().WithPatience(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_completes_its_handshake_is_not_closed_by_the_handshake_timer()
    {
        await using var host = await TestHost.StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(200));

        // On a loaded machine a handshake may itself take longer than the timeout, and is then rightly refused: retry.
        ServiceConnection<IRuntimeService>? connection = null;
        using (var patience = new CancellationTokenSource(Patience.Timeout))
        {
            while (connection is null)
            {
                try
                {
                    connection = await ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint, null, patience.Token);
                }
                catch (ServiceConnectionException ex) when (ex.Message.Contains("no handshake", StringComparison.Ordinal))
                {
                }
            }
        }

        await using (connection)
        {
            // Outlive the handshake timeout several times over, then call.
            await Task.Delay(TimeSpan.FromSeconds(1));

            Assert.Equal(ConnectionCloseReason.None, connection.CloseReason);
            Assert.Equal(3, await connection.Proxy.AddAsync(1, 2).WithPatience());
        }
    }
}
