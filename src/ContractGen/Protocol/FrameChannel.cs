using System.Buffers;
using System.Runtime.CompilerServices;
using ContractGen.Transports;
using MemoryPack;

namespace ContractGen.Protocol;

/// <summary>What a <see cref="FrameChannel"/> reports to the client or service side that owns it.</summary>
internal interface IFrameHandler
{
    /// <summary>
    /// Handles one received frame, on the channel's read loop. Ownership of <paramref name="payload"/> passes to the
    /// handler. Throwing <see cref="MalformedMessageException"/> closes the channel as a protocol violation by the peer.
    /// </summary>
    void OnFrame(in FrameHeader header, PayloadBuffer payload);

    /// <summary>
    /// Called on the read loop when it has handled the frames it had in hand and is about to wait for the peer (and
    /// once more when it ends): the moment to act on what the batch of frames delivered.
    /// </summary>
    void OnBatchHandled();

    /// <summary>Called once when the channel has closed, for whatever reason.</summary>
    void OnClosed(ConnectionCloseReason reason, string detail, Exception? exception);
}

/// <summary>What makes a service-side channel stop reading its peer for a while (backpressure).</summary>
internal interface IReadGate
{
    /// <summary>
    /// Whether the owner has as many calls of this peer running as it allows: the read loop then stops parsing frames
    /// until <see cref="FrameChannel.ResumeReading"/>. Read after the channel has published that it is pausing.
    /// </summary>
    bool AtCallLimit { get; }

    /// <summary>Bytes were queued to the peer (positive) or left or were dropped (negative); called under the send lock.</summary>
    void OnQueuedBytesChanged(long delta);
}

/// <summary>Why a channel's read loop is not reading.</summary>
internal enum ReadPause
{
    /// <summary>It reads.</summary>
    None = 0,

    /// <summary>Its owner runs as many of the peer's calls as it allows; the peer is waiting on this side.</summary>
    CallsInFlight = 1,

    /// <summary>The peer is not reading what this side sent; this side waits on the peer.</summary>
    QueuedBytes = 2,
}

/// <summary>
/// Frames over one transport, shared by the client and the service side: a read loop that parses and bounds frames,
/// and a write path that serializes each frame straight into a shared outgoing buffer.
/// </summary>
/// <remarks>
/// Writes combine: a sender serializes its frame into the pending buffer under a short lock (no await inside), and
/// if no one is flushing it becomes the flusher, sending the pending buffer while the next senders fill the spare one.
/// Under load many frames leave in one system call; an idle connection sends at once on the caller's own thread.
/// While the read loop works through frames that are already in its buffer, the frames it writes itself (replies of
/// calls dispatched inline, handshake and pong answers, errors) wait in the buffer, and it sends them all at once
/// before it waits for the peer again: a batch of pipelined requests is answered with one send instead of one per
/// reply. Frames written by other threads meanwhile are never held: the read loop may be busy in inline user code.
/// </remarks>
internal sealed class FrameChannel : IAsyncDisposable, IThreadPoolWorkItem
{
    // Large enough that a 64 KiB payload arrives whole in one receive and can be handed over without a copy.
    private const int ReceiveBufferSize = 128 * 1024;

    // From this size a payload that arrived whole is handed over with its receive buffer rather than copied out of it.
    private const int HandOverSize = 4 * 1024;

    // Sends go out in pieces of at most this size, so that a peer reading slowly is seen making progress (keepalive
    // while reading is paused on it) and a large queue drains, and wakes the read loop, step by step.
    private const int SendSliceSize = 64 * 1024;

    private readonly ITransport _transport;
    private readonly IFrameHandler _handler;
    private readonly Lock _sendLock = new();
    private FrameBuffer _pending = new();
    private FrameBuffer? _spare = new();
    private bool _flushing;
    private int _corkedThread;
    private TaskCompletionSource? _flushed;
    private bool _sendClosed;
    private int _closed;
    private ConnectionCloseReason _closeReason;
    private string _closeDetail = string.Empty;
    private Exception? _closeException;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastReceivedTicks = Environment.TickCount64;
    private long _lastSentTicks = Environment.TickCount64;
    private long _lastSendProgressTicks = Environment.TickCount64;
    private Timer? _keepAlive;

