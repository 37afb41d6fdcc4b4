using System.Buffers.Binary;
using System.Threading.Tasks.Sources;
using BenchmarkDotNet.Attributes;
using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Benchmarks;

/// <summary>
/// ContractGen's own work per call without sockets or threads, so that a regression in it shows up without the noise
/// of the kernel: the client's path (proxy, encode, frame, match the reply, decode) against a peer that answers
/// instantly, and the service's path (parse the frame, authorize, decode, validate, invoke, encode the reply) fed
/// request frames directly. Both run synchronously on the benchmark's thread.
/// </summary>
/// <remarks>
/// The frames the scripted peers send are recorded from a real client and service talking over
/// <see cref="InMemoryEndpoint"/> during setup, so they are exactly what the other side would have sent. The service
/// runs with <see cref="ServiceHostOptions.InlineDispatch"/>, so that a call runs on the thread that delivers its frame.
/// </remarks>
[Config(typeof(BenchConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup disposes the host and the connection.")]
public class InProcessBenchmarks
{
    private static readonly Workload[] s_recorded = [Workload.Add, Workload.Echo1KiB, Workload.Order];
    private ServiceConnection<IBenchService>? _client;
    private ServiceHost? _host;
    private ScriptedTransport? _service;
    private RecordedFrames? _frames;
    private byte[] _request = [];
    private uint _nextCallId;

    [Params(Workload.Add, Workload.Echo1KiB, Workload.Order)]
    public Workload Workload { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _frames = await RecordedFrames.RecordAsync(s_recorded);

        // The client against a scripted service that answers the handshake and every request at once.
        var frames = _frames;
        var toService = new ScriptedEndpoint(credentials: null, (data, transport) => frames.AnswerAsService(data, transport));
        _client = await ServiceConnection.ConnectAsync<IBenchService>(toService);

        // The service, fed the recorded handshake; its replies are counted and dropped.
        var fromClient = new ScriptedEndpoint(ScriptedEndpoint.OwnCredentials(), static (data, transport) => transport.CountFrames(data));
        _host = new ServiceHost(new ServiceHostOptions { InlineDispatch = true });
        _host.AddService<IBenchService>(new BenchService());
        await _host.StartAsync(fromClient);
        _service = await fromClient.Accepted;
        _service.Deliver(frames.Hello);
        _service.WaitForFrames(1);
        _request = frames.Requests[Array.IndexOf(s_recorded, Workload)].ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The client's path: proxy → encode → frame → (instant answer) → match → decode.</summary>
    [Benchmark(Description = "client: proxy, encode, decode")]
    public ValueTask<int> Client()
    {
        var call = _client!.Proxy;
        return Workload switch
        {
            Workload.Add => call.AddAsync(2, 3),
            Workload.Echo1KiB => LengthAsync(call.EchoAsync(Payloads.OneKiB)),
            _ => QuantityAsync(call.PlaceAsync(Order.Sample)),
        };

        static async ValueTask<int> LengthAsync(ValueTask<ReadOnlyMemory<byte>> echo) => (await echo.ConfigureAwait(false)).Length;

        static async ValueTask<int> QuantityAsync(ValueTask<Order> order) => (await order.ConfigureAwait(false)).Quantity;
    }

    /// <summary>The service's path: frame → authorize → decode → validate → invoke → encode the reply.</summary>
    [Benchmark(Description = "service: decode, validate, invoke, reply")]
    public long Service()
    {
        var service = _service!;
        var expected = service.FramesReceived + 1;
        BinaryPrimitives.WriteUInt32LittleEndian(_request.AsSpan(8), unchecked(++_nextCallId == 0 ? ++_nextCallId : _nextCallId));
        service.Deliver(_request);
        if (service.FramesReceived != expected)
        {
            throw new InvalidOperationException("The service did not answer the request on the delivering thread.");
        }

        return expected;
    }
}

/// <summary>
/// The frames a real client and service exchange for the handshake and one call of each workload, recorded over an
/// <see cref="InMemoryEndpoint"/>, so that the scripted peers send exactly what the real ones would.
/// </summary>
internal sealed class RecordedFrames
{
    private readonly Dictionary<uint, byte[]> _repliesByMethod = [];

    private RecordedFrames(byte[] hello, byte[] helloAck, List<byte[]> requests, List<byte[]> replies)
    {
        Hello = hello;
        HelloAck = helloAck;
        Requests = requests;
        for (var i = 0; i < requests.Count; i++)
        {
            _repliesByMethod[FrameHeader.Read(requests[i]).MethodId] = replies[i];
        }
    }

    public byte[] Hello { get; }

    public byte[] HelloAck { get; }

    /// <summary>One request frame per recorded workload, in order.</summary>
    public IReadOnlyList<byte[]> Requests { get; }

    public static async Task<RecordedFrames> RecordAsync(IReadOnlyList<Workload> workloads)
    {
        var endpoint = new InMemoryEndpoint { ClientCredentials = ScriptedEndpoint.OwnCredentials() };
        var recorder = new RecordingEndpoint(endpoint);
        await using (var host = new ServiceHost(new ServiceHostOptions()))
        {
            host.AddService<IBenchService>(new BenchService());
            await host.StartAsync(endpoint);
            await using var connection = await ServiceConnection.ConnectAsync<IBenchService>(recorder, new ServiceConnectionOptions { KeepAliveInterval = null });
            var client = new ContractGenClient(connection);
            foreach (var workload in workloads)
            {
                await client.CallAsync(workload, 1);
            }
        }

        var sent = Split(recorder.Sent.ToArray());
        var received = Split(recorder.Received.ToArray());
        if (sent.Count != 1 + workloads.Count || received.Count < 1 + workloads.Count)
        {
            throw new InvalidOperationException($"Recorded {sent.Count} frames sent and {received.Count} received, expected {1 + workloads.Count} each.");
        }

        return new RecordedFrames(sent[0], received[0], sent.GetRange(1, workloads.Count), received.GetRange(1, workloads.Count));
    }

    /// <summary>The scripted service: answers a hello with the recorded answer, a request with its method's recorded reply.</summary>
    public void AnswerAsService(ReadOnlySpan<byte> data, ScriptedTransport transport)
    {
        while (data.Length >= FrameHeader.Size)
        {
            var header = FrameHeader.Read(data);
            var frameLength = FrameHeader.Size + (int)header.PayloadLength;
            if (header.Kind == FrameKind.Hello)
            {
                transport.Deliver(HelloAck);
            }
            else if (header.Kind == FrameKind.Request)
            {
                var reply = _repliesByMethod[header.MethodId];
                BinaryPrimitives.WriteUInt32LittleEndian(reply.AsSpan(8), header.CallId);
                transport.Deliver(reply);
            }

            data = data[frameLength..];
        }
    }

    private static List<byte[]> Split(ReadOnlySpan<byte> stream)
    {
        var frames = new List<byte[]>();
        while (stream.Length >= FrameHeader.Size)
        {
            var header = FrameHeader.Read(stream);
            var length = FrameHeader.Size + (int)header.PayloadLength;
            if (header.Kind is not (FrameKind.Ping or FrameKind.Pong or FrameKind.GoAway))
            {
                frames.Add(stream[..length].ToArray());
            }

            stream = stream[length..];
        }

        return frames;
    }

    /// <summary>An endpoint that connects through another and keeps a copy of every byte each way.</summary>
    private sealed class RecordingEndpoint(ServiceEndpoint inner) : ServiceEndpoint
    {
        public MemoryStream Sent { get; } = new();

        public MemoryStream Received { get; } = new();

        public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken) => inner.ListenAsync(cancellationToken);

        public override async ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
            => new Recording(await inner.ConnectAsync(cancellationToken).ConfigureAwait(false), this);

        private sealed class Recording(ITransport transport, RecordingEndpoint owner) : ITransport
        {
            public PeerCredentials? PeerCredentials => transport.PeerCredentials;

            public bool IsInProcess => transport.IsInProcess;

            public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
            {
                var n = await transport.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                lock (owner.Received)
                {
                    owner.Received.Write(buffer.Span[..n]);
                }

                return n;
            }

            public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
            {
                lock (owner.Sent)
                {
                    owner.Sent.Write(data.Span);
                }

                return transport.SendAsync(data, cancellationToken);
            }

            public void Abort() => transport.Abort();

            public ValueTask DisposeAsync() => transport.DisposeAsync();
        }
    }
}

/// <summary>An endpoint whose one connection is a <see cref="ScriptedTransport"/>, for either side.</summary>
internal sealed class ScriptedEndpoint(PeerCredentials? credentials, ScriptedTransport.Responder responder) : ServiceEndpoint
{
    private readonly PeerCredentials? _credentials = credentials;
    private readonly ScriptedTransport.Responder _responder = responder;

    private readonly TaskCompletionSource<ScriptedTransport> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The service side's transport, once the host has accepted it.</summary>
    public Task<ScriptedTransport> Accepted => _accepted.Task;

    /// <summary>This process's own pid, effective uid and gid, as the kernel would report a client of the same user.</summary>
    public static PeerCredentials OwnCredentials() => new(Environment.ProcessId, Native.GetEffectiveUserId(), Native.GetEffectiveGroupId());

    public override ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult<ITransport>(new ScriptedTransport(_credentials, _responder));

    public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult<ITransportListener>(new Listener(this));

    private sealed class Listener(ScriptedEndpoint endpoint) : ITransportListener
    {
        private readonly CancellationTokenSource _stopped = new();
        private int _accepted;

        public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _accepted, 1) == 0)
            {
                var transport = new ScriptedTransport(endpoint._credentials, endpoint._responder);
                endpoint._accepted.TrySetResult(transport);
                return transport;
            }

            // One connection only; later accepts wait until the host stops listening.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopped.Token);
            await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false);
            throw new OperationCanceledException(linked.Token);
        }

        public ValueTask DisposeAsync()
        {
            _stopped.Cancel();
            _stopped.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A transport whose peer is a function: what this side sends goes to the responder at once, on the sender's thread,
/// and what the responder (or the benchmark) delivers completes this side's pending receive on the delivering thread,
/// so a whole exchange runs synchronously. Nothing is allocated per exchange.
/// </summary>
internal sealed class ScriptedTransport(PeerCredentials? credentials, ScriptedTransport.Responder responder) : ITransport, IValueTaskSource<int>
{
    public delegate void Responder(ReadOnlySpan<byte> sent, ScriptedTransport transport);

    private readonly Lock _lock = new();
    private readonly byte[] _inbox = new byte[4 * 1024 * 1024];
    private int _inboxStart;
    private int _inboxEnd;
    private Memory<byte> _waiting;
    private bool _isWaiting;
    private bool _aborted;
    private ManualResetValueTaskSourceCore<int> _receive;
    private long _framesReceived;

    public PeerCredentials? PeerCredentials => credentials;

    /// <summary>Frames counted by <see cref="CountFrames"/>.</summary>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Queues bytes for this side's read loop; completes its pending receive, on this thread, if it waits.</summary>
    public void Deliver(ReadOnlySpan<byte> data)
    {
        int completed;
        lock (_lock)
        {
            data.CopyTo(_inbox.AsSpan(_inboxEnd));
            _inboxEnd += data.Length;
            if (!_isWaiting)
            {
                return;
            }

            _isWaiting = false;
            completed = Take(_waiting.Span);
            _waiting = default;
        }

        _receive.SetResult(completed);
    }

    /// <summary>A responder that counts the complete frames sent to it (replies from a service under test).</summary>
    public void CountFrames(ReadOnlySpan<byte> data)
    {
        while (data.Length >= FrameHeader.Size)
        {
            var length = FrameHeader.Size + (int)FrameHeader.Read(data).PayloadLength;
            data = data[length..];
            Interlocked.Increment(ref _framesReceived);
        }
    }

    /// <summary>Waits (briefly spinning) until <paramref name="count"/> frames have been counted.</summary>
    public void WaitForFrames(long count)
    {
        if (!SpinWait.SpinUntil(() => FramesReceived >= count, TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"The service sent {FramesReceived} frames, expected {count}.");
        }
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_inboxEnd > _inboxStart)
            {
                return new ValueTask<int>(Take(buffer.Span));
            }

            if (_aborted)
            {
                return new ValueTask<int>(0);
            }

            _receive.Reset();
            _waiting = buffer;
            _isWaiting = true;
            return new ValueTask<int>(this, _receive.Version);
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        responder(data.Span, this);
        return ValueTask.CompletedTask;
    }

    public void Abort()
    {
        lock (_lock)
        {
            _aborted = true;
            if (!_isWaiting)
            {
                return;
            }

            _isWaiting = false;
            _waiting = default;
        }

        _receive.SetResult(0);
    }

    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }

    // Under the lock: moves what fits from the inbox into the receiver's buffer.
    private int Take(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _inboxEnd - _inboxStart);
        _inbox.AsSpan(_inboxStart, n).CopyTo(destination);
        _inboxStart += n;
        if (_inboxStart == _inboxEnd)
        {
            _inboxStart = _inboxEnd = 0;
        }

        return n;
    }

    int IValueTaskSource<int>.GetResult(short token) => _receive.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _receive.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _receive.OnCompleted(continuation, state, token, flags);
}
