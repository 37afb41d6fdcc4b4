using System.Diagnostics;
using System.Globalization;

namespace Example.ClockAgent;

/// <summary>
/// A sample program started as a child process, the way a service manager would start it, so that each demo is one
/// command: its output is echoed with a prefix, <c>ready</c> tells that it serves, and SIGTERM stops it gracefully.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>The child's pid.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts <c>dotnet exec <paramref name="assembly"/></c> (a program built beside this one) and waits until it prints
    /// <c>ready</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The program exited, or did not get ready within a minute.</exception>
    public static async Task<SampleProcess> StartAsync(string name, string assembly, params string[] arguments)
    {
        var info = new ProcessStartInfo(DotNetHost(), ["exec", Path.Combine(AppContext.BaseDirectory, assembly), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start the {name}.");
        var child = new SampleProcess(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(child._ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(1)));
        if (first != child._ready.Task)
        {
            await child.DisposeAsync();
            throw new InvalidOperationException($"The {name} did not start (see its output above).");
        }

        return child;
    }

    /// <summary>Asks the child to stop (SIGTERM, as systemd does) and waits for it to exit; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await (kill?.WaitForExitAsync() ?? Task.CompletedTask);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>Kills the child if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
            return;
        }

        Console.WriteLine($"  [{_name} {_process.Id}] {line}");
    }

    // The dotnet host running this program (dotnet run starts the apphost, so look beside the runtime too).
    private static string DotNetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        var beside = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        return File.Exists(beside) ? beside : "dotnet";
    }
}
