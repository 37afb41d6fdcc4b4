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
        // The scanner's rule for a raw block (null, or a length from 0 that the remaining bytes hold): MemoryPack's
        // TryReadCollectionHeader let a negative length such as -2 through, which the fuzzer found slicing out of range.
        var scanner = new WireScanner(RemainingSpan(ref reader));
        var length = scanner.UnmanagedArray(elementSize: 1);
        var slice = length <= 0 ? ReadOnlyMemory<byte>.Empty : payload.Slice(reader.Consumed + 4, length);
        reader.Advance(scanner.Consumed);
        return slice;
    }

    /// <summary>Reads a length-prefixed byte block into a new array (for results, which outlive the receive buffer).</summary>
    public static ReadOnlyMemory<byte> ReadBytesCopy(ref MemoryPackReader reader)
        => ReadUnmanagedArray<byte>(ref reader);

    /// <summary>
    /// Reads a string strictly, by <see cref="WireScanner"/>'s string rule: only MemoryPack's UTF-8 form (what every
    /// ContractGen writer sends), only valid UTF-8, with the UTF-16 length it states, every length checked against the
    /// bytes that remain. MemoryPack's own reader would accept UTF-16 with lone surrogates, replace invalid UTF-8
    /// silently, and (1.21.4) let a byte count near <see cref="int.MaxValue"/> wrap past its bounds check.
    /// </summary>
    /// <exception cref="MalformedMessageException">The string breaks the rule.</exception>
    public static string? ReadString(ref MemoryPackReader reader)
    {
        var size = WireScanner.MeasureString(RemainingSpan(ref reader), out var byteCount);
        string? value = byteCount switch
        {
            -1 => null,
            0 => string.Empty,
            _ => System.Text.Encoding.UTF8.GetString(RemainingSpan(ref reader).Slice(8, byteCount)),
        };
        reader.Advance(size);
        return value;
    }

    /// <summary>Reads a collection of fixed-size values strictly: the count checked against the bytes that remain, null read as empty.</summary>
    /// <exception cref="MalformedMessageException">The count is negative (other than null) or larger than the bytes that remain.</exception>
    internal static T[] ReadUnmanagedArray<T>(ref MemoryPackReader reader)
        where T : unmanaged
    {
        var scanner = new WireScanner(RemainingSpan(ref reader));
        scanner.UnmanagedArray(System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        var proven = scanner.Consumed;
        var value = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(RemainingSpan(ref reader).Slice(4, proven - 4)).ToArray();
        reader.Advance(proven);
        return value;
    }

    /// <summary>Reads a <c>string[]</c> strictly (null stays null): the count checked before anything is allocated, each element by the string rule.</summary>
    /// <exception cref="MalformedMessageException">The array or one of its strings breaks the rules.</exception>
    internal static string?[]? ReadStringArray(ref MemoryPackReader reader)
    {
        var scanner = new WireScanner(RemainingSpan(ref reader));
        if (!scanner.TryCollection(out var count, minElementSize: 4))
        {
            reader.Advance(4);
            return null;
        }

        reader.Advance(4);
        var value = new string?[count];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = ReadString(ref reader);
        }

        return value;
    }

    /// <summary>The bytes <paramref name="reader"/> has not read yet (ContractGen's readers always read one contiguous span).</summary>
    private static ReadOnlySpan<byte> RemainingSpan(ref MemoryPackReader reader)
    {
        reader.GetRemainingSource(out var span, out _);
        return span;
    }

    /// <summary>
    /// Reads a fixed-size value after checking that its bytes are there. MemoryPack's <c>ReadUnmanaged</c> would read a
    /// truncated payload into an <see cref="ArgumentOutOfRangeException"/> from deep inside its buffer code; a peer's short
    /// payload is a malformed message, said as one.
    /// </summary>
    /// <exception cref="MalformedMessageException">Fewer bytes remain than the value needs.</exception>
    public static T ReadFixed<T>(ref MemoryPackReader reader)
        where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (reader.Remaining < size)
        {
            throw new MalformedMessageException($"The payload ends inside a {size}-byte value: only {reader.Remaining} bytes remain.");
        }

        return reader.ReadUnmanaged<T>();
    }

    /// <summary>Reads a <see cref="bool"/>, refusing any byte other than 0 or 1 (another value would be a corrupt <see cref="bool"/>).</summary>
    public static bool ReadBoolean(ref MemoryPackReader reader)
    {
        var b = ReadFixed<byte>(ref reader);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new MalformedMessageException($"A boolean was encoded as {b}; only 0 and 1 are valid."),
        };
    }

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown while decoding a peer's payload, means the payload was malformed. After
    /// the scan, MemoryPack can still refuse what the scan does not model (a duplicate dictionary key makes
    /// <c>Dictionary.Add</c> throw <see cref="ArgumentException"/>): the sender's fault, not the receiver's.
    /// ContractGen's own exceptions (a malformed payload, a bound the scan checked) keep their type.
    /// </summary>
    internal static bool IsDecodeFailure(Exception exception)
        => exception is not (ContractGenException or OutOfMemoryException or OperationCanceledException);

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
