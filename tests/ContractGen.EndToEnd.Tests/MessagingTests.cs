using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>One-way messages, deadlines and keepalive against a daemon in a separate process.</summary>
public sealed class MessagingTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_way_calls_keep_their_order_and_are_still_validated()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IMessaging>(fixture.Service.Endpoint);
        var key = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 500; i++)
        {
            await connection.Proxy.Record(key, i);
            if (i == 250)
            {
                // Breaks [Range(0, 1_000_000)]: the service drops it; the caller is not told.
                await connection.Proxy.Record(key, -1);
            }
        }

        var recorded = await connection.Proxy.Recorded(key, 500);
        Assert.Equal(Enumerable.Range(0, 500), recorded);
    }

    [Fact]
    public async Task A_failing_one_way_call_does_not_disturb_the_connection()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IMessaging>(fixture.Service.Endpoint);
        var key = Guid.NewGuid().ToString("N");
        await connection.Proxy.Explode(key);
        await connection.Proxy.Record(key, 1);
        var recorded = await connection.Proxy.Recorded(key, 1);
        Assert.Equal(new[] { 1 }, recorded);
    }

    [Fact]
    public async Task A_deadline_fails_the_call_with_a_typed_timeout_and_fires_the_service_token()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IMessaging>(fixture.Service.Endpoint);
        var key = Guid.NewGuid().ToString("N");
        Task call;
        using (ServiceCallTimeout.Begin(TimeSpan.FromMilliseconds(200)))
        {
            call = connection.Proxy.WaitForever(key, CancellationToken.None);
        }

        var timeout = await Assert.ThrowsAsync<CallTimeoutException>(() => call.WaitAsync(Patience));
        Assert.Equal("WaitForever", timeout.Method);
        Assert.Equal(TimeSpan.FromMilliseconds(200), timeout.Timeout);
        Assert.True(await connection.Proxy.TokenFired(key), "the service's token did not fire at the deadline");
    }

    [Fact]
    public async Task The_connection_default_timeout_applies_to_calls_without_their_own()
    {
        var options = new ServiceConnectionOptions { DefaultTimeout = TimeSpan.FromMilliseconds(150) };
        await using var connection = await ServiceConnection.ConnectAsync<IMessaging>(fixture.Service.Endpoint, options);
        var key = Guid.NewGuid().ToString("N");
        await Assert.ThrowsAsync<CallTimeoutException>(() => connection.Proxy.WaitForever(key, CancellationToken.None).WaitAsync(Patience));
        Assert.True(await connection.Proxy.TokenFired(key));
    }

    [Fact]
    public async Task A_hung_service_is_detected_by_keepalive()
    {
        await using var service = await ServiceProcess.StartAsync();
        var options = new ServiceConnectionOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = TimeSpan.FromSeconds(1) };
        await using var connection = await ServiceConnection.ConnectAsync<IMessaging>(service.Endpoint, options);
        var key = Guid.NewGuid().ToString("N");
        var call = connection.Proxy.WaitForever(key, CancellationToken.None);

        service.Stop();
        try
        {
            var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => call.WaitAsync(Patience));
            Assert.Equal(ConnectionCloseReason.PeerUnresponsive, error.Reason);
            Assert.Contains("keepalive", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            service.Continue();
        }
    }
}
