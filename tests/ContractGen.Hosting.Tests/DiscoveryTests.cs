using System.Diagnostics;
using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Hosting.TestDaemon;
using ContractGen.Transports;

namespace ContractGen.Hosting.Tests;

/// <summary>
/// Socket locations by context, and clients that find a service by its contract alone:
/// <c>/run/&lt;name&gt;/&lt;name&gt;.sock</c> for a daemon, <c>$XDG_RUNTIME_DIR/&lt;name&gt;.sock</c> for an agent.
/// </summary>
public sealed class DiscoveryTests : IDisposable
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0700 = Mode0600 | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0755 = Mode0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Mode0666 = Mode0600 | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private readonly string _directory = TestPaths.CreateTempDirectory();
    private readonly string? _runtimeDirectory = Environment.GetEnvironmentVariable(ServiceLocations.UserRuntimeDirectoryVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ServiceLocations.UserRuntimeDirectoryVariable, _runtimeDirectory);
        TestPaths.DeleteDirectory(_directory);
    }

    [Fact]
    public async Task An_agent_started_in_a_user_session_is_found_by_its_contract_alone()
    {
        var runtime = Directory.CreateDirectory(Path.Combine(_directory, "runtime"), Mode0700).FullName;
        await using var daemon = ChildProcess.StartDaemon([], new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = runtime });
        await daemon.WaitForLineAsync("ready");

        var socket = Path.Combine(runtime, ProbeNames.Agent + ".sock");
        Assert.True(File.Exists(socket), daemon.Output);
        Assert.Equal(Mode0600, File.GetUnixFileMode(socket));

        // The client, in the same user's session, names only the contract.
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", runtime);
        Assert.Equal(socket, ServiceEndpoint.ForContract<IProbe>().Path);
        await using (var connection = await ServiceConnection.ConnectAsync<IProbe>())
        {
            var report = await connection.Proxy.GetReportAsync();
            Assert.Equal(daemon.Id, report.ProcessId);
            Assert.False(report.SocketActivated);
        }

        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync());
        Assert.False(File.Exists(socket));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/runtime")]
    public async Task Without_a_usable_XDG_RUNTIME_DIR_an_agent_cannot_be_located_and_the_error_says_why(string? value)
    {
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", value);

        var client = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceConnection.ConnectAsync<IProbe>());
        Assert.Contains("XDG_RUNTIME_DIR", client.Message, StringComparison.Ordinal);
        Assert.Contains(ProbeNames.Agent, client.Message, StringComparison.Ordinal);

        await using var host = new ServiceHost();
        host.AddService<IProbe>(new Probe());
        var service = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("XDG_RUNTIME_DIR", service.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_creates_a_missing_runtime_directory_private_to_its_user()
    {
        var runtime = Path.Combine(_directory, "missing", "runtime");
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", runtime);
        await using var host = new ServiceHost();
        host.AddService<IProbe>(new Probe());
        await host.StartAsync();

        Assert.Equal(Mode0700, File.GetUnixFileMode(runtime));
        Assert.Equal(Mode0600, File.GetUnixFileMode(Path.Combine(runtime, ProbeNames.Agent + ".sock")));
        await using var connection = await ServiceConnection.ConnectAsync<IProbe>();
        Assert.Equal(9, await connection.Proxy.AddAsync(4, 5));
    }

    [SkippableFact]
    public async Task A_system_daemon_listens_under_run_in_a_directory_others_can_reach_but_not_change()
    {
        Skip.IfNot(Environment.UserName == "root", "Creating a directory under /run needs root.");
        var directory = Path.Combine("/run", ProbeNames.System);
        TestPaths.DeleteDirectory(directory);
        try
        {
            await using (var host = new ServiceHost())
            {
                host.AddService<ISystemProbe>(new SystemProbe());
                await host.StartAsync();

                var socket = Path.Combine(directory, ProbeNames.System + ".sock");
                Assert.Equal(socket, ServiceLocations.GetSocketPath(ProbeNames.System, ServiceContext.System));
                Assert.Equal(Mode0755, File.GetUnixFileMode(directory));
                Assert.Equal(Mode0666, File.GetUnixFileMode(socket));

                await using var connection = await ServiceConnection.ConnectAsync<ISystemProbe>();
                Assert.Equal(Environment.ProcessId, await connection.Proxy.GetProcessIdAsync());
            }

            // A restarted daemon reuses the directory it made.
            await using (var again = new ServiceHost())
            {
                again.AddService<ISystemProbe>(new SystemProbe());
                await again.StartAsync();
                await using var connection = await ServiceConnection.ConnectAsync<ISystemProbe>();
                Assert.Equal(Environment.ProcessId, await connection.Proxy.GetProcessIdAsync());
            }
        }
        finally
        {
            TestPaths.DeleteDirectory(directory);
        }
    }

    [Fact]
    public void Locations_follow_the_contract_name_and_context()
    {
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", "/run/user/1000");
        Assert.Equal("/run/com.example.clock/com.example.clock.sock", ServiceLocations.GetSocketPath("com.example.clock", ServiceContext.System));
        Assert.Equal("/run/user/1000/com.example.clock.sock", ServiceLocations.GetSocketPath("com.example.clock", ServiceContext.User));

        var helper = Assert.Throws<NotSupportedException>(() => ServiceLocations.GetSocketPath("com.example.helper", ServiceContext.Application));
        Assert.Contains("private helper", helper.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".hidden")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("with space")]
    [InlineData("zürich")]
    public void A_contract_name_that_cannot_be_a_file_name_is_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceLocations.GetSocketPath(name, ServiceContext.System));
        Assert.Contains("cannot name a socket file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_location_too_long_for_a_unix_socket_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceLocations.GetSocketPath(new string('a', 60), ServiceContext.System));
        Assert.Contains("107 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_directory_that_others_may_write_is_refused()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, "open")).FullName;
        File.SetUnixFileMode(directory, Mode0755 | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);

        var error = await StartOnAsync(Path.Combine(directory, "probe.sock"));
        Assert.Contains("lets other users create and replace files", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_socket_directory_owned_by_another_user_is_refused()
    {
        Skip.IfNot(Environment.UserName == "root", "Giving a directory to another user needs root.");
        var directory = Directory.CreateDirectory(Path.Combine(_directory, "theirs"), Mode0755).FullName;
        using (var chown = Process.Start("chown", ["65534", directory]))
        {
            await chown.WaitForExitAsync();
            Assert.Equal(0, chown.ExitCode);
        }

        var error = await StartOnAsync(Path.Combine(directory, "probe.sock"));
        Assert.Contains("belongs to uid 65534", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symbolic_link_in_place_of_the_socket_directory_is_refused()
    {
        var real = Directory.CreateDirectory(Path.Combine(_directory, "real"), Mode0755).FullName;
        var link = Path.Combine(_directory, "link");
        File.CreateSymbolicLink(link, real);

        var error = await StartOnAsync(Path.Combine(link, "probe.sock"));
        Assert.Contains("not a directory", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IOException> StartOnAsync(string socket)
    {
        await using var host = new ServiceHost();
        host.AddService<IProbe>(new Probe());
        return await Assert.ThrowsAsync<IOException>(() => host.StartAsync(new UnixSocketEndpoint(socket) { DirectoryMode = Mode0755 }));
    }

    private sealed class Probe : IProbe
    {
        public ValueTask<ActivationReport> GetReportAsync() => throw new NotSupportedException();

        public ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(a + b);

        public ValueTask<ChildView> StartChildAsync() => throw new NotSupportedException();
    }

    private sealed class SystemProbe : ISystemProbe
    {
        public ValueTask<int> GetProcessIdAsync() => ValueTask.FromResult(Environment.ProcessId);
    }
}
