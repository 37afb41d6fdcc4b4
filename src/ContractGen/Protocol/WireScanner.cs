using System.Buffers.Binary;
using System.ComponentModel;
using System.Text;

namespace ContractGen.Protocol;

/// <summary>
/// Walks a MemoryPack-encoded payload and proves its structure before any decoder sees it: every length and count is
/// checked, with 64-bit arithmetic, against the bytes that remain, strings are UTF-8 in MemoryPack's UTF-8 form only,
/// booleans are 0 or 1, object and union headers name members and cases the contract declares, nesting is bounded and
/// the elements of all collections together stay within a budget. It allocates nothing and decodes nothing.
/// </summary>
/// <remarks>
/// Generated codecs run a scan over each payload before MemoryPack decodes it, so MemoryPack's reader, which does not
/// check every length itself, only ever sees bytes whose every length ContractGen's own code has proven in range.
/// Every method throws <see cref="MalformedMessageException"/> on the first rule broken.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct WireScanner
{
    /// <summary>How deep objects, unions and collections may nest before a payload is refused.</summary>
    public const int MaxDepth = 64;

    /// <summary>How many elements all the collections and strings of one payload may hold together, by default.</summary>
    public const int DefaultElementBudget = 1024 * 1024;

    /// <summary>MemoryPack's null marker for a collection or string header.</summary>
    private const int NullCollection = -1;

    /// <summary>MemoryPack's null marker for an object or union header.</summary>
    private const byte NullObject = 255;

    /// <summary>The union header byte that says a 16-bit tag follows.</summary>
    private const byte WideTag = 250;

    private readonly ReadOnlySpan<byte> _payload;
    private int _position;
    private int _depth;
    private long _budget;

    /// <summary>Starts a scan at the beginning of <paramref name="payload"/>.</summary>
    public WireScanner(ReadOnlySpan<byte> payload)
        : this(payload, DefaultElementBudget)
    {
    }

    /// <summary>Starts a scan with its own element budget (tests use small ones).</summary>
    public WireScanner(ReadOnlySpan<byte> payload, long elementBudget)
    {
        _payload = payload;
        _position = 0;
        _depth = 0;
        _budget = elementBudget;
    }

    /// <summary>How many bytes the scan has walked.</summary>
    public readonly int Consumed => _position;

    /// <summary>How many bytes remain.</summary>
    public readonly int Remaining => _payload.Length - _position;

    /// <summary>Passes over a fixed-size value every bit pattern of which decodes (a number, an enum, an unmanaged struct).</summary>
    public void Fixed(int size)
    {
        Take(size, "a fixed-size value");
    }

    /// <summary>Passes over a <see cref="bool"/>, refusing any byte but 0 and 1.</summary>
    public void Boolean()
    {
        var b = Take(1, "a boolean")[0];
        if (b > 1)
        {
            throw new MalformedMessageException($"A boolean was encoded as {b}; only 0 and 1 are valid.");
        }
    }

    /// <summary>
    /// Passes over an unmanaged <see cref="Nullable{T}"/> that MemoryPack writes as the raw struct: its first byte is
    /// the has-value flag, which must be 0 or 1.
    /// </summary>
    public void RawNullable(int size)
    {
        var raw = Take(size, "a nullable value");
        if (raw[0] > 1)
        {
            throw new MalformedMessageException($"A nullable value's flag was {raw[0]}; only 0 and 1 are valid.");
        }
    }

    /// <summary>Passes over a <c>bool?</c>, which MemoryPack writes as the raw struct: a flag byte and a value byte, each 0 or 1.</summary>
    public void NullableBoolean()
    {
        var raw = Take(2, "a nullable boolean");
        if (raw[0] > 1 || raw[1] > 1)
        {
            throw new MalformedMessageException($"A nullable boolean was encoded as {raw[0]}, {raw[1]}; only 0 and 1 are valid.");
        }
    }

    /// <summary>
    /// Passes over a string: null (unless <paramref name="allowNull"/> is false), empty, or MemoryPack's UTF-8 form
    /// holding valid UTF-8 whose UTF-16 length is the one it states.
    /// </summary>
    public void Utf8String(bool allowNull = true)
    {
        // Not charged to the element budget: a string's bytes become at most as many chars, nothing is amplified.
        _position += MeasureString(_payload[_position..], out var utf8Count);
        if (utf8Count < 0 && !allowNull)
        {
            throw new MalformedMessageException("A dictionary key was null.");
        }
    }

    /// <summary>
    /// Reads a collection header: <see langword="false"/> for null; otherwise the element count, after proving that
    /// <paramref name="count"/> × <paramref name="minElementSize"/> bytes remain and that the payload's element budget
    /// holds them, so whatever decodes the collection next allocates only what the bytes can fill.
    /// </summary>
    public bool TryCollection(out int count, int minElementSize)
        => TryCount(out count, minElementSize, charge: true);

    /// <summary>
    /// Passes over a collection of fixed-size elements written as one raw block (<c>byte[]</c>, <c>int[]</c>,
    /// <c>List&lt;Guid&gt;</c>...); returns its count, or -1 for null.
    /// </summary>
    public int UnmanagedArray(int elementSize)
    {
        // A raw block is copied, not built element by element: it is bounded by its bytes, not charged to the budget.
        if (!TryCount(out var count, elementSize, charge: false))
        {
            return -1;
        }

        // TryCount proved count × elementSize ≤ Remaining, so the product fits in an int.
        Take(count * elementSize, "a block of fixed-size elements");
        return count;
    }

    /// <summary>
    /// Reads the header of a <see cref="Nullable{T}"/> of a struct with references: <see langword="false"/> for null,
    /// <see langword="true"/> when the value (one member) follows.
    /// </summary>
    public bool TryNullable()
    {
        var header = Take(1, "a nullable header")[0];
        return header switch
        {
            NullObject => false,
            1 => true,
            _ => throw new MalformedMessageException($"A nullable value's header was {header}; only 1 and 255 (null) are valid."),
        };
    }

    /// <summary>
    /// Reads a <c>[MemoryPackable]</c> object header: <see langword="false"/> for null; otherwise how many members
    /// follow, which must not exceed <paramref name="declaredMembers"/> (fewer is an older peer: the rest default).
    /// </summary>
    public bool TryObject(int declaredMembers, out int memberCount)
    {
        var header = Take(1, "an object header")[0];
        if (header == NullObject)
        {
            memberCount = 0;
            return false;
        }

        if (header > declaredMembers)
        {
            throw new MalformedMessageException($"An object claims {header} members; its type declares {declaredMembers}.");
        }

        memberCount = header;
        return true;
    }

    /// <summary>Reads a union header: <see langword="false"/> for null; otherwise the case tag (the generated switch refuses unknown ones).</summary>
    public bool TryUnion(out ushort tag)
    {
        var header = Take(1, "a union header")[0];
        if (header == NullObject)
        {
            tag = 0;
            return false;
        }

        if (header < WideTag)
        {
            tag = header;
            return true;
        }

        if (header > WideTag)
        {
            throw new MalformedMessageException($"A union header was {header}; 0-249, 250 (a 16-bit tag follows) and 255 (null) are valid.");
        }

        tag = BinaryPrimitives.ReadUInt16LittleEndian(Take(2, "a union tag"));
        return true;
    }

    /// <summary>Enters a nested object, union or collection; refuses a payload nested deeper than <see cref="MaxDepth"/>.</summary>
    public void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new MalformedMessageException($"The payload nests deeper than {MaxDepth} levels.");
        }
    }

    /// <summary>Leaves what <see cref="Enter"/> entered.</summary>
    public void Exit() => _depth--;

    /// <summary>Refuses bytes left over after the last field.</summary>
    public readonly void End()
    {
        if (Remaining != 0)
        {
            throw new MalformedMessageException($"The payload has {Remaining} bytes left over after its last field.");
        }
    }

    /// <summary>The exception for a union tag the contract does not declare.</summary>
    public static MalformedMessageException UnknownUnionTag(ushort tag, string union)
        => new($"A value of '{union}' carries union tag {tag}, which is not one of its cases.");

    /// <summary>
    /// The one string rule, shared with <see cref="WireFormat.ReadString"/>: measures the encoded string at the start of
    /// <paramref name="source"/> and returns its size in bytes. <paramref name="utf8Count"/> is -1 for null, otherwise
    /// the number of UTF-8 bytes (which start 8 bytes in, or 4 for the empty string).
    /// </summary>
    /// <exception cref="MalformedMessageException">The string breaks the rule.</exception>
    internal static int MeasureString(ReadOnlySpan<byte> source, out int utf8Count)
    {
        if (source.Length < 4)
        {
            throw new MalformedMessageException($"A string header needs 4 bytes but only {source.Length} remain.");
        }

        var header = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (header is NullCollection or 0)
        {
            utf8Count = header;
            return 4;
        }

        if (header > 0)
        {
            throw new MalformedMessageException("A string arrived in UTF-16 form; ContractGen peers send UTF-8 only.");
        }

        // UTF-8 form: ~byteCount, the UTF-16 length, then the bytes. ~header is non-negative for every negative header.
        var byteCount = ~header;
        if (8L + byteCount > source.Length)
        {
            throw new MalformedMessageException($"A string claims {byteCount} bytes but only {Math.Max(source.Length - 8, 0)} remain.");
        }

        var bytes = source.Slice(8, byteCount);

        // ASCII (most names, keys and identifiers) is valid UTF-8 of one char per byte: one vectorized pass decides both.
        var ascii = Ascii.IsValid(bytes);
        if (!ascii && !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new MalformedMessageException("A string is not valid UTF-8.");
        }

        // MemoryPack sizes the string from this field; a larger one would pad it with NULs, a smaller one fail late.
        var utf16Length = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        if (utf16Length != (ascii ? byteCount : Encoding.UTF8.GetCharCount(bytes)))
        {
            throw new MalformedMessageException($"A string states a UTF-16 length of {utf16Length} that its {byteCount} UTF-8 bytes do not have.");
        }

        utf8Count = byteCount;
        return 8 + byteCount;
    }

    private ReadOnlySpan<byte> Take(int size, string what)
    {
        if (size < 0 || size > Remaining)
        {
            throw new MalformedMessageException($"The payload ends inside {what}: {size} bytes needed, {Remaining} remain.");
        }

        var taken = _payload.Slice(_position, size);
        _position += size;
        return taken;
    }

    private void Charge(long elements)
    {
        _budget -= elements;
        if (_budget < 0)
        {
            throw new MalformedMessageException("The payload holds more elements than one message may.");
        }
    }

    private bool TryCount(out int count, int minElementSize, bool charge)
    {
        var header = BinaryPrimitives.ReadInt32LittleEndian(Take(4, "a collection header"));
        if (header == NullCollection)
        {
            count = 0;
            return false;
        }

        if (header < 0)
        {
            throw new MalformedMessageException($"A collection claims {header} elements; only -1 (null) and counts from 0 are valid.");
        }

        if ((long)header * Math.Max(minElementSize, 1) > Remaining)
        {
            throw new MalformedMessageException($"A collection claims {header} elements but only {Remaining} bytes remain.");
        }

        if (charge)
        {
            Charge(header);
        }

        count = header;
        return true;
    }
}
