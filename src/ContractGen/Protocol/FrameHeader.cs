using System.Buffers.Binary;

namespace ContractGen.Protocol;

/// <summary>
/// The fixed 16-byte header in front of every frame, little-endian:
/// <c>u32 payloadLength | u8 kind | u8 flags | u16 reserved | u32 callId | u32 methodId</c>.
/// </summary>
/// <remarks>
/// A fixed header lets the reader check the payload length against its limit before it allocates anything, and
/// lets a writer reserve the header, serialize the payload straight behind it, and patch the length afterwards.
/// </remarks>
public readonly record struct FrameHeader(uint PayloadLength, FrameKind Kind, byte Flags, uint CallId, uint MethodId)
{
    /// <summary>The size of the header on the wire.</summary>
    public const int Size = 16;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, PayloadLength);
        destination[4] = (byte)Kind;
        destination[5] = Flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], CallId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], MethodId);
    }

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    public static FrameHeader Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(source),
        (FrameKind)source[4],
        source[5],
        BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[12..]));

    /// <summary>Whether the kind is one this protocol version defines and the reserved bits are clear.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> source)
        => source[4] is >= (byte)FrameKind.Hello and <= (byte)FrameKind.StreamCredit
           && (source[5] == 0 || (source[4] == (byte)FrameKind.Request && (source[5] & ~(byte)FrameOptions.All) == 0))
           && BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) == 0;
}
