using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>
/// Per-connection backpressure and per-uid quotas, over real Unix sockets in this process. The test's own uid is the
/// counted user: every quota (default, root's, the service user's) is set to the test's quota, whoever runs it.
/// </summary>
public sealed class QuotaTests
{
    private static void ApplyToEveryone(ServiceHostOptions options, UserQuota quota)
    {
        options.DefaultUserQuota = quota;
        options.RootUserQuota = quota;
        options.ServiceUserQuota = quota;
    }

    private static async Task<uint> OwnUidAsync(TestHost host)
    {
        var probe = await host.ConnectAsync();
        var uid = (await probe.Proxy.WhoAmIAsync().WithPatience()).UserId;
        await probe.DisposeAsync();
        return uid;
    }

    [Fact]
    public async Task A_connection_past_the_users_quota_is_refused_with_the_quota_named_and_the_entry_goes_when_the_user_leaves()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(o => ApplyToEveryone(o, new UserQuota(3, 100, 1 << 20)), directory.Socket());
        var uid = await OwnUidAsync(host);
        await Patience.UntilAsync(() => host.Host.CountedUserCount == 0, "the probe's connection was given back");

        var open = new List<ServiceConnection<IRuntimeService>>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint).WithPatience());
            Assert.Equal(i + 1, await open[i].Proxy.AddAsync(i, 1).WithPatience());
        }

        Assert.Equal(3, host.Host.GetUserUsage(uid)?.Connections);
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint).WithPatience());
        Assert.Equal(Quota.ConnectionsPerUser, refused.Quota);
        Assert.Contains($"uid {uid} has 3 connections open; the limit is 3", refused.Message, StringComparison.Ordinal);

        // The connections already open are not disturbed, and the refusal is logged with the identity.
        Assert.Equal(5, await open[0].Proxy.AddAsync(2, 3).WithPatience());
        Assert.Contains(host.Logs.Entries, e => e.EventId == 16 && e.Message.Contains($"uid {uid}", StringComparison.Ordinal) && e.Message.Contains("ConnectionsPerUser", StringComparison.Ordinal));

        foreach (var connection in open)
        {
            await connection.DisposeAsync();
        }

        await Patience.UntilAsync(() => host.Host.GetUserUsage(uid) is null && host.Host.CountedUserCount == 0, "the user's entry was removed");
        await using var again = await ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint).WithPatience();
        Assert.Equal(2, await again.Proxy.AddAsync(1, 1).WithPatience());
    }

    [Fact]
    public async Task A_call_past_the_users_quota_fails_with_the_quota_named_and_the_connection_stays_up()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(o => ApplyToEveryone(o, new UserQuota(10, 2, 1 << 20)), directory.Socket());
        var uid = await OwnUidAsync(host);
        var first = await host.ConnectAsync();
        var second = await host.ConnectAsync();

        // Two calls of the user run, on two connections: the user's quota is over both.
        var waiting = new[] { first.Proxy.WaitForGateAsync(1, CancellationToken.None).AsTask(), second.Proxy.WaitForGateAsync(2, CancellationToken.None).AsTask() };
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await host.Service.GateEntered.WaitAsync(Patience.Timeout));
        }

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => second.Proxy.AddAsync(1, 1).WithPatience());
        Assert.Equal(Quota.CallsInFlightPerUser, refused.Quota);
        Assert.Equal(2, refused.Limit);
        Assert.Equal(2, host.Host.GetUserUsage(uid)?.CallsInFlight);

        host.Service.Gate.SetResult();
        Assert.Equal(new[] { 1, 2 }, await Task.WhenAll(waiting).WithPatience());
        Assert.Equal(7, await second.Proxy.AddAsync(3, 4).WithPatience());
        await Patience.UntilAsync(() => host.Host.GetUserUsage(uid)?.CallsInFlight == 0, "the calls were given back");
    }

    [Fact]
    public async Task A_client_that_never_reads_its_replies_stops_being_read_and_loses_nothing()
    {
        const int Requests = 400;
        const long Bound = 256 * 1024;
        const int MaxCalls = 8;
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(o =>
        {
            // Counted with room to spare, so the user's queued bytes can be watched; the per-connection bounds act.
            ApplyToEveryone(o, new UserQuota(10, 10_000, long.MaxValue - 1));
            o.MaxQueuedBytesPerConnection = Bound;
            o.MaxCallsInFlightPerConnection = MaxCalls;
        }, directory.Socket());
        var uid = await OwnUidAsync(host);
        var healthy = await host.ConnectAsync();
        var text = new string('r', 32 * 1024);
        await healthy.Proxy.RememberAsync(text).WithPatience();

        // 400 requests whose replies are 32 KiB each: 12.5 MiB if the host read them all and queued every reply.
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();
        var requests = new byte[Requests * FrameHeader.Size];
        for (var i = 0; i < Requests; i++)
        {
            new FrameHeader(0, FrameKind.Request, 0, (uint)i + 1, RuntimeServiceContract.MethodIds.RecallAsync).Write(requests.AsSpan(i * FrameHeader.Size));
        }

        var sending = raw.Transport.SendAsync(requests, CancellationToken.None).AsTask();
        long peak = 0;
        await Patience.UntilAsync(() =>
        {
            peak = Math.Max(peak, host.Host.GetUserUsage(uid)?.QueuedBytes ?? 0);
            return peak >= Bound / 2;
        }, "the host queued replies for the client that does not read");

        // Meanwhile another connection is served as usual, and what the host holds stays near the bound: the bound,
        // plus the replies of the calls that were running when it was reached, plus the healthy client's own.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(text.Length, (await healthy.Proxy.RecallAsync().WithPatience())!.Length);
            peak = Math.Max(peak, host.Host.GetUserUsage(uid)?.QueuedBytes ?? 0);
        }

        var ceiling = Bound + ((MaxCalls + 2) * (text.Length + 64L));
        Assert.True(peak <= ceiling, $"the host queued {peak} bytes for a client that does not read; the bound allows {ceiling}");

        // When the client reads at last, every reply arrives: pausing lost nothing.
        var replies = 0;
        while (replies < Requests && await raw.ReadFrameAsync().WithPatience() is { } frame)
        {
            Assert.Equal(FrameKind.Reply, frame.Kind);
            replies++;
            peak = Math.Max(peak, host.Host.GetUserUsage(uid)?.QueuedBytes ?? 0);
        }

        await sending.WithPatience();
        Assert.Equal(Requests, replies);
        Assert.True(peak <= ceiling, $"the host queued {peak} bytes; the bound allows {ceiling}");
    }

    [Fact]
    public async Task A_connection_at_its_call_bound_is_not_read_until_a_call_finishes_and_other_connections_are_served()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(o => o.MaxCallsInFlightPerConnection = 2, directory.Socket());
        var busy = await host.ConnectAsync();
        var other = await host.ConnectAsync();
        var gated = new[] { busy.Proxy.WaitForGateAsync(1, CancellationToken.None).AsTask(), busy.Proxy.WaitForGateAsync(2, CancellationToken.None).AsTask() };
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await host.Service.GateEntered.WaitAsync(Patience.Timeout));
        }

        // The third call waits in the socket: it is not refused, and it runs once a slot is free.
        var third = busy.Proxy.AddAsync(20, 1);
        Assert.Equal(3, await other.Proxy.AddAsync(1, 2).WithPatience());
        Assert.False(third.IsCompleted, "the host read a request past the connection's bound of calls in flight");

        host.Service.Gate.SetResult();
        Assert.Equal(21, await third.WithPatience());
        Assert.Equal(new[] { 1, 2 }, await Task.WhenAll(gated).WithPatience());
    }

    [Fact]
    public async Task The_users_table_returns_to_empty_under_concurrent_connections_and_calls()
    {
        // A fake uid on the in-memory transport: counted under the default quota, like any other local user.
        var endpoint = new InMemoryEndpoint { ClientCredentials = new PeerCredentials(4242, 4242, 4242) };
        await using var host = await TestHost.StartAsync(o => o.DefaultUserQuota = new UserQuota(4, 8, 1 << 20), endpoint);

        var refusals = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await using var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(endpoint).WithPatience();
                    await connection.Proxy.AddAsync(worker, i).WithPatience();
                }
                catch (QuotaExceededException ex)
                {
                    // Eight workers on a quota of four connections and eight calls: refusals are expected, and typed.
                    Assert.True(ex.Quota is Quota.ConnectionsPerUser or Quota.CallsInFlightPerUser, ex.Message);
                    Interlocked.Increment(ref refusals);
                }
            }
        }))).WithPatience();

        await Patience.UntilAsync(() => host.Host.CountedUserCount == 0 && host.Host.GetUserUsage(4242) is null, "every count returned to zero and the entry was removed");

        // After all that, the user has its whole quota again.
        var open = new List<ServiceConnection<IRuntimeService>>();
        for (var i = 0; i < 4; i++)
        {
            open.Add(await host.ConnectAsync());
        }

        Assert.Equal(new UserUsage(4, 0, 0), host.Host.GetUserUsage(4242));
        await Assert.ThrowsAsync<QuotaExceededException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(endpoint).WithPatience());
    }

    [Fact]
    public async Task An_unlimited_user_is_not_entered_in_the_table()
    {
        var endpoint = new InMemoryEndpoint { ClientCredentials = new PeerCredentials(1, 0, 0) };
        await using var host = await TestHost.StartAsync(endpoint: endpoint);
        var root = await host.ConnectAsync();
        Assert.Equal(2, await root.Proxy.AddAsync(1, 1).WithPatience());
        Assert.Equal(0, host.Host.CountedUserCount);
    }

    [Fact]
    public void A_quota_with_a_limit_below_one_is_refused_when_the_host_is_created()
    {
        var options = new ServiceHostOptions { DefaultUserQuota = new UserQuota(0, 1, 1) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceHost(options));
        Assert.Contains("UserQuota.Unlimited", error.Message, StringComparison.Ordinal);
    }
}
