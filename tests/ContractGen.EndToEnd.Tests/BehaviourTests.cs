using System.Net.Sockets;
using System.Runtime.InteropServices;
using ContractGen.Protocol;
using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>Concurrency, cancellation, faults, identity and bad peers against a daemon in a separate process.</summary>
public sealed partial class BehaviourTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Task<ServiceConnection<IBehaviour>> ConnectAsync() => ServiceConnection.ConnectAsync<IBehaviour>(fixture.Service.Endpoint);

    [Fact]
    public async Task Thousand_concurrent_calls_on_one_connection_each_get_their_own_answer()
    {
        await using var connection = await ConnectAsync();
        var calls = Enumerable.Range(0, 1000).Select(i => connection.Proxy.DelayedEcho(i, i % 7).AsTask()).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 1000), results);
    }

    [Fact]
    public async Task Cancelling_the_client_token_cancels_the_service_token()
    {
        await using var connection = await ConnectAsync();
        var key = Guid.NewGuid().ToString();
        using var cts = new CancellationTokenSource();
        var call = connection.Proxy.WaitForCancellation(key, cts.Token);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        await cts.CancelAsync();

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        Assert.Equal(cts.Token, thrown.CancellationToken);
        Assert.True(await connection.Proxy.WasCancelled(key), "the service-side token did not fire");

        // The connection stays usable after a cancelled call.
        Assert.Equal(5, await connection.Proxy.DelayedEcho(5, 0));
    }

    [Fact]
    public async Task An_exception_in_the_implementation_reaches_the_caller_as_a_fault_that_says_nothing_but_its_id()
    {
        await using var connection = await ConnectAsync();
        var secret = "disk on fire at /var/lib/secret-" + Guid.NewGuid();
        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail(secret).AsTask());
        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.Null(fault.RemoteStackTrace);
        Assert.Equal("Fail", fault.Method);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", fault.Message, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{16}$", fault.FaultId);
        Assert.Contains(fault.FaultId!, fault.Message, StringComparison.Ordinal);

        // The operator finds the whole exception in the daemon's log under the id the caller was given.
        var logged = await fixture.Service.WaitForOutputLineAsync(fault.FaultId!);
        Assert.Contains("test.behaviour.Fail", logged, StringComparison.Ordinal);
        await fixture.Service.WaitForOutputLineAsync(secret);
        Assert.Equal(1, await connection.Proxy.DelayedEcho(1, 0));
    }

    [Fact]
    public async Task The_service_sees_the_callers_kernel_credentials_and_the_client_sees_the_services()
    {
        await using var connection = await ConnectAsync();
        var caller = await connection.Proxy.WhoAmI();
        Assert.Equal(Environment.ProcessId, caller.ProcessId);
        Assert.Equal(geteuid(), caller.UserId);
        Assert.Equal(getegid(), caller.GroupId);

        Assert.Equal(fixture.Service.ProcessId, connection.ServiceCredentials?.ProcessId);
        Assert.Equal(await connection.Proxy.ServicePid(), connection.ServiceCredentials?.ProcessId);
    }

    [Fact]
    public async Task A_contract_the_service_does_not_serve_fails_the_handshake_naming_both_sides()
    {
        var mismatch = await Assert.ThrowsAsync<ContractMismatchException>(() => ServiceConnection.ConnectAsync<INotServed>(fixture.Service.Endpoint));
        Assert.Equal(ConnectionCloseReason.HandshakeFailed, mismatch.Reason);
        Assert.Contains("test.not-served", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("test.behaviour", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("test.alltypes", mismatch.RemoteDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_to_a_path_where_nothing_listens_fails_with_a_clear_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), "cgen-nothing-" + Guid.NewGuid().ToString("N") + ".sock");
        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => ServiceConnection.ConnectAsync<IBehaviour>(Transports.ServiceEndpoint.UnixSocket(path)));
        Assert.Equal(ConnectionCloseReason.ConnectFailed, error.Reason);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_claiming_two_gigabytes_closes_only_that_connection()
    {
        await using var healthy = await ConnectAsync();
        using var rogue = await ConnectRawAsync();

        var header = new byte[FrameHeader.Size];
        new FrameHeader(0x7FFF_FFF0, FrameKind.Hello, 0, 0, 0).Write(header);
        await rogue.SendAsync(header);

        Assert.True(await ReadsToEndAsync(rogue), "the service kept a connection that claimed a 2 GB frame");
        Assert.Equal(9, await healthy.Proxy.DelayedEcho(9, 0));
        await using var fresh = await ConnectAsync();
        Assert.Equal(10, await fresh.Proxy.DelayedEcho(10, 0));
    }

    [Fact]
    public async Task Garbage_bytes_close_only_that_connection()
    {
        await using var healthy = await ConnectAsync();
        using var rogue = await ConnectRawAsync();
        var garbage = new byte[256];
        new Random(42).NextBytes(garbage);
        garbage[4] = 0xEE; // an undefined frame kind
        await rogue.SendAsync(garbage);

        Assert.True(await ReadsToEndAsync(rogue), "the service kept a connection that sent garbage");
        Assert.Equal(11, await healthy.Proxy.DelayedEcho(11, 0));
    }

    [Fact]
    public async Task A_request_before_the_handshake_closes_the_connection()
    {
        using var rogue = await ConnectRawAsync();
        var header = new byte[FrameHeader.Size];
        new FrameHeader(0, FrameKind.Request, 0, 1, 1).Write(header);
        await rogue.SendAsync(header);
        Assert.True(await ReadsToEndAsync(rogue));
    }

    private async Task<Socket> ConnectRawAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Service.SocketPath));
        return socket;
    }

    /// <summary>Reads (and discards, e.g. a GoAway frame) until the service closes the connection.</summary>
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

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc")]
    private static partial uint getegid();
}
