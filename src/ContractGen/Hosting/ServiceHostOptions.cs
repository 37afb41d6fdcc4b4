using ContractGen.Protocol;

namespace ContractGen;

/// <summary>Settings of a <see cref="ServiceHost"/>.</summary>
public sealed class ServiceHostOptions
{
    /// <summary>
    /// The largest request payload the host accepts, in bytes. A larger frame closes that client's connection before
    /// memory is allocated for it; clients learn the limit in the handshake and refuse to send more. Default: 1 MiB.
    /// </summary>
    public int MaxFrameSize { get; set; } = ProtocolConstants.DefaultMaxFrameSize;

    /// <summary>
    /// How many connections may be open at once, from all users together; further clients are refused at accept.
    /// Each user is also held to <see cref="UserQuota.MaxConnections"/> of its quota, so that one user cannot take them
    /// all. Default: 1024.
    /// </summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// How many calls one connection may have running at once. At the bound the host stops reading that connection
    /// (its further requests wait in the socket, and a client that keeps sending blocks) until a call finishes; other
    /// connections are not slowed. A stream waiting for its client's credits does not count. Default: 64.
    /// </summary>
    public int MaxCallsInFlightPerConnection { get; set; } = 64;

    /// <summary>
    /// How many reply bytes may wait in the host for one connection's client to read them. Above it the host stops
    /// reading that connection until half of them have left, so a client that sends calls and never reads the replies
    /// cannot grow the host. A single reply larger than the bound is still sent whole. While reading is stopped
    /// for this reason, a client that reads nothing at all for <see cref="KeepAliveTimeout"/> is closed as
    /// unresponsive; one that reads slowly is not. Default: 4 MiB.
    /// </summary>
    public long MaxQueuedBytesPerConnection { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// The per-user (uid) quota of every client user that has none in <see cref="UserQuotas"/>, other than root and the
    /// service's own user. Default: <see cref="UserQuota.Default"/> (64 connections, 256 calls in flight, 64 MiB queued).
    /// </summary>
    public UserQuota DefaultUserQuota { get; set; } = UserQuota.Default;

    /// <summary>
    /// The quota of root's (uid 0) connections. Root can stop or trace the daemon anyway, and administration tools
    /// should not be the ones refused. Default: <see cref="UserQuota.Unlimited"/>.
    /// </summary>
    public UserQuota RootUserQuota { get; set; } = UserQuota.Unlimited;

    /// <summary>
    /// The quota of clients that run as the service's own user (the daemon's helpers and tools, or an agent's only
    /// user). Default: <see cref="UserQuota.Unlimited"/>.
    /// </summary>
    public UserQuota ServiceUserQuota { get; set; } = UserQuota.Unlimited;

    /// <summary>Quotas for particular uids; they win over <see cref="DefaultUserQuota"/>, <see cref="RootUserQuota"/> and <see cref="ServiceUserQuota"/>.</summary>
    public IDictionary<uint, UserQuota> UserQuotas { get; } = new Dictionary<uint, UserQuota>();

    /// <summary>How long a new connection may take to send its handshake before it is closed. Default: 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long <see cref="ServiceHost.StopAsync(CancellationToken)"/> lets calls in flight finish before it cancels
    /// their tokens and closes the connections. Default: 30 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What the host does when a call's arguments do not decode (a misbehaving or mismatched client). Default:
    /// <see cref="MalformedMessagePolicy.CloseConnection"/>.
    /// </summary>
    public MalformedMessagePolicy MalformedMessagePolicy { get; set; } = MalformedMessagePolicy.CloseConnection;

    /// <summary>
    /// After how long without receiving anything from a client (its calls, or its keepalive pings every 15 s by
    /// default) the host closes the connection as hung. <see cref="Timeout.InfiniteTimeSpan"/> turns this off.
    /// Default: 60 seconds.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether a client of a <see cref="ServiceContext.System"/> or <see cref="ServiceContext.User"/> contract learns the
    /// type name of an undeclared exception its call raised in the service (<see cref="RemoteFaultException.RemoteExceptionType"/>).
    /// Off, the client learns only that the call failed and the fault id the host logged the exception under. A type name
    /// says which code failed, not with what data; <see cref="IncludeExceptionDetails"/> sends more. A private helper
    /// (<see cref="ServiceContext.Application"/>) always sends it. Default: false.
    /// </summary>
    public bool IncludeExceptionTypes { get; set; }

    /// <summary>
    /// Whether a client learns the type name, message and stack trace of an undeclared exception its call raised in
    /// the service. Messages and stacks carry paths, names and internal state: across a privilege boundary (a
    /// <see cref="ServiceContext.System"/> daemon, which analyzer CGEN4002 warns about) turn this on only to debug. A
    /// private helper (<see cref="ServiceContext.Application"/>) sends type and message by default and the stack trace
    /// with this. Faults a contract declares (<see cref="ServiceFaultException"/>) travel whatever this says.
    /// Default: false.
    /// </summary>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>
    /// When true, a call starts on the connection's read loop instead of the thread pool: one hop less, but a method
    /// that blocks before its first <c>await</c> stalls every other call on that connection. Default: false.
    /// </summary>
    public bool InlineDispatch { get; set; }

    /// <summary>
    /// For daemons started on demand: the host stops itself (and <see cref="ServiceHost.Completion"/> completes) once no
    /// client has been connected for this long. Under systemd socket activation, the next client's connection waits in
    /// the socket until systemd has started the service again. When <see langword="null"/> (the default) the host takes
    /// <c>$CONTRACTGEN_IDLE_TIMEOUT</c> (seconds; set by units that <c>contractgen units --idle-exit</c> writes) and
    /// otherwise never stops on its own; <see cref="Timeout.InfiniteTimeSpan"/> turns idle exit off whatever the
    /// environment says.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Whether the host tells systemd its state when <c>$NOTIFY_SOCKET</c> is set: <c>READY=1</c> once it listens,
    /// <c>STOPPING=1</c> when it begins to stop, and <c>WATCHDOG=1</c> at half the unit's <c>WatchdogSec=</c>. Turn it
    /// off when the process has more to start than this host, and notify with <see cref="Systemd.SystemdNotifier"/>
    /// yourself. Default: true.
    /// </summary>
    public bool SystemdNotify { get; set; } = true;

    internal void Validate()
    {
        if (IdleTimeout is { } idle && idle <= TimeSpan.Zero && idle != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), idle, "IdleTimeout must be positive, Timeout.InfiniteTimeSpan or null.");
        }

