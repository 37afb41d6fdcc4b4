using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>What calls in flight see when the connection ends under them, and why.</summary>
public sealed class ConnectionLossTests
{
    [Fact]
    public async Task Calls_in_flight_fail_with_LocalDispose_when_the_client_disposes_and_the_service_token_fires()
    {
        await using var host = await TestHost.StartAsync();
        var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint).WithPatience();

        var call = connection.Proxy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        await connection.DisposeAsync().AsTask().WithPatience();

        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => call.WithPatience());
        Assert.Equal(ConnectionCloseReason.LocalDispose, error.Reason);
        Assert.False(error.ClosedByPeer);
        Assert.Equal(ConnectionCloseReason.LocalDispose, connection.CloseReason);

        // The service learns the client is gone and stops the work.
        await host.Service.GateTokenFired.Task.WithPatience();
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 0, "the host dropped the closed connection");
    }

    [Fact]
    public async Task A_call_after_dispose_fails_with_LocalDispose()
    {
        await using var host = await TestHost.StartAsync();
        var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint).WithPatience();
        await connection.DisposeAsync();

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => connection.Proxy.AddAsync(1, 2));

        Assert.Equal(ConnectionCloseReason.LocalDispose, error.Reason);
    }

    public static TheoryData<bool> Transports => [false, true];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Calls_in_flight_fail_with_PeerClosed_when_the_service_side_is_cut(bool unixSocket)
    {
        using var directory = new TempDirectory();
        var endpoint = new TrackingEndpoint(unixSocket ? directory.Socket() : new InMemoryEndpoint());
        await using var host = await TestHost.StartAsync(endpoint: endpoint);
        var connection = await host.ConnectAsync();

        var calls = Enumerable.Range(0, 3).Select(i => connection.Proxy.WaitForGateAsync(i, CancellationToken.None).AsTask()).ToArray();
        for (var i = 0; i < calls.Length; i++)
        {
            await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        }

        // As if the service process crashed: the stream ends without a goodbye.
        Assert.Single(endpoint.Accepted).Abort();

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => call.WithPatience());
            Assert.Equal(ConnectionCloseReason.PeerClosed, error.Reason);
            Assert.True(error.ClosedByPeer);
            Assert.Contains(nameof(IRuntimeService.WaitForGateAsync), error.Message, StringComparison.Ordinal);
        }

        await connection.Completion.WithPatience();
        Assert.Equal(ConnectionCloseReason.PeerClosed, connection.CloseReason);
        var next = await Patience.ThrowsAsync<ServiceConnectionException>(() => connection.Proxy.AddAsync(1, 1));
        Assert.Equal(ConnectionCloseReason.PeerClosed, next.Reason);
    }

    [Fact]
    public async Task Calls_in_flight_fail_with_HostShuttingDown_when_the_host_stops_and_the_calls_cannot_finish()
    {
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        host.Service.GateObservesToken = false; // The implementation ignores its token: only closing the connection ends the call.
        var connection = await host.ConnectAsync();

        var call = connection.Proxy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        await host.Host.StopAsync().WithPatience();

        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => call.WithPatience());
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, error.Reason);
        Assert.True(error.ClosedByPeer);
        await host.Service.GateTokenFired.Task.WithPatience();
    }

    [Fact]
    public async Task Stopping_an_idle_host_closes_its_clients_with_HostShuttingDown()
    {
        await using var host = await TestHost.StartAsync();
        var connection = await host.ConnectAsync();
        Assert.Equal(2, await connection.Proxy.AddAsync(1, 1).WithPatience());

        await host.Host.StopAsync().WithPatience();
        await connection.Completion.WithPatience();

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => connection.Proxy.AddAsync(1, 1));
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, error.Reason);
    }

    [Fact]
    public async Task Connecting_to_a_stopped_host_fails_with_ConnectFailed()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        await host.Host.StopAsync().WithPatience();

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint));

        Assert.Equal(ConnectionCloseReason.ConnectFailed, error.Reason);
    }
}
