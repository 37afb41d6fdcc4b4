using System.Buffers;
using ContractGen.Protocol;
using ContractGen.Transports;
using MemoryPack;

namespace ContractGen.Tests;

/// <summary>One frame as it arrived.</summary>
internal sealed record RawFrame(FrameHeader Header, byte[] Payload)
{
    public FrameKind Kind => Header.Kind;
}

/// <summary>The service's answer to a handshake, decoded by hand.</summary>
internal sealed record RawHelloAck(byte Status, ushort Version, string ContractName, ulong Fingerprint, uint[] MethodIds, int MaxRequestSize, string Detail);

/// <summary>The payload of an Error frame, decoded by hand.</summary>
internal sealed record RawError(ErrorCode Code, string TypeName, string Message, string? StackTrace);

/// <summary>
/// A hand-written client over a bare transport: it speaks the protocol frame by frame and can send what no generated
/// proxy would (nulls, unknown methods, lying lengths, garbage, nothing at all).
/// </summary>
internal sealed class RawClient(ITransport transport) : IAsyncDisposable
{
    /// <summary>The reason codes a GoAway frame carries in its method-id field.</summary>
    public const uint GoAwayShuttingDown = 1;
    public const uint GoAwayProtocolViolation = 2;

    private readonly byte[] _header = new byte[FrameHeader.Size];

    public ITransport Transport => transport;

    public delegate void PayloadWriter(ref MemoryPackWriter<ArrayBufferWriter<byte>> writer);

    /// <summary>Serializes a payload with MemoryPack's writer, the way generated codecs do.</summary>
    public static byte[] Payload(PayloadWriter write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var state = MemoryPackWriterOptionalStatePool.Rent(null);
        var writer = new MemoryPackWriter<ArrayBufferWriter<byte>>(ref buffer, state);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A handshake payload as a generated client would send it.</summary>
    public static byte[] HelloPayload(string contract, ulong fingerprint, uint[] methodIds, int maxReplySize = 1024 * 1024)
        => Payload((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged(ProtocolConstants.Magic);
            w.WriteUnmanaged(ProtocolConstants.Version);
            w.WriteString(contract);
            w.WriteUnmanaged(fingerprint);
            w.WriteUnmanagedArray(methodIds);
            w.WriteUnmanaged(maxReplySize);
        });

    /// <summary>Encodes a header; <paramref name="claimedLength"/> lies about the payload length when given.</summary>
    public static byte[] Frame(FrameKind kind, uint callId, uint methodId, ReadOnlySpan<byte> payload, uint? claimedLength = null)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(claimedLength ?? (uint)payload.Length, kind, 0, callId, methodId).Write(frame);
        payload.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) => transport.SendAsync(bytes, CancellationToken.None).WithPatience();

    public Task SendFrameAsync(FrameKind kind, uint callId, uint methodId, ReadOnlySpan<byte> payload, uint? claimedLength = null)
        => SendRawAsync(Frame(kind, callId, methodId, payload, claimedLength));

    /// <summary>Sends a handshake for <typeparamref name="TContract"/>'s generated descriptor and checks that it was accepted.</summary>
    public async Task<RawHelloAck> HandshakeAsync<TContract>()
        where TContract : class
    {
        var contract = ContractRegistry.Get<TContract>();
        await SendFrameAsync(FrameKind.Hello, 0, 0, HelloPayload(contract.Name, contract.Fingerprint, [.. contract.Methods.Select(m => m.Id)]));
        var frame = await ReadFrameAsync() ?? throw new EndOfStreamException("The service closed the connection instead of answering the handshake.");
        Assert.Equal(FrameKind.HelloAck, frame.Kind);
        var ack = DecodeHelloAck(frame.Payload);
        Assert.Equal(0, ack.Status);
        return ack;
    }

    /// <summary>Reads the next frame, or <see langword="null"/> at the end of the stream.</summary>
    public async Task<RawFrame?> ReadFrameAsync()
    {
        if (!await ReadExactlyAsync(_header))
        {
            return null;
        }

        var header = FrameHeader.Read(_header);
        var payload = new byte[header.PayloadLength];
        if (!await ReadExactlyAsync(payload))
        {
            throw new EndOfStreamException("The stream ended in the middle of a frame.");
        }

        return new RawFrame(header, payload);
    }

    /// <summary>Reads frames until the service closes the connection; returns them.</summary>
    public async Task<List<RawFrame>> ReadToEndAsync()
    {
        var frames = new List<RawFrame>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Reads what the service sends when it drops this client for misbehaving: one GoAway, then the end.</summary>
    public async Task<string> ReadProtocolViolationGoAwayAsync()
    {
        var frames = await ReadToEndAsync();
        var goAway = Assert.Single(frames);
        Assert.Equal(FrameKind.GoAway, goAway.Kind);
        Assert.Equal(GoAwayProtocolViolation, goAway.Header.MethodId);
        return DecodeString(goAway.Payload) ?? string.Empty;
    }

    public static RawHelloAck DecodeHelloAck(byte[] payload)
    {
        using var state = MemoryPackReaderOptionalStatePool.Rent(null);
        var reader = new MemoryPackReader(payload, state);
        return new RawHelloAck(
            reader.ReadUnmanaged<byte>(),
            reader.ReadUnmanaged<ushort>(),
            reader.ReadString() ?? string.Empty,
            reader.ReadUnmanaged<ulong>(),
            reader.ReadUnmanagedArray<uint>() ?? [],
            reader.ReadUnmanaged<int>(),
            reader.ReadString() ?? string.Empty);
    }

    public static RawError DecodeError(byte[] payload)
    {
        using var state = MemoryPackReaderOptionalStatePool.Rent(null);
        var reader = new MemoryPackReader(payload, state);
        return new RawError(
            (ErrorCode)reader.ReadUnmanaged<byte>(),
            reader.ReadString() ?? string.Empty,
            reader.ReadString() ?? string.Empty,
            reader.ReadString());
    }

    public static string? DecodeString(byte[] payload)
    {
        using var state = MemoryPackReaderOptionalStatePool.Rent(null);
        var reader = new MemoryPackReader(payload, state);
        return reader.ReadString();
    }

    public static T DecodeUnmanaged<T>(byte[] payload)
        where T : unmanaged
    {
        using var state = MemoryPackReaderOptionalStatePool.Rent(null);
        var reader = new MemoryPackReader(payload, state);
        return reader.ReadUnmanaged<T>();
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> destination)
    {
        using var timeout = new CancellationTokenSource(Patience.Timeout);
        var read = 0;
        while (read < destination.Length)
        {
            int n;
            try
            {
                n = await transport.ReceiveAsync(destination[read..], timeout.Token);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // A reset counts as the end of the stream.
                n = 0;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException("The service neither sent a frame nor closed the connection.");
            }

            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException($"The stream ended after {read} of {destination.Length} bytes.");
            }

            read += n;
        }

        return true;
    }

    public ValueTask DisposeAsync() => transport.DisposeAsync();
}
