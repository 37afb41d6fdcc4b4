using MemoryPack;

namespace ContractGen.Protocol;

/// <summary>Encoding helpers that generated codecs call for shapes MemoryPack's own API does not cover the way ContractGen needs.</summary>
public static class WireFormat
{
    /// <summary>Writes a byte buffer as a length-prefixed block (MemoryPack's layout for a byte array).</summary>
    public static void WriteBytes(ref MemoryPackWriter<FrameBuffer> writer, ReadOnlyMemory<byte> value)
        => writer.WriteUnmanagedSpan(value.Span);

    /// <summary>
    /// Reads a length-prefixed byte block as a slice of <paramref name="payload"/>, without copying. The slice is
    /// valid for as long as the payload is: on the service side, until the method's task completes.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadBytesSlice(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload)
    {
        if (!reader.TryReadCollectionHeader(out var length))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // TryReadCollectionHeader has already refused a length beyond the remaining bytes.
        var slice = payload.Slice(reader.Consumed, length);
        reader.Advance(length);
        return slice;
    }

    /// <summary>Reads a length-prefixed byte block into a new array (for results, which outlive the receive buffer).</summary>
    public static ReadOnlyMemory<byte> ReadBytesCopy(ref MemoryPackReader reader)
        => reader.ReadUnmanagedArray<byte>() ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>Reads a <see cref="bool"/>, refusing any byte other than 0 or 1 (another value would be a corrupt <see cref="bool"/>).</summary>
    public static bool ReadBoolean(ref MemoryPackReader reader)
    {
        var b = reader.ReadUnmanaged<byte>();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new MalformedMessageException($"A boolean was encoded as {b}; only 0 and 1 are valid."),
        };
    }

    internal static void EnsureConsumed(ref MemoryPackReader reader)
    {
        if (reader.Remaining != 0)
        {
            throw new MalformedMessageException($"The payload has {reader.Remaining} bytes left over after its last field.");
        }
    }

    /// <summary>The exception for a null where the contract declares a non-nullable value.</summary>
    public static MalformedMessageException NullNotAllowed(string name)
        => new($"'{name}' was null, but the contract declares it non-nullable.");
}
