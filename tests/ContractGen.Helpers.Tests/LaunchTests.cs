using ContractGen.Helpers.Tests.Infrastructure;
using ContractGen.Helpers.TestHelper;
using Xunit.Abstractions;

namespace ContractGen.Helpers.Tests;

/// <summary>Starting a helper on first use, privately, and making sure the peer is the child that was started.</summary>
public sealed class LaunchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task First_call_starts_the_helper_and_the_kernel_confirms_it_is_the_launched_child()
    {
        var logs = new TestLoggerFactory(output);
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), logs);
        var events = new HelperEvents(helper);
        Assert.Equal(HelperState.NotRunning, helper.State);
        Assert.Equal(0, helper.LaunchCount);
        Assert.Null(helper.ProcessId);

        var facts = await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound);

        Assert.Equal(HelperState.Running, helper.State);
        Assert.Equal(1, helper.LaunchCount);
        Assert.Equal(Environment.ProcessId, facts.ParentProcessId);
        Assert.Equal(facts.ProcessId, helper.ProcessId);
        Assert.Equal(facts.ProcessId, helper.HelperCredentials!.ProcessId);
        Assert.Equal(facts.UserId, helper.HelperCredentials.UserId);
        Assert.Equal(facts.ProcessId, Assert.Single(events.Of<HelperLaunchedEventArgs>()).ProcessId);

        // The endpoint existed only while the helper started: socket and private directory are gone.
        Assert.False(string.IsNullOrEmpty(facts.SocketPath));
        Assert.StartsWith("cgh-", Path.GetFileName(Path.GetDirectoryName(facts.SocketPath)), StringComparison.Ordinal);
        Assert.False(File.Exists(facts.SocketPath));
        Assert.False(Directory.Exists(Path.GetDirectoryName(facts.SocketPath)));

        // The helper removed the variable, so its own children never learn where its application listened.
        Assert.DoesNotContain(ServiceHelperHost.SocketVariable, facts.EnvironmentNames);
        Assert.Equal("again", await helper.Proxy.EchoAsync("again"));
        Assert.Equal(1, helper.LaunchCount);
    }

    [Fact]
    public async Task Concurrent_first_calls_share_one_launch()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), new TestLoggerFactory(output));
        var calls = Enumerable.Range(0, 16).Select(i => helper.Proxy.EchoAsync("call " + i).AsTask()).ToArray();
        var answers = await Task.WhenAll(calls).WaitAsync(Probe.Bound);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => "call " + i), answers);
        Assert.Equal(1, helper.LaunchCount);
    }

    [Fact]
    public async Task One_way_calls_and_streams_route_through_the_helper_too()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), new TestLoggerFactory(output));
        await helper.Proxy.RememberAsync("first");
        await helper.Proxy.RememberAsync("second");

        // One-way calls on a connection start in order, before a later call on the same connection.
        // CGEN4001: the probe's condition is synchronous; xUnit runs it without a synchronization context to deadlock on.
#pragma warning disable CGEN4001
        await Probe.WaitUntilAsync(() => helper.Proxy.GetNotesAsync().AsTask().Result.Length == 2, "both notes arrived");
#pragma warning restore CGEN4001
        Assert.Equal(["first", "second"], await helper.Proxy.GetNotesAsync());

        var counted = new List<int>();
        await foreach (var i in helper.Proxy.CountAsync(100, CancellationToken.None))
        {
            counted.Add(i);
        }

        Assert.Equal(Enumerable.Range(1, 100), counted);
        Assert.Equal(1, helper.LaunchCount);
    }

    [Fact]
    public async Task A_stranger_that_connects_to_the_private_endpoint_is_refused_before_it_reads_a_byte()
    {
        var logs = new TestLoggerFactory(output);
        var parent = Directory.CreateTempSubdirectory("cgh-test-").FullName;
        var gate = Path.Combine(parent, "gate");
        try
        {
            var options = Probe.Options();
            options.SocketDirectory = parent;

            // The helper waits for the gate before it connects, so that the stranger is certainly first.
            options.Environment["PROBE_CONNECT_GATE"] = gate;
            await using var helper = ServiceHelper.Create<IHelperProbe>(options, logs);
            var call = helper.Proxy.EchoAsync("for the real helper").AsTask();

            string? socket = null;
            await Probe.WaitUntilAsync(
                () => (socket = Directory.GetDirectories(parent, "cgh-*").Select(d => Path.Combine(d, "s")).FirstOrDefault(File.Exists)) is not null,
                "the private endpoint exists");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket!));

            // A separate process of the same user connects first: the application must close it unread.
            var stranger = await Probe.RunAsync(null, "stranger", socket!);
            Assert.Equal((0, "received 0"), stranger);
            Assert.Equal(1, helper.RejectedPeers);
            Assert.Contains(logs.Messages, m => m.EventId == 103 && m.Message.Contains("not the helper that was started", StringComparison.Ordinal));
            Assert.False(call.IsCompleted);

            await File.WriteAllTextAsync(gate, "go");
            Assert.Equal("for the real helper", await call.WaitAsync(Probe.Bound));
            Assert.Equal(1, helper.RejectedPeers);
            Assert.Empty(Directory.GetDirectories(parent, "cgh-*"));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task A_helper_refuses_to_run_without_its_application()
    {
        var (exitCode, text) = await Probe.RunAsync(null);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("cannot run on its own", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_helper_that_serves_another_contract_invalidates_the_connection()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options("wrong-contract"), new TestLoggerFactory(output));
        var events = new HelperEvents(helper);

        var error = await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.EchoAsync("x").AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(ServiceInvalidationReason.ContractMismatch, error.InvalidationReason);
        Assert.Contains("com.contractgen.tests.other-probe", error.Message, StringComparison.Ordinal);
        Assert.Same(helper.InvalidationError, Assert.Single(events.Of<HelperInvalidatedEventArgs>()).Error);
        Assert.Equal(HelperState.Invalidated, helper.State);

        // Invalid for good: no further launch.
        await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.EchoAsync("y").AsTask());
        Assert.Equal(1, helper.LaunchCount);
    }

    [Fact]
    public async Task A_helper_program_that_does_not_exist_invalidates_the_connection_with_its_path()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(new HelperOptions("/nonexistent/cgen-helper"), new TestLoggerFactory(output));
        var error = await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.EchoAsync("x").AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(ServiceInvalidationReason.LaunchFailed, error.InvalidationReason);
        Assert.Contains("/nonexistent/cgen-helper", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, helper.LaunchCount);
    }

    [Fact]
    public void Options_out_of_range_are_refused_when_the_connection_is_created()
    {
        var options = Probe.Options();
        options.CrashLimit = 0;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ServiceHelper.Create<IHelperProbe>(options));
        Assert.Equal("CrashLimit", error.ParamName);

        options = Probe.Options();
        options.GroupName = "nogroup";
        Assert.Equal("GroupName", Assert.Throws<ArgumentException>(() => ServiceHelper.Create<IHelperProbe>(options)).ParamName);
    }
}
