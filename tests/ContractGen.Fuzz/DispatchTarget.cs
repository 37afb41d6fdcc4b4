using System.Buffers.Binary;
using System.Collections.Concurrent;
using ContractGen.Fuzz.Contracts;
using ContractGen.Protocol;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;

namespace ContractGen.Fuzz;

/// <summary>
/// The generated dispatcher's decode-and-validate path: the input is one request to <see cref="IFuzzService"/> (first
/// byte: which method, the rest: its payload), sent as a Request frame to a real <see cref="ServiceHost"/> over an
/// <see cref="InMemoryEndpoint"/> connection that completed a real handshake. The host runs the generated decoder and
/// validators and the implementation (which never throws) and answers.
/// </summary>
/// <remarks>
/// Expected answers are a Reply, or an Error saying BadRequest (the arguments could not be decoded) or
/// ValidationFailed (they broke a declared bound). A RemoteFault (an untyped exception escaped the decoder), any other
/// error, a connection dropped without a GoAway, an exception in the host's log, or no answer at all is a finding. The
/// host keeps running across inputs, as a daemon does across calls; the connection is reopened when a request closed it.
/// </remarks>
internal sealed class DispatchTarget : IFuzzTarget
{
    private static readonly Lazy<Harness> s_harness = new(() => Harness.StartAsync().GetAwaiter().GetResult());

    public string Name => "dispatch";

    /// <summary>The methods of the fuzz contract in the order the selector byte picks them (by name: stable across signature changes).</summary>
    internal static IReadOnlyList<MethodDescriptor> Methods { get; } = [.. ContractRegistry.Get<IFuzzService>().Methods.OrderBy(m => m.Name, StringComparer.Ordinal)];

    public void Run(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var method = Methods[input.Span[0] % Methods.Count];
        s_harness.Value.CallAsync(method, input[1..]).GetAwaiter().GetResult();
    }

    /// <summary>The payload a real client sends for <paramref name="methodName"/>, as a dispatch input (selector byte first).</summary>
    internal static byte[] Input(string methodName, ReadOnlySpan<byte> payload)
    {
        var index = Methods.Select((m, i) => (m, i)).Single(x => x.m.Name == methodName).i;
        return [(byte)index, .. payload];
    }

    private sealed class Harness
    {
        private readonly InMemoryEndpoint _endpoint;
        private readonly CapturingLogs _logs;
        private RawConnection? _connection;
        private uint _nextCallId;

        private Harness(InMemoryEndpoint endpoint, CapturingLogs logs)
        {
            _endpoint = endpoint;
            _logs = logs;
        }

        public static async Task<Harness> StartAsync()
        {
            var logs = new CapturingLogs();
            var host = new ServiceHost(
                new ServiceHostOptions
                {
                    // Decoding runs on the read loop, so one input is one deterministic pass; a refused request fails
                    // its call and leaves the connection open, as a host configured for lenient clients does.
                    InlineDispatch = true,
                    MalformedMessagePolicy = MalformedMessagePolicy.FailCall,
                    IncludeExceptionDetails = true,
                    SystemdNotify = false,
                },
                logs);
            host.AddService<IFuzzService>(new FuzzService());
            var endpoint = new InMemoryEndpoint
            {
                ClientCredentials = new PeerCredentials(Environment.ProcessId, Security.UnixAccounts.CurrentUserId, 0),
            };
            await host.StartAsync(endpoint).ConfigureAwait(false);
            return new Harness(endpoint, logs);
        }

