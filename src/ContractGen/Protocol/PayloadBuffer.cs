using System.Buffers;

namespace ContractGen.Protocol;

/// <summary>A received payload in an array rented from <see cref="ArrayPool{T}"/>. Whoever holds it returns it once.</summary>
internal readonly struct PayloadBuffer
{
    private readonly byte[]? _array;
    private readonly int _offset;

    public PayloadBuffer(byte[] array, int length)
        : this(array, 0, length)
    {
    }

    /// <summary>A payload at <paramref name="offset"/> in <paramref name="array"/> (a receive buffer handed over whole).</summary>
    public PayloadBuffer(byte[] array, int offset, int length)
    {
        _array = array;
        _offset = offset;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _array is null ? ReadOnlyMemory<byte>.Empty : _array.AsMemory(_offset, Length);

    public void Return()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
