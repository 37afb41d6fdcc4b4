using System.Collections.Concurrent;

namespace ContractGen;

/// <summary>
/// The host's table of what each client user (uid) holds: one <see cref="UserAccount"/> per uid that has a connection
/// open or a call running, removed when it holds nothing, so the table never outgrows the users actually present.
/// </summary>
/// <remarks>
/// No global lock: the dictionary's own striped locks on add and remove, and atomic counters on each account. A
/// connection pins its account for its lifetime and charges its calls and bytes to it directly, so the per-call path
/// never looks the uid up.
/// </remarks>
internal sealed class UserAccounting
{
    private readonly ConcurrentDictionary<uint, UserAccount> _accounts = new();

    /// <summary>How many users are in the table now.</summary>
    public int Count => _accounts.Count;

    /// <summary>The account of <paramref name="userId"/>, if the table has one (for tests and diagnostics).</summary>
    public UserAccount? Find(uint userId) => _accounts.GetValueOrDefault(userId);

    /// <summary>
    /// Pins the account of <paramref name="userId"/> (creating it with <paramref name="quota"/> if absent) and opens one
    /// connection on it. Returns false when the user already has <see cref="UserQuota.MaxConnections"/> connections;
    /// nothing stays pinned then, and <paramref name="account"/> is only good for logging the refusal.
    /// </summary>
    public bool TryOpenConnection(uint userId, UserQuota quota, out UserAccount account)
    {
        account = Pin(userId, quota);
        if (account.TryAddConnection())
        {
            return true;
        }

        account.Unpin();
        return false;
    }

    private UserAccount Pin(uint userId, UserQuota quota)
    {
        var spin = default(SpinWait);
        while (true)
        {
            var account = _accounts.GetOrAdd(userId, static (uid, state) => new UserAccount(state.Table, uid, state.Quota), (Table: this, Quota: quota));
            if (account.TryPin())
            {
                return account;
            }

            // Its last holder is removing it from the table right now: wait for that, then add a fresh one.
            spin.SpinOnce();
        }
    }

    /// <summary>Removes a dead account (only that very object: a fresh account for the same uid stays).</summary>
    internal void Remove(UserAccount account) => _accounts.TryRemove(new KeyValuePair<uint, UserAccount>(account.UserId, account));
}

/// <summary>What one user holds in a host: connections, calls in flight, queued reply bytes.</summary>
internal sealed class UserAccount
{
    // Refusals are logged at most this often per user; the count of those left out goes with the next one.
    private const long LogIntervalMilliseconds = 10_000;

    private readonly UserAccounting _table;

    // Pins: one per open connection and one per call in flight. -1 once dead (removed from the table).
    private int _pins;
    private int _connections;
    private int _calls;
    private long _queuedBytes;
    private long _lastLoggedTicks = long.MinValue;
    private int _unlogged;

    internal UserAccount(UserAccounting table, uint userId, UserQuota quota)
    {
        _table = table;
        UserId = userId;
        Quota = quota;
    }

    public uint UserId { get; }

    public UserQuota Quota { get; }

    public int Connections => Volatile.Read(ref _connections);

    public int CallsInFlight => Volatile.Read(ref _calls);

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Pins a live account; fails on one whose last pin has just gone.</summary>
    internal bool TryPin()
    {
        var pins = Volatile.Read(ref _pins);
        while (pins >= 0)
        {
            var seen = Interlocked.CompareExchange(ref _pins, pins + 1, pins);
            if (seen == pins)
            {
                return true;
            }

            pins = seen;
        }

        return false;
    }

    /// <summary>Drops a pin; the last one takes the account out of the table.</summary>
    internal void Unpin()
    {
        // Whoever moves the count from 0 to -1 removes it; a Pin that got in first (0 → 1) keeps it alive instead.
        if (Interlocked.Decrement(ref _pins) == 0 && Interlocked.CompareExchange(ref _pins, -1, 0) == 0)
        {
            _table.Remove(this);
        }
    }

    internal bool TryAddConnection() => TryIncrement(ref _connections, Quota.MaxConnections);

    /// <summary>A connection opened by <see cref="UserAccounting.TryOpenConnection"/> closed.</summary>
    public void CloseConnection()
    {
        Interlocked.Decrement(ref _connections);
        Unpin();
    }

    /// <summary>
    /// Starts a call on a connection of this user, unless that would break a quota; returns the quota that refused it,
    /// or <see langword="null"/> when the call may run (and must end with <see cref="EndCall"/>).
    /// </summary>
    public Quota? TryStartCall()
    {
        if (QueuedBytes >= Quota.MaxQueuedBytes)
        {
            return ContractGen.Quota.QueuedBytesPerUser;
        }

        if (!TryIncrement(ref _calls, Quota.MaxCallsInFlight))
        {
            return ContractGen.Quota.CallsInFlightPerUser;
        }

        // The caller's connection holds a pin, so this account is alive and a plain increment is enough.
        Interlocked.Increment(ref _pins);
        return null;
    }

    /// <summary>A call started by <see cref="TryStartCall"/> finished (it may outlive its connection).</summary>
    public void EndCall()
    {
        Interlocked.Decrement(ref _calls);
        Unpin();
    }

    /// <summary>Reply bytes of this user's connections were queued (positive) or sent or dropped (negative).</summary>
    public void AddQueuedBytes(long delta) => Interlocked.Add(ref _queuedBytes, delta);

    /// <summary>The limit of <paramref name="quota"/>.</summary>
    public long LimitOf(Quota quota) => quota switch
    {
        ContractGen.Quota.ConnectionsPerUser => Quota.MaxConnections,
        ContractGen.Quota.CallsInFlightPerUser => Quota.MaxCallsInFlight,
        ContractGen.Quota.QueuedBytesPerUser => Quota.MaxQueuedBytes,
        _ => 0,
    };

    /// <summary>
    /// Whether a refusal should be logged now: the first one, then at most one per interval, so a user that hammers
    /// its quota cannot flood the log. <paramref name="unlogged"/> is how many were left out since the last.
    /// </summary>
    public bool ShouldLogRefusal(out int unlogged)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastLoggedTicks);
        if ((last != long.MinValue && now - last < LogIntervalMilliseconds) || Interlocked.CompareExchange(ref _lastLoggedTicks, now, last) != last)
        {
            Interlocked.Increment(ref _unlogged);
            unlogged = 0;
            return false;
        }

        unlogged = Interlocked.Exchange(ref _unlogged, 0);
        return true;
    }

    private static bool TryIncrement(ref int counter, int limit)
    {
        var value = Volatile.Read(ref counter);
        while (value < limit)
        {
            var seen = Interlocked.CompareExchange(ref counter, value + 1, value);
            if (seen == value)
            {
                return true;
            }

            value = seen;
        }

        return false;
    }
}
