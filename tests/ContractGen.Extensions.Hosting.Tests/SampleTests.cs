using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ContractGen.Extensions.Hosting.Tests;

/// <summary>
/// The agent and login-item demos, run as their one README command runs them (each starts its daemon and agent as
/// child processes): they must finish cleanly and show what they claim to show.
/// </summary>
public sealed partial class SampleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_ClockAgent_demo_serves_two_sessions_from_the_daemon_and_stops_cleanly()
    {
        var output = await RunDemoAsync("ClockAgent.dll");

        Assert.Contains("(greeting #3 of this session)", output, StringComparison.Ordinal);
        Assert.Contains("a second session gets its own state: greeting #1", output, StringComparison.Ordinal);
        Assert.Matches(DaemonServedLine(), output);

        // Per-connection instances are disposed when their session leaves, before the agent stops.
        Assert.Contains("ended after 1 greetings", output, StringComparison.Ordinal);
        Assert.Contains("ended after 3 greetings", output, StringComparison.Ordinal);
        Assert.Contains("stopping the agent (SIGTERM): exit code 0", output, StringComparison.Ordinal);
        Assert.Contains("stopping the daemon (SIGTERM): exit code 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_LoginItem_demo_waits_for_the_agent_survives_its_restart_and_ends_with_the_session()
    {
        var output = await RunDemoAsync("LoginItem.dll");

        Assert.Contains("[login item] the agent is not reachable", output, StringComparison.Ordinal);
        Assert.Contains("[login item] the agent ended the stream (it is stopping); reconnecting", output, StringComparison.Ordinal);

        // Greeted once by each agent process.
        var agents = AgentPid().Matches(output).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(2, agents.Length);
        Assert.NotEqual(agents[0], agents[1]);
        Assert.Contains("[login item] the session is ending; goodbye", output, StringComparison.Ordinal);
        Assert.Contains("agent exit code 0, daemon exit code 0", output, StringComparison.Ordinal);
    }

    private static async Task<string> RunDemoAsync(string assembly)
    {
        var info = new ProcessStartInfo(DotNetHost(), ["exec", Path.Combine(AppContext.BaseDirectory, assembly)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{assembly} did not finish within {Patience}. Its output:\n{await stdout}\n{await stderr}");
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{assembly} exited with {process.ExitCode}. Its output:\n{output}");
        return output;
    }

    private static string DotNetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [GeneratedRegex(@"daemon has served \d+ calls")]
    private static partial Regex DaemonServedLine();

    [GeneratedRegex(@"\(agent pid (\d+), greeting #1 of this connection\)")]
    private static partial Regex AgentPid();
}
