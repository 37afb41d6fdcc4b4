using MemoryPack;

namespace ContractGen.Protocol;

/// <summary>
/// Encodes and decodes one message payload (a method's arguments or its result). Generated code implements it as a
/// struct per method, so the runtime calls it through a constrained generic call: no delegate, no boxing.
/// </summary>
/// <typeparam name="T">The payload's in-memory type.</typeparam>
public interface IPayloadCodec<T>
{
    /// <summary>Writes <paramref name="value"/> straight into the outgoing frame.</summary>
    static abstract void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in T value);

    /// <summary>
    /// Reads a value. <paramref name="payload"/> is the whole payload that <paramref name="reader"/> reads, so that
    /// <see cref="ReadOnlyMemory{T}"/> arguments can be handed out as slices of it without a copy.
    /// </summary>
    static abstract T Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload);
}

/// <summary>The codec of an empty payload (a method with no arguments, or no result).</summary>
public readonly struct EmptyPayload : IPayloadCodec<EmptyPayload>
{
    /// <inheritdoc/>
    public static void Write(ref MemoryPackWriter<FrameBuffer> writer, scoped in EmptyPayload value)
    {
    }

    /// <inheritdoc/>
    public static EmptyPayload Read(ref MemoryPackReader reader, ReadOnlyMemory<byte> payload) => default;
}
