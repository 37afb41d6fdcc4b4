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

    internal void Validate()
    {
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
