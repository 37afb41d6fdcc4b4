namespace ContractGen.Transports;

/// <summary>
/// One established, reliable, ordered byte stream between two processes. This is the whole contract a transport
/// implements; framing, multiplexing and the handshake live above it.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>The kernel's word on who the other process is, where the transport can tell; otherwise <see langword="null"/>.</summary>
    PeerCredentials? PeerCredentials { get; }

    /// <summary>
    /// Whether both ends are in this process (<see cref="InMemoryEndpoint"/>), so that there is no other process whose
    /// identity a client could check: <see cref="ServiceConnectionOptions.VerifyServerIdentity"/> lets such a transport
    /// through without credentials and refuses every other one that has none. A transport that wraps another forwards
    /// the inner one's answer. Default: <see langword="false"/>.
    /// </summary>
    bool IsInProcess => false;

    /// <summary>Receives at least one byte into <paramref name="buffer"/>; returns 0 when the peer has closed its side.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Ends the stream in both directions at once: pending receives complete, the peer sees end of stream.</summary>
    void Abort();
}

/// <summary>Accepts <see cref="ITransport"/>s on an endpoint.</summary>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>Waits for the next incoming connection.</summary>
    ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Where a service listens and clients connect: a Unix domain socket path (<see cref="UnixSocketEndpoint"/>) or an
/// in-process pair for tests (<see cref="InMemoryEndpoint"/>).
/// </summary>
public abstract class ServiceEndpoint
{
    /// <summary>Starts listening.</summary>
    public abstract ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken);

    /// <summary>Connects to a listener.</summary>
    public abstract ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>A Unix domain socket at <paramref name="path"/>.</summary>
    public static UnixSocketEndpoint UnixSocket(string path) => new(path);

    /// <summary>
    /// The well-known socket of <typeparamref name="TContract"/>, from its contract name and context:
    /// <c>/run/&lt;name&gt;/&lt;name&gt;.sock</c> for a <see cref="ServiceContext.System"/> daemon,
    /// <c>$XDG_RUNTIME_DIR/&lt;name&gt;.sock</c> for a <see cref="ServiceContext.User"/> agent (see <see cref="ServiceLocations"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The contract is a per-user agent's and <c>$XDG_RUNTIME_DIR</c> is not set.</exception>
    /// <exception cref="NotSupportedException">The contract is a private helper's (<see cref="ServiceContext.Application"/>).</exception>
    public static UnixSocketEndpoint ForContract<TContract>()
        where TContract : class
        => ServiceLocations.ForContract(ContractRegistry.Get<TContract>());
}

/// <summary>The identity of the process at the other end of a connection, as the kernel reported it when it connected.</summary>
/// <param name="ProcessId">The peer's process id at connect time. Never look it up again later to decide anything: pids are reused.</param>
/// <param name="UserId">The peer's effective user id.</param>
/// <param name="GroupId">The peer's effective group id.</param>
public sealed record PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    /// <summary>The peer's supplementary groups at connect time (<c>SO_PEERGROUPS</c>), or empty where the kernel does not tell.</summary>
    public IReadOnlyList<uint> SupplementaryGroupIds { get; init; } = [];

    /// <summary>The user name of <see cref="UserId"/>, where it resolves; for logs and messages, never for decisions.</summary>
    public string? UserName { get; init; }

    /// <summary>
    /// Whether the transport holds a pidfd for the peer (<c>SO_PEERPIDFD</c>): a handle that keeps naming the same
    /// process even if its pid is later reused.
    /// </summary>
    public bool HasProcessHandle { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"pid {ProcessId}, uid {UserId}{(UserName is null ? "" : $" ({UserName})")}, gid {GroupId}";
}
