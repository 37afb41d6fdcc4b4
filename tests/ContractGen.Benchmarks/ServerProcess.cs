using System.Diagnostics;

namespace ContractGen.Benchmarks;

/// <summary>The benchmark server running as a child process, as a real daemon would: started, waited for, killed.</summary>
internal sealed class ServerProcess : IDisposable
{
    /// <summary>Set by the launcher so that BenchmarkDotNet's generated child processes find this program's own entry point.</summary>
    public const string EntryPointVariable = "CONTRACTGEN_BENCHMARKS_ENTRY";

    private readonly Process _process;

    private ServerProcess(Process process, ServerSockets sockets)
    {
        _process = process;
        Sockets = sockets;
    }

    public ServerSockets Sockets { get; }

    public int ProcessId => _process.Id;

    /// <summary>Where this program's assembly is, for <c>dotnet ENTRY server ...</c>.</summary>
    public static string EntryAssembly
        => Environment.GetEnvironmentVariable(EntryPointVariable) is { Length: > 0 } entry ? entry : typeof(ServerProcess).Assembly.Location;

    public static ServerProcess Start()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"contractgen-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };

        // Run the same build of this program: its apphost when that is what runs us, otherwise `dotnet <dll>`.
        var self = Environment.ProcessPath;
        var entry = EntryAssembly;
        var apphost = Path.ChangeExtension(entry, null);
        if (File.Exists(apphost) && !OperatingSystem.IsWindows())
        {
            start.FileName = apphost;
        }
        else
        {
            start.FileName = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
            start.ArgumentList.Add(entry);
        }

        start.ArgumentList.Add("server");
        start.ArgumentList.Add("--dir");
        start.ArgumentList.Add(directory);

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the benchmark server.");
        var server = new ServerProcess(process, new ServerSockets(directory));
        try
        {
            var ready = process.StandardOutput.ReadLineAsync();
            if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != BenchServer.ReadyLine)
            {
                throw new InvalidOperationException($"The benchmark server ({start.FileName} {string.Join(' ', start.ArgumentList)}) did not become ready: '{(ready.IsCompleted ? ready.Result : "timeout")}'.");
            }

            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The server process's CPU time, context switches and allocations since it started.</summary>
    public ProcessStats GetStats()
    {
        _process.StandardInput.WriteLine(BenchServer.StatsCommand);
        _process.StandardInput.Flush();
        return ProcessStats.Parse(_process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The benchmark server exited."));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Sockets.Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
