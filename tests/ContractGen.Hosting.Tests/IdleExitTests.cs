using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Hosting.TestDaemon;
using ContractGen.Transports;

namespace ContractGen.Hosting.Tests;

/// <summary><see cref="ServiceHostOptions.IdleTimeout"/>: an on-demand daemon stops itself once it has had no client for a while.</summary>
public sealed class IdleExitTests : IDisposable
{
    // Long enough that a test's first connection reliably arrives before the host, started moments earlier, gives up.
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private readonly string _directory = TestPaths.CreateTempDirectory();

    public void Dispose() => TestPaths.DeleteDirectory(_directory);

    [Fact]
    public async Task The_host_stops_itself_once_its_last_client_has_left_for_the_idle_timeout()
    {
        await WarmUpAsync();
        await using var host = new ServiceHost(new ServiceHostOptions { IdleTimeout = Idle });
        host.AddService<IProbe>(new Probe());
        var endpoint = ServiceEndpoint.UnixSocket(Path.Combine(_directory, "probe.sock"));
        await host.StartAsync(endpoint);

        var first = await ServiceConnection.ConnectAsync<IProbe>(endpoint);
        await using (var second = await ServiceConnection.ConnectAsync<IProbe>(endpoint))
        {
            Assert.Equal(3, await first.Proxy.AddAsync(1, 2));

            // Clients connected (even silent ones) keep it serving, however long they stay.
            await Task.Delay(Idle * 2);
            Assert.False(host.Completion.IsCompleted);
            await first.DisposeAsync();
            await Task.Delay(Idle * 2);
            Assert.False(host.Completion.IsCompleted);
            Assert.Equal(7, await second.Proxy.AddAsync(3, 4));
        }

        await host.Completion.WaitAsync(ChildProcess.Patience);

        // Coordinated with StopAsync: stopping a host that stopped itself completes at once, and nothing listens now.
        await host.StopAsync().WaitAsync(ChildProcess.Patience);
        var refused = await Assert.ThrowsAsync<ServiceConnectionException>(() => ServiceConnection.ConnectAsync<IProbe>(endpoint));
        Assert.Equal(ConnectionCloseReason.ConnectFailed, refused.Reason);
    }

    [Fact]
    public async Task A_host_that_never_had_a_client_stops_after_the_idle_timeout()
    {
        await using var host = new ServiceHost(new ServiceHostOptions { IdleTimeout = TimeSpan.FromMilliseconds(100) });
        host.AddService<IProbe>(new Probe());
        await host.StartAsync(ServiceEndpoint.UnixSocket(Path.Combine(_directory, "probe.sock")));

        await host.Completion.WaitAsync(ChildProcess.Patience);
    }

    [Fact]
    public async Task Without_an_idle_timeout_the_host_keeps_serving_until_stopped()
    {
        await using var host = new ServiceHost(new ServiceHostOptions { IdleTimeout = Timeout.InfiniteTimeSpan });
        host.AddService<IProbe>(new Probe());
        var endpoint = ServiceEndpoint.UnixSocket(Path.Combine(_directory, "probe.sock"));
        await host.StartAsync(endpoint);
        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>(endpoint))
        {
            Assert.Equal(2, await connection.Proxy.AddAsync(1, 1));
        }

        await Task.Delay(Idle * 2);
        Assert.False(host.Completion.IsCompleted);
        await host.StopAsync();
        Assert.True(host.Completion.IsCompleted);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_zero_or_negative_idle_timeout_is_refused(int milliseconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceHost(new ServiceHostOptions { IdleTimeout = TimeSpan.FromMilliseconds(milliseconds) }));
        Assert.Equal(nameof(ServiceHostOptions.IdleTimeout), error.ParamName);
    }

    [Fact]
    public async Task A_daemon_takes_its_idle_timeout_from_the_unit_environment_and_exits_cleanly()
    {
        // What a unit written by 'contractgen units --idle-exit' sets.
        var socket = Path.Combine(_directory, "probe.sock");
        await using var daemon = ChildProcess.StartDaemon(["--socket", socket],
            new Dictionary<string, string?> { ["CONTRACTGEN_IDLE_TIMEOUT"] = "3" });
        await daemon.WaitForLineAsync("ready");

        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>(ServiceEndpoint.UnixSocket(socket)))
        {
            Assert.Equal(daemon.Id, (await connection.Proxy.GetReportAsync()).ProcessId);
        }

        Assert.Equal(0, await daemon.WaitForExitAsync());
        Assert.Contains("stopped idle", daemon.Output.Split('\n'));
        Assert.False(File.Exists(socket));
    }

    [Fact]
    public async Task A_malformed_idle_timeout_in_the_environment_fails_the_start_with_a_clear_error()
    {
        await using var daemon = ChildProcess.StartDaemon(["--socket", Path.Combine(_directory, "probe.sock")],
            new Dictionary<string, string?> { ["CONTRACTGEN_IDLE_TIMEOUT"] = "soon" });

        Assert.NotEqual(0, await daemon.WaitForExitAsync());
        Assert.Contains("CONTRACTGEN_IDLE_TIMEOUT='soon' is not a positive number of seconds", daemon.Output, StringComparison.Ordinal);
    }

    /// <summary>Connects once without an idle timeout, so that the timed tests do not wait for the JIT on their first connection.</summary>
    private async Task WarmUpAsync()
    {
        await using var host = new ServiceHost();
        host.AddService<IProbe>(new Probe());
        var endpoint = ServiceEndpoint.UnixSocket(Path.Combine(_directory, "warm-up.sock"));
        await host.StartAsync(endpoint);
        await using var connection = await ServiceConnection.ConnectAsync<IProbe>(endpoint);
        Assert.Equal(2, await connection.Proxy.AddAsync(1, 1));
    }

    private sealed class Probe : IProbe
    {
        public ValueTask<ActivationReport> GetReportAsync() => throw new NotSupportedException();

        public ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(a + b);

        public ValueTask<ChildView> StartChildAsync() => throw new NotSupportedException();
    }
}
