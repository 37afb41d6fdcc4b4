using System.Diagnostics;
using System.Globalization;

namespace ContractGen.Helpers.Tests.Infrastructure;

/// <summary>Starting points for tests: options that run the test helper, and runs of its other roles as separate processes.</summary>
internal static class Probe
{
    /// <summary>How long any wait may take before the test fails. Generous: it bounds a hang, it measures nothing.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static string HelperAssembly => Path.Combine(AppContext.BaseDirectory, "ContractGen.Helpers.TestHelper.dll");

    /// <summary>Options that start the test helper; no core dumps from the crash tests, no idle exit unless a test asks.</summary>
    public static HelperOptions Options(params string[] arguments)
    {
        var options = HelperOptions.ForDotNetAssembly(HelperAssembly, arguments);
        options.ResourceLimits.CoreFileSizeBytes = 0;
        options.IdleTimeout = Timeout.InfiniteTimeSpan;
        options.InitialRelaunchDelay = TimeSpan.FromMilliseconds(10);
        options.MaxRelaunchDelay = TimeSpan.FromMilliseconds(100);
        return options;
    }

    /// <summary>Runs the test helper program in another role (optionally as another user) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string? user, params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string[] command = [dotnet, "exec", HelperAssembly, .. arguments];
        if (user is not null)
        {
            command = ["setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--", .. command];
        }

        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove(ServiceHelperHost.SocketVariable);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        return (process.ExitCode, (await output + await error).Trim());
    }

    /// <summary>Whether a process has ended (gone, or a zombie nobody reaped yet).</summary>
    public static bool HasEnded(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is 'Z' or 'X';
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing the test after <see cref="Bound"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Bound)
            {
                Assert.Fail($"Timed out after {Bound} waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";
}
