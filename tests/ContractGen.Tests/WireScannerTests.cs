using System.Buffers;
using System.Buffers.Binary;
using ContractGen.Protocol;
using MemoryPack;

namespace ContractGen.Tests;

/// <summary>Every rule of <see cref="WireScanner"/>, each with bytes it accepts (written by MemoryPack where it can) and bytes it refuses.</summary>
public sealed class WireScannerTests
{
    private delegate void Scan(ref WireScanner scanner);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("naïve café – 東京 🎉")]
    public void A_string_MemoryPack_wrote_is_accepted_whole(string? value)
    {
        var bytes = Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteString(value));

        Assert.Equal(bytes.Length, Accept(bytes, (ref WireScanner s) => s.Utf8String()));
    }

    [Theory]
    [InlineData(int.MinValue)] // the header of issue 11: ~header = int.MaxValue bytes
    [InlineData(-2)] // one byte claimed, none there
    [InlineData(-1000)]
    public void A_string_whose_byte_count_exceeds_the_payload_is_refused(int header)
        => Refuse(Bytes(Int(header), Int(0), [0x78, 0x78]), (ref WireScanner s) => s.Utf8String(), "string");

    [Fact]
    public void A_string_in_UTF16_form_is_refused()
        => Refuse(Bytes(Int(2), [0x61, 0, 0x62, 0]), (ref WireScanner s) => s.Utf8String(), "UTF-16");

    [Fact]
    public void A_string_of_invalid_UTF8_is_refused()
        => Refuse(Bytes(Int(~2), Int(2), [0xC3, 0x28]), (ref WireScanner s) => s.Utf8String(), "UTF-8");

    [Theory]
    [InlineData(5)] // MemoryPack would pad "abc" with two NULs
    [InlineData(2)] // MemoryPack would fail late, after allocating
    [InlineData(0)]
    [InlineData(-1)]
    public void A_string_whose_UTF16_length_is_not_its_own_is_refused(int hint)
        => Refuse(Bytes(Int(~3), Int(hint), "abc"u8.ToArray()), (ref WireScanner s) => s.Utf8String(), "UTF-16 length");

    [Fact]
    public void A_string_header_cut_short_is_refused()
        => Refuse([0xFF, 0xFF], (ref WireScanner s) => s.Utf8String(), "4 bytes");

    [Fact]
    public void A_null_string_is_refused_only_where_null_is_not_allowed()
    {
        Accept(Int(-1), (ref WireScanner s) => s.Utf8String());
        Refuse(Int(-1), (ref WireScanner s) => s.Utf8String(allowNull: false), "null");
    }

    [Fact]
    public void WireFormat_ReadString_follows_the_same_rule()
    {
        var hostile = Bytes(Int(int.MinValue), Int(0), new byte[32]);
        var error = Assert.Throws<MalformedMessageException>(() =>
        {
            var reader = new MemoryPackReader(hostile, MemoryPackReaderOptionalStatePool.Rent(null));
            WireFormat.ReadString(ref reader);
        });
        Assert.Contains("string", error.Message, StringComparison.Ordinal);

        var valid = Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteString("é"));
        var reader = new MemoryPackReader(valid, MemoryPackReaderOptionalStatePool.Rent(null));
        Assert.Equal("é", WireFormat.ReadString(ref reader));
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(255, false)]
    public void A_boolean_is_0_or_1(byte value, bool valid)
        => Check([value], (ref WireScanner s) => s.Boolean(), valid);

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(1, 1, true)]
    [InlineData(1, 0, true)]
    [InlineData(2, 0, false)]
    [InlineData(1, 7, false)]
    public void A_nullable_boolean_has_a_0_or_1_flag_and_value(byte flag, byte value, bool valid)
        => Check([flag, value], (ref WireScanner s) => s.NullableBoolean(), valid);

    [Fact]
    public void A_raw_nullable_is_its_struct_with_a_0_or_1_flag()
    {
        int? present = 7;
        var bytes = Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteValue(present));
        Assert.Equal(8, Accept(bytes, (ref WireScanner s) => s.RawNullable(System.Runtime.CompilerServices.Unsafe.SizeOf<int?>())));
        bytes[0] = 3;
        Refuse(bytes, (ref WireScanner s) => s.RawNullable(8), "flag");
    }

    [Fact]
    public void A_fixed_size_value_needs_its_bytes()
    {
        Assert.Equal(8, Accept(new byte[8], (ref WireScanner s) => s.Fixed(8)));
        Refuse(new byte[7], (ref WireScanner s) => s.Fixed(8), "8 bytes needed");
    }

    [Fact]
    public void A_collection_MemoryPack_wrote_is_accepted_and_null_is_not_a_count()
    {
        var list = Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteValue(new List<string> { "a", "bc" }));
        Accept(list, (ref WireScanner s) =>
        {
            Assert.True(s.TryCollection(out var count, 4));
            Assert.Equal(2, count);
            s.Utf8String();
            s.Utf8String();
        });

        Accept(Int(-1), (ref WireScanner s) => Assert.False(s.TryCollection(out _, 4)));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void A_negative_count_other_than_null_is_refused(int count)
        => Refuse(Bytes(Int(count), new byte[16]), (ref WireScanner s) => s.TryCollection(out _, 1), "-1 (null)");

    [Theory]
    [InlineData(5, 4, 16, false)] // 5 strings need at least 20 bytes
    [InlineData(4, 4, 16, true)]
    [InlineData(int.MaxValue, 4, 16, false)] // count × size must not wrap
    [InlineData(0x40000001, 4, 16, false)]
    [InlineData(3, 0, 2, false)] // an element is at least one byte, whatever the caller says
    public void A_count_is_believed_only_when_count_times_the_smallest_element_fits(int count, int minSize, int remaining, bool valid)
        => Check(Bytes(Int(count), new byte[remaining]), (ref WireScanner s) => s.TryCollection(out _, minSize), valid, consumeAll: false);

    [Fact]
    public void The_element_budget_bounds_all_collections_together()
    {
        // Three lists of 4 one-byte elements each: 12 elements in all.
        var bytes = Bytes(Int(4), new byte[4], Int(4), new byte[4], Int(4), new byte[4]);
        void ThreeLists(ref WireScanner s)
        {
            for (var i = 0; i < 3; i++)
            {
                s.TryCollection(out var n, 1);
                s.Fixed(n);
            }
        }

        var within = new WireScanner(bytes, elementBudget: 12);
        ThreeLists(ref within);
        Assert.Equal(bytes.Length, within.Consumed);

        var error = Assert.Throws<MalformedMessageException>(() =>
        {
            var over = new WireScanner(bytes, elementBudget: 11);
            ThreeLists(ref over);
        });
        Assert.Contains("more elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unmanaged_array_is_a_count_and_a_block()
    {
        var bytes = Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteUnmanagedArray(new[] { 1, 2, 3 }));
        Accept(bytes, (ref WireScanner s) => Assert.Equal(3, s.UnmanagedArray(4)));
        Accept(Int(-1), (ref WireScanner s) => Assert.Equal(-1, s.UnmanagedArray(4)));
        Refuse(Bytes(Int(4), new byte[12]), (ref WireScanner s) => s.UnmanagedArray(4), "4 elements");
        Refuse(Bytes(Int(0x40000000), new byte[12]), (ref WireScanner s) => s.UnmanagedArray(4), "elements");
    }

    [Theory]
    [InlineData(0, 2, true)]
    [InlineData(2, 2, true)]
    [InlineData(1, 2, true)] // an older peer: the rest default
    [InlineData(3, 2, false)]
    [InlineData(250, 2, false)]
    [InlineData(254, 2, false)]
    public void An_object_header_names_at_most_the_declared_members(byte header, int declared, bool valid)
        => Check([header], (ref WireScanner s) => s.TryObject(declared, out _), valid);

    [Fact]
    public void An_object_header_of_255_is_null()
        => Accept([255], (ref WireScanner s) => Assert.False(s.TryObject(3, out _)));

    [Fact]
    public void A_union_header_is_a_narrow_tag_a_wide_tag_or_null()
    {
        Accept([7], (ref WireScanner s) => Assert.True(s.TryUnion(out var tag) && tag == 7));
        Accept([250, 0x2C, 0x01], (ref WireScanner s) => Assert.True(s.TryUnion(out var tag) && tag == 300));
        Accept([255], (ref WireScanner s) => Assert.False(s.TryUnion(out _)));
        Refuse([251], (ref WireScanner s) => s.TryUnion(out _), "union header");
        Refuse([250, 1], (ref WireScanner s) => s.TryUnion(out _), "union tag");
    }

    [Fact]
    public void MemoryPack_writes_a_union_tag_of_250_or_more_in_the_wide_form()
    {
        var bytes = Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteUnionHeader(300));
        Accept(bytes, (ref WireScanner s) => Assert.True(s.TryUnion(out var tag) && tag == 300));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(255, true)]
    [InlineData(0, false)]
    [InlineData(2, false)]
    public void A_nullable_header_is_1_or_null(byte header, bool valid)
        => Check([header], (ref WireScanner s) => s.TryNullable(), valid);

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var scanner = new WireScanner([]);
        for (var i = 0; i < WireScanner.MaxDepth; i++)
        {
            scanner.Enter();
        }

        var error = Assert.Throws<MalformedMessageException>(() =>
        {
            var deep = new WireScanner([]);
            for (var i = 0; i <= WireScanner.MaxDepth; i++)
            {
                deep.Enter();
            }
        });
        Assert.Contains("deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_left_over_are_refused_at_the_end()
    {
        var scanner = new WireScanner(new byte[3]);
        scanner.Fixed(3);
        scanner.End();
        Refuse(new byte[4], (ref WireScanner s) => s.Fixed(3), "left over");
    }

    private static int Accept(byte[] bytes, Scan scan)
    {
        var scanner = new WireScanner(bytes);
        scan(ref scanner);
        scanner.End();
        return scanner.Consumed;
    }

    private static void Refuse(byte[] bytes, Scan scan, string because)
    {
        var error = Assert.Throws<MalformedMessageException>(() => Accept(bytes, scan));
        Assert.Contains(because, error.Message, StringComparison.Ordinal);
    }

    private static void Check(byte[] bytes, Scan scan, bool valid, bool consumeAll = true)
    {
        void Run()
        {
            var scanner = new WireScanner(bytes);
            scan(ref scanner);
            if (consumeAll)
            {
                scanner.End();
            }
        }

        if (valid)
        {
            Run();
        }
        else
        {
            Assert.Throws<MalformedMessageException>(Run);
        }
    }

    private static byte[] Encode(RawClient.PayloadWriter write) => RawClient.Payload(write);

    private static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
