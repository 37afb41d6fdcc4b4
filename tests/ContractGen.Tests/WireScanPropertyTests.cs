using System.Text;
using ContractGen.Protocol;
using CsCheck;
using MemoryPack;

namespace ContractGen.Tests;

#pragma warning disable SA1402 // The contract and its types belong to these tests alone.

/// <summary>How a basket line feels (an enum on the wire).</summary>
public enum Mood : byte
{
    /// <summary>Calm.</summary>
    Calm,

    /// <summary>Busy.</summary>
    Busy,
}

/// <summary>A record with nested strings, an enum, a bool and a nullable.</summary>
[MemoryPackable]
public sealed partial record BasketLine(string Sku, int Count, Mood Mood, bool Gift, string? Note, long? Weight);

/// <summary>A union with a narrow and a wide tag.</summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(Pickup))]
[MemoryPackUnion(300, typeof(Courier))]
public abstract partial class Delivery
{
}

/// <summary>A union case.</summary>
[MemoryPackable]
public sealed partial class Pickup : Delivery
{
    /// <summary>Where.</summary>
    public string Shop { get; set; } = "";
}

/// <summary>Another union case, with a nullable of an unmanaged type and a list.</summary>
[MemoryPackable]
public sealed partial class Courier : Delivery
{
    /// <summary>Where to.</summary>
    public string Address { get; set; } = "";

    /// <summary>What it costs, when known.</summary>
    public double? Fee { get; set; }

    /// <summary>Stops on the way.</summary>
    public List<string> Stops { get; set; } = [];
}

/// <summary>Everything at once: lists of records, dictionaries, bytes, a union, arrays and a recursive member.</summary>
[MemoryPackable]
public sealed partial class Basket
{
    /// <summary>Lines.</summary>
    public List<BasketLine> Lines { get; set; } = [];

    /// <summary>Stock by name.</summary>
    public Dictionary<string, int> Stock { get; set; } = [];

    /// <summary>Raw bytes.</summary>
    public byte[] Blob { get; set; } = [];

    /// <summary>How it travels.</summary>
    public Delivery? Delivery { get; set; }

    /// <summary>A reference, sometimes.</summary>
    public Guid? Reference { get; set; }

    /// <summary>Numbers.</summary>
    public int[] Numbers { get; set; } = [];

    /// <summary>Notes, some null.</summary>
    public string?[] Notes { get; set; } = [];

    /// <summary>Baskets inside this one.</summary>
    public List<Basket>? Nested { get; set; }
}

/// <summary>The contract the property tests drive: its generated codecs scan every payload before MemoryPack decodes it.</summary>
[ServiceContract(Name = "test.baskets", Context = ServiceContext.Application)]
[AllowAnyLocalUser]
public partial interface IBaskets
{
    /// <summary>Returns what it got.</summary>
    ValueTask<Basket> Echo(Basket basket, string label);
}

/// <summary>Echoes.</summary>
internal sealed class Baskets : IBaskets
{
    public ValueTask<Basket> Echo(Basket basket, string label) => ValueTask.FromResult(basket);
}

/// <summary>
/// Property tests of the scan-then-decode path, through a real host and the generated codecs: what MemoryPack writes is
/// accepted and comes back the same; what a hostile peer makes of it (bit flips, overwritten lengths, truncations) is
/// refused as malformed, or decodes, and never surfaces any other failure than the one the scan does not model.
/// </summary>
public sealed class WireScanPropertyTests
{
    private static readonly Gen<string> Text = Gen.String[Gen.Char.AlphaNumeric, 0, 12]
        .Select(Gen.Int[0, 3], (s, i) => i == 0 ? s + "é東🎉" : s);

    private static readonly Gen<BasketLine> Line = Gen.Select(Text, Gen.Int, Gen.Enum<Mood>(), Gen.Bool, Text.Null(), Gen.Long.Nullable())
        .Select(t => new BasketLine(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6));

    private static readonly Gen<Delivery?> DeliveryGen = Gen.OneOf<Delivery?>(
        Gen.Const((Delivery?)null),
        Text.Select(s => (Delivery?)new Pickup { Shop = s }),
        Gen.Select(Text, Gen.Double.Nullable(), Text.List[0, 3]).Select(t => (Delivery?)new Courier { Address = t.Item1, Fee = t.Item2, Stops = t.Item3 }));

    private static readonly Gen<Basket> Flat = Gen.Select(
            Line.List[0, 4],
            Gen.Dictionary(Text, Gen.Int)[0, 4],
            Gen.Byte.Array[0, 16],
            DeliveryGen,
            Gen.Guid.Nullable(),
            Gen.Int.Array[0, 5],
            Text.Null().Array[0, 3])
        .Select(t => new Basket { Lines = t.Item1, Stock = t.Item2, Blob = t.Item3, Delivery = t.Item4, Reference = t.Item5, Numbers = t.Item6, Notes = t.Item7 });

