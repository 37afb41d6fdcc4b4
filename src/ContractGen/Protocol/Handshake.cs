using MemoryPack;

namespace ContractGen.Protocol;

/// <summary>The constants every ContractGen peer agrees on.</summary>
public static class ProtocolConstants
{
    /// <summary>"CGEN" in little-endian: the first field of a <see cref="FrameKind.Hello"/>, so a stranger is refused at once.</summary>
    public const uint Magic = 0x4E454743;

    /// <summary>The protocol version this library speaks.</summary>
    public const ushort Version = 1;

    /// <summary>The default largest payload, 1 MiB: large enough for bulk calls, small enough to bound memory per message.</summary>
    public const int DefaultMaxFrameSize = 1024 * 1024;

    /// <summary>How many stream items the service may send before the client grants more: bounds a slow client's memory.</summary>
    public const int StreamWindow = 32;

    /// <summary>The largest handshake payload either side accepts, whatever its configured frame size.</summary>
    public const int MaxHandshakeSize = 64 * 1024;
}

// Every control-frame reader below reads strings and arrays with WireFormat's strict readers only: these frames arrive
// before (or without) any authentication, and MemoryPack's own readers do not check every length.

/// <summary>What the client says first: who it is speaking as, and the exact shape it was compiled against.</summary>
internal readonly record struct HelloMessage(ushort Version, string ContractName, ulong Fingerprint, uint[] MethodIds, int MaxReplySize)
    : IPayloadCodec<HelloMessage>
{
    public static void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in HelloMessage value)
    {
        writer.WriteUnmanaged(ProtocolConstants.Magic);
        writer.WriteUnmanaged(value.Version);
        writer.WriteString(value.ContractName);
        writer.WriteUnmanaged(value.Fingerprint);
        writer.WriteUnmanagedArray(value.MethodIds);
        writer.WriteUnmanaged(value.MaxReplySize);
    }

    public static HelloMessage Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload)
    {
        if (WireFormat.ReadFixed<uint>(ref reader) != ProtocolConstants.Magic)
        {
            throw new MalformedMessageException("The peer is not a ContractGen client (the handshake's magic number is wrong).");
        }

        var version = WireFormat.ReadFixed<ushort>(ref reader);
        var name = WireFormat.ReadString(ref reader) ?? throw new MalformedMessageException("The handshake names no contract.");
        var fingerprint = WireFormat.ReadFixed<ulong>(ref reader);
        var methods = WireFormat.ReadUnmanagedArray<uint>(ref reader);
        var maxReplySize = WireFormat.ReadFixed<int>(ref reader);
        if (maxReplySize < 1024)
        {
            throw new MalformedMessageException($"The client announced a maximum reply size of {maxReplySize} bytes; at least 1024 is required.");
        }

        return new HelloMessage(version, name, fingerprint, methods, maxReplySize);
    }
}

/// <summary>Whether the service accepted a <see cref="HelloMessage"/>.</summary>
internal enum HelloStatus : byte
{
    Accepted = 0,
    UnknownContract = 1,
    UnsupportedVersion = 2,
}

/// <summary>
/// The service's answer. On acceptance it carries the service's own fingerprint and method ids, so a client built
/// against another version of the same contract learns per method what it may call.
/// </summary>
internal readonly record struct HelloAckMessage(
    HelloStatus Status,
    ushort Version,
    string ContractName,
    ulong Fingerprint,
    uint[] MethodIds,
    int MaxRequestSize,
    string Detail) : IPayloadCodec<HelloAckMessage>
{
    public static void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in HelloAckMessage value)
    {
        writer.WriteUnmanaged(value.Status);
        writer.WriteUnmanaged(value.Version);
        writer.WriteString(value.ContractName);
        writer.WriteUnmanaged(value.Fingerprint);
        writer.WriteUnmanagedArray(value.MethodIds);
        writer.WriteUnmanaged(value.MaxRequestSize);
        writer.WriteString(value.Detail);
    }

    public static HelloAckMessage Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload)
    {
        var status = WireFormat.ReadFixed<HelloStatus>(ref reader);
        if (status is not (HelloStatus.Accepted or HelloStatus.UnknownContract or HelloStatus.UnsupportedVersion))
        {
            throw new MalformedMessageException($"The service answered the handshake with unknown status {(byte)status}.");
        }

        return new HelloAckMessage(
            status,
            WireFormat.ReadFixed<ushort>(ref reader),
            WireFormat.ReadString(ref reader) ?? string.Empty,
            WireFormat.ReadFixed<ulong>(ref reader),
            WireFormat.ReadUnmanagedArray<uint>(ref reader),
            WireFormat.ReadFixed<int>(ref reader),
            WireFormat.ReadString(ref reader) ?? string.Empty);
    }
}

/// <summary>The payload of an <see cref="FrameKind.Error"/> frame.</summary>
/// <remarks>For <see cref="ErrorCode.ValidationFailed"/>, <c>Details</c> holds the path, rule, limit and problem.</remarks>
internal readonly record struct ErrorMessage(ErrorCode Code, string TypeName, string Message, string? StackTrace, string[]? Details = null)
    : IPayloadCodec<ErrorMessage>
{
    public static void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in ErrorMessage value)
    {
        writer.WriteUnmanaged(value.Code);
        writer.WriteString(value.TypeName);
        writer.WriteString(value.Message);
        writer.WriteString(value.StackTrace);
        writer.WriteValue(value.Details);
    }

    public static ErrorMessage Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload) => new(
        WireFormat.ReadFixed<ErrorCode>(ref reader),
        WireFormat.ReadString(ref reader) ?? string.Empty,
        WireFormat.ReadString(ref reader) ?? string.Empty,
        WireFormat.ReadString(ref reader),
        ReadDetails(ref reader));

    // Details are written as string[] (validation failures, quotas); a null element would be no detail at all.
    private static string[]? ReadDetails(ref MemoryPackReader reader)
        => WireFormat.ReadStringArray(ref reader) is { } details ? Array.ConvertAll(details, d => d ?? string.Empty) : null;
}

/// <summary>The payload of a <see cref="FrameKind.GoAway"/> frame: a human-readable reason (the code travels in the header).</summary>
internal readonly record struct GoAwayMessage(string Detail) : IPayloadCodec<GoAwayMessage>
{
    public static void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in GoAwayMessage value)
        => writer.WriteString(value.Detail);

    public static GoAwayMessage Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload)
        => new(WireFormat.ReadString(ref reader) ?? string.Empty);
}
