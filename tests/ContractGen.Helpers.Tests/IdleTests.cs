using ContractGen.Helpers.Tests.Infrastructure;
using ContractGen.Helpers.TestHelper;
using Xunit.Abstractions;

namespace ContractGen.Helpers.Tests;

/// <summary>Idle exit: a helper without calls is told to exit, and the next call starts it again.</summary>
public sealed class IdleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_idle_helper_exits_and_the_next_call_starts_it_again()
    {
        var options = Probe.Options();
        options.IdleTimeout = TimeSpan.FromMilliseconds(300);
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        var first = (await helper.Proxy.GetFactsAsync()).ProcessId;

        var exit = await events.WaitForAsync<HelperExitedEventArgs>();
        Assert.Equal(first, exit.ProcessId);
        Assert.Equal(HelperExitReason.Idle, exit.Reason);
        Assert.Equal(0, exit.ExitCode); // it ended itself cleanly once its application closed the connection
        Assert.True(Probe.HasEnded(first));
        Assert.Empty(events.Of<HelperInterruptedEventArgs>());
        Assert.Equal(HelperState.NotRunning, helper.State);
        Assert.Null(helper.ProcessId);

        var second = (await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound)).ProcessId;
        Assert.NotEqual(first, second);
        Assert.Equal(2, helper.LaunchCount);
        Assert.Empty(events.Of<HelperInterruptedEventArgs>());
    }

    [Fact]
    public async Task A_call_in_flight_keeps_the_helper_from_going_idle()
    {
        var options = Probe.Options();
        options.IdleTimeout = TimeSpan.FromMilliseconds(100);
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);
        var first = (await helper.Proxy.GetFactsAsync()).ProcessId;

        // Many idle periods long; an idle exit now would interrupt it.
        var answeredBy = await helper.Proxy.SleepAsync(1500, CancellationToken.None).AsTask().WaitAsync(Probe.Bound);
        Assert.Equal(first, answeredBy);
        Assert.Empty(events.Of<HelperInterruptedEventArgs>());
        Assert.DoesNotContain(events.Of<HelperExitedEventArgs>(), e => e.ProcessId == first && e.Reason != HelperExitReason.Idle);
        Assert.Equal(1, helper.LaunchCount);
    }

    [Fact]
    public async Task A_stream_being_read_keeps_the_helper_from_going_idle()
    {
        var options = Probe.Options();
        options.IdleTimeout = TimeSpan.FromMilliseconds(100);
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var events = new HelperEvents(helper);

        var count = 0;
        await foreach (var i in helper.Proxy.CountAsync(5, CancellationToken.None))
        {
            count++;
            await Task.Delay(150); // longer than the idle timeout, between items
        }

        Assert.Equal(5, count);
        Assert.Equal(1, helper.LaunchCount);
        Assert.Empty(events.Of<HelperInterruptedEventArgs>());
    }
}
