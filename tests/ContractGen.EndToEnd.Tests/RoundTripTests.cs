using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>Every supported type crosses a real Unix domain socket to a separate daemon process and back.</summary>
public sealed class RoundTripTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>, IAsyncLifetime
{
    private ServiceConnection<IAllTypes> _connection = null!;

    private IAllTypes Proxy => _connection.Proxy;

    public async Task InitializeAsync() => _connection = await ServiceConnection.ConnectAsync<IAllTypes>(fixture.Service.Endpoint);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task Primitives_round_trip_at_their_limits()
    {
        Assert.True(await Proxy.EchoBool(true));
        Assert.False(await Proxy.EchoBool(false));
        Assert.Equal(byte.MaxValue, await Proxy.EchoByte(byte.MaxValue));
        Assert.Equal(sbyte.MinValue, await Proxy.EchoSByte(sbyte.MinValue));
        Assert.Equal(short.MinValue, await Proxy.EchoInt16(short.MinValue));
        Assert.Equal(ushort.MaxValue, await Proxy.EchoUInt16(ushort.MaxValue));
        Assert.Equal(int.MinValue, await Proxy.EchoInt32(int.MinValue));
        Assert.Equal(uint.MaxValue, await Proxy.EchoUInt32(uint.MaxValue));
        Assert.Equal(long.MinValue, await Proxy.EchoInt64(long.MinValue));
        Assert.Equal(ulong.MaxValue, await Proxy.EchoUInt64(ulong.MaxValue));
        Assert.Equal(float.Epsilon, await Proxy.EchoSingle(float.Epsilon));
        Assert.True(double.IsNaN(await Proxy.EchoDouble(double.NaN)));
        Assert.Equal(decimal.MaxValue, await Proxy.EchoDecimal(decimal.MaxValue));
        Assert.Equal('\uFFFD', await Proxy.EchoChar('\uFFFD'));
    }

    [Fact]
    public async Task Strings_keep_unicode_empty_and_null()
    {
        Assert.Equal("héllo wörld ✓ 𝄞", await Proxy.EchoString("héllo wörld ✓ 𝄞"));
        Assert.Equal(string.Empty, await Proxy.EchoString(string.Empty));
        Assert.Null(await Proxy.EchoNullableString(null));
        Assert.Equal("x", await Proxy.EchoNullableString("x"));
        var large = new string('a', 100_000);
        Assert.Equal(large, await Proxy.EchoString(large));
    }

    [Fact]
    public async Task Byte_buffers_round_trip()
    {
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        Assert.Equal(bytes, await Proxy.EchoBytes(bytes));
        Assert.Empty(await Proxy.EchoBytes([]));
        Assert.Equal(bytes, (await Proxy.EchoMemory(bytes)).ToArray());
        Assert.True((await Proxy.EchoMemory(ReadOnlyMemory<byte>.Empty)).IsEmpty);
    }

    [Fact]
    public async Task Framework_value_types_round_trip()
    {
        var now = DateTime.UtcNow;
        var offset = new DateTimeOffset(2026, 11, 24, 7, 30, 0, TimeSpan.FromHours(5.5));
        var guid = Guid.NewGuid();
        Assert.Equal(Color.Blue, await Proxy.EchoEnum(Color.Blue));
        Assert.Equal(now, await Proxy.EchoDateTime(now));
        Assert.Equal(DateTimeKind.Utc, (await Proxy.EchoDateTime(now)).Kind);
        Assert.Equal(offset, await Proxy.EchoDateTimeOffset(offset));
        Assert.Equal(offset.Offset, (await Proxy.EchoDateTimeOffset(offset)).Offset);
        Assert.Equal(TimeSpan.FromTicks(-1234567), await Proxy.EchoTimeSpan(TimeSpan.FromTicks(-1234567)));
        Assert.Equal(guid, await Proxy.EchoGuid(guid));
        Assert.Null(await Proxy.EchoNullableInt(null));
        Assert.Equal(7, await Proxy.EchoNullableInt(7));
        Assert.Null(await Proxy.EchoNullableEnum(null));
        Assert.Equal(Color.Green, await Proxy.EchoNullableEnum(Color.Green));
    }

    [Fact]
    public async Task Collections_round_trip()
    {
        var ints = await Proxy.EchoIntArray([1, -2, int.MaxValue]);
        Assert.Equal(new[] { 1, -2, int.MaxValue }, ints);
        Assert.Equal(["a", "", "ç"], await Proxy.EchoStringArray(["a", "", "ç"]));
        Assert.Equal(["x", "y"], await Proxy.EchoList(["x", "y"]));
        var dictionary = new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 };
        Assert.Equal(dictionary, await Proxy.EchoDictionary(dictionary));
        Assert.Empty(await Proxy.EchoDictionary([]));
    }

    [Fact]
    public async Task MemoryPackable_records_round_trip_including_nested_collections()
    {
        var order = new Order("SKU-1", 3, 9.99m, ["red", "large"], new Dictionary<string, string> { ["gift"] = "yes" });
        var echoed = await Proxy.EchoOrder(order);
        Assert.Equal(order.Sku, echoed.Sku);
        Assert.Equal(order.Quantity, echoed.Quantity);
        Assert.Equal(order.Price, echoed.Price);
        Assert.Equal(order.Tags, echoed.Tags);
        Assert.Equal(order.Attributes, echoed.Attributes);

        var orders = Enumerable.Range(0, 50).Select(i => new Order($"S{i}", i, i, [], null)).ToList();
        var echoedOrders = await Proxy.EchoOrders(orders);
        Assert.Equal(orders.Select(o => o.Sku), echoedOrders.Select(o => o.Sku));
        Assert.All(echoedOrders, o => Assert.Null(o.Attributes));
    }

    [Fact]
    public async Task Several_parameters_and_task_shapes_work()
    {
        var guid = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff");
        Assert.Equal($"a|42|{guid}|Red", await Proxy.Concat("a", 42, guid, Color.Red));
        await Proxy.DoNothing();
        await Proxy.DoNothingValue();
    }
}
