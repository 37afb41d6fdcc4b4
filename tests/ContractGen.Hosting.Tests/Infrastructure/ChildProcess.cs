using System.Diagnostics;
using System.Globalization;

namespace ContractGen.Hosting.Tests.Infrastructure;

/// <summary>
/// A process the tests start (the daemon, or an activator that becomes the daemon), with its output collected for
/// waiting on and for failure messages. Disposing it kills what is left.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Every wait in these tests is bounded by this: generous, so a slow machine passes, but never a hang.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(string Line, TaskCompletionSource Seen)> _waiters = [];

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process exits (no time limit: for supervisors that wait on a daemon's whole life).</summary>
    public Task Exited => _process.WaitForExitAsync();

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/>; <paramref name="environment"/> adds (or, with a null value, removes) variables.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Whatever the test runner was started with must not leak into the daemon's idea of its service manager.
        foreach (var variable in new[] { "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "CONTRACTGEN_IDLE_TIMEOUT" })
        {
            info.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts the test daemon directly with <c>dotnet exec</c>.</summary>
    public static ChildProcess StartDaemon(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
        => Start(TestPaths.DotnetHost, ["exec", TestPaths.DaemonDll, .. arguments], environment);

    /// <summary>Waits until the process prints <paramref name="line"/> (exactly), failing with its output if it exits or takes too long.</summary>
    public async Task WaitForLineAsync(string line)
    {
        Task seen;
        lock (_lines)
        {
            if (_lines.Contains(line))
            {
                return;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((line, waiter));
            seen = waiter.Task;
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen, exited, Task.Delay(Patience));
        if (first != seen && !seen.IsCompleted)
        {
            Assert.Fail($"The process {(first == exited ? "exited" : "did not print")} before printing '{line}'. Its output:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The process {_process.Id} did not exit within {Patience}. Its output:\n{Output}");
        }

        // The asynchronous readers may still be delivering the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as systemd does to stop a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
    }

    /// <summary>The program the process runs now (<c>/proc/PID/comm</c>): it changes when an activator execs the daemon.</summary>
    public string Command => File.ReadAllText($"/proc/{_process.Id}/comm").Trim();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Line == line))
            {
                waiter.Seen.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(Patience);
        }

        _process.Dispose();
    }
}