    // Backpressure: bytes serialized and not yet handed to the transport (under the send lock), and the read loop's
    // pause. Reading is only ever paused by the read loop itself, and resumed through _resume.
    private readonly IReadGate? _gate;
    private readonly long _maxQueuedBytes;
    private long _queuedBytes;
    private int _pause;
    private TaskCompletionSource? _resume;

    public FrameChannel(ITransport transport, IFrameHandler handler, int maxIncomingPayload)
        : this(transport, handler, maxIncomingPayload, null, 0)
    {
    }

    /// <summary>
    /// A channel whose read loop stops reading while <paramref name="gate"/> is at its call limit or more than
    /// <paramref name="maxQueuedBytes"/> bytes wait to be sent (0: no bound).
    /// </summary>
    public FrameChannel(ITransport transport, IFrameHandler handler, int maxIncomingPayload, IReadGate? gate, long maxQueuedBytes)
    {
        _transport = transport;
        _handler = handler;
        MaxIncomingPayload = maxIncomingPayload;
        _gate = gate;
        _maxQueuedBytes = maxQueuedBytes;
    }

    /// <summary>The lock that guards the outgoing queue; <see cref="IReadGate.OnQueuedBytesChanged"/> runs under it.</summary>
    internal Lock SendLock => _sendLock;

    /// <summary><see cref="QueuedBytes"/> for a caller that holds <see cref="SendLock"/>.</summary>
    internal long QueuedBytesUnlocked => _queuedBytes;

