using System.Diagnostics;

namespace ContractGen.Hosting.Tests.Infrastructure;

/// <summary>
/// Debian's <c>systemd-socket-activate</c>: listens like a <c>.socket</c> unit and execs the daemon on the first
/// connection, without systemd as PID 1. Installed (package systemd) when missing and the tests run as root.
/// </summary>
internal static class SocketActivator
{
    private const string Program = "/usr/bin/systemd-socket-activate";

    private static readonly Lazy<Task<string?>> s_unavailable = new(FindOrInstallAsync);

    /// <summary>The activator's path.</summary>
    public static string Path => Program;

    /// <summary>Why the activator cannot be used, or <see langword="null"/> when it is ready.</summary>
    public static Task<string?> WhyUnavailableAsync() => s_unavailable.Value;

    private static async Task<string?> FindOrInstallAsync()
    {
        if (File.Exists(Program))
        {
            return null;
        }

        if (Environment.UserName != "root")
        {
            return $"{Program} is missing and these tests are not running as root, so they cannot install it: run 'apt-get install -y systemd' first.";
        }

        // The package lists may be missing or stale on a fresh machine: update once if the first try fails.
        var log = await RunAsync("apt-get", "install", "-y", "--no-install-recommends", "systemd");
        if (!File.Exists(Program))
        {
            log += await RunAsync("apt-get", "update");
            log += await RunAsync("apt-get", "install", "-y", "--no-install-recommends", "systemd");
        }

        return File.Exists(Program) ? null : $"'apt-get install -y systemd' did not provide {Program}:\n{log}";
    }

    private static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
            return $"$ {fileName} {string.Join(' ', arguments)} → {process.ExitCode}\n{await output}{await error}";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"$ {fileName} {string.Join(' ', arguments)} failed: {ex.Message}\n";
        }
    }
}
