using ContractGen.Protocol;
using ContractGen.Transports;
using MemoryPack;
using Microsoft.Extensions.Logging;

namespace ContractGen;

/// <summary>The service side of one client connection: handshake, call bookkeeping, errors back to the client.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The handshake timer is disposed when the handshake completes or the connection closes.")]
internal sealed class ServerConnection : IFrameHandler, IReadGate
{
    private readonly ServiceHost _host;
    private readonly Dictionary<uint, ServerCall> _calls = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _handshakeTimeout = new();
    private ServiceDispatcher? _dispatcher;
    private ServiceCallContext? _context;
    private ExecutionContext? _executionContext;
    private bool _shuttingDown;
    private IAsyncDisposable? _instance;
    private TaskCompletionSource? _released;
    private int _queuedCalls;

    // Calls that count toward MaxCallsInFlightPerConnection: those running, less streams parked on the client's credits.
    private int _busyCalls;
    private readonly int _maxBusyCalls;

    public ServerConnection(ServiceHost host, ITransport transport, long id, UserAccount? account = null)
    {
        _host = host;
        Id = id;
        Account = account;
        _maxBusyCalls = host.Options.MaxCallsInFlightPerConnection;
        Channel = new FrameChannel(transport, this, host.Options.MaxFrameSize, this, host.Options.MaxQueuedBytesPerConnection);
    }

    /// <summary>The account of the client's user this connection is charged to; <see langword="null"/> when its user is not counted.</summary>
    public UserAccount? Account { get; }

    bool IReadGate.AtCallLimit => Volatile.Read(ref _busyCalls) >= _maxBusyCalls;

    void IReadGate.OnQueuedBytesChanged(long delta)
    {
        // Under the channel's send lock, and only until OnClosed detaches the bytes left (see there).
        if (Account is { } account && !_accountClosed)
        {
            account.AddQueuedBytes(delta);
        }
    }

    private bool _accountClosed;

    public long Id { get; }

    public FrameChannel Channel { get; }

    public ServiceDispatcher Dispatcher => _dispatcher!;

    public ExecutionContext ExecutionContext => _executionContext!;

    /// <summary>Who is calling on this connection, set when its handshake is accepted.</summary>
    public ServiceCallContext CallContext => _context!;

    /// <summary>Completes once this connection's own implementation instance (per-connection services) is released.</summary>
    public Task Released => Volatile.Read(ref _released)?.Task ?? Task.CompletedTask;

    /// <summary>
    /// The service's own uid as of the handshake, for "same user" rules: read once per connection rather than with a
    /// system call per call, and after any privilege drop that happens before serving.
    /// </summary>
    public uint ServiceUserId { get; private set; } = uint.MaxValue;

    /// <summary>The kernel's word on the client, read when it connected.</summary>
    public Transports.PeerCredentials? Caller => Channel.Transport.PeerCredentials;

    private ILogger Logger => _host.Logger;

    public void Start()
    {
        _handshakeTimeout.Token.UnsafeRegister(static state =>
        {
            var connection = (ServerConnection)state!;
            if (connection._dispatcher is null)
            {
                _ = connection.Channel.CloseAsync(ConnectionCloseReason.ProtocolViolationByPeer,
                    $"no handshake within {connection._host.Options.HandshakeTimeout}", null, GoAwayReason.ProtocolViolation);
            }
        }, this);
        _handshakeTimeout.CancelAfter(_host.Options.HandshakeTimeout);
        Channel.Start();
        Channel.EnableKeepAlive(pingInterval: null, _host.Options.KeepAliveTimeout);
    }

    /// <summary>Announces shutdown: calls in flight go on, new calls are refused.</summary>
    public async ValueTask BeginShutdownAsync()
    {
        lock (_calls)
        {
            _shuttingDown = true;
            if (_calls.Count == 0)
            {
                _drained.TrySetResult();
            }
        }

        try
        {
            await Channel.SendGoAwayAsync(GoAwayReason.ShuttingDown, "the host is stopping").ConfigureAwait(false);
        }
        catch (ContractGenException)
        {
            // Already closed; nothing to announce.
        }
    }

