using ContractGen.Protocol;
using MemoryPack;

namespace ContractGen.Fuzz;

/// <summary>Encoding and decoding with the library's own codecs, for the harness and the seed generator.</summary>
internal static class Wire
{
    /// <summary>A whole frame: the library's header followed by <paramref name="payload"/>.</summary>
    public static byte[] Frame(FrameKind kind, byte flags, uint callId, uint methodId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader((uint)payload.Length, kind, flags, callId, methodId).Write(frame);
        payload.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    /// <summary>The payload <typeparamref name="T"/>'s codec writes for <paramref name="value"/>.</summary>
    public static byte[] Encode<T>(in T value)
        where T : IPayloadCodec<T>
        => Encode<T, T>(value);

    /// <summary>The payload <typeparamref name="TCodec"/> writes for <paramref name="value"/>.</summary>
    public static byte[] Encode<T, TCodec>(in T value)
        where TCodec : IPayloadCodec<T>
    {
        using var buffer = new FrameBuffer();
        var target = buffer;
        using (var state = MemoryPackWriterOptionalStatePool.Rent(null))
        {
            var writer = new MemoryPackWriter<FrameBuffer>(ref target, state);
            TCodec.Write(ref writer, in value);
            writer.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes a payload the way the host and the client do (ServerConnection.OnHello, ServiceConnection.Decode): a
    /// MemoryPack error becomes the typed <see cref="MalformedMessageException"/> the connection closes with.
    /// </summary>
    public static T Decode<T>(ReadOnlyMemory<byte> payload)
        where T : IPayloadCodec<T>
    {
        try
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(payload.Span, state);
            return T.Read(ref reader, payload);
        }
        catch (MemoryPackSerializationException ex)
        {
            throw new MalformedMessageException("the payload could not be decoded: " + ex.Message, ex);
        }
    }
}

/// <summary>A payload that is its bytes as they are: what the frame target echoes back through the write path.</summary>
internal readonly struct RawPayload(ReadOnlyMemory<byte> bytes) : IPayloadCodec<RawPayload>
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public static void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in RawPayload value)
    {
        var span = value.Bytes.Span;
        if (span.Length > 0)
        {
            span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref writer.GetSpanReference(span.Length), span.Length));
            writer.Advance(span.Length);
        }
    }

    public static RawPayload Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload) => new(payload);
}
