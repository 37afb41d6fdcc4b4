using System.ComponentModel;
using System.Runtime.CompilerServices;
using ContractGen.Protocol;
using MemoryPack;

namespace ContractGen;

/// <summary>
/// One call being served. Generated dispatchers read its arguments and send its reply through it; the host owns
/// its lifetime. Instances are pooled: never keep one after the dispatcher's task has completed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Pooled: the token source is reset for reuse, or disposed when it cannot be.")]
public sealed class ServerCall : IThreadPoolWorkItem
{
    private static readonly ContextCallback s_run = static state => ((ServerCall)state!).Run();

    private readonly Action _onDispatchCompleted;
    private ServerConnection? _connection;
    private PayloadBuffer _payload;
    private CancellationTokenSource? _cancellation;
    private bool _canceled;
    private int _argumentsOffset;
    private long _deadlineTicks;
    private SemaphoreSlim? _credits;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _dispatch;

    internal ServerCall()
    {
        _onDispatchCompleted = OnDispatchCompleted;
    }

    /// <summary>The call's id on its connection.</summary>
    public uint CallId { get; private set; }

    /// <summary>The wire identifier of the method being called.</summary>
    public uint MethodId { get; private set; }

    internal MethodDescriptor Method { get; private set; } = null!;

    /// <summary>Who is calling, for per-call activation.</summary>
    internal ServiceCallContext CallContext => _connection!.CallContext;

    /// <summary>
    /// Cancelled when the client cancels the call, the client disconnects, or the host's shutdown timeout expires.
    /// </summary>
    public CancellationToken CancellationToken
    {
        get
        {
            // Created only for methods that take a token, so calls without one cost no token source.
            lock (this)
            {
                if (_cancellation is null)
                {
                    _cancellation = new CancellationTokenSource();
                    if (_canceled)
                    {
                        _cancellation.Cancel();
                    }
                    else if (_deadlineTicks != 0)
                    {
                        // The client's deadline, measured from when the request arrived.
                        _cancellation.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, _deadlineTicks - Environment.TickCount64)));
                    }
                }