    /// <summary>Completes when no call is in flight after <see cref="BeginShutdownAsync"/>.</summary>
    public Task Drained => _drained.Task;

    public void CancelAllCalls()
    {
        (ServerCall Call, int Generation)[] calls;
        lock (_calls)
        {
            calls = [.. _calls.Values.Select(c => (c, c.Generation))];
        }

        foreach (var (call, generation) in calls)
        {
            call.Cancel(generation);
        }
    }

    void IFrameHandler.OnFrame(in FrameHeader header, PayloadBuffer payload)
    {
        switch (header.Kind)
        {
            case FrameKind.Hello when _dispatcher is null:
                OnHello(payload);
                break;

            case FrameKind.Request when _dispatcher is not null:
                OnRequest(header, payload);
                break;

            case FrameKind.Cancel when _dispatcher is not null:
                payload.Return();
                if (FindCall(header.CallId) is var (call, generation))
                {
                    call.Cancel(generation);
                }

                break;

            case FrameKind.StreamCredit when _dispatcher is not null:
                payload.Return();
                if (header.MethodId is 0 or > ProtocolConstants.StreamWindow)
                {
                    throw new MalformedMessageException($"the client granted {header.MethodId} stream credits at once; between 1 and {ProtocolConstants.StreamWindow} are valid");
                }

                if (FindCall(header.CallId) is var (streaming, streamGeneration))
                {
                    streaming.AddCredits((int)header.MethodId, streamGeneration);
                }

                break;

            case FrameKind.GoAway:
                payload.Return();
                _ = Channel.CloseAsync(ConnectionCloseReason.PeerClosed, "the client said goodbye");
                break;

            default:
                payload.Return();
                throw new MalformedMessageException(_dispatcher is null
                    ? $"the client sent a {header.Kind} frame before its handshake"
                    : $"a client must not send {header.Kind} frames");
        }
    }

    void IFrameHandler.OnBatchHandled()
    {
        // Nothing to hand on: requests are dispatched as they are read.
    }

    /// <summary>The call in flight with <paramref name="callId"/> and its current generation, read together under the lock.</summary>
    private (ServerCall Call, int Generation)? FindCall(uint callId)
    {
        lock (_calls)
        {
            return _calls.TryGetValue(callId, out var call) ? (call, call.Generation) : null;
        }
    }

    private void OnHello(PayloadBuffer payload)
    {
        HelloMessage hello;
        try
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(payload.Memory.Span, state);
            hello = HelloMessage.Read(ref reader, payload.Memory);
        }
        catch (MemoryPackSerializationException ex)
        {
            throw new MalformedMessageException("the handshake could not be decoded: " + ex.Message, ex);
        }
        finally
        {
            payload.Return();
        }

        if (hello.Version != ProtocolConstants.Version)
        {
            RefuseHello(HelloStatus.UnsupportedVersion, $"this host speaks protocol version {ProtocolConstants.Version} only");
            Logger.HandshakeRefused(Id, hello.ContractName, "protocol version " + hello.Version);
            return;
        }

        if (!_host.TryGetDispatcher(hello.ContractName, out var dispatcher))
        {
            RefuseHello(HelloStatus.UnknownContract, _host.DescribeContracts());
            Logger.HandshakeRefused(Id, hello.ContractName, "contract not served");
            return;
        }

        var contract = dispatcher.Contract;
        _context = new ServiceCallContext(contract, Channel.Transport.PeerCredentials, Id);

        // Every call of this connection runs in an execution context that carries its ServiceCallContext; setting
        // it once here costs nothing per call.
        var previous = ServiceCallContext.Current;
        ServiceCallContext.Current = _context;
        _executionContext = ExecutionContext.Capture();
        ServiceCallContext.Current = previous;

