namespace ContractGen;

/// <summary>A resource a host counts per user (uid) of its clients. Reported by <see cref="QuotaExceededException"/>.</summary>
public enum Quota
{
    /// <summary>Not a quota the client knows (a newer service): see the exception's message.</summary>
    Unknown = 0,

    /// <summary>How many connections one user may have open at once (<see cref="UserQuota.MaxConnections"/>).</summary>
    ConnectionsPerUser = 1,

    /// <summary>How many calls of one user may run at once, over all its connections (<see cref="UserQuota.MaxCallsInFlight"/>).</summary>
    CallsInFlightPerUser = 2,

    /// <summary>
    /// How many reply bytes may wait in the host for one user's connections to read them
    /// (<see cref="UserQuota.MaxQueuedBytes"/>).
    /// </summary>
    QueuedBytesPerUser = 3,
}

/// <summary>
/// What one user (uid) of a host's clients may hold at once, over all of its connections. Counted with the kernel's
/// word on the caller (SO_PEERCRED), in the model of dbus-broker's per-user accounting: every connection is pinned to
/// the user that opened it, and its calls and queued replies are charged to that user.
/// </summary>
/// <param name="MaxConnections">Connections open at once; a further one is refused when it is accepted, before its handshake.</param>
/// <param name="MaxCallsInFlight">Calls running at once; a further one fails with <see cref="QuotaExceededException"/> and its connection stays open.</param>
/// <param name="MaxQueuedBytes">Reply bytes waiting to be read by the user's connections; while above it, new calls fail as above.</param>
public sealed record UserQuota(int MaxConnections, int MaxCallsInFlight, long MaxQueuedBytes)
{
    /// <summary>
    /// The default for every user that has no quota of its own: 64 connections, 256 calls in flight, 64 MiB of queued
    /// replies. With the host's 1,024 connections, one user holds at most a sixteenth of them; 256 calls are four
    /// connections' worth of the per-connection bound, more than an honest client keeps busy; 64 MiB bounds what a
    /// user that never reads can make the host hold. A new instance on every read (as is <see cref="Unlimited"/>):
    /// configuration binding writes into the quota an option already holds, and must not change the shared default.
    /// </summary>
    public static UserQuota Default => new(64, 256, 64L * 1024 * 1024);

    /// <summary>No per-user limit (the host's global and per-connection bounds still apply). A new instance on every read.</summary>
    public static UserQuota Unlimited => new(int.MaxValue, int.MaxValue, long.MaxValue);

    /// <summary>Whether this quota limits nothing, so its user is not counted at all.</summary>
    public bool IsUnlimited => MaxConnections == int.MaxValue && MaxCallsInFlight == int.MaxValue && MaxQueuedBytes == long.MaxValue;

    internal void Validate(string name)
    {
        if (MaxConnections < 1 || MaxCallsInFlight < 1 || MaxQueuedBytes < 1)
        {
            throw new ArgumentOutOfRangeException(name, this, $"{name}: every limit of a UserQuota must be positive; use UserQuota.Unlimited for none.");
        }
    }
}

/// <summary>What one client user holds in a host at a moment (see <see cref="ServiceHost.GetUserUsage(uint)"/>).</summary>
/// <param name="Connections">Connections open.</param>
/// <param name="CallsInFlight">Calls running, including those of connections that have closed meanwhile.</param>
/// <param name="QueuedBytes">Reply bytes waiting for the user's connections to read them.</param>
public readonly record struct UserUsage(int Connections, int CallsInFlight, long QueuedBytes);
