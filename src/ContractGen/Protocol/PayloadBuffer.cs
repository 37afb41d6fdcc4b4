using System.Buffers;

namespace ContractGen.Protocol;

/// <summary>A received payload in an array rented from <see cref="ArrayPool{T}"/>. Whoever holds it returns it once.</summary>
internal readonly struct PayloadBuffer
{
    private readonly byte[]? _array;

    public PayloadBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _array is null ? ReadOnlyMemory<byte>.Empty : _array.AsMemory(0, Length);

    public void Return()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
