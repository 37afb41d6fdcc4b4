using System.ComponentModel;
using System.Runtime.CompilerServices;
using ContractGen.Protocol;
using ContractGen.Transports;
using MemoryPack;

namespace ContractGen;

/// <summary>
/// A client's connection to a service, bound to one contract. Calls from many threads share it; each call is
/// multiplexed by its own id, so many can be in flight at once.
/// </summary>
/// <example>
/// <code>
/// await using var connection = await ServiceConnection.ConnectAsync&lt;IClock&gt;(ServiceEndpoint.UnixSocket("/run/clock/clock.sock"));
/// long sum = await connection.Proxy.AddAsync(2, 3);
/// </code>
/// </example>
public abstract class ServiceConnection : IAsyncDisposable, IFrameHandler
{
    private readonly ServiceConnectionOptions _options;
    private readonly Dictionary<uint, PendingCall> _calls = [];
    private readonly Dictionary<uint, StreamCall> _streams = [];
    private readonly PendingCallPool _pool = new();
    private QuotaExceededException? _quotaRefusal;
    private readonly TaskCompletionSource<HelloAckMessage> _helloAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FrameChannel? _channel;
    private HashSet<uint>? _supportedMethods;
    private uint _nextCallId;
    private volatile string? _shutdownDetail;

    // Replies matched to their calls during the read loop's current batch (read loop only), and a spare batch.
    private ReplyBatch? _replies;
    private ReplyBatch? _spareBatch;

    // Set on a routed connection (a private helper's): its proxy's calls go through the router, never a channel here.
    private readonly CallRouter? _router;

    private protected ServiceConnection(ContractDescriptor contract, ServiceConnectionOptions? options)
    {
        Contract = contract;
        _options = options ?? new ServiceConnectionOptions();
        _options.Validate();
    }

    private protected ServiceConnection(ContractDescriptor contract, CallRouter router)
        : this(contract, (ServiceConnectionOptions?)null)
    {
        _router = router;
    }

    /// <summary>The contract this connection speaks.</summary>
    public ContractDescriptor Contract { get; }

    /// <summary>
    /// The kernel's word on the process serving the other end (pid, uid, gid at connect time), where the transport
    /// tells it. Connecting has already checked it against the contract's context unless
    /// <see cref="ServiceConnectionOptions.VerifyServerIdentity"/> was turned off.
    /// </summary>
    public PeerCredentials? ServiceCredentials => _channel?.Transport.PeerCredentials;

    /// <summary>The fingerprint of the contract as the service has it; differs from <see cref="ContractDescriptor.Fingerprint"/> when the two run different versions.</summary>
    public ulong ServiceFingerprint { get; private set; }

    /// <summary>Why the connection closed, or <see cref="ConnectionCloseReason.None"/> while it is open.</summary>
    public ConnectionCloseReason CloseReason => _channel is { IsClosed: true } channel ? channel.CloseReason : ConnectionCloseReason.None;

    /// <summary>Completes when the connection has closed, for any reason.</summary>
    public Task Completion => _channel?.Completion ?? Task.CompletedTask;

