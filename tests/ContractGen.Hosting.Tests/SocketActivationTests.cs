using System.Globalization;
using System.Net.Sockets;
using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Hosting.TestDaemon;
using ContractGen.Transports;

namespace ContractGen.Hosting.Tests;

/// <summary>
/// Socket activation end to end with Debian's real activator: <c>systemd-socket-activate</c> owns the listening socket,
/// execs the daemon on the first connection with <c>LISTEN_FDS</c>, and the daemon's <c>ServiceHost.StartAsync()</c>
/// serves on the inherited descriptor.
/// </summary>
public sealed class SocketActivationTests : IDisposable
{
    private readonly string _directory = TestPaths.CreateTempDirectory();

    public void Dispose() => TestPaths.DeleteDirectory(_directory);

    [SkippableFact]
    public async Task The_activator_starts_the_daemon_on_the_first_connection_and_the_host_serves_the_inherited_socket()
    {
        await SkipUnlessActivatorAsync();
        var socket = Path.Combine(_directory, "probe.sock");
        using var daemonNotify = NotifyListener.AtPath(Path.Combine(_directory, "daemon.notify"));

        // The activator passes only HOME, TERM, PATH and what -E names to the daemon.
        await using var activator = ChildProcess.Start(SocketActivator.Path,
            ["-l", socket, "--fdname=" + ProbeNames.Agent, "-E", "NOTIFY_SOCKET=" + daemonNotify.Address, "-E", "DOTNET_ROOT",
             TestPaths.DotnetHost, "exec", TestPaths.DaemonDll]);

        // The activator logs once its socket listens (systemd 252's does not send READY=1 itself); until a client
        // connects it has not exec'd the daemon.
        await activator.WaitForLineAsync($"Listening on {socket} as 3.");
        Assert.StartsWith("systemd-socket", activator.Command, StringComparison.Ordinal);
        Assert.Empty(daemonNotify.Messages);

        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>(ServiceEndpoint.UnixSocket(socket), LongConnect()))
        {
            var report = await connection.Proxy.GetReportAsync();

            // The activator became the daemon (same pid), which saw one socket, named, and meant for it.
            Assert.Equal(activator.Id, report.ProcessId);
            Assert.Equal("1", report.ListenFds);
            Assert.Equal(ProbeNames.Agent, report.ListenFdNames);
            Assert.Equal(activator.Id.ToString(CultureInfo.InvariantCulture), report.ListenPid);
            Assert.True(report.SocketActivated);

            // Taken: the variables are gone and the descriptor is close-on-exec, so a child inherits neither.
            Assert.Empty(report.VariablesLeft);
            Assert.True(report.SocketCloseOnExec);
            var child = await connection.Proxy.StartChildAsync();
            Assert.Equal("unset", child.ListenFds);
            Assert.False(child.InheritedListeningSocket);

            Assert.Equal(5, await connection.Proxy.AddAsync(2, 3));
        }

        var ready = await daemonNotify.WaitForAsync("READY=1");
        Assert.Contains("STATUS=Serving " + ProbeNames.Agent, ready, StringComparison.Ordinal);

