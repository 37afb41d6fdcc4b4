using ContractGen.Protocol;

namespace ContractGen.Tests;

public sealed class FrameHeaderTests
{
    public static TheoryData<FrameKind> Kinds => [.. Enum.GetValues<FrameKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_round_trips_through_its_16_bytes(FrameKind kind)
    {
        var header = new FrameHeader(0x01020304, kind, 0, 0xA1B2C3D4, uint.MaxValue);
        var bytes = new byte[FrameHeader.Size];

        header.Write(bytes);

        Assert.True(FrameHeader.IsWellFormed(bytes));
        Assert.Equal(header, FrameHeader.Read(bytes));
    }

    [Fact]
    public void The_layout_is_little_endian_length_kind_flags_reserved_call_method()
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(0x11223344, FrameKind.Reply, 0, 0x55667788, 0x99AABBCC).Write(bytes);

        Assert.Equal(
            new byte[] { 0x44, 0x33, 0x22, 0x11, (byte)FrameKind.Reply, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0xCC, 0xBB, 0xAA, 0x99 },
            bytes);
    }

    [Fact]
    public void Writing_clears_the_reserved_bytes_of_a_reused_buffer()
    {
        var bytes = Enumerable.Repeat((byte)0xFF, FrameHeader.Size).ToArray();
        new FrameHeader(1, FrameKind.Request, 0, 2, 3).Write(bytes);

        Assert.True(FrameHeader.IsWellFormed(bytes));
    }

    public static TheoryData<byte> UnknownKinds
    {
        get
        {
            // Whatever kinds the protocol grows, 0 and everything past the last one are unknown.
            var firstUnknown = (byte)(Enum.GetValues<FrameKind>().Max(k => (byte)k) + 1);
            return [0, firstUnknown, (byte)(firstUnknown + 1), 0x7F, 0xFF];
        }
    }

    [Theory]
    [MemberData(nameof(UnknownKinds))]
    public void An_unknown_kind_is_not_well_formed(byte kind)
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(0, FrameKind.Request, 0, 1, 1).Write(bytes);
        bytes[4] = kind;

        Assert.False(FrameHeader.IsWellFormed(bytes));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_set_reserved_bit_is_not_well_formed_whatever_the_kind(FrameKind kind)
    {
        foreach (var (offset, value) in new[] { (6, (byte)0x01), (6, (byte)0x80), (7, (byte)0x01), (7, (byte)0x80) })
        {
            var bytes = new byte[FrameHeader.Size];
            new FrameHeader(0, kind, 0, 1, 1).Write(bytes);
            bytes[offset] = value;

            Assert.False(FrameHeader.IsWellFormed(bytes), $"byte {offset} = 0x{value:x2} on {kind}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Flags_the_protocol_does_not_define_are_not_well_formed(FrameKind kind)
    {
        // Only requests carry flags, and only the ones FrameOptions defines.
        var undefined = unchecked((byte)~(byte)FrameOptions.All);
        for (var bit = 0; bit < 8; bit++)
        {
            var flag = (byte)(1 << bit);
            var bytes = new byte[FrameHeader.Size];
            new FrameHeader(0, kind, flag, 1, 1).Write(bytes);

            var expected = kind == FrameKind.Request && (flag & undefined) == 0;
            Assert.True(expected == FrameHeader.IsWellFormed(bytes), $"flag 0x{flag:x2} on {kind}");
        }
    }

    [Fact]
    public void A_request_with_every_defined_flag_round_trips()
    {
        var header = new FrameHeader(12, FrameKind.Request, (byte)FrameOptions.All, 3, 4);
        var bytes = new byte[FrameHeader.Size];

        header.Write(bytes);

        Assert.True(FrameHeader.IsWellFormed(bytes));
        Assert.Equal(header, FrameHeader.Read(bytes));
        Assert.Equal((byte)FrameOptions.All, bytes[5]);
    }
}