    /// <summary>Connects to the service for <typeparamref name="TContract"/> at <paramref name="endpoint"/> and completes the handshake.</summary>
    /// <exception cref="ServiceConnectionException">Connecting failed or timed out; <see cref="ServiceConnectionException.Reason"/> says which.</exception>
    /// <exception cref="ContractMismatchException">The service at the endpoint does not serve <typeparamref name="TContract"/>.</exception>
    /// <exception cref="ContractNotGeneratedException">No code was generated for <typeparamref name="TContract"/>.</exception>
    /// <exception cref="ServerIdentityMismatchException">The process serving the endpoint does not run as the user the contract calls for (<see cref="ServiceConnectionOptions.VerifyServerIdentity"/>).</exception>
    public static async Task<ServiceConnection<TContract>> ConnectAsync<TContract>(
        ServiceEndpoint endpoint,
        ServiceConnectionOptions? options = null,
        CancellationToken cancellationToken = default)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var connection = new ServiceConnection<TContract>(ContractRegistry.Get<TContract>(), options);
        try
        {
            await connection.ConnectCoreAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects to <typeparamref name="TContract"/>'s service where its contract says it lives
    /// (<see cref="ServiceEndpoint.ForContract{TContract}"/>: <c>/run/&lt;name&gt;/&lt;name&gt;.sock</c> for a system daemon,
    /// <c>$XDG_RUNTIME_DIR/&lt;name&gt;.sock</c> for a per-user agent), and completes the handshake.
    /// </summary>
    /// <exception cref="ServiceConnectionException">Connecting failed or timed out; <see cref="ServiceConnectionException.Reason"/> says which.</exception>
    /// <exception cref="ContractMismatchException">The service at that location does not serve <typeparamref name="TContract"/>.</exception>
    /// <exception cref="ServerIdentityMismatchException">The process serving that location does not run as the user the contract calls for (<see cref="ServiceConnectionOptions.VerifyServerIdentity"/>).</exception>
    /// <exception cref="InvalidOperationException">The contract is a per-user agent's and <c>$XDG_RUNTIME_DIR</c> is not set.</exception>
    /// <exception cref="NotSupportedException">The contract is a private helper's, which has no well-known location.</exception>
    public static Task<ServiceConnection<TContract>> ConnectAsync<TContract>(
        ServiceConnectionOptions? options = null,
        CancellationToken cancellationToken = default)
        where TContract : class
        => ConnectAsync<TContract>(ServiceEndpoint.ForContract<TContract>(), options, cancellationToken);

    /// <summary>Whether the service implements <paramref name="methodName"/> (false when it runs a version of the contract without it).</summary>
    public bool IsSupported(string methodName)
        => Contract.Methods.Any(m => m.Name == methodName && (_supportedMethods is null || _supportedMethods.Contains(m.Id)));

    private async Task ConnectCoreAsync(ServiceEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        ITransport transport;
        try
        {
            transport = await endpoint.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServiceConnectionException(ConnectionCloseReason.ConnectTimeout,
                $"Connecting to '{Contract.Name}' at {endpoint} did not complete within {_options.ConnectTimeout}. Is the service running and not overloaded?");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            throw new ServiceConnectionException(ConnectionCloseReason.ConnectFailed,
                $"Could not connect to '{Contract.Name}' at {endpoint}: {ex.Message}. Is the service running, and may this user reach its socket?", ex);
        }

        try
        {
            // Before the handshake: not even the contract's name goes to a process that is not the expected one.
            ServerIdentity.Verify(Contract, endpoint, transport, _options);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _channel = new FrameChannel(transport, this, _options.MaxFrameSize);
        _channel.Start();
        _channel.EnableKeepAlive(_options.KeepAliveInterval, _options.KeepAliveTimeout);
        var hello = new HelloMessage(ProtocolConstants.Version, Contract.Name, Contract.Fingerprint, [.. Contract.Methods.Select(m => m.Id)], _options.MaxFrameSize);
        try
        {
            await _channel.SendAsync<HelloMessage, HelloMessage>(FrameKind.Hello, 0, 0, hello).ConfigureAwait(false);
        }
        catch (ServiceConnectionException)
        {
            // The read loop already had the service's answer and closed the channel (a service that refuses a connection
            // for a quota says so at accept, before it reads anything): the handshake's outcome says why, not this.
        }

        HelloAckMessage ack;
        try
        {
            ack = await _helloAck.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServiceConnectionException(ConnectionCloseReason.ConnectTimeout,
                $"The service at {endpoint} accepted the connection but did not answer the handshake for '{Contract.Name}' within {_options.ConnectTimeout}.");
        }

        switch (ack.Status)
        {
            case HelloStatus.Accepted:
                break;
            case HelloStatus.UnsupportedVersion:
                throw new ServiceConnectionException(ConnectionCloseReason.HandshakeFailed,
                    $"The service at {endpoint} speaks ContractGen protocol version {ack.Version}; this client speaks {ProtocolConstants.Version}. Update one side. {ack.Detail}");
            default:
                throw new ContractMismatchException(Contract.Name, Contract.Fingerprint, ack.Detail,
                    $"The service at {endpoint} does not serve contract '{Contract.Name}' (fingerprint {Contract.Fingerprint:x16}); it serves {ack.Detail}. Check that the client and the service use the same contract name and endpoint.");
        }

        ServiceFingerprint = ack.Fingerprint;
        _channel.MaxOutgoingPayload = ack.MaxRequestSize;
        if (ack.Fingerprint != Contract.Fingerprint)
        {
            // Another version of the same contract: calls are allowed per method, by wire identifier.
            _supportedMethods = [.. ack.MethodIds];
        }
    }

    /// <summary>Sends a call and waits for its result. Called by generated proxies.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResult> InvokeAsync<TArguments, TResult, TResultCodec>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
        where TResultCodec : IPayloadCodec<TResult>
    {
        if (_router is not null)
        {
            return await _router.InvokeAsync<TArguments, TResult, TResultCodec>(methodId, arguments, cancellationToken).ConfigureAwait(false);
        }

        var call = StartCall(methodId, cancellationToken);
        var reply = default(PayloadBuffer);
        var sent = false;
        try
        {
            await SendRequestAsync(call, arguments, cancellationToken).ConfigureAwait(false);
            sent = true;
            reply = await call.WaitAsync().ConfigureAwait(false);
            return DecodeResult<TResult, TResultCodec>(reply, call.Method);
        }
        finally
        {
            EndCall(call, sent);
            reply.Return();
        }
    }

    /// <summary>Sends a call without a result and waits for it to complete. Called by generated proxies.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask InvokeAsync<TArguments>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
    {
        if (_router is not null)
        {
            await _router.InvokeAsync(methodId, arguments, cancellationToken).ConfigureAwait(false);
            return;
        }

        var call = StartCall(methodId, cancellationToken);
        var reply = default(PayloadBuffer);
        var sent = false;
        try
        {
            await SendRequestAsync(call, arguments, cancellationToken).ConfigureAwait(false);
            sent = true;
            reply = await call.WaitAsync().ConfigureAwait(false);
            if (reply.Length != 0)
            {
                throw new ServiceConnectionException(ConnectionCloseReason.ProtocolViolationByPeer,
                    $"The service answered '{call.Method.Name}', which returns no value, with {reply.Length} bytes.");
            }
        }
        finally
        {
            EndCall(call, sent);
            reply.Return();
        }
    }

    /// <summary>
    /// Sends a one-way call: returns once the request is handed to the transport; the service sends no reply, so
    /// failures in the service are only logged there. One-way calls on a connection start in the order they were sent.
    /// Called by generated proxies.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask SendOneWayAsync<TArguments>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
    {
        if (_router is not null)
        {
            return _router.SendOneWayAsync(methodId, arguments, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var method = CheckCallable(methodId);
        var callId = NextCallId();
        return _channel!.SendAsync<TArguments, TArguments>(FrameKind.Request, callId, method.Id, arguments, FrameOptions.OneWay, 0);
    }

    /// <summary>
    /// Opens a stream: the service's items arrive as the caller enumerates, with flow control (the service never
    /// runs more than <see cref="ProtocolConstants.StreamWindow"/> items ahead). Leaving the loop early, or cancelling,
    /// cancels the service's enumeration. Called by generated proxies.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public async IAsyncEnumerable<TItem> InvokeStreamAsync<TArguments, TItem, TItemCodec>(
        uint methodId,
        TArguments arguments,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
        where TItemCodec : IPayloadCodec<TItem>
    {
        if (_router is not null)
        {
            await foreach (var routed in _router.InvokeStreamAsync<TArguments, TItem, TItemCodec>(methodId, arguments, cancellationToken).ConfigureAwait(false))
            {
                yield return routed;
            }

            yield break;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var method = CheckCallable(methodId);
        var stream = new StreamCall(NextCallId(), method);
        lock (_calls)
        {
            _streams.Add(stream.Id, stream);
        }

        var finished = false;
        var timeout = ServiceCallTimeout.Current ?? _options.DefaultTimeout;
        using var deadline = timeout is { } limit
            ? TimeProvider.System.CreateTimer(static state => ((StreamCall)state!).TimeOut(), stream, limit, Timeout.InfiniteTimeSpan)
            : null;
        stream.Timeout = timeout ?? Timeout.InfiniteTimeSpan;
        try
        {
            await SendRequestFrameAsync(stream.Id, method.Id, arguments, timeout).ConfigureAwait(false);
            if (_channel!.IsClosed)
            {
                stream.Complete(CreateClosedException(method));
            }

            var consumed = 0;
            while (await stream.Items.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (stream.Items.TryRead(out var item))
                {
                    TItem value;
                    try
                    {
                        value = DecodeResult<TItem, TItemCodec>(item, method);
                    }
                    finally
                    {
                        item.Return();
                    }

                    yield return value;

                    // Grant credits in batches: half a window at a time keeps the producer busy without a frame per item.
                    if (++consumed >= ProtocolConstants.StreamWindow / 2)
                    {
                        stream.Grant(consumed);
                        await _channel.SendEmptyAsync(FrameKind.StreamCredit, stream.Id, (uint)consumed).ConfigureAwait(false);
                        consumed = 0;
                    }
                }
            }

            finished = true;
        }
        finally
        {
            lock (_calls)
            {
                _streams.Remove(stream.Id);
            }

            stream.Drain();
            if (!finished)
            {
                SendCancel(stream.Id);
            }
        }
    }

    /// <summary>Sends the request, with the deadline that applies, then arms cancellation and the deadline.</summary>
    private ValueTask SendRequestAsync<TArguments>(PendingCall call, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
    {
        var timeout = ServiceCallTimeout.Current ?? _options.DefaultTimeout;
        if (timeout is { } deadline)
        {
            call.Timeout = deadline;
            call.StartDeadline(deadline);
        }

        var send = SendRequestFrameAsync(call.Id, call.Method.Id, arguments, timeout);
        call.RegisterCancellation(cancellationToken);
        return send;
    }

    /// <summary>Writes a request frame, carrying the deadline (in milliseconds) when there is one.</summary>
    /// <remarks>
    /// A request made while other calls are in flight leaves its flush to a work item queued behind the caller's work,
    /// so that requests started back to back (many calls at once) leave in one send; a lone call is sent at once. The
    /// deferred flush runs on the thread pool, which a call already relies on: its reply is read and delivered there.
    /// </remarks>
    private ValueTask SendRequestFrameAsync<TArguments>(uint callId, uint methodId, TArguments arguments, TimeSpan? timeout)
        where TArguments : IPayloadCodec<TArguments>
    {
        // Read without the lock: a stale count only changes when the request is sent, never whether it is.
        var deferFlush = _calls.Count > 1;
        return timeout is { } deadline
            ? _channel!.SendAsync<TArguments, TArguments>(FrameKind.Request, callId, methodId, arguments, FrameOptions.HasDeadline, (uint)Math.Ceiling(deadline.TotalMilliseconds), deferFlush)
            : _channel!.SendAsync<TArguments, TArguments>(FrameKind.Request, callId, methodId, arguments, FrameOptions.None, 0, deferFlush);
    }

    private static TResult DecodeResult<TResult, TResultCodec>(PayloadBuffer reply, MethodDescriptor method)
        where TResultCodec : IPayloadCodec<TResult>
    {
        try
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(reply.Memory.Span, state);
            var result = TResultCodec.Read(ref reader, reply.Memory);
            WireFormat.EnsureConsumed(ref reader);
            return result;
        }
        catch (Exception ex) when (ex is MalformedMessageException || WireFormat.IsDecodeFailure(ex))
        {
            throw new MalformedMessageException(
                $"The result of '{method.Name}' could not be decoded: {ex.Message} The service probably runs a contract whose result type has another shape.", ex);
        }
    }

    private PendingCall StartCall(uint methodId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var method = CheckCallable(methodId);
        var channel = _channel!;
        var call = _pool.Rent();
        call.Start(this, NextCallId(), method);
        lock (_calls)
        {
            _calls.Add(call.Id, call);
        }

        // Closed between the check above and the registration: OnClosed may have missed this call.
        if (channel.IsClosed)
        {
            call.TrySetException(CreateClosedException(method));
        }

        return call;
    }

    private uint NextCallId()
    {
        lock (_calls)
        {
            uint id;
            do
            {
                id = unchecked(++_nextCallId);
            }
            while (id == 0 || _calls.ContainsKey(id));

            return id;
        }
    }

    /// <summary>Throws what a call to <paramref name="methodId"/> would fail with now, before anything is sent.</summary>
    private MethodDescriptor CheckCallable(uint methodId)
    {
        var channel = _channel ?? throw new InvalidOperationException("The connection is not connected.");
        if (!Contract.TryGetMethod(methodId, out var method))
        {
            throw new ArgumentOutOfRangeException(nameof(methodId), methodId, $"Method id {methodId:x8} is not part of '{Contract.Name}'.");
        }

        if (_supportedMethods is not null && !_supportedMethods.Contains(methodId))
        {
            throw new ServiceMethodNotSupportedException(Contract.Name, method.Signature);
        }

        if (channel.IsClosed)
        {
            throw CreateClosedException(method);
        }

        if (_shutdownDetail is { } detail)
        {
            throw new ServiceConnectionException(ConnectionCloseReason.HostShuttingDown,
                $"The service for '{Contract.Name}' is shutting down ({detail}) and accepts no new calls; '{method.Name}' was not sent. Reconnect once it is back.");
        }

        return method;
    }

    /// <summary>
    /// Ends a call. <paramref name="completed"/>: its request was sent and its awaiter has its outcome, so nothing else
    /// can reach it and it goes back to the pool. Otherwise (sending failed) a reply may still have been matched to it
    /// and be on its way from a <see cref="ReplyBatch"/>, so it is never reused: only its callbacks are stopped.
    /// </summary>
    private void EndCall(PendingCall call, bool completed)
    {
        lock (_calls)
        {
            _calls.Remove(call.Id);
        }

        if (completed)
        {
            // A reply that raced a cancellation was refused by the call; it stays with the read loop, which returns it.
            _pool.Return(call);
        }
        else
        {
            call.ReleaseCallbacks();
        }
    }

    internal void SendCancel(uint callId)
    {
        var channel = _channel;
        if (channel is null || channel.IsClosed)
        {
            return;
        }

        _ = SendCancelCoreAsync(channel, callId);

        static async Task SendCancelCoreAsync(FrameChannel channel, uint callId)
        {
            try
            {
                await channel.SendEmptyAsync(FrameKind.Cancel, callId, 0).ConfigureAwait(false);
            }
            catch (ContractGenException)
            {
                // The connection closed meanwhile: the service cancels every call of a closed connection anyway.
            }
        }
    }

    void IFrameHandler.OnFrame(in FrameHeader header, PayloadBuffer payload)
    {
        switch (header.Kind)
        {
            case FrameKind.HelloAck:
                try
                {
                    if (_helloAck.Task.IsCompleted)
                    {
                        throw new MalformedMessageException("The service sent a second handshake answer.");
                    }

                    _helloAck.TrySetResult(Decode<HelloAckMessage>(payload, "handshake answer"));
                }
                finally
                {
                    payload.Return();
                }

                break;

            case FrameKind.Reply:
                if (FindStream(header.CallId) is { } ended)
                {
                    payload.Return();
                    ended.Complete();
                }
                else if (!TryCompleteCall(header.CallId, payload))
                {
                    // The caller gave up (cancelled) before the reply arrived.
                    payload.Return();
                }

                break;

            case FrameKind.StreamItem:
                if (FindStream(header.CallId) is not { } stream)
                {
                    // The caller stopped enumerating; items already in flight are dropped.
                    payload.Return();
                }
                else if (!stream.TryAdd(payload))
                {
                    throw new MalformedMessageException($"the service sent more items of '{stream.Method.Name}' than the client had granted credits for");
                }

                break;

            case FrameKind.Error:
                ErrorMessage error;
                try
                {
                    error = Decode<ErrorMessage>(payload, "error");
                }
                finally
                {
                    payload.Return();
                }

                if (error.Code == ErrorCode.ServiceFault)
                {
                    CheckDeclaredFault(error);
                }

                if (!TryFailCall(header.CallId, error) && FindStream(header.CallId) is { } failedStream)
                {
                    failedStream.Complete(CreateRemoteException(error, failedStream.Method));
                }

                break;

            case FrameKind.GoAway:
                GoAwayMessage goAway;
                try
                {
                    goAway = Decode<GoAwayMessage>(payload, "go-away notice");
                }
                finally
                {
                    payload.Return();
                }

                if (header.MethodId == (uint)GoAwayReason.ShuttingDown)
                {
                    _shutdownDetail = goAway.Detail;
                }
                else if (header.MethodId == (uint)GoAwayReason.QuotaExceeded)
                {
                    // Refused at accept for a quota of this user: the handshake fails with which one (call-id field).
                    var quota = Enum.IsDefined((Quota)header.CallId) ? (Quota)header.CallId : Quota.Unknown;
                    Volatile.Write(ref _quotaRefusal, new QuotaExceededException(quota, null, $"the connection to '{Contract.Name}'", goAway.Detail));
                    _ = _channel!.CloseAsync(ConnectionCloseReason.QuotaExceeded, goAway.Detail);
                }
                else
                {
                    _ = _channel!.CloseAsync(ConnectionCloseReason.RejectedByPeer, goAway.Detail);
                }

                break;

            default:
                payload.Return();
                throw new MalformedMessageException($"A service must not send {header.Kind} frames.");
        }
    }

    void IFrameHandler.OnClosed(ConnectionCloseReason reason, string detail, Exception? exception)
    {
        _helloAck.TrySetException(Volatile.Read(ref _quotaRefusal) as Exception ?? new ServiceConnectionException(
            reason == ConnectionCloseReason.PeerClosed ? ConnectionCloseReason.HandshakeFailed : reason,
            $"The connection closed during the handshake for '{Contract.Name}': {detail}. The endpoint may not be a ContractGen service, or it refused this client.",
            exception));

        lock (_calls)
        {
            // Under the lock EndCall takes before recycling a call: never a call that has already moved on to another use.
            foreach (var call in _calls.Values)
            {
                call.TrySetException(CreateClosedException(call.Method));
            }
        }

        StreamCall[] streams;
        lock (_calls)
        {
            streams = [.. _streams.Values];
        }

        foreach (var stream in streams)
        {
            stream.Complete(CreateClosedException(stream.Method));
        }
    }

    private StreamCall? FindStream(uint callId)
    {
        lock (_calls)
        {
            return _streams.GetValueOrDefault(callId);
        }
    }

    // Calls are pooled: EndCall removes a call under this lock before recycling it. Looking a call up and completing it
    // under the same lock makes sure a reply that races a cancellation, or a deadline timer that fires as its call
    // ends, completes that call or nothing, never the next call that reuses the pooled object.
    // The reply is only matched (claimed) under the lock; it is delivered when the read loop has handled its batch
    // (OnBatchHandled), outside the lock. A claimed call is completed by nothing else, and EndCall recycles it only
    // after its awaiter has the reply.
    private bool TryCompleteCall(uint callId, PayloadBuffer payload)
    {
        PendingCall? call;
        lock (_calls)
        {
            if (!_calls.TryGetValue(callId, out call) || !call.TryClaim())
            {
                return false;
            }
        }

        (_replies ??= Interlocked.Exchange(ref _spareBatch, null) ?? new ReplyBatch(this)).Add(call, payload);
        return true;
    }

    void IFrameHandler.OnBatchHandled()
    {
        if (_replies is { } batch)
        {
            _replies = null;
            batch.Deliver();
        }
    }

    /// <summary>Keeps a delivered batch for the read loop's next one.</summary>
    internal void ReturnBatch(ReplyBatch batch) => Volatile.Write(ref _spareBatch, batch);

    private bool TryFailCall(uint callId, in ErrorMessage error)
    {
        lock (_calls)
        {
            if (!_calls.TryGetValue(callId, out var call))
            {
                return false;
            }

            call.TrySetException(CreateRemoteException(error, call.Method));
            return true;
        }
    }

    /// <summary>The deadline of the call <paramref name="callId"/> passed: fails it, if it is still in flight, and tells the service.</summary>
    internal void OnCallDeadline(uint callId)
    {
        lock (_calls)
        {
            if (!_calls.TryGetValue(callId, out var call) || !call.TrySetException(new CallTimeoutException(call.Method.Name, call.Timeout)))
            {
                return;
            }
        }

        SendCancel(callId);
    }

    private static T Decode<T>(PayloadBuffer payload, string what)
        where T : IPayloadCodec<T>
    {
        try
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(payload.Memory.Span, state);
            return T.Read(ref reader, payload.Memory);
        }
        catch (Exception ex) when (WireFormat.IsDecodeFailure(ex))
        {
            throw new MalformedMessageException($"The service sent a {what} that could not be decoded: {ex.Message}", ex);
        }
    }

    /// <summary>A declared fault's code and message are the service's words to this client's code: held to the rule the service is.</summary>
    private static void CheckDeclaredFault(in ErrorMessage error)
    {
        if (error.Details is not [var code] || !ServiceFaultException.IsValidCode(code))
        {
            throw new MalformedMessageException("the service sent a declared fault without a valid code");
        }

        if (error.Message.Length > ServiceFaultException.MaxMessageLength)
        {
            throw new MalformedMessageException($"the service sent a declared fault whose message is {error.Message.Length} characters long; at most {ServiceFaultException.MaxMessageLength} are allowed");
        }
    }

    private static string? OrNull(string text) => text.Length == 0 ? null : text;

    private Exception CreateRemoteException(in ErrorMessage error, MethodDescriptor method) => error.Code switch
    {
        // Empty means "not said": the service keeps undeclared exceptions to itself unless its options let them out.
        ErrorCode.RemoteFault => new RemoteFaultException(method.Name, OrNull(error.TypeName), OrNull(error.Message), error.StackTrace,
            error.Details is [var faultId, ..] ? OrNull(faultId) : null),
        ErrorCode.ServiceFault => new ServiceFaultException(method.Name, error.Details![0], error.Message),
        ErrorCode.MethodNotFound => new ServiceMethodNotSupportedException(Contract.Name, method.Signature),
        ErrorCode.BadRequest => new MessageRejectedException(method.Name, error.Message),
        ErrorCode.AccessDenied => new AccessDeniedException(method.Name, error.Message),
        ErrorCode.ValidationFailed when error.Details is [var path, var rule, var limit, var problem] => new ArgumentValidationException(path, rule, limit, problem),
        ErrorCode.QuotaExceeded => new QuotaExceededException(
            error.Details is [var quota, ..] && Enum.TryParse<Quota>(quota, out var parsed) && Enum.IsDefined(parsed) ? parsed : Quota.Unknown,
            error.Details is [_, var limit, ..] && long.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null,
            $"the call to '{method.Name}'", error.Message),
        ErrorCode.ShuttingDown => new ServiceConnectionException(ConnectionCloseReason.HostShuttingDown,
            $"The service for '{Contract.Name}' is shutting down and cancelled '{method.Name}' before it completed: {error.Message}"),
        _ => new RemoteFaultException(method.Name, OrNull(error.TypeName), $"(unknown error code {(byte)error.Code}) {error.Message}", error.StackTrace),
    };

    private ServiceConnectionException CreateClosedException(MethodDescriptor method)
    {
        var channel = _channel!;
        var reason = channel.CloseReason;
        var detail = channel.CloseDetail;
        var contract = Contract.Name;
        var message = reason switch
        {
            ConnectionCloseReason.LocalDispose =>
                $"The connection to '{contract}' was disposed by this process while '{method.Name}' was in flight.",
            ConnectionCloseReason.PeerClosed when _shutdownDetail is not null =>
                $"The service for '{contract}' shut down ({_shutdownDetail}) before '{method.Name}' completed. Reconnect once it is back.",
            ConnectionCloseReason.PeerClosed =>
                $"The service for '{contract}' closed the connection while '{method.Name}' was in flight ({detail}); the service process may have exited or crashed. The call may or may not have run.",
            ConnectionCloseReason.HostShuttingDown =>
                $"The service for '{contract}' is shutting down; '{method.Name}' did not complete.",
            ConnectionCloseReason.ProtocolViolationByPeer =>
                $"This client closed the connection to '{contract}' because the service broke the protocol: {detail}.",
            ConnectionCloseReason.RejectedByPeer =>
                $"The service for '{contract}' closed the connection because it rejected a message from this client as a protocol violation: {detail}.",
            _ => $"The connection to '{contract}' failed while '{method.Name}' was in flight: {detail}.",
        };
        var effective = reason == ConnectionCloseReason.PeerClosed && _shutdownDetail is not null ? ConnectionCloseReason.HostShuttingDown : reason;
        return new ServiceConnectionException(effective, message, channel.CloseException);
    }

    /// <summary>Closes the connection. Calls still in flight fail with <see cref="ConnectionCloseReason.LocalDispose"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A connection bound to the contract <typeparamref name="TContract"/>, with its generated proxy.</summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
public sealed class ServiceConnection<TContract> : ServiceConnection
    where TContract : class
{
    internal ServiceConnection(ContractDescriptor<TContract> contract, ServiceConnectionOptions? options)
        : base(contract, options)
    {
        Proxy = contract.CreateProxy(this);
    }

    /// <summary>The generated proxy: call the contract's methods on it. Safe to use from many threads at once.</summary>
    public TContract Proxy { get; }
}
