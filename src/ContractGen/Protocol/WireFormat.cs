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

    /// <summary>
    /// Reads a string strictly: only MemoryPack's UTF-8 form (what every ContractGen writer sends), and only valid
    /// UTF-8. MemoryPack's own reader would accept UTF-16 with lone surrogates, or replace invalid UTF-8 silently.
    /// </summary>
    /// <exception cref="MalformedMessageException">The string is not valid UTF-8, or not in the UTF-8 form.</exception>
    public static string? ReadString(ref MemoryPackReader reader)
    {
        var header = reader.ReadUnmanaged<int>();
        if (header == -1)
        {
            return null;
        }

        if (header == 0)
        {
            return string.Empty;
        }

        if (header > 0)
        {
            throw new MalformedMessageException("A string arrived in UTF-16 form; ContractGen peers send UTF-8 only.");
        }

        // UTF-8 form: ~byteCount, then the UTF-16 length (a hint), then the bytes.
        var byteCount = ~header;
        if (reader.Remaining < 4L + byteCount)
        {
            throw new MalformedMessageException($"A string claims {byteCount} bytes but only {reader.Remaining} remain.");
        }

        reader.Advance(4);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref reader.GetSpanReference(byteCount), byteCount);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new MalformedMessageException("A string is not valid UTF-8.");
        }

        var value = System.Text.Encoding.UTF8.GetString(bytes);
        reader.Advance(byteCount);
        return value;
    }

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
