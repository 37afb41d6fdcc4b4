using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>What callers see when the daemon stops or crashes. Each test owns its daemon process.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_crashed_service_fails_calls_in_flight_with_PeerClosed()
    {
        await using var service = await ServiceProcess.StartAsync();
        await using var connection = await ServiceConnection.ConnectAsync<IBehaviour>(service.Endpoint);
        var inFlight = connection.Proxy.WaitForGate(1).AsTask();
        Assert.True(await connection.Proxy.GateEntered(1));

        service.Kill();

        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => inFlight.WaitAsync(Patience));
        Assert.Equal(ConnectionCloseReason.PeerClosed, error.Reason);
        Assert.True(error.ClosedByPeer);
        Assert.Contains("WaitForGate", error.Message, StringComparison.Ordinal);
        await connection.Completion.WaitAsync(Patience);

        // Later calls fail at once with the same reason instead of hanging.
        var later = await Assert.ThrowsAsync<ServiceConnectionException>(() => connection.Proxy.DelayedEcho(1, 0).AsTask());
        Assert.Equal(ConnectionCloseReason.PeerClosed, later.Reason);
    }

    [Fact]
    public async Task Graceful_stop_lets_calls_in_flight_finish_and_refuses_new_ones()
    {
        await using var service = await ServiceProcess.StartAsync(shutdownTimeout: TimeSpan.FromSeconds(20));
        await using var connection = await ServiceConnection.ConnectAsync<IBehaviour>(service.Endpoint);
        var inFlight = connection.Proxy.DelayedEcho(42, 1500).AsTask();
        await Task.Delay(200);

        service.Terminate();

        Assert.Equal(42, await inFlight.WaitAsync(Patience));
        await connection.Completion.WaitAsync(Patience);
        var refused = await Assert.ThrowsAsync<ServiceConnectionException>(() => connection.Proxy.DelayedEcho(1, 0).AsTask());
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, refused.Reason);
        await service.WaitForExitAsync();
        Assert.Equal(0, service.ExitCode);
        Assert.Contains("stopped", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_outlives_the_shutdown_timeout_fails_with_HostShuttingDown()
    {
        await using var service = await ServiceProcess.StartAsync(shutdownTimeout: TimeSpan.FromMilliseconds(300));
        await using var connection = await ServiceConnection.ConnectAsync<IBehaviour>(service.Endpoint);
        var stuck = connection.Proxy.WaitForGate(7).AsTask();
        Assert.True(await connection.Proxy.GateEntered(1));

        service.Terminate();

        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => stuck.WaitAsync(Patience));
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, error.Reason);
        await service.WaitForExitAsync();
    }

    [Fact]
    public async Task A_stale_socket_file_from_a_crashed_service_is_replaced()
    {
        string socketPath;
        await using (var crashed = await ServiceProcess.StartAsync())
        {
            socketPath = crashed.SocketPath;
            crashed.Kill();
            await crashed.WaitForExitAsync();
            Assert.True(File.Exists(socketPath), "a killed service leaves its socket file behind");

            // A new host on the same path replaces the stale file instead of failing with 'address in use'.
            await using var host = new ServiceHost();
            host.AddService<IBehaviour>(new NoopBehaviour());
            await host.StartAsync(Transports.ServiceEndpoint.UnixSocket(socketPath));
            await using var connection = await ServiceConnection.ConnectAsync<IBehaviour>(Transports.ServiceEndpoint.UnixSocket(socketPath));
            Assert.Equal(Environment.ProcessId, await connection.Proxy.ServicePid());
        }
    }

    [Fact]
    public async Task A_live_service_socket_is_never_taken_over()
    {
        await using var service = await ServiceProcess.StartAsync();
        await using var host = new ServiceHost();
        host.AddService<IBehaviour>(new NoopBehaviour());
        var error = await Assert.ThrowsAsync<IOException>(() => host.StartAsync(service.Endpoint));
        Assert.Contains("already serving", error.Message, StringComparison.Ordinal);

        await using var connection = await ServiceConnection.ConnectAsync<IBehaviour>(service.Endpoint);
        Assert.Equal(service.ProcessId, await connection.Proxy.ServicePid());
    }

    private sealed class NoopBehaviour : IBehaviour
    {
        public ValueTask<int> DelayedEcho(int value, int milliseconds) => ValueTask.FromResult(value);
        public Task WaitForCancellation(string key, CancellationToken cancellationToken) => Task.CompletedTask;
        public ValueTask<bool> WasCancelled(string key) => ValueTask.FromResult(false);
        public ValueTask<int> Fail(string message) => throw new InvalidOperationException(message);
        public ValueTask<CallerInfo> WhoAmI() => throw new NotSupportedException();
        public ValueTask<int> ServicePid() => ValueTask.FromResult(Environment.ProcessId);
        public ValueTask<int> WaitForGate(int value) => ValueTask.FromResult(value);
        public ValueTask<bool> GateEntered(int count) => ValueTask.FromResult(true);
        public ValueTask ReleaseGate() => ValueTask.CompletedTask;
    }
}
