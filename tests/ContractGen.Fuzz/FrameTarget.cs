using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Fuzz;

/// <summary>
/// The frame reader: the input is a byte stream a peer sends, read by a real <see cref="FrameChannel"/> (the read loop
/// the host and the client share) over a transport that delivers it in pieces. The first input byte chooses how the
/// stream is cut into receives, so that headers and payloads split at every place are tried.
/// </summary>
/// <remarks>
/// The handler echoes every frame it is given back through the channel's write path (<see cref="FrameBuffer"/>, write
/// combining), and the result is checked against an independent reading of the same bytes: the frames delivered,
/// the frames echoed, and how the connection ended (cleanly, in the middle of a frame, or as a protocol violation with a
/// GoAway) must all be what the bytes say. The reader throwing, hanging or delivering anything else is a finding.
/// </remarks>
internal sealed class FrameTarget : IFuzzTarget
{
    // The host's default: what a daemon accepts from a peer after the handshake.
    private const int MaxIncomingPayload = ProtocolConstants.DefaultMaxFrameSize;

    public string Name => "frames";

    public void Run(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var chunking = input.Span[0];
        var stream = input[1..];
        var expected = Expect(stream.Span);
        var transport = new ScriptedTransport(stream, chunking);
        var handler = new EchoHandler();
        var channel = new FrameChannel(transport, handler, MaxIncomingPayload) { MaxOutgoingPayload = MaxIncomingPayload };
        handler.Channel = channel;
        channel.Start();
        if (!channel.Completion.Wait(FuzzTargets.HangTimeout))
        {
            throw new FuzzFindingException($"the frame reader did not finish a {stream.Length}-byte stream within {FuzzTargets.HangTimeout.TotalSeconds} s");
        }

        Check(expected, handler, transport, channel);
    }

    private static void Check(Expectation expected, EchoHandler handler, ScriptedTransport transport, FrameChannel channel)
    {
        if (handler.Problem is { } problem)
        {
            throw new FuzzFindingException(problem);
        }

        var delivered = handler.Frames;
        if (delivered.Count != expected.Frames.Count)
        {
            throw new FuzzFindingException($"the reader delivered {delivered.Count} frames; the stream holds {expected.Frames.Count} before it ends ({expected.End})");
        }

        for (var i = 0; i < delivered.Count; i++)
        {
            if (!delivered[i].Equals(expected.Frames[i]))
            {
                throw new FuzzFindingException($"frame {i} was delivered as {delivered[i]}; the stream holds {expected.Frames[i]}");
            }
        }

        var wantReason = expected.End == End.Violation ? ConnectionCloseReason.ProtocolViolationByPeer : ConnectionCloseReason.PeerClosed;
        if (handler.CloseReason != wantReason || channel.CloseReason != wantReason)
        {
            throw new FuzzFindingException($"the connection ended as {handler.CloseReason} ('{handler.CloseDetail}'); the stream ends as {expected.End}");
        }

        if (expected.End != End.Violation && handler.CloseDetail.Contains("middle of a frame", StringComparison.Ordinal) != (expected.End == End.Partial))
        {
            throw new FuzzFindingException($"the connection ended with '{handler.CloseDetail}'; the stream ends as {expected.End}");
        }

        // What the handler echoed, read back from what the channel sent.
        var sent = ReadFrames(transport.Sent);
        var echoes = sent.Where(f => f.Kind == FrameKind.Reply).ToList();
        if (echoes.Count != delivered.Count)
        {
            throw new FuzzFindingException($"{delivered.Count} frames were echoed and {echoes.Count} left through the write path");
        }

        for (var i = 0; i < echoes.Count; i++)
        {
            if (!echoes[i].Payload.AsSpan().SequenceEqual(delivered[i].Payload) || echoes[i].CallId != delivered[i].CallId || echoes[i].MethodId != delivered[i].MethodId)
            {
                throw new FuzzFindingException($"echo {i} left as {echoes[i]}; it was {delivered[i]}");
            }
        }

        if (expected.End == End.Violation && (sent.Count == 0 || sent[^1].Kind != FrameKind.GoAway || sent[^1].MethodId != (uint)GoAwayReason.ProtocolViolation))
        {
            throw new FuzzFindingException("a protocol violation closed the connection without a GoAway telling the peer so");
        }
    }

    private enum End
    {
        Clean,
        Partial,
        Violation,
    }

    private sealed record Expectation(List<Frame> Frames, End End);

    /// <summary>One frame as the handler saw it.</summary>
    private sealed record Frame(FrameKind Kind, byte Flags, uint CallId, uint MethodId, byte[] Payload)
    {
        public bool Equals(Frame? other)
            => other is not null && Kind == other.Kind && Flags == other.Flags && CallId == other.CallId && MethodId == other.MethodId
               && Payload.AsSpan().SequenceEqual(other.Payload);

        public override int GetHashCode() => HashCode.Combine(Kind, CallId, MethodId, Payload.Length);

        public override string ToString() => $"{Kind} flags {Flags:x2} call {CallId} method {MethodId:x8}, {Payload.Length} bytes";
    }

