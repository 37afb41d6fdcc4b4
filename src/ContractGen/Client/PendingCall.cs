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

    /// <summary>
    /// Claims the call for a reply that <see cref="CompleteClaimed"/> delivers later; false if it already completed
    /// (cancelled, timed out, failed). A claimed call is completed by nothing else.
    /// </summary>
    public bool TryClaim() => Interlocked.Exchange(ref _completed, 1) == 0;

    /// <summary>
    /// Delivers the reply of a call claimed by <see cref="TryClaim"/>. With <paramref name="inline"/>, the awaiting
    /// code continues on this thread (a <see cref="ReplyBatch"/> runner, never the read loop); it may end the call and
    /// return it to the pool before this returns, so nothing touches the call afterwards.
    /// </summary>
    public void CompleteClaimed(PayloadBuffer payload, bool inline)
    {
        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(payload);
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

    /// <summary>Stops the cancellation callback and the deadline timer (waiting for a cancellation callback that is running).</summary>
    public void ReleaseCallbacks()
    {
        // Dispose waits for a running cancellation callback, so the callback never sees a recycled call.
        _registration.Dispose();
        _registration = default;
        _deadline?.Dispose();
        _deadline = null;
    }

    public void Reset()
    {
        ReleaseCallbacks();
        _core.Reset();
        _core.RunContinuationsAsynchronously = true;
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
