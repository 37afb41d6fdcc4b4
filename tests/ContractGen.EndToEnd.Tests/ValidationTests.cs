using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>The generated validator runs in the daemon before the implementation; failures reach the client typed.</summary>
public sealed class ValidationTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>, IAsyncLifetime
{
    private ServiceConnection<IValidated> _connection = null!;

    private IValidated Proxy => _connection.Proxy;

    public async Task InitializeAsync() => _connection = await ServiceConnection.ConnectAsync<IValidated>(fixture.Service.Endpoint);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    private static OrderRequest ValidOrder() => new("REF-1", [new OrderLine("ABC-123", 2, null)], null);

    [Fact]
    public async Task Valid_arguments_reach_the_implementation()
    {
        Assert.Equal(1, await Proxy.PlaceOrder("alice", 5, ValidOrder(), "reports/2026.txt"));
        Assert.Equal(3, await Proxy.Tag("aaa", "red", Shade.Dark, Access.Read | Access.Write));
        Assert.Equal(3, await Proxy.Tag("aaa", null, Shade.Light, Access.None));
        Assert.Equal(2, await Proxy.Encoded("aGVsbG8=", ["a", "b"], 1.0));
    }

    [Theory]
    [InlineData("", "customer", "[Required]")]
    [InlineData("   ", "customer", "[Required]")]
    [InlineData("a", "customer", "[StringLength]")]
    [InlineData("abcdefghijklmnopq", "customer", "[StringLength]")]
    public async Task String_rules_name_the_parameter_and_rule(string customer, string path, string rule)
    {
        var error = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder(customer, 5, ValidOrder(), "a.txt").AsTask());
        Assert.Equal(path, error.Path);
        Assert.Equal(rule, error.Rule);
    }

    [Fact]
    public async Task Range_failure_carries_the_limit_and_the_value()
    {
        var error = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 101, ValidOrder(), "a.txt").AsTask());
        Assert.Equal("quantity", error.Path);
        Assert.Equal("[Range]", error.Rule);
        Assert.Equal("1 to 100", error.Limit);
        Assert.Contains("101", error.Message, StringComparison.Ordinal);

        var ratio = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Encoded("aGVsbG8=", ["a", "b"], 1.6).AsTask());
        Assert.Equal("0.5 to 1.5", ratio.Limit);
    }

    [Fact]
    public async Task Nested_members_report_their_full_path()
    {
        var badSku = new OrderRequest("REF-1", [new OrderLine("ABC-123", 1, null), new OrderLine("abc-123", 1, null)], null);
        var error = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 1, badSku, "a.txt").AsTask());
        Assert.Equal("order.Lines[1].Sku", error.Path);
        Assert.Equal("[RegularExpression]", error.Rule);
        Assert.Contains("'order.Lines[1].Sku'", error.Message, StringComparison.Ordinal);

        var badCount = new OrderRequest("REF-1", [], new Dictionary<string, OrderLine> { ["gift"] = new("XYZ-999", 11, null) });
        var count = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 1, badCount, "a.txt").AsTask());
        Assert.Equal("order.Extras[gift].Count", count.Path);

        var longReference = new OrderRequest("REFERENCE-TOO-LONG", [], null);
        var reference = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 1, longReference, "a.txt").AsTask());
        Assert.Equal("order.Reference", reference.Path);
        Assert.Equal("at most 8 characters", reference.Limit);
    }

    [Fact]
    public async Task A_null_inside_a_non_nullable_member_is_refused()
    {
        var withNullSku = new OrderRequest("REF-1", [new OrderLine(null!, 1, null)], null);
        var error = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 1, withNullSku, "a.txt").AsTask());
        Assert.Equal("order.Lines[0].Sku", error.Path);
    }

    [Theory]
    [InlineData("../etc/shadow")]
    [InlineData("/etc/shadow")]
    [InlineData("a/../../b")]
    [InlineData("~root/.ssh/id_rsa")]
    [InlineData("a\0b")]
    [InlineData("")]
    public async Task Unsafe_paths_are_refused(string file)
    {
        var error = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 1, ValidOrder(), file).AsTask());
        Assert.Equal("file", error.Path);
        Assert.Equal("[SafePath]", error.Rule);
    }

    [Fact]
    public async Task Enum_values_outside_the_declaration_are_refused()
    {
        var shade = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Tag("a", null, (Shade)7, Access.None).AsTask());
        Assert.Equal("shade", shade.Path);
        Assert.Contains("7", shade.Message, StringComparison.Ordinal);
        var access = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Tag("a", null, Shade.Light, (Access)8).AsTask());
        Assert.Equal("access", access.Path);
    }

    [Fact]
    public async Task Allowed_values_base64_and_collection_bounds_are_enforced()
    {
        Assert.Equal("[AllowedValues]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Tag("a", "blue", Shade.Light, Access.None).AsTask())).Rule);
        Assert.Equal("[Base64String]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Encoded("not base64!", ["a", "b"], 1).AsTask())).Rule);
        Assert.Equal("[MinLength]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Encoded("aGVsbG8=", ["a"], 1).AsTask())).Rule);
        Assert.Equal("[MaxLength]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Encoded("aGVsbG8=", ["a", "b", "c", "d"], 1).AsTask())).Rule);
        Assert.Equal("names[1]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Encoded("aGVsbG8=", ["a", new string('x', 1001)], 1).AsTask())).Path);
    }

    [Fact]
    public async Task Denied_values_length_enum_data_type_and_empty_allowed_strings()
    {
        Assert.Equal(4, await Proxy.Extra("alice", [1, 2], 2, ""));
        Assert.Equal("[DeniedValues]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Extra("root", [1, 2], 1, "").AsTask())).Rule);
        Assert.Equal("[Length]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Extra("alice", [1], 1, "").AsTask())).Rule);
        Assert.Equal("[Length]", (await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Extra("alice", [1, 2, 3, 4, 5], 1, "").AsTask())).Rule);
        var undefined = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Extra("alice", [1, 2], 3, "").AsTask());
        Assert.Equal("shadeCode", undefined.Path);
        Assert.Equal("[EnumDataType]", undefined.Rule);
    }

    [Fact]
    public async Task Each_element_and_key_is_held_to_its_own_bound()
    {
        List<string> tags = ["abcde", "x"];
        var blobs = new Dictionary<string, byte[]> { ["abc"] = new byte[6] };
        List<List<string>> grid = [["abcd", ""], ["ab"]];
        Assert.Equal(6 + 9 + 6, await Proxy.Labels(tags, blobs, grid));

        var tag = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Labels(["abcde", "abcdef"], blobs, grid).AsTask());
        Assert.Equal("tags[1]", tag.Path);
        Assert.Equal("[ElementMaxLength]", tag.Rule);
        Assert.Equal("at most 5 characters", tag.Limit);

        var key = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Labels(tags, new() { ["abcd"] = [] }, grid).AsTask());
        Assert.Equal("blobs.Keys", key.Path);
        Assert.Equal("[KeyMaxLength]", key.Rule);
        Assert.Equal("at most 3 characters", key.Limit);

        var blob = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Labels(tags, new() { ["ab"] = new byte[7] }, grid).AsTask());
        Assert.Equal("blobs[ab]", blob.Path);
        Assert.Equal("[ElementMaxLength]", blob.Rule);
        Assert.Equal("at most 6 bytes", blob.Limit);

        var row = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Labels(tags, blobs, [["a"], ["a", "b", "c"]]).AsTask());
        Assert.Equal("grid[1]", row.Path);
        Assert.Equal("at most 2 elements", row.Limit);

        var cell = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Labels(tags, blobs, [["a"], ["a", "abcde"]]).AsTask());
        Assert.Equal("grid[1][1]", cell.Path);
        Assert.Equal("[ElementMaxLength]", cell.Rule);
        Assert.Equal("at most 4 characters", cell.Limit);

        // The collections' own counts are still [MaxLength]'s.
        var count = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Labels(["a", "b", "c", "d", "e"], blobs, grid).AsTask());
        Assert.Equal("tags", count.Path);
        Assert.Equal("[MaxLength]", count.Rule);
    }

    [Fact]
    public async Task Values_without_attributes_are_bounded_by_the_contract_defaults()
    {
        var text = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Unbounded(new string('x', 1001), [], []).AsTask());
        Assert.Equal("text", text.Path);
        Assert.Equal("the contract's MaxStringLength", text.Rule);
        var numbers = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Unbounded("", Enumerable.Range(0, 101).ToList(), []).AsTask());
        Assert.Equal("numbers", numbers.Path);
        Assert.Equal(1100, await Proxy.Unbounded(new string('x', 1000), Enumerable.Range(0, 100).ToList(), []));
    }

    [Fact]
    public async Task A_pathological_pattern_input_completes_and_is_refused()
    {
        // (a+)+$ against "aaaa…b" takes exponential time in a backtracking engine; the non-backtracking one is linear.
        var hostile = new string('a', 900) + "b";
        var error = await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.Tag(hostile, null, Shade.Light, Access.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("[RegularExpression]", error.Rule);
        Assert.Equal(900, await Proxy.Tag(new string('a', 900), null, Shade.Light, Access.None));
    }

    [Fact]
    public async Task The_connection_stays_usable_after_validation_failures()
    {
        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<ArgumentValidationException>(() => Proxy.PlaceOrder("alice", 0, ValidOrder(), "a.txt").AsTask());
        }

        Assert.Equal(1, await Proxy.PlaceOrder("alice", 1, ValidOrder(), "a.txt"));
    }
}