    /// <summary>Bytes serialized for the peer that have not left yet.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_sendLock)
            {
                return _queuedBytes;
            }
        }
    }

    /// <summary>Why the read loop is not reading right now, if it is not.</summary>
    public ReadPause Pause => (ReadPause)Volatile.Read(ref _pause);

    /// <summary>The largest payload this side accepts; larger frames close the connection before any allocation.</summary>
    public int MaxIncomingPayload { get; }

    /// <summary>The largest payload the peer accepts, learnt in the handshake; this side refuses to send more.</summary>
    public int MaxOutgoingPayload { get; set; } = ProtocolConstants.MaxHandshakeSize;

    public ITransport Transport => _transport;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public ConnectionCloseReason CloseReason => _closeReason;

    public string CloseDetail => _closeDetail;

    public Exception? CloseException => _closeException;

    /// <summary>Completes when the channel has closed and its read loop has ended.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the read loop.</summary>
    public void Start() => _ = Task.Run(ReadLoopAsync);

    /// <summary>
    /// Watches the connection: when <paramref name="pingInterval"/> is set, sends a ping after that long without
    /// sending anything; when nothing at all arrives for <paramref name="timeout"/>, closes the connection as
    /// <see cref="ConnectionCloseReason.PeerUnresponsive"/>. A peer that died closes its socket; this catches one that hangs.
    /// </summary>
    public void EnableKeepAlive(TimeSpan? pingInterval, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan && pingInterval is null)
        {
            return;
        }

        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, Math.Min(pingInterval?.Ticks ?? long.MaxValue, timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : timeout.Ticks) / 2));
        _keepAliveSettings = (pingInterval, timeout);
        _keepAlive = new Timer(static state => ((FrameChannel)state!).CheckAlive(), this, period, period);
    }

    private (TimeSpan? PingInterval, TimeSpan Timeout) _keepAliveSettings;

    private void CheckAlive()
    {
        if (IsClosed)
        {
            _keepAlive?.Dispose();
            return;
        }

        var now = Environment.TickCount64;
        var (pingInterval, timeout) = _keepAliveSettings;
        var lastHeard = Volatile.Read(ref _lastReceivedTicks);
        switch (Pause)
        {
            case ReadPause.CallsInFlight:
                // This side is not listening because its own calls are busy: the peer's silence proves nothing.
                lastHeard = now;
                break;
            case ReadPause.QueuedBytes:
                // This side is not listening because the peer does not read: the peer is alive as long as it takes
                // some of what is sent to it.
                lastHeard = Math.Max(lastHeard, Volatile.Read(ref _lastSendProgressTicks));
                break;
        }

        var silent = TimeSpan.FromMilliseconds(now - lastHeard);
        if (timeout != Timeout.InfiniteTimeSpan && silent > timeout)
        {
            _ = CloseAsync(ConnectionCloseReason.PeerUnresponsive, $"nothing arrived from the peer for {silent.TotalSeconds:F1} s (keepalive timeout {timeout.TotalSeconds:F1} s)");
            return;
        }

        if (pingInterval is { } interval && now - Volatile.Read(ref _lastSentTicks) >= (long)interval.TotalMilliseconds)
        {
            _ = SendIgnoringClosureAsync(FrameKind.Ping);
        }
    }

    private async Task SendIgnoringClosureAsync(FrameKind kind)
    {
        try
        {
            await SendEmptyAsync(kind, 0, 0).ConfigureAwait(false);
        }
        catch (ContractGenException)
        {
            // The connection closed meanwhile; its reason is already recorded.
        }
    }

    /// <summary>
    /// Serializes one frame into the outgoing buffer and makes sure it is sent. The frame is complete in the buffer
    /// when this returns; the returned task completes when this caller's flushing duty (if any) is done.
    /// </summary>
    /// <exception cref="MessageTooLargeException">The payload exceeds <see cref="MaxOutgoingPayload"/>; nothing was sent.</exception>
    public ValueTask SendAsync<T, TCodec>(FrameKind kind, uint callId, uint methodId, scoped in T value)
        where TCodec : IPayloadCodec<T>
        => SendAsync<T, TCodec>(kind, callId, methodId, value, FrameOptions.None, 0);

    /// <summary>Sends a request frame with flags; a deadline, when flagged, is written in front of the payload.</summary>
    public ValueTask SendAsync<T, TCodec>(FrameKind kind, uint callId, uint methodId, scoped in T value, FrameOptions flags, uint deadlineMilliseconds)
        where TCodec : IPayloadCodec<T>
        => SendAsync<T, TCodec>(kind, callId, methodId, value, flags, deadlineMilliseconds, deferFlush: false);

    /// <summary>
    /// Sends a frame; with <paramref name="deferFlush"/>, a sender that would have to flush leaves the flush to a
    /// thread-pool work item queued behind the work already queued (the service's replies while more calls of this
    /// connection wait to start: their replies then leave together). The frame is in the buffer when this returns.
    /// </summary>
    public ValueTask SendAsync<T, TCodec>(FrameKind kind, uint callId, uint methodId, scoped in T value, bool deferFlush)
        where TCodec : IPayloadCodec<T>
        => SendAsync<T, TCodec>(kind, callId, methodId, value, FrameOptions.None, 0, deferFlush);

    /// <summary>A request frame with flags and an optional deadline, with the choice of a deferred flush.</summary>
    public ValueTask SendAsync<T, TCodec>(FrameKind kind, uint callId, uint methodId, scoped in T value, FrameOptions flags, uint deadlineMilliseconds, bool deferFlush)
        where TCodec : IPayloadCodec<T>
    {
        lock (_sendLock)
        {
            if (_sendClosed)
            {
                return ValueTask.FromException(new ServiceConnectionException(_closeReason, "The connection is closed."));
            }

            var buffer = _pending;
            var start = buffer.WrittenCount;
            buffer.GetSpan(FrameHeader.Size);
            buffer.Advance(FrameHeader.Size);
            int payloadLength;
            try
            {
                using (var state = MemoryPackWriterOptionalStatePool.Rent(null))
                {
                    var writer = new MemoryPackWriter<FrameBuffer>(ref buffer, state);
                    if ((flags & FrameOptions.HasDeadline) != 0)
                    {
                        writer.WriteUnmanaged(deadlineMilliseconds);
                    }

                    TCodec.Write(ref writer, in value);
                    writer.Flush();
                }

                payloadLength = buffer.WrittenCount - start - FrameHeader.Size;
                var limit = kind is FrameKind.Hello or FrameKind.HelloAck ? ProtocolConstants.MaxHandshakeSize : MaxOutgoingPayload;
                if (payloadLength > limit)
                {
                    throw new MessageTooLargeException(payloadLength, limit, kind == FrameKind.Request ? "The call's arguments" : "The message");
                }
            }
            catch
            {
                buffer.Truncate(start);
                throw;
            }

            new FrameHeader((uint)payloadLength, kind, (byte)flags, callId, methodId).Write(buffer.WrittenSpan[start..]);
            _lastSentTicks = Environment.TickCount64;
            var frameLength = FrameHeader.Size + payloadLength;
            _queuedBytes += frameLength;
            _gate?.OnQueuedBytesChanged(frameLength);
            if (_flushing || _corkedThread == Environment.CurrentManagedThreadId)
            {
                return ValueTask.CompletedTask;
            }

            _flushing = true;
        }

        if (deferFlush)
        {
            // Global queue, first in first out: the calls queued before this flush start first and add their replies.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return ValueTask.CompletedTask;
        }

        return FlushAsync();
    }

    /// <summary>The deferred flush (see <see cref="SendAsync{T, TCodec}(FrameKind, uint, uint, in T, bool)"/>).</summary>
    void IThreadPoolWorkItem.Execute()
    {
        var flush = FlushAsync();
        if (!flush.IsCompleted)
        {
            _ = ObserveFlushAsync(flush);
            return;
        }

        try
        {
            flush.GetAwaiter().GetResult();
        }
        catch (ServiceConnectionException)
        {
            // FlushAsync has recorded the failure and closed the channel; nobody waits on a deferred flush.
        }
    }

    private static async Task ObserveFlushAsync(ValueTask flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (ServiceConnectionException)
        {
            // As above.
        }
    }

    /// <summary>Sends a frame with an empty payload.</summary>
    public ValueTask SendEmptyAsync(FrameKind kind, uint callId, uint methodId)
        => SendAsync<EmptyPayload, EmptyPayload>(kind, callId, methodId, default);

    /// <summary>
    /// Closes the channel: records why (the first reason wins), optionally tells the peer with a GoAway frame, and
    /// ends the transport, which ends the read loop.
    /// </summary>
    public async Task CloseAsync(ConnectionCloseReason reason, string detail, Exception? exception = null, GoAwayReason? tellPeer = null)
    {
        if (tellPeer is { } goAway && !IsClosed)
        {
            try
            {
                await SendAsync<GoAwayMessage, GoAwayMessage>(FrameKind.GoAway, 0, (uint)goAway, new GoAwayMessage(detail)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Telling the peer is a courtesy; the connection closes either way.
            }
        }

        if (!IsClosed)
        {
            // Whatever is queued (a last reply, the GoAway, frames held by the cork) leaves before the transport is
            // cut, within reason.
            try
            {
                await UncorkAsync().ConfigureAwait(false);
            }
            catch (ServiceConnectionException)
            {
                // Sending failed: the connection is already marked closed; close as asked below.
            }

            await WaitForFlushAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        MarkClosed(reason, detail, exception);
        _transport.Abort();
    }

    /// <summary>Sends a GoAway frame without closing (the service announces shutdown and keeps answering calls in flight).</summary>
    public ValueTask SendGoAwayAsync(GoAwayReason reason, string detail)
        => SendAsync<GoAwayMessage, GoAwayMessage>(FrameKind.GoAway, 0, (uint)reason, new GoAwayMessage(detail));

    private async Task WaitForFlushAsync(TimeSpan limit)
    {
        Task flushed;
        lock (_sendLock)
        {
            if (!_flushing)
            {
                return;
            }

            flushed = (_flushed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        await Task.WhenAny(flushed, Task.Delay(limit)).ConfigureAwait(false);
    }

    /// <summary>Ends the flushing duty (under the send lock) and wakes anyone waiting for the queue to drain.</summary>
    private void EndFlushing()
    {
        _flushing = false;
        _flushed?.TrySetResult();
        _flushed = null;
    }

    /// <summary>
    /// Holds the frames this thread writes from now on until <see cref="UncorkAsync"/> (the read loop, while it has
    /// frames in hand). Thread ids are never 0.
    /// </summary>
    private void Cork()
    {
        lock (_sendLock)
        {
            _corkedThread = Environment.CurrentManagedThreadId;
        }
    }

    /// <summary>Ends the cork and sends what it held, unless a flush already running will.</summary>
    private ValueTask UncorkAsync()
    {
        lock (_sendLock)
        {
            _corkedThread = 0;
            if (_flushing || _sendClosed || _pending.WrittenCount == 0)
            {
                return ValueTask.CompletedTask;
            }

            _flushing = true;
        }

        return FlushAsync();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync()
    {
        while (true)
        {
            FrameBuffer toSend;
            lock (_sendLock)
            {
                if (_pending.WrittenCount == 0)
                {
                    EndFlushing();
                    return;
                }

                toSend = _pending;
                _pending = _spare!;
                _spare = null;
            }

            var sent = toSend.WrittenCount;
            try
            {
                var memory = toSend.WrittenMemory;
                while (!memory.IsEmpty)
                {
                    var slice = memory[..Math.Min(memory.Length, SendSliceSize)];
                    await _transport.SendAsync(slice, CancellationToken.None).ConfigureAwait(false);
                    Volatile.Write(ref _lastSendProgressTicks, Environment.TickCount64);
                    memory = memory[slice.Length..];
                }
            }
            catch (Exception ex)
            {
                toSend.Reset();
                TaskCompletionSource? failedResume;
                lock (_sendLock)
                {
                    _spare = toSend;
                    failedResume = Dequeued(sent);
                    EndFlushing();
                }

                failedResume?.TrySetResult();

                MarkClosed(ConnectionCloseReason.TransportError, "sending failed: " + ex.Message, ex);
                _transport.Abort();
                throw new ServiceConnectionException(ConnectionCloseReason.TransportError, "The connection failed while sending: " + ex.Message, ex);
            }

            toSend.Reset();
            TaskCompletionSource? resume;
            lock (_sendLock)
            {
                _spare = toSend;
                resume = Dequeued(sent);
            }

            resume?.TrySetResult();
        }
    }

    /// <summary>
    /// Counts <paramref name="count"/> bytes as gone (under the send lock) and returns the read loop's wake-up if it
    /// paused on queued bytes and the queue is now down to half the bound (so it does not stop and start per frame).
    /// </summary>
    private TaskCompletionSource? Dequeued(int count)
    {
        _queuedBytes -= count;
        _gate?.OnQueuedBytesChanged(-count);
        if (_resume is { } resume && _queuedBytes <= _maxQueuedBytes / 2)
        {
            _resume = null;
            return resume;
        }

        return null;
    }

    /// <summary>
    /// Wakes the read loop if it paused because its owner was at the call limit (a call finished). Cheap when it is
    /// not paused: callers have just changed what <see cref="IReadGate.AtCallLimit"/> reads, with a full fence, and the
    /// read loop publishes its pause with a full fence before it reads that count, so one of the two sees the other.
    /// </summary>
    public void ResumeReading()
    {
        if (Volatile.Read(ref _pause) != (int)ReadPause.CallsInFlight)
        {
            return;
        }

        TaskCompletionSource? resume;
        lock (_sendLock)
        {
            resume = _resume;
            _resume = null;
        }

        resume?.TrySetResult();
    }

    /// <summary>Whether the read loop must stop reading before the next frame (checked without the lock, rechecked under it).</summary>
    private bool MustPause()
        => _gate is not null && ((_maxQueuedBytes > 0 && Volatile.Read(ref _queuedBytes) > _maxQueuedBytes) || _gate.AtCallLimit);

    /// <summary>
    /// Stops reading until the owner's calls and the queue to the peer are back under their bounds. Nothing more of the
    /// peer's is parsed meanwhile: its frames wait in the socket, the kernel's buffer fills, and a peer that keeps
    /// sending blocks in its own send. Only this connection waits.
    /// </summary>
    private async ValueTask PauseReadingAsync()
    {
        // What the read loop itself wrote (inline replies) must leave first, or it would wait on its own frames.
        _handler.OnBatchHandled();
        await UncorkAsync().ConfigureAwait(false);
        var paused = false;
        while (true)
        {
            Task wait;
            lock (_sendLock)
            {
                if (_sendClosed)
                {
                    Volatile.Write(ref _pause, (int)ReadPause.None);
                    return;
                }

                var reason = ReadPause.None;
                var byteBound = paused && Pause == ReadPause.QueuedBytes ? _maxQueuedBytes / 2 : _maxQueuedBytes;
                if (_maxQueuedBytes > 0 && _queuedBytes > byteBound)
                {
                    reason = ReadPause.QueuedBytes;
                }
                else
                {
                    // Published before the call count is read (see ResumeReading).
                    Interlocked.Exchange(ref _pause, (int)ReadPause.CallsInFlight);
                    if (_gate!.AtCallLimit)
                    {
                        reason = ReadPause.CallsInFlight;
                    }
                }

                Volatile.Write(ref _pause, (int)reason);
                if (reason == ReadPause.None)
                {
                    _resume = null;
                    break;
                }

                wait = (_resume ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            paused = true;
            await wait.ConfigureAwait(false);
        }

        if (paused)
        {
            // The silence while this side was not listening is not the peer's.
            Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                if (MustPause())
                {
                    await PauseReadingAsync().ConfigureAwait(false);
                    if (IsClosed)
                    {
                        return;
                    }
                }

                while (end - start < FrameHeader.Size)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }

                    // Out of complete frames: what the batch delivered is handed on, and what it wrote leaves now,
                    // before waiting for the peer.
                    _handler.OnBatchHandled();
                    await UncorkAsync().ConfigureAwait(false);
                    var n = await _transport.ReceiveAsync(buffer.AsMemory(end), CancellationToken.None).ConfigureAwait(false);
                    if (n == 0)
                    {
                        EndOfStream(end - start);
                        return;
                    }

                    end += n;
                    Cork();
                }

                var headerBytes = buffer.AsSpan(start, FrameHeader.Size);
                if (!FrameHeader.IsWellFormed(headerBytes))
                {
                    await ViolationAsync($"received a frame header with an unknown kind ({headerBytes[4]}) or reserved bits set").ConfigureAwait(false);
                    return;
                }

                var header = FrameHeader.Read(headerBytes);
                var limit = header.Kind is FrameKind.Hello or FrameKind.HelloAck ? ProtocolConstants.MaxHandshakeSize : MaxIncomingPayload;
                if (header.PayloadLength > (uint)limit)
                {
                    // Refused before allocating: the length is only a claim until the bytes arrive.
                    await ViolationAsync($"received a {header.Kind} frame of {header.PayloadLength} bytes, larger than the limit of {limit} bytes").ConfigureAwait(false);
                    return;
                }

                start += FrameHeader.Size;
                var length = (int)header.PayloadLength;
                var payload = default(PayloadBuffer);
                if (length >= HandOverSize && end - start >= length)
                {
                    // The whole payload is in the receive buffer: the buffer itself becomes the payload (no copy of a
                    // large payload), and reading goes on in a fresh buffer with only the bytes after this frame.
                    payload = new PayloadBuffer(buffer, start, length);
                    var next = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                    var rest = end - start - length;
                    Buffer.BlockCopy(buffer, start + length, next, 0, rest);
                    buffer = next;
                    start = 0;
                    end = rest;
                }
                else if (length > 0)
                {
                    var array = ArrayPool<byte>.Shared.Rent(length);
                    var filled = Math.Min(length, end - start);
                    Buffer.BlockCopy(buffer, start, array, 0, filled);
                    start += filled;
                    while (filled < length)
                    {
                        // The rest of a large payload goes straight into its own buffer; nothing held waits for it.
                        _handler.OnBatchHandled();
                        await UncorkAsync().ConfigureAwait(false);
                        var n = await _transport.ReceiveAsync(array.AsMemory(filled, length - filled), CancellationToken.None).ConfigureAwait(false);
                        if (n == 0)
                        {
                            ArrayPool<byte>.Shared.Return(array);
                            EndOfStream(filled + FrameHeader.Size);
                            return;
                        }

                        filled += n;
                        Cork();
                    }

                    payload = new PayloadBuffer(array, length);
                }

                if (start == end)
                {
                    start = end = 0;
                }

                Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
                if (header.Kind is FrameKind.Ping or FrameKind.Pong)
                {
                    // Keepalive is the channel's own business: answer pings, and any frame proves the peer alive.
                    payload.Return();
                    if (header.Kind == FrameKind.Ping)
                    {
                        _ = SendIgnoringClosureAsync(FrameKind.Pong);
                    }

                    continue;
                }

                try
                {
                    _handler.OnFrame(header, payload);
                }
                catch (MalformedMessageException ex)
                {
                    await ViolationAsync(ex.Message).ConfigureAwait(false);
                    return;
                }

                if (IsClosed)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ObjectDisposedException or OperationCanceledException or ServiceConnectionException)
        {
            // A ServiceConnectionException comes from sending what the read loop held; FlushAsync has recorded it.
            MarkClosed(ConnectionCloseReason.TransportError, "receiving failed: " + ex.Message, ex);
        }
        finally
        {
            // Replies already matched to their calls are delivered before the calls still waiting are failed.
            _handler.OnBatchHandled();
            ArrayPool<byte>.Shared.Return(buffer);
            _transport.Abort();
            MarkClosed(ConnectionCloseReason.PeerClosed, "the peer closed the connection", null);
            _completion.TrySetResult();
        }
    }

    private void EndOfStream(int partialBytes)
        => MarkClosed(
            ConnectionCloseReason.PeerClosed,
            partialBytes > 0 ? $"the peer closed the connection in the middle of a frame ({partialBytes} bytes received)" : "the peer closed the connection",
            null);

    private Task ViolationAsync(string detail)
        => CloseAsync(ConnectionCloseReason.ProtocolViolationByPeer, detail, null, GoAwayReason.ProtocolViolation);

    /// <summary>Records the first close reason and tells the handler once.</summary>
    internal void MarkClosed(ConnectionCloseReason reason, string detail, Exception? exception)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _closeReason = reason;
        _closeDetail = detail;
        _closeException = exception;
        TaskCompletionSource? resume;
        lock (_sendLock)
        {
            _sendClosed = true;
            resume = _resume;
            _resume = null;
        }

        // A read loop paused on backpressure ends now.
        resume?.TrySetResult();

        _handler.OnClosed(reason, detail, exception);
    }

    /// <summary>Releases the outgoing buffers once nothing can send any more.</summary>
    public async ValueTask DisposeAsync()
    {
        MarkClosed(ConnectionCloseReason.LocalDispose, "the connection was disposed", null);
        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync().ConfigureAwait(false);
        }

        _transport.Abort();
        await _completion.Task.ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        lock (_sendLock)
        {
            if (!_flushing)
            {
                _pending.Dispose();
                _spare?.Dispose();
            }
        }
    }
}