        public async Task CallAsync(MethodDescriptor method, ReadOnlyMemory<byte> payload)
        {
            using var timeout = new CancellationTokenSource(FuzzTargets.HangTimeout);
            FuzzFindingException? failure = null;
            try
            {
                var connection = _connection ??= await RawConnection.OpenAsync(_endpoint, timeout.Token).ConfigureAwait(false);
                var callId = ++_nextCallId;
                await connection.SendAsync(Wire.Frame(FrameKind.Request, 0, callId, method.Id, payload.Span), timeout.Token).ConfigureAwait(false);
                while (true)
                {
                    var frame = await connection.ReadFrameAsync(timeout.Token).ConfigureAwait(false);
                    if (frame is not var (header, body))
                    {
                        _connection = null;
                        throw new FuzzFindingException($"the host dropped the connection without a GoAway after a request to {method.Name}");
                    }

                    if (header.Kind == FrameKind.GoAway)
                    {
                        // A protocol violation closes the connection with a typed reason: expected; the next input reconnects.
                        _connection = null;
                        if (header.MethodId != (uint)GoAwayReason.ProtocolViolation)
                        {
                            throw new FuzzFindingException($"the host said goodbye ({header.MethodId}) after a request to {method.Name}: {Wire.Decode<GoAwayMessage>(body).Detail}");
                        }

                        break;
                    }

                    if (header.CallId != callId || header.Kind is not (FrameKind.Reply or FrameKind.Error))
                    {
                        continue;
                    }

                    if (header.Kind == FrameKind.Error)
                    {
                        var error = Wire.Decode<ErrorMessage>(body);
                        if (error.Code is not (ErrorCode.BadRequest or ErrorCode.ValidationFailed))
                        {
                            throw new FuzzFindingException($"{method.Name} failed with {error.Code}: {error.TypeName}: {error.Message}{Environment.NewLine}{error.StackTrace}");
                        }
                    }

                    break;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                _connection = null;
                failure = new FuzzFindingException($"no answer to a request to {method.Name} within {FuzzTargets.HangTimeout.TotalSeconds} s");
            }
            catch (FuzzFindingException ex)
            {
                failure = ex;
            }

            // What the host logged says most about a failure, so it comes first.
            if (_logs.TakeFailure() is { } logged)
            {
                throw new FuzzFindingException("the host logged an exception: " + logged + (failure is null ? "" : $" ({failure.Message})"));
            }

            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    /// <summary>A client that speaks frames itself, as a hostile peer would, after a real handshake.</summary>
    private sealed class RawConnection(ITransport transport)
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public static async Task<RawConnection> OpenAsync(ServiceEndpoint endpoint, CancellationToken cancellationToken)
        {
            var contract = ContractRegistry.Get<IFuzzService>();
            var connection = new RawConnection(await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false));
            var hello = new HelloMessage(ProtocolConstants.Version, contract.Name, contract.Fingerprint, [.. contract.Methods.Select(m => m.Id)], ProtocolConstants.DefaultMaxFrameSize);
            await connection.SendAsync(Wire.Frame(FrameKind.Hello, 0, 0, 0, Wire.Encode(hello)), cancellationToken).ConfigureAwait(false);
            var ack = await connection.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (ack is not ({ Kind: FrameKind.HelloAck }, var body) || Wire.Decode<HelloAckMessage>(body).Status != HelloStatus.Accepted)
            {
                throw new InvalidOperationException("The fuzz host did not accept the harness's handshake.");
            }

            return connection;
        }

        public ValueTask SendAsync(byte[] frame, CancellationToken cancellationToken) => transport.SendAsync(frame, cancellationToken);

        /// <summary>The next frame, or <see langword="null"/> at the end of the stream.</summary>
        public async Task<(FrameHeader Header, byte[] Payload)?> ReadFrameAsync(CancellationToken cancellationToken)
        {
            if (!await FillAsync(FrameHeader.Size, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var header = FrameHeader.Read(_buffer.AsSpan(_start));
            var length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start)));
            if (!await FillAsync(FrameHeader.Size + length, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var payload = _buffer.AsSpan(_start + FrameHeader.Size, length).ToArray();
            _start += FrameHeader.Size + length;
            return (header, payload);
        }

        private async Task<bool> FillAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_buffer.Length < count)
                {
                    Array.Resize(ref _buffer, count);
                }

                var n = await transport.ReceiveAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }

                _end += n;
            }

            return true;
        }
    }

    /// <summary>Keeps the exceptions the host logs (a call that threw, a one-way call that failed, an accept that failed).</summary>
    private sealed class CapturingLogs : ILoggerFactory, ILogger
    {
        private readonly ConcurrentQueue<string> _failures = new();

        public string? TakeFailure() => _failures.TryDequeue(out var failure) ? failure : null;

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && exception is not ContractGenException)
            {
                _failures.Enqueue($"{formatter(state, exception)}: {exception}");
            }
        }
    }
}