                return _cancellation.Token;
            }
        }
    }

    /// <summary>Whether the client waits for no reply (a one-way call).</summary>
    public bool IsOneWay { get; private set; }

    internal void Start(ServerConnection connection, uint callId, MethodDescriptor method, PayloadBuffer payload, FrameOptions options, uint deadlineMilliseconds)
    {
        _connection = connection;
        CallId = callId;
        MethodId = method.Id;
        Method = method;
        _payload = payload;
        IsOneWay = (options & FrameOptions.OneWay) != 0;
        var hasDeadline = (options & FrameOptions.HasDeadline) != 0;
        _argumentsOffset = hasDeadline ? sizeof(uint) : 0;
        _deadlineTicks = hasDeadline ? Environment.TickCount64 + deadlineMilliseconds : 0;
    }

    /// <summary>
    /// Checks the caller's kernel identity against <paramref name="policy"/>, before any argument is decoded. Called
    /// first by generated dispatchers.
    /// </summary>
    /// <exception cref="AccessDeniedException">The caller does not meet a rule of the policy.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Authorize(Security.CallerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.FindUnmetRule(_connection!.Caller, _connection.ServiceUserId) is { } unmet)
        {
            throw new AccessDeniedException(Method.Name, unmet.Description);
        }
    }

    /// <summary>Decodes the call's arguments. Called by generated dispatchers.</summary>
    /// <exception cref="MalformedMessageException">The payload does not decode as the method's arguments.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TArguments ReadArguments<TArguments>()
        where TArguments : IPayloadCodec<TArguments>
    {
        var memory = _payload.Memory[_argumentsOffset..];
        try
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(memory.Span, state);
            var arguments = TArguments.Read(ref reader, memory);
            WireFormat.EnsureConsumed(ref reader);
            return arguments;
        }
        catch (Exception ex) when (WireFormat.IsDecodeFailure(ex))
        {
            // The scan passed, so this is what it does not model (a duplicate dictionary key): name the exception's type.
            throw new MalformedMessageException($"The arguments of '{Method.Name}' could not be decoded ({ex.GetType().Name}): {ex.Message}", ex);
        }
    }

    /// <summary>Sends the call's result. Called by generated dispatchers.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask ReplyAsync<TResult, TResultCodec>(TResult result)
        where TResultCodec : IPayloadCodec<TResult>
        => _connection!.Channel.SendAsync<TResult, TResultCodec>(FrameKind.Reply, CallId, MethodId, result, deferFlush: _connection.HasQueuedCalls);

    /// <summary>
    /// Sends the items of a streaming method as they are produced, never more than the client has granted credits
    /// for, then ends the stream. Called by generated dispatchers.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask StreamAsync<TItem, TItemCodec>(IAsyncEnumerable<TItem> items)
        where TItemCodec : IPayloadCodec<TItem>
    {
        ArgumentNullException.ThrowIfNull(items);
        var token = CancellationToken;
        var credits = Credits;
        var connection = _connection!;
        var channel = connection.Channel;
        await foreach (var item in items.WithCancellation(token).ConfigureAwait(false))
        {
            // A slow client slows the producer here instead of letting items pile up in memory.
            if (!credits.Wait(0))
            {
                // Waiting on the client now, not on this host: not counted toward the connection's calls in flight.
                connection.OnStreamParked();
                try
                {
                    await credits.WaitAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    connection.OnStreamUnparked();
                }
            }

            await channel.SendAsync<TItem, TItemCodec>(FrameKind.StreamItem, CallId, MethodId, item).ConfigureAwait(false);
        }

        await ReplyAsync().ConfigureAwait(false);
    }

    /// <summary>The client consumed <paramref name="count"/> items of this call's stream.</summary>
    internal void AddCredits(int count, int generation)
    {
        lock (this)
        {
            if (generation == Generation)
            {
                Credits.Release(count);
            }
        }
    }

    // Created on first use by whichever comes first: the stream's producer or a credit frame on the read loop.
    private SemaphoreSlim Credits
    {
        get
        {
            if (_credits is { } existing)
            {
                return existing;
            }

            var created = new SemaphoreSlim(ProtocolConstants.StreamWindow);
            var winner = Interlocked.CompareExchange(ref _credits, created, null);
            if (winner is not null)
            {
                created.Dispose();
                return winner;
            }

            return created;
        }
    }

    /// <summary>Whether the call carried a deadline that has now passed (the client times it out on its own).</summary>
    internal bool DeadlinePassed => _deadlineTicks != 0 && Environment.TickCount64 >= _deadlineTicks;

    /// <summary>Whether the client cancelled the call (or went away).</summary>
    internal bool IsCanceled
    {
        get
        {
            lock (this)
            {
                return _canceled;
            }
        }
    }

    /// <summary>Reports completion of a call that has no result. Called by generated dispatchers.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask ReplyAsync()
        => _connection!.Channel.SendAsync<EmptyPayload, EmptyPayload>(FrameKind.Reply, CallId, MethodId, default, deferFlush: _connection.HasQueuedCalls);

    /// <summary>
    /// Which use of this pooled object is current. The read loop captures it with the call under the connection's
    /// lock; a cancel or credit that arrives after the call finished and was reused then finds another generation
    /// and does nothing.
    /// </summary>
    internal int Generation { get; private set; }

    /// <summary>Cancels the call if it is still the use <paramref name="generation"/> names.</summary>
    internal void Cancel(int generation)
    {
        CancellationTokenSource? cancellation;
        lock (this)
        {
            if (generation != Generation)
            {
                return;
            }

            // Once marked, Reset never hands this source to another call, so cancelling it outside the lock (where
            // user callbacks may run and even complete this call inline) cannot reach a later use.
            _canceled = true;
            cancellation = _cancellation;
        }

        cancellation?.Cancel();
    }

    /// <summary>Runs the call on the thread pool, in the connection's execution context (which carries <see cref="ServiceCallContext"/>).</summary>
    void IThreadPoolWorkItem.Execute()
    {
        _connection!.OnQueuedCallStarted();
        ExecutionContext.Run(_connection.ExecutionContext, s_run, this);
    }

    /// <summary>Starts the dispatcher and arranges for completion without allocating when it finishes asynchronously.</summary>
    internal void Run()
    {
        ValueTask dispatch;
        try
        {
            dispatch = _connection!.Dispatcher.DispatchAsync(this);
        }
        catch (Exception ex)
        {
            dispatch = ValueTask.FromException(ex);
        }

        _dispatch = dispatch.ConfigureAwait(false).GetAwaiter();
        if (_dispatch.IsCompleted)
        {
            OnDispatchCompleted();
        }
        else
        {
            _dispatch.UnsafeOnCompleted(_onDispatchCompleted);
        }
    }

    private void OnDispatchCompleted()
    {
        Exception? failure = null;
        try
        {
            _dispatch.GetResult();
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        _dispatch = default;
        _connection!.CompleteCall(this, failure);
    }

    /// <summary>Releases the payload and token source for reuse.</summary>
    internal void Reset()
    {
        _payload.Return();
        _payload = default;
        lock (this)
        {
            // Reused only when untouched: not one a cancel may still be firing on, not one armed with a deadline
            // timer. Those are dropped rather than disposed, as a canceller may still hold them.
            if (_cancellation is not null && _canceled)
            {
                _cancellation = null;
            }
            else if (_cancellation is not null && (_deadlineTicks != 0 || !_cancellation.TryReset()))
            {
                _cancellation.Dispose();
                _cancellation = null;
            }

            _canceled = false;
            _credits?.Dispose();
            _credits = null;
            Generation++;
        }

        _deadlineTicks = 0;
        _argumentsOffset = 0;

        _connection = null;
        Method = null!;
    }
}
