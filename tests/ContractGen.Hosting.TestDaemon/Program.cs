using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ContractGen;
using ContractGen.Hosting.TestDaemon;
using ContractGen.Systemd;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;

// The hosting tests' daemon, started as a separate process (directly, or by systemd-socket-activate):
//   ContractGen.Hosting.TestDaemon [--socket PATH] [--idle-ms N] [--system]
//   ContractGen.Hosting.TestDaemon --load --socket PATH [--generic-host]   (see LoadDaemon)
// Without --socket it calls ServiceHost.StartAsync(): the socket systemd passed, else the contract's well-known
// location. Prints "ready" once it serves and "stopped idle" or "stopped" when its host has stopped, then exits 0.
if (args.Contains("--load"))
{
    return await LoadDaemon.RunAsync(args);
}

var atStart = new StartEnvironment(
    Environment.GetEnvironmentVariable("LISTEN_PID"),
    Environment.GetEnvironmentVariable("LISTEN_FDS"),
    Environment.GetEnvironmentVariable("LISTEN_FDNAMES"));

var socketIndex = Array.IndexOf(args, "--socket");
var idleIndex = Array.IndexOf(args, "--idle-ms");
var options = new ServiceHostOptions
{
    ShutdownTimeout = TimeSpan.FromSeconds(5),
    IdleTimeout = idleIndex >= 0 ? TimeSpan.FromMilliseconds(int.Parse(args[idleIndex + 1], CultureInfo.InvariantCulture)) : null,
};

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
await using var host = new ServiceHost(options, loggerFactory);
if (args.Contains("--system"))
{
    host.AddService<ISystemProbe>(new SystemProbe());
}
else
{
    host.AddService<IProbe>(new Probe(atStart));
}

// Before the host starts: systemd may stop the service as soon as it has said READY=1.
var terminated = false;
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    terminated = true;
    _ = host.StopAsync();
});

if (socketIndex >= 0)
{
    await host.StartAsync(ServiceEndpoint.UnixSocket(args[socketIndex + 1]));
}
else
{
    await host.StartAsync();
}

Console.WriteLine("ready");
await host.Completion;
Console.WriteLine(terminated ? "stopped" : "stopped idle");
return 0;

internal sealed record StartEnvironment(string? ListenPid, string? ListenFds, string? ListenFdNames);

internal sealed class Probe(StartEnvironment atStart) : IProbe
{
    private static readonly string[] s_variables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"];

    public ValueTask<ActivationReport> GetReportAsync() => ValueTask.FromResult(new ActivationReport(
        Environment.ProcessId,
        atStart.ListenPid,
        atStart.ListenFds,
        atStart.ListenFdNames,
        [.. s_variables.Where(v => Environment.GetEnvironmentVariable(v) is not null)],
        IsCloseOnExec(3),
        SystemdActivation.IsSocketActivated));

    public ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(a + b);

    public async ValueTask<ChildView> StartChildAsync()
    {
        var socket = new FileInfo("/proc/self/fd/3").LinkTarget;
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("echo \"${LISTEN_FDS-unset}\"; for f in /proc/$$/fd/*; do readlink \"$f\"; done");
        using var child = Process.Start(info)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new ChildView(lines[0], socket is not null && lines.Skip(1).Contains(socket));
    }

    // /proc/self/fdinfo/N has "flags:\t<octal>"; O_CLOEXEC is 02000000.
    private static bool? IsCloseOnExec(int fd)
    {
        var path = $"/proc/self/fdinfo/{fd}";
        if (!File.Exists(path))
        {
            return null;
        }

        var flags = File.ReadLines(path).First(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
        return (Convert.ToInt64(flags, 8) & 0x80000) != 0;
    }
}

internal sealed class SystemProbe : ISystemProbe
{
    public ValueTask<int> GetProcessIdAsync() => ValueTask.FromResult(Environment.ProcessId);
}