    /// <summary>
    /// What the stream holds, read independently of the code under test from the protocol as documented
    /// (FrameHeader: <c>u32 length | u8 kind | u8 flags | u16 reserved | u32 callId | u32 methodId</c>, little-endian).
    /// </summary>
    private static Expectation Expect(ReadOnlySpan<byte> stream)
    {
        var frames = new List<Frame>();
        var offset = 0;
        while (true)
        {
            var left = stream.Length - offset;
            if (left == 0)
            {
                return new(frames, End.Clean);
            }

            if (left < 16)
            {
                return new(frames, End.Partial);
            }

            var h = stream.Slice(offset, 16);
            var length = (uint)(h[0] | h[1] << 8 | h[2] << 16 | h[3] << 24);
            var kind = h[4];
            var flags = h[5];
            var wellFormed = kind is >= 1 and <= 11 && (h[6] | h[7]) == 0 && (flags == 0 || (kind == 3 && (flags & ~3) == 0));
            var limit = kind is 1 or 2 ? 64 * 1024 : MaxIncomingPayload;
            if (!wellFormed || length > (uint)limit)
            {
                return new(frames, End.Violation);
            }

            if (left - 16 < length)
            {
                return new(frames, End.Partial);
            }

            var callId = (uint)(h[8] | h[9] << 8 | h[10] << 16 | h[11] << 24);
            var methodId = (uint)(h[12] | h[13] << 8 | h[14] << 16 | h[15] << 24);
            if (kind is not (8 or 9))
            {
                // Pings and pongs are the channel's own business; the handler never sees them.
                frames.Add(new((FrameKind)kind, flags, callId, methodId, stream.Slice(offset + 16, (int)length).ToArray()));
            }

            offset += 16 + (int)length;
        }
    }

    private static List<Frame> ReadFrames(byte[] sent)
    {
        var frames = new List<Frame>();
        var offset = 0;
        while (sent.Length - offset >= FrameHeader.Size)
        {
            var header = FrameHeader.Read(sent.AsSpan(offset));
            var length = checked((int)header.PayloadLength);
            if (sent.Length - offset - FrameHeader.Size < length)
            {
                throw new FuzzFindingException($"the write path sent a {header.Kind} frame announcing {length} bytes with only {sent.Length - offset - FrameHeader.Size} behind it");
            }

            frames.Add(new(header.Kind, header.Flags, header.CallId, header.MethodId, sent.AsSpan(offset + FrameHeader.Size, length).ToArray()));
            offset += FrameHeader.Size + length;
        }

        if (offset != sent.Length)
        {
            throw new FuzzFindingException($"the write path sent {sent.Length - offset} bytes that are not a whole frame");
        }

        return frames;
    }

    /// <summary>Records each frame and echoes it back as a Reply with the same ids and payload.</summary>
    private sealed class EchoHandler : IFrameHandler
    {
        public List<Frame> Frames { get; } = [];

        public FrameChannel? Channel { get; set; }

        public ConnectionCloseReason? CloseReason { get; private set; }

        public string CloseDetail { get; private set; } = "";

        public string? Problem { get; private set; }

        public void OnFrame(in FrameHeader header, PayloadBuffer payload)
        {
            var bytes = payload.Memory.ToArray();
            payload.Return();
            Frames.Add(new(header.Kind, header.Flags, header.CallId, header.MethodId, bytes));
            var sending = Channel!.SendAsync<RawPayload, RawPayload>(FrameKind.Reply, header.CallId, header.MethodId, new RawPayload(bytes));

            // The transport completes every send at once; a send that does not is a finding of its own. It is recorded,
            // not thrown: the read loop would take an exception from here for the end of the connection.
            if (!sending.IsCompleted)
            {
                Problem ??= "an echo through the write path did not complete over a transport that never blocks";
                return;
            }

            sending.GetAwaiter().GetResult();
        }

        public void OnBatchHandled()
        {
        }

        public void OnClosed(ConnectionCloseReason reason, string detail, Exception? exception)
        {
            CloseReason = reason;
            CloseDetail = detail;
        }
    }

    /// <summary>Delivers a fixed stream in receives whose sizes the first input byte chooses, then end of stream.</summary>
    private sealed class ScriptedTransport(ReadOnlyMemory<byte> stream, byte chunking) : ITransport
    {
        private readonly MemoryStream _sent = new();
        private int _offset;
        private int _receives;

        public PeerCredentials? PeerCredentials => null;

        public byte[] Sent
        {
            get
            {
                lock (_sent)
                {
                    return _sent.ToArray();
                }
            }
        }

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var left = stream.Length - _offset;
            if (left == 0 || buffer.IsEmpty)
            {
                return ValueTask.FromResult(0);
            }

            // 0: everything the buffer takes; otherwise sizes from 1 to 64 in a sequence the byte seeds.
            var size = chunking == 0 ? buffer.Length : 1 + (int)((chunking * (uint)(++_receives) * 2654435761u) >> 26);
            var count = Math.Min(Math.Min(size, left), buffer.Length);
            stream.Span.Slice(_offset, count).CopyTo(buffer.Span);
            _offset += count;
            return ValueTask.FromResult(count);
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            lock (_sent)
            {
                _sent.Write(data.Span);
            }

            return ValueTask.CompletedTask;
        }

        public void Abort()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
