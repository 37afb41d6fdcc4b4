using ContractGen.Protocol;

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
