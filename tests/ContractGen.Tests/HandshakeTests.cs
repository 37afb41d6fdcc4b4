using ContractGen.Protocol;

namespace ContractGen.Tests;

public sealed class HandshakeTests
{
    [Fact]
    public async Task A_client_for_a_contract_the_host_does_not_serve_gets_ContractMismatchException_naming_both()
    {
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IOtherService>(new OtherService()));

        var error = await Patience.ThrowsAsync<ContractMismatchException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint));

        Assert.Equal(ConnectionCloseReason.HandshakeFailed, error.Reason);
        Assert.Equal(RuntimeServiceContract.Name, error.LocalContract);
        Assert.Equal(RuntimeServiceContract.Fingerprint, error.LocalFingerprint);
        Assert.Contains(OtherServiceContract.Name, error.RemoteDescription, StringComparison.Ordinal);
        Assert.Contains(RuntimeServiceContract.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains(OtherServiceContract.Name, error.Message, StringComparison.Ordinal);

        // The host refused that client only.
        await using var other = await ServiceConnection.ConnectAsync<IOtherService>(host.Endpoint).WithPatience();
        Assert.Equal(-5, await other.Proxy.OtherAsync(5).WithPatience());
        Assert.True(host.Logs.Contains(4, RuntimeServiceContract.Name));
    }

    [Fact]
    public async Task Two_versions_of_a_contract_connect_and_share_the_methods_they_have_in_common()
    {
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IVersionedV1>(new VersionedV1Service()));
        Assert.NotEqual(VersionedV1Contract.Fingerprint, VersionedV2Contract.Fingerprint);
        Assert.Equal(VersionedV1Contract.MethodIds.EchoAsync, VersionedV2Contract.MethodIds.EchoAsync);

        var connection = await host.ConnectAsync<IVersionedV2>();

        Assert.Equal(VersionedV1Contract.Fingerprint, connection.ServiceFingerprint);
        Assert.True(connection.IsSupported(nameof(IVersionedV2.EchoAsync)));
        Assert.False(connection.IsSupported(nameof(IVersionedV2.OnlyInV2Async)));
        Assert.Equal(123, await connection.Proxy.EchoAsync(123).WithPatience());

        var error = await Patience.ThrowsAsync<ServiceMethodNotSupportedException>(() => connection.Proxy.OnlyInV2Async("x").AsTask());
        Assert.Equal(VersionedV2Contract.Name, error.Contract);
        Assert.Contains(nameof(IVersionedV2.OnlyInV2Async), error.Method, StringComparison.Ordinal);

        // Refusing the call did not hurt the connection.
        Assert.Equal(7, await connection.Proxy.EchoAsync(7).WithPatience());
        Assert.True(host.Logs.Contains(8, VersionedV1Contract.Name));
    }

    [Fact]
    public async Task The_same_version_on_both_sides_supports_every_method()
    {
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IVersionedV1>(new VersionedV1Service()));

        var connection = await host.ConnectAsync<IVersionedV1>();

        Assert.Equal(VersionedV1Contract.Fingerprint, connection.ServiceFingerprint);
        Assert.True(connection.IsSupported(nameof(IVersionedV1.OnlyInV1Async)));
        Assert.Equal("v1", await connection.Proxy.OnlyInV1Async().WithPatience());
    }

    [Fact]
    public async Task The_host_answers_a_raw_handshake_with_its_own_shape_and_frame_limit()
    {
        await using var host = await TestHost.StartAsync(o => o.MaxFrameSize = 32 * 1024);
        var raw = await host.ConnectRawAsync();

        var ack = await raw.HandshakeAsync<IRuntimeService>().WithPatience();

        Assert.Equal(RuntimeServiceContract.Name, ack.ContractName);
        Assert.Equal(RuntimeServiceContract.Fingerprint, ack.Fingerprint);
        Assert.Equal(32 * 1024, ack.MaxRequestSize);
        Assert.Equal(RuntimeServiceContract.Descriptor.Methods.Select(m => m.Id).Order(), ack.MethodIds.Order());
    }

    [Fact]
    public async Task A_handshake_with_the_wrong_magic_number_closes_the_connection()
    {
        await using var host = await TestHost.StartAsync();
        var bystander = (await host.ConnectAsync()).Proxy;
        var raw = await host.ConnectRawAsync();
        var hello = RawClient.HelloPayload(RuntimeServiceContract.Name, RuntimeServiceContract.Fingerprint, []);
        hello[0] ^= 0xFF;

        await raw.SendFrameAsync(FrameKind.Hello, 0, 0, hello);

        Assert.Contains("magic", await raw.ReadProtocolViolationGoAwayAsync().WithPatience(), StringComparison.Ordinal);
        Assert.Equal(2, await bystander.AddAsync(1, 1).WithPatience());
    }

    [Fact]
    public async Task A_request_before_the_handshake_closes_the_connection()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();

        await raw.SendFrameAsync(FrameKind.Request, 1, RuntimeServiceContract.MethodIds.PingAsync, []);

        Assert.Contains("before its handshake", await raw.ReadProtocolViolationGoAwayAsync().WithPatience(), StringComparison.Ordinal);
        Assert.Equal(0, host.Service.Pings);
    }

    [Fact]
    public async Task A_client_with_another_protocol_version_is_refused_with_a_clear_error()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        var hello = RawClient.Payload((ref MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged(ProtocolConstants.Magic);
            w.WriteUnmanaged((ushort)(ProtocolConstants.Version + 1));
            w.WriteString(RuntimeServiceContract.Name);
            w.WriteUnmanaged(RuntimeServiceContract.Fingerprint);
            w.WriteUnmanagedArray(Array.Empty<uint>());
            w.WriteUnmanaged(1024 * 1024);
        });

        await raw.SendFrameAsync(FrameKind.Hello, 0, 0, hello);
        var frames = await raw.ReadToEndAsync().WithPatience();

        var ack = RawClient.DecodeHelloAck(Assert.Single(frames).Payload);
        Assert.Equal(2, ack.Status); // UnsupportedVersion
        Assert.Equal(ProtocolConstants.Version, ack.Version);
    }
}