    private static readonly Gen<Basket> BasketGen = Gen.Select(Flat, Flat.List[0, 2].Null())
        .Select(t =>
        {
            t.Item1.Nested = t.Item2;
            return t.Item1;
        });

    [Fact]
    public async Task Every_value_MemoryPack_writes_is_accepted_and_comes_back_the_same()
    {
        await using var host = await StartAsync();
        var proxy = (await host.ConnectAsync<IBaskets>()).Proxy;

        await BasketGen.SampleAsync(
            async basket =>
            {
                var echoed = await proxy.Echo(basket, "label").WithPatience();
                Assert.Equal(MemoryPackSerializer.Serialize(basket), MemoryPackSerializer.Serialize(echoed));
            },
            iter: 300,
            threads: 1);
    }

    [Fact]
    public async Task Mutated_and_truncated_payloads_are_refused_as_malformed_or_decode_and_the_host_keeps_serving()
    {
        await using var host = await StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IBaskets>();
        var callId = 0u;
        var refused = 0;
        var answered = 0;
        var mutation = Gen.Select(BasketGen, Gen.Int[0, 3], Gen.Int[0, int.MaxValue], Gen.Int);

        await mutation.SampleAsync(
            async t =>
            {
                var (basket, kind, where, value) = t;
                var payload = Payload(basket);
                var at = where % payload.Length;
                switch (kind)
                {
                    case 0:
                        payload[at] ^= (byte)(1 << (value & 7));
                        break;
                    case 1:
                        // A hostile length: four bytes overwritten with a count or string header.
                        var lie = (value & 3) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => -2 - (value >>> 2 & 0xFF), _ => value };
                        BitConverter.TryWriteBytes(payload.AsSpan(Math.Min(at, payload.Length - 4)), lie);
                        break;
                    case 2:
                        payload = payload[..at];
                        break;
                    default:
                        payload[at] = (byte)value;
                        break;
                }

                await raw.SendFrameAsync(FrameKind.Request, ++callId, BasketsContract.MethodIds.Echo, payload);
                var answer = await raw.ReadFrameAsync().WithPatience() ?? throw new Xunit.Sdk.XunitException("The host closed the connection.");
                Assert.Equal(callId, answer.Header.CallId);
                if (answer.Kind == FrameKind.Reply)
                {
                    answered++;
                    return;
                }

                Assert.Equal(FrameKind.Error, answer.Kind);
                var error = RawClient.DecodeError(answer.Payload);
                if (error.Code == ErrorCode.ValidationFailed)
                {
                    // It decoded, into a value the contract does not allow (a null where it says non-nullable).
                    answered++;
                    return;
                }

                Assert.Equal(ErrorCode.BadRequest, error.Code);
                refused++;

                // Past the scan, the one failure left is the one it does not model: Dictionary.Add refusing a duplicate key.
                if (error.Message.Contains("could not be decoded (", StringComparison.Ordinal))
                {
                    Assert.Contains("could not be decoded (ArgumentException)", error.Message, StringComparison.Ordinal);
                }
            },
            iter: 1500,
            threads: 1);

        Assert.True(refused > 0, "no mutation was refused");
        Assert.True(answered > 0, "no mutation decoded: the test would not see what MemoryPack does past the scan");
        var fresh = (await host.ConnectAsync<IBaskets>()).Proxy;
        Assert.Equal("ok", (await fresh.Echo(new Basket { Lines = [new("ok", 1, Mood.Calm, false, null, null)] }, "x").WithPatience()).Lines[0].Sku);
    }

    [Fact]
    public async Task A_result_that_lies_is_refused_by_the_client_with_a_typed_exception()
    {
        // The client runs the same scan over results: a fake server answers with a Basket whose first line's Sku lies.
        await using var server = await FakeServer.StartAsync();
        var (connection, peer) = await server.ConnectAcceptedAsync<IBaskets>();
        var call = connection.Proxy.Echo(new Basket(), "x").AsTask();
        var request = (await peer.ReadFrameAsync().WithPatience())!;
        var reply = MemoryPackSerializer.Serialize(new Basket { Lines = [new("SKU", 1, Mood.Calm, false, null, null)] });
        var sku = reply.AsSpan().IndexOf("SKU"u8) - 8;
        BitConverter.TryWriteBytes(reply.AsSpan(sku), int.MinValue);

        await peer.SendFrameAsync(FrameKind.Reply, request.Header.CallId, request.Header.MethodId, [.. reply, .. new byte[32]]);

        var error = await Patience.ThrowsAsync<MalformedMessageException>(() => call);
        Assert.Contains("string", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Payload(Basket basket)
        => [.. MemoryPackSerializer.Serialize(basket), .. MemoryPackSerializer.Serialize("label")];

    private static Task<TestHost> StartAsync()
        => TestHost.StartAsync(
            o => o.MalformedMessagePolicy = MalformedMessagePolicy.FailCall,
            services: (h, _) => h.AddService<IBaskets>(new Baskets()));
}
