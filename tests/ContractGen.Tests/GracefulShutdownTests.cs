using ContractGen.Protocol;

namespace ContractGen.Tests;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task StopAsync_lets_a_call_in_flight_complete_and_refuses_new_calls_with_HostShuttingDown()
    {
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));
        var proxy = (await host.ConnectAsync()).Proxy;

        var inFlight = proxy.WaitForGateAsync(7, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        var stopping = host.Host.StopAsync();

        // Once the client has heard of the shutdown (or the host refuses the call itself), new calls fail.
        var refused = await Patience.RefusedCallAsync(proxy);
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, refused.Reason);
        Assert.Contains("shutting down", refused.Message, StringComparison.Ordinal);

        // The host waits for the call in flight: neither it nor the call has finished.
        Assert.False(inFlight.IsCompleted);
        Assert.False(stopping.IsCompleted);
        Assert.False(host.Service.GateTokenFired.Task.IsCompleted);

        host.Service.Gate.SetResult();

        Assert.Equal(7, await inFlight.WithPatience());
        await stopping.WithPatience();
        Assert.False(host.Service.GateTokenFired.Task.IsCompleted);
        await host.Host.Completion.WithPatience();
    }

    [Fact]
    public async Task A_request_that_reaches_a_stopping_host_is_answered_with_ShuttingDown()
    {
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));
        var proxy = (await host.ConnectAsync()).Proxy;
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        var inFlight = proxy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        var stopping = host.Host.StopAsync();

        var goAway = await raw.ReadFrameAsync().WithPatience();
        Assert.NotNull(goAway);
        Assert.Equal(FrameKind.GoAway, goAway.Kind);
        Assert.Equal(RawClient.GoAwayShuttingDown, goAway.Header.MethodId);

        // A client that ignores the notice is refused by the host itself, and its connection is not dropped for it.
        await raw.SendFrameAsync(FrameKind.Request, 5, RuntimeServiceContract.MethodIds.PingAsync, []);
        var error = await raw.ReadFrameAsync().WithPatience();
        Assert.NotNull(error);
        Assert.Equal(FrameKind.Error, error.Kind);
        Assert.Equal(5u, error.Header.CallId);
        Assert.Equal(ErrorCode.ShuttingDown, RawClient.DecodeError(error.Payload).Code);
        Assert.Equal(0, host.Service.Pings);

        host.Service.Gate.SetResult();
        Assert.Equal(1, await inFlight.WithPatience());
        await stopping.WithPatience();
    }

    [Fact]
    public async Task After_ShutdownTimeout_the_remaining_calls_have_their_token_cancelled()
    {
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        var proxy = (await host.ConnectAsync()).Proxy;

        var inFlight = proxy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);

        // The gate is never released: only the host's cancellation can end the call.
        await host.Host.StopAsync().WithPatience();

        await host.Service.GateTokenFired.Task.WithPatience();
        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => inFlight.WithPatience());
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, error.Reason);
        Assert.True(host.Logs.Contains(11, "cancelling"));
    }

    [Fact]
    public async Task StopAsync_cancellation_token_cuts_the_grace_period_short()
    {
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));
        var proxy = (await host.ConnectAsync()).Proxy;
        var inFlight = proxy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        using var hurry = new CancellationTokenSource();

        var stopping = host.Host.StopAsync(hurry.Token);
        await Patience.RefusedCallAsync(proxy);
        Assert.False(stopping.IsCompleted);
        await hurry.CancelAsync();

        await stopping.WithPatience();
        await host.Service.GateTokenFired.Task.WithPatience();
        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => inFlight.WithPatience());
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, error.Reason);
    }

    [Fact]
    public async Task A_client_connecting_after_the_host_stopped_is_refused()
    {
        await using var host = await TestHost.StartAsync();
        await host.Host.StopAsync().WithPatience();

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint));

        Assert.Equal(ConnectionCloseReason.ConnectFailed, error.Reason);
    }
}
