using System.Net.Sockets;
using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Hosting.TestDaemon;
using ContractGen.Systemd;
using ContractGen.Transports;

namespace ContractGen.Hosting.Tests;

/// <summary>The host's <c>sd_notify</c> messages, received where systemd would: the datagram socket in <c>$NOTIFY_SOCKET</c>.</summary>
public sealed class NotificationTests : IDisposable
{
    private readonly string _directory = TestPaths.CreateTempDirectory();

    public void Dispose() => TestPaths.DeleteDirectory(_directory);

    [Fact]
    public async Task The_daemon_reports_ready_feeds_the_watchdog_and_reports_stopping()
    {
        using var notify = NotifyListener.AtPath(Path.Combine(_directory, "notify"));
        var socket = Path.Combine(_directory, "probe.sock");
        await using var daemon = ChildProcess.StartDaemon(["--socket", socket], new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = notify.Address,
            ["WATCHDOG_USEC"] = "200000",
        });

        var ready = await notify.WaitForAsync("READY=1");
        Assert.Contains($"STATUS=Serving {ProbeNames.Agent} on unix:{socket}", ready, StringComparison.Ordinal);

        // Ready means serving: a client connects at once.
        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>(ServiceEndpoint.UnixSocket(socket)))
        {
            Assert.Equal(4, await connection.Proxy.AddAsync(2, 2));
        }

        // WATCHDOG=1 keeps coming (every WATCHDOG_USEC / 2) while the daemon runs.
        var watchdogs = notify.Count(SystemdNotifier.Watchdog);
        await notify.WaitForAsync(SystemdNotifier.Watchdog, from: notify.Messages.Count);
        Assert.True(notify.Count(SystemdNotifier.Watchdog) > watchdogs);

        daemon.Terminate();
        var stopping = await notify.WaitForAsync(SystemdNotifier.Stopping);
        Assert.Contains("STATUS=Stopping", stopping, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.WaitForExitAsync());
        Assert.Equal(1, notify.Count(SystemdNotifier.Ready));
    }

    [Fact]
    public async Task An_abstract_notify_socket_receives_the_notifications_too()
    {
        using var notify = NotifyListener.Abstract();
        await using var daemon = ChildProcess.StartDaemon(["--socket", Path.Combine(_directory, "probe.sock"), "--idle-ms", "200"],
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Address });

        await notify.WaitForAsync(SystemdNotifier.Ready);

        // An idle exit says why it stops.
        var stopping = await notify.WaitForAsync(SystemdNotifier.Stopping);
        Assert.Contains("exiting until the next one", stopping, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task A_watchdog_meant_for_another_process_is_not_fed()
    {
        using var notify = NotifyListener.AtPath(Path.Combine(_directory, "notify"));
        await using var daemon = ChildProcess.StartDaemon(["--socket", Path.Combine(_directory, "probe.sock")], new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = notify.Address,
            ["WATCHDOG_USEC"] = "1000",
            ["WATCHDOG_PID"] = "1",
        });

        await notify.WaitForAsync(SystemdNotifier.Ready);
        daemon.Terminate();
        await notify.WaitForAsync(SystemdNotifier.Stopping);
        Assert.Equal(0, await daemon.WaitForExitAsync());

        // A 1 ms watchdog would have sent many pings between READY and STOPPING.
        Assert.Equal(0, notify.Count(SystemdNotifier.Watchdog));
    }

    [Fact]
    public async Task The_notifier_sends_one_datagram_per_message_and_reports_an_absent_listener()
    {
        using (var listener = NotifyListener.AtPath(Path.Combine(_directory, "notify")))
        using (var notifier = new SystemdNotifier(listener.Address))
        {
            notifier.Notify(SystemdNotifier.WithStatus(SystemdNotifier.Ready, "line one\nline two"));
            Assert.Equal("READY=1\nSTATUS=line one line two", await listener.WaitForAsync("READY=1"));
        }

        using var nobody = new SystemdNotifier(Path.Combine(_directory, "nobody"));
        Assert.False(nobody.TryNotify(SystemdNotifier.Ready));
        Assert.Throws<SocketException>(() => nobody.Notify(SystemdNotifier.Ready));
    }

    [Theory]
    [InlineData("relative/notify")]
    [InlineData("vsock:2:1234")]
    [InlineData("@")]
    public void A_notify_address_that_is_not_a_unix_socket_is_refused(string address)
        => Assert.Throws<ArgumentException>(() => new SystemdNotifier(address));
}
