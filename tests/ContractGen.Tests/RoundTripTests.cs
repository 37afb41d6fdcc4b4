using ContractGen.Protocol;

namespace ContractGen.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public async Task Task_of_T_returns_the_service_result()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        Assert.Equal(42, await proxy.AddAsync(40, 2).WithPatience());
        Assert.Equal(-2, await proxy.AddAsync(-5, 3).WithPatience());
    }

    [Fact]
    public async Task Task_completes_after_the_implementation_ran()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        await proxy.PingAsync().WithPatience();
        await proxy.PingAsync().WithPatience();

        Assert.Equal(2, host.Service.Pings);
    }

    [Fact]
    public async Task ValueTask_and_ValueTask_of_T_round_trip()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        Assert.Null(await proxy.RecallAsync().WithPatience());
        await proxy.RememberAsync("héllo wörld ✓").WithPatience();

        Assert.Equal("héllo wörld ✓", await proxy.RecallAsync().WithPatience());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("a longer string with a\0nul and 🎉 non-BMP characters")]
    public async Task Null_empty_and_non_empty_strings_stay_distinct(string? value)
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        Assert.Equal(value, await proxy.EchoNullableAsync(value).WithPatience());
    }

    [Fact]
    public async Task A_structured_result_round_trips()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        var view = await proxy.WhoAmIAsync().WithPatience();

        Assert.True(view.HasContext);
        Assert.Equal(RuntimeServiceContract.Name, view.Contract);
    }

    [Fact]
    public async Task A_call_over_a_real_unix_socket_round_trips()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var proxy = (await host.ConnectAsync()).Proxy;

        Assert.Equal(7, await proxy.AddAsync(3, 4).WithPatience());
        Assert.Equal("over a socket", await proxy.EchoNullableAsync("over a socket").WithPatience());
    }

    [Fact]
    public async Task Several_clients_share_one_host()
    {
        await using var host = await TestHost.StartAsync();
        var first = (await host.ConnectAsync()).Proxy;
        var second = (await host.ConnectAsync()).Proxy;

        Assert.Equal(3, await first.AddAsync(1, 2).WithPatience());
        Assert.Equal(30, await second.AddAsync(10, 20).WithPatience());
        Assert.Equal(2, host.Host.ConnectionCount);
    }

    [Fact]
    public async Task A_non_nullable_argument_passed_as_null_through_the_proxy_fails_the_call_with_a_typed_error()
    {
        // The proxy does not check: the null reaches the wire, and the service must refuse it before the implementation runs.
        await using var host = await TestHost.StartAsync(o => o.MalformedMessagePolicy = MalformedMessagePolicy.FailCall);
        var proxy = (await host.ConnectAsync()).Proxy;

        var error = await Patience.ThrowsAsync<MessageRejectedException>(() => proxy.LengthAsync(null!).AsTask());

        Assert.Equal(nameof(IRuntimeService.LengthAsync), error.Method);
        Assert.Contains("'text'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.Service.LengthCalls);
        Assert.Equal(3, await proxy.LengthAsync("abc").WithPatience());
    }

    [Fact]
    public async Task By_default_a_null_for_a_non_nullable_argument_closes_that_client_with_RejectedByPeer_only()
    {
        await using var host = await TestHost.StartAsync();
        var bystander = (await host.ConnectAsync()).Proxy;
        var offender = await host.ConnectAsync();

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => offender.Proxy.LengthAsync(null!).AsTask());

        Assert.Equal(ConnectionCloseReason.RejectedByPeer, error.Reason);
        Assert.Contains("non-nullable", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.Service.LengthCalls);
        Assert.Equal(4, await bystander.LengthAsync("four").WithPatience());
    }

    [Fact]
    public async Task A_hand_crafted_null_for_a_non_nullable_argument_is_refused_and_the_host_keeps_serving()
    {
        await using var host = await TestHost.StartAsync();
        var bystander = (await host.ConnectAsync()).Proxy;
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        // LengthAsync(string text) with text = null: MemoryPack's null-string header, -1.
        await raw.SendFrameAsync(FrameKind.Request, 1, RuntimeServiceContract.MethodIds.LengthAsync, BitConverter.GetBytes(-1));

        var detail = await raw.ReadProtocolViolationGoAwayAsync().WithPatience();
        Assert.Contains("'text'", detail, StringComparison.Ordinal);
        Assert.Contains("non-nullable", detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Service.LengthCalls);
        Assert.Equal(5, await bystander.LengthAsync("fives").WithPatience());
    }

    [Fact]
    public async Task With_FailCall_a_hand_crafted_null_gets_a_BadRequest_error_and_the_connection_stays_open()
    {
        await using var host = await TestHost.StartAsync(o => o.MalformedMessagePolicy = MalformedMessagePolicy.FailCall);
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        await raw.SendFrameAsync(FrameKind.Request, 1, RuntimeServiceContract.MethodIds.LengthAsync, BitConverter.GetBytes(-1));
        var error = await raw.ReadFrameAsync().WithPatience();

        Assert.NotNull(error);
        Assert.Equal(FrameKind.Error, error.Kind);
        Assert.Equal(1u, error.Header.CallId);
        var decoded = RawClient.DecodeError(error.Payload);
        Assert.Equal(ErrorCode.BadRequest, decoded.Code);
        Assert.Contains("'text'", decoded.Message, StringComparison.Ordinal);

        // The same connection still serves a valid call.
        var valid = RawClient.Payload((ref MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>> w) => w.WriteString("abc"));
        await raw.SendFrameAsync(FrameKind.Request, 2, RuntimeServiceContract.MethodIds.LengthAsync, valid);
        var reply = await raw.ReadFrameAsync().WithPatience();
        Assert.NotNull(reply);
        Assert.Equal(FrameKind.Reply, reply.Kind);
        Assert.Equal(2u, reply.Header.CallId);
        Assert.Equal(3, RawClient.DecodeUnmanaged<int>(reply.Payload));
        Assert.Equal(1, host.Service.LengthCalls);
    }

    [Fact]
    public async Task A_request_for_a_method_the_service_does_not_have_gets_MethodNotFound_and_the_connection_stays_open()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        await raw.SendFrameAsync(FrameKind.Request, 9, 0xDEADBEEF, []);
        var error = await raw.ReadFrameAsync().WithPatience();

        Assert.NotNull(error);
        Assert.Equal(FrameKind.Error, error.Kind);
        Assert.Equal(9u, error.Header.CallId);
        Assert.Equal(ErrorCode.MethodNotFound, RawClient.DecodeError(error.Payload).Code);

        await raw.SendFrameAsync(FrameKind.Request, 10, RuntimeServiceContract.MethodIds.PingAsync, []);
        var reply = await raw.ReadFrameAsync().WithPatience();
        Assert.NotNull(reply);
        Assert.Equal(FrameKind.Reply, reply.Kind);
        Assert.Equal(10u, reply.Header.CallId);
        Assert.Empty(reply.Payload);
    }
}