        // systemd stops a service with SIGTERM: the host says STOPPING=1 and the daemon exits cleanly.
        activator.Terminate();
        await daemonNotify.WaitForAsync("STOPPING=1");
        Assert.Equal(0, await activator.WaitForExitAsync());
        Assert.Contains("stopped", activator.Output.Split('\n'));
    }

    [SkippableFact]
    public async Task An_idle_daemon_exits_and_the_socket_starts_it_again_for_the_next_connection()
    {
        await SkipUnlessActivatorAsync();
        var path = Path.Combine(_directory, "probe.sock");
        var endpoint = ServiceEndpoint.UnixSocket(path);
        await using var unit = new SocketUnit(path, idleMilliseconds: 1000);

        ActivationReport first;
        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>(endpoint, LongConnect()))
        {
            first = await connection.Proxy.GetReportAsync();
            Assert.Equal("1", first.ListenFds);
            Assert.Equal(5, await connection.Proxy.AddAsync(2, 3));
        }

        // Its last client left: the daemon stops on its own, cleanly, and nothing is serving any more.
        var instance = unit.Instance(first.ProcessId);
        Assert.Equal(0, await instance.WaitForExitAsync());
        Assert.Contains("stopped idle", instance.Output.Split('\n'));

        // The socket outlived the daemon: the next client's connection waits in it until a new daemon serves it.
        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>(endpoint, LongConnect()))
        {
            var second = await connection.Proxy.GetReportAsync();
            Assert.NotEqual(first.ProcessId, second.ProcessId);
            Assert.Equal("1", second.ListenFds);
            Assert.Equal(ProbeNames.Agent, second.ListenFdNames);
            Assert.Equal(7, await connection.Proxy.AddAsync(3, 4));
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Activation_variables_meant_for_another_process_are_ignored_and_removed()
    {
        // Inherited from a parent that was itself socket-activated: LISTEN_PID names the parent, not the daemon.
        var runtime = Directory.CreateDirectory(Path.Combine(_directory, "runtime"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        await using var daemon = ChildProcess.StartDaemon([], new Dictionary<string, string?>
        {
            ["LISTEN_PID"] = "1",
            ["LISTEN_FDS"] = "1",
            ["XDG_RUNTIME_DIR"] = runtime,
        });
        await daemon.WaitForLineAsync("ready");

        await using var connection = await ServiceConnection.ConnectAsync<IProbe>(ServiceEndpoint.UnixSocket(Path.Combine(runtime, ProbeNames.Agent + ".sock")));
        var report = await connection.Proxy.GetReportAsync();
        Assert.Equal("1", report.ListenPid);
        Assert.False(report.SocketActivated);
        Assert.Empty(report.VariablesLeft);
        Assert.Equal("unset", (await connection.Proxy.StartChildAsync()).ListenFds);
    }

    [Theory]
    [InlineData("exec 3<\"$0\"", "1", null, "(descriptor 3) is not a socket")]
    [InlineData("exec 3<\"$0\"", "1", "one:two", "LISTEN_FDNAMES names 2 sockets but LISTEN_FDS=1")]
    [InlineData("true", "many", null, "LISTEN_FDS='many' is not a number of sockets")]
    public async Task Malformed_activation_fails_the_start_with_a_clear_error(string descriptor, string fds, string? names, string message)
    {
        // A shell sets LISTEN_PID to its own pid and execs the daemon, so the variables are meant for it.
        var file = Path.Combine(_directory, "not-a-socket");
        await File.WriteAllTextAsync(file, "plain file");
        var exports = "export LISTEN_PID=$$ LISTEN_FDS=" + fds + (names is null ? "" : " LISTEN_FDNAMES=" + names);
        await using var daemon = ChildProcess.Start("/bin/bash",
            ["-c", $"{descriptor}; {exports}; exec \"$1\" exec \"$2\"", file, TestPaths.DotnetHost, TestPaths.DaemonDll]);

        Assert.NotEqual(0, await daemon.WaitForExitAsync());
        Assert.Contains(message, daemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ready", daemon.Output.Split('\n'));
    }

    /// <summary>
    /// Plays systemd's <c>.socket</c> unit: owns the listening socket across daemon lifetimes and, each time the previous
    /// daemon has exited, hands it to <c>systemd-socket-activate</c> again (which passes inherited sockets through and
    /// execs the daemon when a connection arrives).
    /// </summary>
    private sealed class SocketUnit : IAsyncDisposable
    {
        private readonly Socket _listening = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly List<ChildProcess> _instances = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _supervising;
        private readonly int _idleMilliseconds;

        public SocketUnit(string path, int idleMilliseconds)
        {
            _idleMilliseconds = idleMilliseconds;
            _listening.Bind(new UnixDomainSocketEndPoint(path));
            _listening.Listen(16);
            _supervising = Task.Run(SuperviseAsync);
        }

        /// <summary>The instance that ran as <paramref name="processId"/>.</summary>
        public ChildProcess Instance(int processId)
        {
            lock (_instances)
            {
                return _instances.Single(i => i.Id == processId);
            }
        }

        private async Task SuperviseAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var instance = Start();
                lock (_instances)
                {
                    _instances.Add(instance);
                }

                try
                {
                    await instance.Exited.WaitAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Starts the activator with the socket as its descriptor 3 and LISTEN_FDS=1, as systemd does: a shell moves an
        /// inheritable copy to descriptor 3 and sets LISTEN_PID to its own pid, which the activator keeps when it execs.
        /// </summary>
        private ChildProcess Start()
        {
            var inheritable = Descriptors.DuplicateInheritable((int)_listening.Handle);
            try
            {
                var script = string.Create(CultureInfo.InvariantCulture,
                    $"exec 3<&{inheritable} {inheritable}<&-; export LISTEN_FDS=1 LISTEN_PID=$$ LISTEN_FDNAMES={ProbeNames.Agent}; exec \"$@\"");
                return ChildProcess.Start("/bin/bash",
                    ["-c", script, "activate", SocketActivator.Path, "--fdname=" + ProbeNames.Agent, "-E", "DOTNET_ROOT",
                     TestPaths.DotnetHost, "exec", TestPaths.DaemonDll, "--idle-ms", _idleMilliseconds.ToString(CultureInfo.InvariantCulture)]);
            }
            finally
            {
                // The child has its copy; this process keeps only the original, which is close-on-exec.
                Descriptors.Close(inheritable);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _supervising;
            ChildProcess[] instances;
            lock (_instances)
            {
                instances = [.. _instances];
            }

            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            _listening.Dispose();
            _stop.Dispose();
        }
    }

    private static ServiceConnectionOptions LongConnect() => new() { ConnectTimeout = ChildProcess.Patience };

    private static async Task SkipUnlessActivatorAsync()
    {
        var why = await SocketActivator.WhyUnavailableAsync();
        Skip.If(why is not null, why);
    }
}
