using System.Buffers;

namespace ContractGen.Protocol;

/// <summary>
/// A growable byte buffer over <see cref="ArrayPool{T}"/> that frames are serialized into. Generated code sees it only
/// as the buffer type of <see cref="MemoryPack.MemoryPackWriter{TBufferWriter}"/>.
/// </summary>
public sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 4096;

    // Buffers that grew past this are given back after use, so one large message does not pin memory forever.
    private const int RetainLimit = 1024 * 1024;

    private byte[] _buffer;
    private int _written;

    internal FrameBuffer(int initialSize = MinimumSize)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, MinimumSize));
    }

    /// <summary>How many bytes have been written.</summary>
    public int WrittenCount => _written;

    internal ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    internal Span<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <inheritdoc/>
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets everything written after <paramref name="length"/> bytes (rolls back a half-written frame).</summary>
    internal void Truncate(int length) => _written = length;

    /// <summary>Empties the buffer for reuse, giving back an oversized array.</summary>
    internal void Reset()
    {
        _written = 0;
        if (_buffer.Length > RetainLimit)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(MinimumSize);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var newSize = Math.Max(checked(_written + sizeHint), _buffer.Length * 2);
        var next = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
