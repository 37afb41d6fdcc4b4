using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using ContractGen.Protocol;

namespace ContractGen;

/// <summary>
/// A call awaiting its reply. Pooled per connection and awaited through <see cref="IValueTaskSource{TResult}"/>, so a
/// call allocates nothing for its own bookkeeping.
/// </summary>
internal sealed class PendingCall : IValueTaskSource<PayloadBuffer>
{
    private static readonly Action<object?, CancellationToken> s_onCanceled = static (state, token) => ((PendingCall)state!).OnCanceled(token);

    // Continuations run on the thread pool, never on the connection's read loop: user code that blocks after an
    // await must not stall every other call on the connection.
    private ManualResetValueTaskSourceCore<PayloadBuffer> _core = new() { RunContinuationsAsynchronously = true };
    private int _completed;
    private CancellationTokenRegistration _registration;
    private ITimer? _deadline;
    private ServiceConnection? _owner;

    public uint Id { get; private set; }

    public MethodDescriptor Method { get; private set; } = null!;

    public void Start(ServiceConnection owner, uint id, MethodDescriptor method)
    {
        _owner = owner;
        Id = id;
        Method = method;
    }

    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(s_onCanceled, this);
        }
    }

    /// <summary>Fails the call with <see cref="CallTimeoutException"/> after <paramref name="timeout"/>, and tells the service.</summary>
    /// <remarks>
    /// Disposing a timer does not stop a callback that has already started, so the callback names the call by its id
    /// and the connection looks it up: a timer that fires as this call ends must not fail the next use of this object.
    /// </remarks>
    public void StartDeadline(TimeSpan timeout)
        => _deadline = TimeProvider.System.CreateTimer(
            static state =>
            {
                var (owner, id) = ((ServiceConnection, uint))state!;
                owner.OnCallDeadline(id);
            },
            (_owner!, Id),
            timeout,
            System.Threading.Timeout.InfiniteTimeSpan);

    public TimeSpan Timeout { get; set; }

    public ValueTask<PayloadBuffer> WaitAsync() => new(this, _core.Version);

    /// <summary>Completes the call with a reply payload; false (and the caller keeps the payload) if it already completed.</summary>
    public bool TrySetResult(PayloadBuffer payload)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetResult(payload);
        return true;
    }

    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    private void OnCanceled(CancellationToken token)
    {
        if (TrySetException(new OperationCanceledException($"The call to '{Method.Name}' was cancelled.", token)))
        {
            _owner?.SendCancel(Id);
        }
    }

    public void Reset()
    {
        // Dispose waits for a running cancellation callback, so the callback never sees a recycled call.
        _registration.Dispose();
        _registration = default;
        _deadline?.Dispose();
        _deadline = null;
        _core.Reset();
        _completed = 0;
        _owner = null;
        Method = null!;
    }

    PayloadBuffer IValueTaskSource<PayloadBuffer>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<PayloadBuffer>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<PayloadBuffer>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>A small bounded pool of <see cref="PendingCall"/>s.</summary>
internal sealed class PendingCallPool
{
    private const int MaxRetained = 256;
    private readonly ConcurrentQueue<PendingCall> _items = new();
    private int _count;

    public PendingCall Rent()
    {
        if (_items.TryDequeue(out var call))
        {
            Interlocked.Decrement(ref _count);
            return call;
        }

        return new PendingCall();
    }

    public void Return(PendingCall call)
    {
        call.Reset();
        if (Interlocked.Increment(ref _count) <= MaxRetained)
        {
            _items.Enqueue(call);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
