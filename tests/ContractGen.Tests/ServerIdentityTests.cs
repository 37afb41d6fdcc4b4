using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>
/// The client's check of who serves it, over real sockets in this process (the service runs as this process's user,
/// which is always accepted). Checks against another real uid are in the end-to-end ServerIdentityTests.
/// </summary>
public sealed class ServerIdentityTests
{
    [Fact]
    public async Task A_socket_whose_peer_credentials_are_unknown_is_refused_before_the_handshake()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var blind = new CredentialHidingEndpoint(host.Endpoint);

        var refused = await Patience.ThrowsAsync<ServerIdentityMismatchException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(blind));
        Assert.Equal(ConnectionCloseReason.ServerIdentityMismatch, refused.Reason);
        Assert.Null(refused.ActualUserId);
        Assert.Contains("did not report the serving process's credentials", refused.Message, StringComparison.Ordinal);
        Assert.Contains("VerifyServerIdentity = false", refused.Message, StringComparison.Ordinal);

        // The refused transport was closed, not leaked.
        Assert.True(blind.Last!.Disposed);

        // Opting out is the way to use a transport that cannot tell.
#pragma warning disable CGEN4003 // The test shows that opting out connects.
        await using var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(blind, new ServiceConnectionOptions { VerifyServerIdentity = false }).WithPatience();
#pragma warning restore CGEN4003
        Assert.Equal(5, await connection.Proxy.AddAsync(2, 3));
    }

    [Fact]
    public async Task A_service_of_this_processs_own_user_is_accepted_over_a_socket_and_credentials_are_reported()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var connection = await host.ConnectAsync();
        Assert.Equal(Environment.ProcessId, connection.ServiceCredentials!.ProcessId);
        Assert.Equal(5, await connection.Proxy.AddAsync(2, 3));
    }

    [Fact]
    public async Task The_in_memory_transport_is_exempt_and_a_wrapper_that_forwards_IsInProcess_stays_exempt()
    {
        await using var host = await TestHost.StartAsync();
        var connection = await host.ConnectAsync();
        Assert.Null(connection.ServiceCredentials);
        Assert.Equal(5, await connection.Proxy.AddAsync(2, 3));

        // A wrapper that does not forward it is not in-process as far as the check can tell.
        var hiding = new CredentialHidingEndpoint(host.Endpoint);
        await Patience.ThrowsAsync<ServerIdentityMismatchException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(hiding));
    }

    /// <summary>Connects through another endpoint but reports no peer credentials and no in-process pairing.</summary>
    private sealed class CredentialHidingEndpoint(ServiceEndpoint inner) : ServiceEndpoint
    {
        public Hiding? Last { get; private set; }

        public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken) => inner.ListenAsync(cancellationToken);

        public override async ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
            => Last = new Hiding(await inner.ConnectAsync(cancellationToken));

        public override string ToString() => "hiding:" + inner;

        public sealed class Hiding(ITransport transport) : ITransport
        {
            public bool Disposed { get; private set; }

            public PeerCredentials? PeerCredentials => null;

            public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => transport.ReceiveAsync(buffer, cancellationToken);

            public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => transport.SendAsync(data, cancellationToken);

            public void Abort() => transport.Abort();

            public ValueTask DisposeAsync()
            {
                Disposed = true;
                return transport.DisposeAsync();
            }
        }
    }
}
