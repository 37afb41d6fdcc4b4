namespace ContractGen;

/// <summary>
/// Serves one contract on the service side: decodes a call's arguments, invokes the implementation, encodes its
/// result. Generated for every contract; user code does not derive from it.
/// </summary>
public abstract class ServiceDispatcher
{
    /// <summary>The contract this dispatcher serves.</summary>
    public abstract ContractDescriptor Contract { get; }

    /// <summary>
    /// Runs one call. The method id has already been checked against <see cref="Contract"/>. Exceptions propagate to
    /// the host, which turns them into the error the client receives.
    /// </summary>
    public abstract ValueTask DispatchAsync(ServerCall serverCall);

    /// <summary>
    /// Called once per connection when its handshake is accepted: the dispatcher that serves that connection's calls,
    /// and what to release once the connection has closed and its last call has finished. A generated dispatcher
    /// serves every connection itself; a per-connection registration creates an instance here.
    /// <paramref name="serviceUserId"/> is the service's uid as the connection's calls will see it ("same user" rules).
    /// </summary>
    internal virtual ServiceDispatcher BindConnection(ServiceCallContext context, uint serviceUserId, out IAsyncDisposable? release)
    {
        release = null;
        return this;
    }
}

/// <summary>What the implementation can learn about the call it is serving, from <see cref="Current"/>.</summary>
public sealed class ServiceCallContext
{
    private static readonly AsyncLocal<ServiceCallContext?> s_current = new();

    internal ServiceCallContext(ContractDescriptor contract, Transports.PeerCredentials? caller, long connectionId)
    {
        Contract = contract;
        Caller = caller;
        ConnectionId = connectionId;
    }

    /// <summary>The context of the call the current code runs for, or <see langword="null"/> outside a service call.</summary>
    public static ServiceCallContext? Current
    {
        get => s_current.Value;
        internal set => s_current.Value = value;
    }

    /// <summary>The contract being served.</summary>
    public ContractDescriptor Contract { get; }

    /// <summary>
    /// The kernel's word on who is calling (pid, uid, gid at connect time), or <see langword="null"/> on a transport
    /// that cannot tell. Never trust an identity that the caller sends as an argument instead.
    /// </summary>
    public Transports.PeerCredentials? Caller { get; }

    /// <summary>A number that identifies the caller's connection within this host, for logs.</summary>
    public long ConnectionId { get; }
}
