using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen;

/// <summary>Settings of a client connection.</summary>
public sealed class ServiceConnectionOptions
{
    /// <summary>How long connecting and the handshake may take together. Default: 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest reply payload this client accepts, in bytes; a larger one closes the connection before memory is
    /// allocated for it. The service learns this limit in the handshake and refuses to send more. Default: 1 MiB.
    /// </summary>
    public int MaxFrameSize { get; set; } = ProtocolConstants.DefaultMaxFrameSize;

    /// <summary>
    /// The deadline of every call that has none of its own (<see cref="ServiceCallTimeout.Begin(TimeSpan)"/>), or
    /// <see langword="null"/> for none. Default: none.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; set; }

    /// <summary>After how long without sending anything the client pings the service. <see langword="null"/> turns pings off. Default: 15 seconds.</summary>
    public TimeSpan? KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After how long without receiving anything (not even a ping's answer) the client gives up on the service as hung,
    /// failing calls in flight with <see cref="ConnectionCloseReason.PeerUnresponsive"/>. Default: 45 seconds.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Whether connecting checks, before the handshake and before any call is sent, that the process serving the
    /// endpoint runs as a user its contract's context calls for, from the kernel's peer credentials. Always accepted:
    /// this process's own user (which can already do all this client can) and <see cref="ExpectedServerUserId"/> when
    /// set. Besides:
    /// <list type="bullet">
    /// <item><description><see cref="ServiceContext.System"/>: root, and the owner of the socket's directory when only
    /// root can have given it to that owner (every directory above it belongs to root and no one else may write to it;
    /// systemd's <c>RuntimeDirectory=</c> with <c>User=</c> makes <c>/run/&lt;name&gt;/</c> so).</description></item>
    /// <item><description><see cref="ServiceContext.User"/> and <see cref="ServiceContext.Application"/>: nothing more.
    /// Root is not accepted: a user's agent and an application's helper run as that user (a
    /// <see cref="HelperConnection"/> expects the uid it launched the helper as, from
    /// <see cref="HelperOptions.UserName"/>).</description></item>
    /// </list>
    /// A mismatch fails the connect with <see cref="ServerIdentityMismatchException"/>; a transport whose peer's
    /// credentials are unknown is refused too, except the in-memory test transport (<see cref="ITransport.IsInProcess"/>),
    /// where client and service are one process. Default: <see langword="true"/>. Turning it off (analyzer CGEN4003
    /// warns) lets any user who can put a socket at the path answer as the service and read every argument sent to it.
    /// </summary>
    public bool VerifyServerIdentity { get; set; } = true;

    /// <summary>
    /// A uid the service may run as besides those <see cref="VerifyServerIdentity"/> always accepts: for a
    /// <see cref="ServiceContext.System"/> daemon, the service user its unit's <c>User=</c> names when the socket is
    /// not in a directory root gave that user; for an agent that deliberately runs under another account, that
    /// account. <see langword="null"/> (the default) adds none.
    /// </summary>
    public uint? ExpectedServerUserId { get; set; }

    /// <summary>A copy of these options expecting the service to run as <paramref name="userId"/> (a helper whose uid its launcher chose).</summary>
    internal ServiceConnectionOptions ExpectingServer(uint userId)
    {
        var copy = (ServiceConnectionOptions)MemberwiseClone();
        copy.ExpectedServerUserId = userId;
        return copy;
    }

    internal void Validate()
    {
        if (DefaultTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > uint.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultTimeout), timeout, "DefaultTimeout must be positive and at most about 49 days.");
        }

        if (KeepAliveInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval), interval, "KeepAliveInterval must be positive, or null to turn pings off.");
        }

        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (MaxFrameSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), MaxFrameSize, "MaxFrameSize must be at least 1024 bytes.");
        }
    }
}
