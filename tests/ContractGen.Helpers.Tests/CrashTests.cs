using ContractGen.Helpers.Tests.Infrastructure;
using ContractGen.Helpers.TestHelper;
using Xunit.Abstractions;

namespace ContractGen.Helpers.Tests;

/// <summary>A crashing helper: interrupted calls, events, relaunch through the same proxy, backoff and crash loops.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_crash_during_a_call_interrupts_the_calls_in_flight_and_the_same_proxy_relaunches_the_helper()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        var proxy = helper.Proxy;
        var first = (await proxy.GetFactsAsync()).ProcessId;

        // A call that would take ten minutes is in flight when another call crashes the helper.
        var slow = proxy.SleepAsync(600_000, CancellationToken.None).AsTask();
        var crash = proxy.CrashAsync(CrashKind.FailFast, 0).AsTask();

        var crashed = await Assert.ThrowsAsync<ServiceInterruptedException>(() => crash.WaitAsync(Probe.Bound));
        var interrupted = await Assert.ThrowsAsync<ServiceInterruptedException>(() => slow.WaitAsync(Probe.Bound));
        Assert.Equal(first, crashed.ProcessId);
        Assert.Equal(134, crashed.ExitCode); // SIGABRT
        Assert.Contains("SIGABRT", crashed.Message, StringComparison.Ordinal);
        Assert.Contains("'CrashAsync' was in flight", crashed.Message, StringComparison.Ordinal);
        Assert.Contains("'SleepAsync' was in flight", interrupted.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ServiceConnectionException>(interrupted);

        // The application heard about it once, before the calls failed, and the connection stays valid.
        var notice = Assert.Single(events.Of<HelperInterruptedEventArgs>());
        Assert.Equal(first, notice.ProcessId);
        Assert.Equal(HelperExitReason.Crashed, notice.Reason);
        Assert.Equal(1, notice.RecentCrashes);
        Assert.Contains(events.Of<HelperExitedEventArgs>(), e => e.ProcessId == first && e.Reason == HelperExitReason.Crashed);
        Assert.Empty(events.Of<HelperInvalidatedEventArgs>());
        Assert.Equal(HelperState.NotRunning, helper.State);

        // The same proxy object starts a new helper.
        var facts = await proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound);
        Assert.NotEqual(first, facts.ProcessId);
        Assert.Equal(facts.ProcessId, helper.ProcessId);
        Assert.Equal(2, helper.LaunchCount);
        Assert.Same(proxy, helper.Proxy);
        Assert.Equal("still works", await proxy.EchoAsync("still works"));
    }

    [Fact]
    public async Task A_helper_that_exits_reports_its_exit_code()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        var error = await Assert.ThrowsAsync<ServiceInterruptedException>(() => helper.Proxy.CrashAsync(CrashKind.Exit, 42).AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(42, error.ExitCode);
        Assert.Contains("exit code 42", error.Message, StringComparison.Ordinal);
        Assert.Equal(42, Assert.Single(events.Of<HelperInterruptedEventArgs>()).ExitCode);
        Assert.Equal("back", await helper.Proxy.EchoAsync("back").AsTask().WaitAsync(Probe.Bound));
    }

    [Fact]
    public async Task A_crash_loop_invalidates_the_connection_with_an_error_that_says_so()
    {
        var options = Probe.Options();
        options.CrashLimit = 3;
        options.CrashWindow = TimeSpan.FromMinutes(10);
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);

        await Assert.ThrowsAsync<ServiceInterruptedException>(() => helper.Proxy.CrashAsync(CrashKind.FailFast, 0).AsTask().WaitAsync(Probe.Bound));
        await Assert.ThrowsAsync<ServiceInterruptedException>(() => helper.Proxy.CrashAsync(CrashKind.FailFast, 0).AsTask().WaitAsync(Probe.Bound));
        var error = await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.CrashAsync(CrashKind.FailFast, 0).AsTask().WaitAsync(Probe.Bound));

        Assert.Equal(ServiceInvalidationReason.CrashLoop, error.InvalidationReason);
        Assert.Contains("crashed 3 times within 00:10:00", error.Message, StringComparison.Ordinal);
        Assert.Contains("crash loop", error.Message, StringComparison.Ordinal);
        Assert.Contains("CrashLimit = 3", error.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2], events.Of<HelperInterruptedEventArgs>().Select(e => e.RecentCrashes));
        Assert.Equal(error.Message, Assert.Single(events.Of<HelperInvalidatedEventArgs>()).Error.Message);
        Assert.Equal(HelperState.Invalidated, helper.State);

        // No spinning: later calls fail at once with the same explanation and start nothing.
        var later = await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.EchoAsync("x").AsTask());
        Assert.Equal(error.Message, later.Message);
        Assert.Equal(3, helper.LaunchCount);
    }

    [Fact]
    public async Task Relaunch_delay_doubles_with_each_crash_in_the_window_up_to_the_maximum()
    {
        var options = Probe.Options();
        options.InitialRelaunchDelay = TimeSpan.FromMilliseconds(10);
        options.MaxRelaunchDelay = TimeSpan.FromMilliseconds(40);
        options.CrashLimit = 10;
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ServiceInterruptedException>(() => helper.Proxy.CrashAsync(CrashKind.Exit, 1).AsTask().WaitAsync(Probe.Bound));
        }

        Assert.Equal([10, 20, 40, 40, 40], events.Of<HelperInterruptedEventArgs>().Select(e => (int)e.RelaunchDelay.TotalMilliseconds));
        Assert.Equal("alive", await helper.Proxy.EchoAsync("alive").AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(6, helper.LaunchCount);
    }

    [Fact]
    public async Task A_helper_that_dies_before_connecting_counts_as_a_crash()
    {
        var options = Probe.Options("exit-early", "3");
        options.CrashLimit = 2;
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);

        var first = await Assert.ThrowsAsync<ServiceInterruptedException>(() => helper.Proxy.EchoAsync("x").AsTask().WaitAsync(Probe.Bound));
        Assert.Contains("exit code 3 before it connected", first.Message, StringComparison.Ordinal);
        Assert.Equal(3, first.ExitCode);
        Assert.Single(events.Of<HelperInterruptedEventArgs>());

        var second = await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.EchoAsync("x").AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(ServiceInvalidationReason.CrashLoop, second.InvalidationReason);
        Assert.Equal(2, helper.LaunchCount);
    }

    [Fact]
    public async Task A_helper_that_stops_answering_is_killed_and_relaunched()
    {
        var options = Probe.Options();
        // Short enough to notice the hang soon, long enough for a cold helper to finish its handshake on a slow machine.
        options.Connection.KeepAliveInterval = TimeSpan.FromSeconds(1);
        options.Connection.KeepAliveTimeout = TimeSpan.FromSeconds(5);
        options.ExitTimeout = TimeSpan.FromMilliseconds(200);
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        var pid = (await helper.Proxy.GetFactsAsync()).ProcessId;
        var call = helper.Proxy.SleepAsync(600_000, CancellationToken.None).AsTask();

        // SIGSTOP: the helper hangs without exiting or closing anything.
        Assert.Equal(0, (await RunAsync("kill", "-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode);

        var error = await Assert.ThrowsAsync<ServiceInterruptedException>(() => call.WaitAsync(Probe.Bound));
        Assert.Contains("stopped answering", error.Message, StringComparison.Ordinal);
        Assert.Equal(HelperExitReason.Unresponsive, Assert.Single(events.Of<HelperInterruptedEventArgs>()).Reason);
        Assert.True(Probe.HasEnded(pid));
        Assert.NotEqual(pid, (await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound)).ProcessId);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(program, arguments);
        await process.WaitForExitAsync().WaitAsync(Probe.Bound);
        return (process.ExitCode, string.Empty);
    }
}
