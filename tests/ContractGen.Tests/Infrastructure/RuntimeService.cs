namespace ContractGen.Tests;

/// <summary>
/// The implementation of <see cref="IRuntimeService"/> used by the tests. Every test gets its own instance; what the
/// service saw is exposed through counters and <see cref="TaskCompletionSource"/>s the tests await.
/// </summary>
public sealed class RuntimeService : IRuntimeService
{
    private string? _remembered;
    private int _pings;
    private int _lengthCalls;
    private int _sizeCalls;

    /// <summary>Released by the test to let <see cref="WaitForGateAsync"/> calls return.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When false, <see cref="WaitForGateAsync"/> ignores its token (a call that cannot be cancelled).</summary>
    public bool GateObservesToken { get; set; } = true;

    /// <summary>Released once per call that has entered <see cref="WaitForGateAsync"/>.</summary>
    public SemaphoreSlim GateEntered { get; } = new(0);

    /// <summary>Set when the service-side token of a <see cref="WaitForGateAsync"/> call fired.</summary>
    public TaskCompletionSource GateTokenFired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when <see cref="WaitForCancellationAsync"/> has started waiting.</summary>
    public TaskCompletionSource WaitStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the service-side token of <see cref="WaitForCancellationAsync"/> fired.</summary>
    public TaskCompletionSource WaitTokenFired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Pings => Volatile.Read(ref _pings);

    public int LengthCalls => Volatile.Read(ref _lengthCalls);

    public int SizeCalls => Volatile.Read(ref _sizeCalls);

    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    public async Task PingAsync()
    {
        await Task.Yield();
        Interlocked.Increment(ref _pings);
    }

    public async ValueTask RememberAsync(string text)
    {
        await Task.Yield();
        Volatile.Write(ref _remembered, text);
    }

    public ValueTask<string?> RecallAsync() => ValueTask.FromResult(Volatile.Read(ref _remembered));

    public ValueTask<string?> EchoNullableAsync(string? value) => ValueTask.FromResult(value);

    public ValueTask<int> LengthAsync(string text)
    {
        Interlocked.Increment(ref _lengthCalls);
        return ValueTask.FromResult(text.Length);
    }

    public async ValueTask<int> EchoAfterYieldAsync(int value)
    {
        // Mixed completion orders: some calls finish at once, some after a yield, some after a timer.
        switch (value % 3)
        {
            case 0:
                break;
            case 1:
                await Task.Yield();
                break;
            default:
                await Task.Delay(1);
                break;
        }

        return value;
    }

    public async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() =>
        {
            WaitTokenFired.TrySetResult();
            fired.TrySetResult();
        }))
        {
            WaitStarted.TrySetResult();
            await fired.Task.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public ValueTask<int> FailAsync(string message) => ThrowFromTheImplementation(message);

    public async ValueTask<int> WaitForGateAsync(int value, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => GateTokenFired.TrySetResult());
        GateEntered.Release();
        try
        {
            if (GateObservesToken)
            {
                await Gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Gate.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            // Callbacks run last-registered first: WaitAsync's may end this method and unregister the one above
            // before it runs, so record the cancellation here as well.
            if (cancellationToken.IsCancellationRequested)
            {
                GateTokenFired.TrySetResult();
            }
        }

        return value;
    }

    public ValueTask<int> SizeAsync(byte[] data)
    {
        Interlocked.Increment(ref _sizeCalls);
        return ValueTask.FromResult(data.Length);
    }

    public ValueTask<CallerView> WhoAmIAsync()
    {
        var context = ServiceCallContext.Current;
        var caller = context?.Caller;
        return ValueTask.FromResult(new CallerView(
            context is not null,
            context?.Contract.Name ?? string.Empty,
            caller?.ProcessId ?? -1,
            caller?.UserId ?? uint.MaxValue,
            caller?.GroupId ?? uint.MaxValue,
            caller?.UserName));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ValueTask<int> ThrowFromTheImplementation(string message) => throw new InvalidOperationException(message);
}

/// <summary>Serves <see cref="IOtherService"/>.</summary>
public sealed class OtherService : IOtherService
{
    public ValueTask<int> OtherAsync(int value) => ValueTask.FromResult(-value);
}

/// <summary>Serves version 1 of <c>tests.versioned</c>.</summary>
public sealed class VersionedV1Service : IVersionedV1
{
    public ValueTask<int> EchoAsync(int value) => ValueTask.FromResult(value);

    public ValueTask<string> OnlyInV1Async() => ValueTask.FromResult("v1");
}
