using System.Diagnostics;
using System.Globalization;
using ContractGen.Helpers.Tests.Infrastructure;
using ContractGen.Helpers.TestHelper;
using Xunit.Abstractions;

namespace ContractGen.Helpers.Tests;

/// <summary>The helper's life is bound to its application's: dispose ends it, and so does the application's death.</summary>
public sealed class LifetimeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Disposing_the_connection_ends_the_helper_and_later_calls_fail()
    {
        var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        var pid = (await helper.Proxy.GetFactsAsync()).ProcessId;

        await helper.DisposeAsync().AsTask().WaitAsync(Probe.Bound);

        var exit = Assert.Single(events.Of<HelperExitedEventArgs>());
        Assert.Equal((pid, HelperExitReason.Disposed), (exit.ProcessId, exit.Reason));
        Assert.True(Probe.HasEnded(pid));
        Assert.Empty(events.Of<HelperInterruptedEventArgs>());
        Assert.Equal(HelperState.Disposed, helper.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => helper.Proxy.EchoAsync("x").AsTask());
    }

    [Fact]
    public async Task The_helper_exits_when_its_application_dies()
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Probe.HelperAssembly);
        info.ArgumentList.Add("app");
        using var app = Process.Start(info)!;
        try
        {
            var line = await app.StandardOutput.ReadLineAsync().WaitAsync(Probe.Bound);
            Assert.StartsWith("helper ", line, StringComparison.Ordinal);
            var helperPid = int.Parse(line!["helper ".Length..], CultureInfo.InvariantCulture);
            Assert.False(Probe.HasEnded(helperPid));

            // SIGKILL: the application cannot say goodbye; the kernel closes its end of the connection.
            app.Kill();
            await app.WaitForExitAsync().WaitAsync(Probe.Bound);
            await Probe.WaitUntilAsync(() => Probe.HasEnded(helperPid), $"the orphaned helper {helperPid} has exited");
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
            }
        }
    }
}
