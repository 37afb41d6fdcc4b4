namespace ContractGen.Tests;

/// <summary>Many calls at once, cancellation in both directions, and exceptions thrown by the implementation.</summary>
public sealed class CallBehaviourTests
{
    [Fact]
    public async Task A_thousand_concurrent_calls_on_one_connection_each_get_their_own_answer()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        // Started from many threads at once; the service completes them in a mixed order.
        var calls = Enumerable.Range(0, 1000)
            .Select(i => Task.Run(() => proxy.EchoAfterYieldAsync(i).AsTask()))
            .ToArray();
        var results = await Task.WhenAll(calls).WithPatience();

        Assert.Equal(Enumerable.Range(0, 1000), results);
        Assert.Equal(1, host.Host.ConnectionCount);
    }

    [Fact]
    public async Task Concurrent_calls_of_different_shapes_do_not_mix_up_their_results()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        var sums = Enumerable.Range(0, 300).Select(i => proxy.AddAsync(i, i)).ToArray();
        var echoes = Enumerable.Range(0, 300).Select(i => proxy.EchoNullableAsync(i % 2 == 0 ? null : "s" + i).AsTask()).ToArray();
        var lengths = Enumerable.Range(0, 300).Select(i => proxy.LengthAsync(new string('x', i)).AsTask()).ToArray();
        var sumResults = await Task.WhenAll(sums).WithPatience();
        var echoResults = await Task.WhenAll(echoes).WithPatience();
        var lengthResults = await Task.WhenAll(lengths).WithPatience();

        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(2 * i, sumResults[i]);
            Assert.Equal(i % 2 == 0 ? null : "s" + i, echoResults[i]);
            Assert.Equal(i, lengthResults[i]);
        }
    }

    [Fact]
    public async Task Cancelling_the_client_token_cancels_the_call_on_both_sides()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;
        using var cancellation = new CancellationTokenSource();

        var call = proxy.WaitForCancellationAsync(cancellation.Token);
        await host.Service.WaitStarted.Task.WithPatience();
        Assert.False(call.IsCompleted);

        await cancellation.CancelAsync();

        // The implementation never returns on its own: only the cancellation can end either side.
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WithPatience());
        Assert.Equal(cancellation.Token, error.CancellationToken);
        await host.Service.WaitTokenFired.Task.WithPatience();
    }

    [Fact]
    public async Task A_cancelled_call_leaves_the_connection_usable()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;
        using var cancellation = new CancellationTokenSource();

        var call = proxy.WaitForCancellationAsync(cancellation.Token);
        await host.Service.WaitStarted.Task.WithPatience();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WithPatience());

        Assert.Equal(11, await proxy.AddAsync(5, 6).WithPatience());
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_fails_without_reaching_the_service()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => proxy.WaitForCancellationAsync(new CancellationToken(canceled: true)).WithPatience());

        Assert.False(host.Service.WaitStarted.Task.IsCompleted);
        Assert.Equal(3, await proxy.AddAsync(1, 2).WithPatience());
        Assert.False(host.Service.WaitStarted.Task.IsCompleted);
    }

    [Fact]
    public async Task An_exception_in_the_implementation_reaches_the_client_as_RemoteFaultException_that_says_only_its_fault_id()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.FailAsync("the disk is on fire").AsTask());

        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.Equal(nameof(IRuntimeService.FailAsync), fault.Method);
        Assert.Null(fault.RemoteStackTrace);
        Assert.DoesNotContain("the disk is on fire", fault.Message, StringComparison.Ordinal);

        // A fault fails that call only.
        Assert.Equal(2, await proxy.AddAsync(1, 1).WithPatience());
        Assert.True(host.Logs.Contains(7, "FailAsync"));
        Assert.True(host.Logs.Contains(7, fault.FaultId!));
    }

    [Fact]
    public async Task With_IncludeExceptionDetails_the_remote_stack_trace_travels()
    {
        await using var host = await TestHost.StartAsync(o => o.IncludeExceptionDetails = true);
        var proxy = (await host.ConnectAsync()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.FailAsync("with details").AsTask());

        Assert.Equal(typeof(InvalidOperationException).FullName, fault.RemoteExceptionType);
        Assert.Equal("with details", fault.RemoteMessage);
        Assert.NotNull(fault.RemoteStackTrace);
        Assert.Contains("ThrowFromTheImplementation", fault.RemoteStackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_larger_than_the_client_accepts_is_refused_by_the_service_and_reported_as_a_fault()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync(new ServiceConnectionOptions { MaxFrameSize = 1024 })).Proxy;

        await proxy.RememberAsync(new string('r', 4000)).WithPatience();
        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.RecallAsync().AsTask());

        // A protocol limit stays informative even on a System daemon: the caller needs it to fix its call.
        Assert.Equal(typeof(MessageTooLargeException).FullName, fault.RemoteExceptionType);
        Assert.Contains("larger than the limit of 1024 bytes", fault.RemoteMessage, StringComparison.Ordinal);
        Assert.NotNull(fault.FaultId);

        // The oversized reply never reached the wire: the connection is intact.
        await proxy.RememberAsync("small").WithPatience();
        Assert.Equal("small", await proxy.RecallAsync().WithPatience());
    }
}
