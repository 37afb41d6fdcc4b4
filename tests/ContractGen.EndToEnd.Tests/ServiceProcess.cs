using Xunit;
using System.Diagnostics;
using System.Globalization;

namespace ContractGen.EndToEnd.Tests;

/// <summary>The test daemon running as a separate process on its own Unix domain socket in a private temp folder.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process, string directory, string socketPath)
    {
        _process = process;
        _directory = directory;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    public int ProcessId => _process.Id;

    public Transports.UnixSocketEndpoint Endpoint => Transports.ServiceEndpoint.UnixSocket(SocketPath);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Waits until the service has printed a line that holds every one of <paramref name="texts"/> (its console log is written asynchronously).</summary>
    public async Task<string> WaitForOutputLineAsync(params string[] texts)
    {
        for (var i = 0; i < 3000; i++)
        {
            lock (_output)
            {
                if (_output.FirstOrDefault(line => texts.All(t => line.Contains(t, StringComparison.Ordinal))) is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(10);
        }

        throw new Xunit.Sdk.XunitException($"The service printed no line holding {string.Join(" and ", texts.Select(t => $"'{t}'"))}. Its output:\n{Output}");
    }

    public string AgentSocketPath => Path.Combine(_directory, "agent.sock");

    /// <summary>Starts the test daemon.</summary>
    /// <param name="user">Runs it as this user (setpriv; the test must run as root), its directory given to that user.</param>
    /// <param name="parentDirectory">Where its private directory is made; the temp directory by default.</param>
    /// <param name="mode">Instead of the daemon, another mode of the test program that prints "ready" (such as "impostor").</param>
    public static async Task<ServiceProcess> StartAsync(TimeSpan? shutdownTimeout = null, bool agentSocketOpen = false, string[]? extraArguments = null,
        string? user = null, string? parentDirectory = null, string? mode = null)
    {
        var directory = parentDirectory is null
            ? Directory.CreateTempSubdirectory("cgen-e2e-").FullName
            : Directory.CreateDirectory(Path.Combine(parentDirectory, "cgen-e2e-" + Guid.NewGuid().ToString("N")[..12])).FullName;

        // Like /run/<name>/: other users may traverse to the socket; the socket's own mode decides who connects.
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        if (user is not null)
        {
            using var chown = Process.Start("chown", [user + ":" + user, directory]);
            await chown!.WaitForExitAsync();
            Assert.Equal(0, chown.ExitCode);
        }

        var socket = Path.Combine(directory, "service.sock");
        var dll = Path.Combine(AppContext.BaseDirectory, "ContractGen.EndToEnd.TestService.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(user is null ? dotnet : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (user is not null)
        {
            foreach (var arg in new[] { "--reuid", user, "--regid", user, "--init-groups", "--", dotnet })
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["HOME"] = "/tmp";
            info.Environment["DOTNET_CLI_HOME"] = "/tmp";
        }

        string[] daemon = mode is null
            ? ["exec", dll, "--socket", socket, "--agent-socket", Path.Combine(directory, "agent.sock"), "--shutdown-timeout-ms", ((int)(shutdownTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture)]
            : ["exec", dll, mode, "--socket", socket];
        foreach (var arg in daemon)
        {
            info.ArgumentList.Add(arg);
        }

        if (agentSocketOpen)
        {
            info.ArgumentList.Add("--agent-socket-open");
        }

        foreach (var arg in extraArguments ?? [])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the test service.");
        var service = new ServiceProcess(process, directory, socket);
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(service._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))) != service._ready.Task)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException("The test service did not become ready:\n" + service.Output);
        }

        return service;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Asks the service to stop gracefully (SIGTERM), as systemd would.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Kills the service at once (SIGKILL): a crash, as far as its clients can tell.</summary>
    public void Kill() => Signal("KILL");

    /// <summary>Freezes the service (SIGSTOP): it hangs, but its sockets stay open.</summary>
    public void Stop() => Signal("STOP");

    /// <summary>Thaws a frozen service (SIGCONT).</summary>
    public void Continue() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
    }

    /// <summary>The service's resident memory now, from /proc (kB → bytes).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc did not report VmRSS for the service.");
    }

    public Task WaitForExitAsync() => _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>One test daemon shared by the tests of a class that do not stop or crash it.</summary>
public sealed class SharedServiceFixture : IAsyncLifetime
{
    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync() => Service = await ServiceProcess.StartAsync();

    public async Task DisposeAsync() => await Service.DisposeAsync();
}