        // Read before binding, so that a per-connection check at the handshake and every call's check see the same uid.
        ServiceUserId = Security.UnixAccounts.CurrentUserId;
        try
        {
            dispatcher = dispatcher.BindConnection(_context, ServiceUserId, out var instance);
            if (instance is not null)
            {
                _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _instance, instance);
            }
        }
        catch (Exception ex)
        {
            Logger.ActivationFailed(Id, contract.Name, ex);
            _ = Channel.CloseAsync(ConnectionCloseReason.HandshakeFailed, $"the service could not create its implementation of '{contract.Name}'");
            return;
        }

        Channel.MaxOutgoingPayload = hello.MaxReplySize;
        _dispatcher = dispatcher;
        if (Channel.IsClosed)
        {
            // Closed while the instance was being created: OnClosed may have run before there was one to release.
            ReleaseWhenDrained();
        }

        _handshakeTimeout.Dispose();
        var ack = new HelloAckMessage(HelloStatus.Accepted, ProtocolConstants.Version, contract.Name, contract.Fingerprint,
            [.. contract.Methods.Select(m => m.Id)], _host.Options.MaxFrameSize, string.Empty);
        _ = SendAndObserveAsync(Channel.SendAsync<HelloAckMessage, HelloAckMessage>(FrameKind.HelloAck, 0, 0, ack));
        if (hello.Fingerprint != contract.Fingerprint)
        {
            Logger.VersionSkew(Id, contract.Name, hello.Fingerprint, contract.Fingerprint);
        }

        Logger.ClientConnected(Id, contract.Name, _context.Caller?.ProcessId, _context.Caller?.UserId);
    }

    private void RefuseHello(HelloStatus status, string detail)
    {
        var ack = new HelloAckMessage(status, ProtocolConstants.Version, string.Empty, 0, [], 0, detail);
        _ = RefuseCoreAsync(ack);

        async Task RefuseCoreAsync(HelloAckMessage ack)
        {
            try
            {
                await Channel.SendAsync<HelloAckMessage, HelloAckMessage>(FrameKind.HelloAck, 0, 0, ack).ConfigureAwait(false);
            }
            catch (ContractGenException)
            {
            }

            await Channel.CloseAsync(ConnectionCloseReason.HandshakeFailed, "handshake refused: " + detail).ConfigureAwait(false);
        }
    }

    private void OnRequest(in FrameHeader header, PayloadBuffer payload)
    {
        if (!_dispatcher!.Contract.TryGetMethod(header.MethodId, out var method))
        {
            payload.Return();
            SendError(header.CallId, header.MethodId, new ErrorMessage(ErrorCode.MethodNotFound, string.Empty,
                $"method id {header.MethodId:x8} is not part of this service's version of '{_dispatcher.Contract.Name}'", null));
            return;
        }

        // The user's quotas, before anything is decoded or queued: a refused call costs one small error frame.
        if (Account?.TryStartCall() is { } refused)
        {
            payload.Return();
            RefuseCall(header, method, refused);
            return;
        }

        var options = (FrameOptions)header.Flags;
        uint deadline = 0;
        if ((options & FrameOptions.HasDeadline) != 0)
        {
            if (payload.Length < sizeof(uint))
            {
                payload.Return();
                Account?.EndCall();
                throw new MalformedMessageException("a request flagged with a deadline is too short to carry one");
            }

            deadline = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(payload.Memory.Span);
        }

        var call = _host.RentCall();
        call.Start(this, header.CallId, method, payload, options, deadline);
        lock (_calls)
        {
            if (_shuttingDown)
            {
                call.Reset();
                _host.ReturnCall(call);
                Account?.EndCall();
                SendError(header.CallId, header.MethodId, new ErrorMessage(ErrorCode.ShuttingDown, string.Empty, "the host is stopping", null));
                return;
            }

            if (!_calls.TryAdd(header.CallId, call))
            {
                call.Reset();
                _host.ReturnCall(call);
                Account?.EndCall();
                throw new MalformedMessageException($"the client reused call id {header.CallId} while that call was still in flight");
            }
        }

        // Counted before the call can finish; the read loop checks it before it parses the next frame.
        Interlocked.Increment(ref _busyCalls);

        // One-way calls start on the read loop, so they start in the order they were sent.
        if (_host.Options.InlineDispatch || call.IsOneWay)
        {
            call.Run();
        }
        else
        {
            Interlocked.Increment(ref _queuedCalls);
            ThreadPool.UnsafeQueueUserWorkItem(call, preferLocal: false);
        }
    }

    /// <summary>
    /// Whether calls of this connection are queued and not yet started. Their replies will follow soon, so a reply
    /// written now may wait for them and leave in the same send (FrameChannel's deferred flush); a lone call's reply
    /// leaves at once.
    /// </summary>
    internal bool HasQueuedCalls => Volatile.Read(ref _queuedCalls) > 0;

    /// <summary>A call queued by <see cref="OnRequest"/> has started on the thread pool.</summary>
    internal void OnQueuedCallStarted() => Interlocked.Decrement(ref _queuedCalls);

    /// <summary>
    /// A stream has used its credits and waits for the client to grant more: it waits on the client, not on this host,
    /// so it stops counting toward the per-connection bound. Otherwise a client with as many open streams as the bound
    /// would never have its credit frames read. The user's quota still counts it.
    /// </summary>
    internal void OnStreamParked()
    {
        Interlocked.Decrement(ref _busyCalls);
        Channel.ResumeReading();
    }

    /// <summary>A parked stream got its credits and produces again.</summary>
    internal void OnStreamUnparked() => Interlocked.Increment(ref _busyCalls);

    /// <summary>Refuses a call that a quota of the client's user does not allow; the connection stays open.</summary>
    private void RefuseCall(in FrameHeader header, MethodDescriptor method, Quota quota)
    {
        var account = Account!;
        var limit = account.LimitOf(quota);
        var detail = quota == Quota.QueuedBytesPerUser
            ? $"uid {account.UserId} has {account.QueuedBytes} reply bytes waiting to be read; the limit is {limit}"
            : $"uid {account.UserId} has {account.CallsInFlight} calls in flight; the limit is {limit}";
        if (account.ShouldLogRefusal(out var unlogged))
        {
            Logger.CallQuotaExceeded(Id, _dispatcher!.Contract.Name, method.Name, Caller?.ProcessId, account.UserId, quota, limit, unlogged);
        }

        if ((header.Flags & (byte)FrameOptions.OneWay) != 0)
        {
            // A one-way call gets no answer, not even this one: the log is where it shows.
            return;
        }

        SendError(header.CallId, header.MethodId, new ErrorMessage(ErrorCode.QuotaExceeded, string.Empty, detail, null,
            [quota.ToString(), limit.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
    }

    /// <summary>Called by a call when its dispatcher task has finished, successfully or not.</summary>
    internal void CompleteCall(ServerCall call, Exception? failure)
    {
        if (failure is not null)
        {
            HandleFailure(call, failure);
        }

        bool drained;
        lock (_calls)
        {
            _calls.Remove(call.CallId);
            drained = _shuttingDown && _calls.Count == 0;
        }

        call.Reset();
        _host.ReturnCall(call);
        Account?.EndCall();

        // A full fence, then the read loop's pause is read: see FrameChannel.ResumeReading.
        Interlocked.Decrement(ref _busyCalls);
        Channel.ResumeReading();
        if (drained)
        {
            _drained.TrySetResult();
        }
    }

    private void HandleFailure(ServerCall call, Exception failure)
    {
        var method = call.Method.Name;
        if (call.IsOneWay && failure is not MalformedMessageException)
        {
            // Nobody waits for a one-way call's outcome: the log is the only place it can go.
            Logger.OneWayFailed(Id, _dispatcher!.Contract.Name, method, Caller?.ToString() ?? "unknown caller", failure);
            return;
        }

        switch (failure)
        {
            case MalformedMessageException malformed:
                Logger.MalformedRequest(Id, _dispatcher!.Contract.Name, method, Caller?.ToString() ?? "unknown caller", malformed.Message);
                if (_host.Options.MalformedMessagePolicy == MalformedMessagePolicy.FailCall && !call.IsOneWay)
                {
                    SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.BadRequest, string.Empty, malformed.Message, null));
                }
                else
                {
                    _ = Channel.CloseAsync(ConnectionCloseReason.ProtocolViolationByPeer, malformed.Message, malformed, GoAwayReason.ProtocolViolation);
                }

                break;

            case ArgumentValidationException invalid:
                Logger.ValidationFailed(Id, _dispatcher!.Contract.Name, method, Caller?.ToString() ?? "unknown caller", invalid.Message);
                SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.ValidationFailed, string.Empty, invalid.Message, null,
                    [invalid.Path, invalid.Rule, invalid.Limit, invalid.Problem]));
                break;

            case AccessDeniedException denied:
                Logger.AccessDenied(Id, _dispatcher!.Contract.Name, method, Caller?.ToString() ?? "unknown caller", denied.Rule);
                SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.AccessDenied, string.Empty, denied.Rule, null));
                break;

            case OperationCanceledException when Channel.IsClosed || call.IsCanceled || call.DeadlinePassed:
                // The client is gone, gave up on the call, or fails it with its own timeout at the same deadline:
                // an error from here could only race that and tell it less.
                break;

            case OperationCanceledException when _shuttingDown:
                SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.ShuttingDown, string.Empty, "the host stopped before the call completed", null));
                break;

            case ServiceConnectionException when Channel.IsClosed:
                break;

            case ServiceFaultException declared when ServiceFaultException.IsValidCode(declared.Code):
                // Part of the contract, not a leak: its code and message travel whatever the options say.
                var message = Truncate(declared.Message, ServiceFaultException.MaxMessageLength);
                Logger.DeclaredFault(Id, _dispatcher!.Contract.Name, method, declared.Code, message);
                SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.ServiceFault, string.Empty, message, null, [declared.Code]));
                break;

            case ServiceFaultException invalid:
                {
                    var faultId = NewFaultId();
                    Logger.InvalidDeclaredFault(Id, _dispatcher!.Contract.Name, method, Truncate(invalid.Code, 80), faultId, invalid);
                    SendFault(call, invalid, faultId);
                    break;
                }

            case MessageTooLargeException tooLarge:
                {
                    // The library's own words about sizes and limits: what the caller needs to fix its call, nothing more.
                    var faultId = NewFaultId();
                    Logger.CallFailed(Id, _dispatcher!.Contract.Name, method, Caller?.ToString() ?? "unknown caller", faultId, tooLarge);
                    SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.RemoteFault, typeof(MessageTooLargeException).FullName!,
                        tooLarge.Message, null, [faultId]));
                    break;
                }

            default:
                {
                    var faultId = NewFaultId();
                    Logger.CallFailed(Id, _dispatcher!.Contract.Name, method, Caller?.ToString() ?? "unknown caller", faultId, failure);
                    SendFault(call, failure, faultId);
                    break;
                }
        }
    }

    /// <summary>
    /// Tells the client that its call failed with an exception the contract does not declare: the fault id always; the
    /// type name and message only where the options or the contract's context allow (see <see cref="ServiceHostOptions.IncludeExceptionDetails"/>).
    /// </summary>
    private void SendFault(ServerCall call, Exception failure, string faultId)
    {
        var options = _host.Options;
        var details = options.IncludeExceptionDetails;

        // A private helper answers only the application that started it, as the same user or a lesser one: its
        // exceptions tell that application about its own data. Daemons and agents answer other processes.
        var privateHelper = _dispatcher!.Contract.Context == ServiceContext.Application;
        var type = details || privateHelper || options.IncludeExceptionTypes ? failure.GetType().FullName ?? failure.GetType().Name : string.Empty;
        var message = details || privateHelper ? failure.Message : string.Empty;
        SendError(call.CallId, call.MethodId, new ErrorMessage(ErrorCode.RemoteFault, type, message, details ? failure.StackTrace : null, [faultId]));
    }

    /// <summary>16 random hex digits: enough that an operator's search of the log finds one failure, guessable by nobody.</summary>
    private static string NewFaultId()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>At most <paramref name="max"/> characters, never ending in half a surrogate pair.</summary>
    private static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var length = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..length];
    }

    /// <summary>
    /// Sends an error without ever throwing into the caller: a send refused at once (too large for the client's limit)
    /// must not escape from the call's completion, where it would end the process.
    /// </summary>
    private void SendError(uint callId, uint methodId, ErrorMessage error)
        => _ = SendErrorAsync(callId, methodId, error);

    private async Task SendErrorAsync(uint callId, uint methodId, ErrorMessage error)
    {
        try
        {
            await Channel.SendAsync<ErrorMessage, ErrorMessage>(FrameKind.Error, callId, methodId, error).ConfigureAwait(false);
            return;
        }
        catch (MessageTooLargeException)
        {
            // The client accepts smaller frames than this error (a long message or stack): it must still learn that its
            // call failed, or it would wait for an answer that never comes. The fault id or declared code stays.
        }
        catch (ContractGenException)
        {
            return;
        }

        var smaller = error with
        {
            TypeName = string.Empty,
            Message = error.Code == ErrorCode.ServiceFault ? "(the service's message was larger than this client accepts)" : string.Empty,
            StackTrace = null,
            Details = error.Code is ErrorCode.RemoteFault or ErrorCode.ServiceFault ? error.Details : null,
        };
        try
        {
            await Channel.SendAsync<ErrorMessage, ErrorMessage>(FrameKind.Error, callId, methodId, smaller).ConfigureAwait(false);
        }
        catch (ContractGenException)
        {
            // Closed meanwhile; a fault id and a code of at most 64 characters fit the smallest frame limit (1 KiB).
        }
    }

    private static async Task SendAndObserveAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (ContractGenException)
        {
            // The connection closed; its close reason is already recorded and logged.
        }
    }

    void IFrameHandler.OnClosed(ConnectionCloseReason reason, string detail, Exception? exception)
    {
        if (reason == ConnectionCloseReason.ProtocolViolationByPeer)
        {
            // The transport's credentials, not the call context's: a violation in or before the handshake has no context yet.
            Logger.ProtocolViolation(Id, Caller?.ProcessId, Caller?.UserId, detail);
        }
        else
        {
            Logger.ClientDisconnected(Id, reason, detail);
        }

        _handshakeTimeout.Dispose();
        CloseAccount();

        // The client cannot receive results any more: let the work stop early.
        CancelAllCalls();
        ReleaseWhenDrained();
        _host.OnConnectionClosed(this);
    }

    /// <summary>
    /// Gives back to the user's account this connection and the bytes it still had queued (they are dropped with the
    /// connection). Its calls still running keep their own charge until they end.
    /// </summary>
    private void CloseAccount()
    {
        if (Account is not { } account)
        {
            return;
        }

        long left;
        lock (Channel.SendLock)
        {
            _accountClosed = true;
            left = Channel.QueuedBytesUnlocked;
        }

        account.AddQueuedBytes(-left);
        account.CloseConnection();
    }

    /// <summary>
    /// Releases the connection's own implementation instance once its last call has finished. A closed connection
    /// takes no new calls, so it counts as shutting down: the drained signal then fires when the calls are done.
    /// </summary>
    private void ReleaseWhenDrained()
    {
        lock (_calls)
        {
            _shuttingDown = true;
            if (_calls.Count == 0)
            {
                _drained.TrySetResult();
            }
        }

        if (Interlocked.Exchange(ref _instance, null) is { } instance)
        {
            _ = ReleaseAsync(instance);
        }
    }

    private async Task ReleaseAsync(IAsyncDisposable instance)
    {
        try
        {
            await _drained.Task.ConfigureAwait(false);
            await instance.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.ReleaseFailed(Id, _dispatcher?.Contract.Name ?? "?", ex);
        }
        finally
        {
            _released!.TrySetResult();
        }
    }
}
