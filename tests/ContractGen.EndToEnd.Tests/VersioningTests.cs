using ContractGen.Transports;
using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>Two versions of one contract talk to each other over a real socket, in both directions.</summary>
public sealed class VersioningTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cgen-versions-").FullName;

    private UnixSocketEndpoint Endpoint => ServiceEndpoint.UnixSocket(Path.Combine(_directory, "v.sock"));

    [Fact]
    public async Task A_newer_client_calls_what_an_older_service_has_and_is_told_what_it_lacks()
    {
        await using var host = new ServiceHost();
        host.AddService<IVersionedV1>(new V1());
        await host.StartAsync(Endpoint);
        await using var connection = await ServiceConnection.ConnectAsync<IVersionedV2>(Endpoint);

        Assert.NotEqual(connection.Contract.Fingerprint, connection.ServiceFingerprint);
        Assert.Equal(5, await connection.Proxy.Add(2, 3));
        Assert.True(connection.IsSupported("Add"));
        Assert.False(connection.IsSupported("Multiply"));

        var added = await Assert.ThrowsAsync<ServiceMethodNotSupportedException>(() => connection.Proxy.Multiply(2, 3).AsTask());
        Assert.Contains("Multiply(int,int):int", added.Message, StringComparison.Ordinal);

        // A changed parameter type is a different wire method: refused by name, never mis-decoded.
        var changed = await Assert.ThrowsAsync<ServiceMethodNotSupportedException>(() => connection.Proxy.Describe(7L).AsTask());
        Assert.Contains("Describe(long):string", changed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_client_keeps_working_with_a_newer_service()
    {
        await using var host = new ServiceHost();
        host.AddService<IVersionedV2>(new V2());
        await host.StartAsync(Endpoint);
        await using var connection = await ServiceConnection.ConnectAsync<IVersionedV1>(Endpoint);

        Assert.Equal(5, await connection.Proxy.Add(2, 3));
        await Assert.ThrowsAsync<ServiceMethodNotSupportedException>(() => connection.Proxy.Describe(7).AsTask());
    }

    [Fact]
    public async Task The_same_version_on_both_sides_has_equal_fingerprints()
    {
        await using var host = new ServiceHost();
        host.AddService<IVersionedV2>(new V2());
        await host.StartAsync(Endpoint);
        await using var connection = await ServiceConnection.ConnectAsync<IVersionedV2>(Endpoint);
        Assert.Equal(connection.Contract.Fingerprint, connection.ServiceFingerprint);
        Assert.Equal(6, await connection.Proxy.Multiply(2, 3));
        Assert.Equal("v2:7", await connection.Proxy.Describe(7L));
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private sealed class V1 : IVersionedV1
    {
        public ValueTask<int> Add(int a, int b) => ValueTask.FromResult(a + b);

        public ValueTask<string> Describe(int value) => ValueTask.FromResult("v1:" + value);
    }

    private sealed class V2 : IVersionedV2
    {
        public ValueTask<int> Add(int a, int b) => ValueTask.FromResult(a + b);

        public ValueTask<string> Describe(long value) => ValueTask.FromResult("v2:" + value);

        public ValueTask<int> Multiply(int a, int b) => ValueTask.FromResult(a * b);
    }
}