        if (MaxFrameSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), MaxFrameSize, "MaxFrameSize must be at least 1024 bytes.");
        }

        if (MaxConnections < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConnections), MaxConnections, "MaxConnections must be positive.");
        }

        if (MaxCallsInFlightPerConnection < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCallsInFlightPerConnection), MaxCallsInFlightPerConnection, "MaxCallsInFlightPerConnection must be positive.");
        }

        if (MaxQueuedBytesPerConnection < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedBytesPerConnection), MaxQueuedBytesPerConnection, "MaxQueuedBytesPerConnection must be at least 1024 bytes.");
        }

        ArgumentNullException.ThrowIfNull(DefaultUserQuota, nameof(DefaultUserQuota));
        ArgumentNullException.ThrowIfNull(RootUserQuota, nameof(RootUserQuota));
        ArgumentNullException.ThrowIfNull(ServiceUserQuota, nameof(ServiceUserQuota));
        DefaultUserQuota.Validate(nameof(DefaultUserQuota));
        RootUserQuota.Validate(nameof(RootUserQuota));
        ServiceUserQuota.Validate(nameof(ServiceUserQuota));
        foreach (var (uid, quota) in UserQuotas)
        {
            ArgumentNullException.ThrowIfNull(quota, $"{nameof(UserQuotas)}[{uid}]");
            quota.Validate($"{nameof(UserQuotas)}[{uid}]");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "HandshakeTimeout must be positive.");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "ShutdownTimeout must not be negative.");
        }
    }
}

/// <summary>What a host does with a call whose arguments do not decode.</summary>
public enum MalformedMessagePolicy
{
    /// <summary>
    /// Treat the client as misbehaving: log the reason with its identity, tell it (its calls fail with
    /// <see cref="ConnectionCloseReason.RejectedByPeer"/>), and close its connection. The safe default for daemons.
    /// </summary>
    CloseConnection = 0,

    /// <summary>Fail only that call (the client gets <see cref="MessageRejectedException"/>) and keep the connection.</summary>
    FailCall = 1,
}
