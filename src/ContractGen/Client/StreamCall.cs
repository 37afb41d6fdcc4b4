using System.Threading.Channels;
using ContractGen.Protocol;

namespace ContractGen;

/// <summary>
/// A streaming call on the client: items arrive from the read loop into a queue the enumerator drains. The service
/// sends only as many items as the client has granted credits for, so the queue never holds more than
/// <see cref="ProtocolConstants.StreamWindow"/> items.
/// </summary>
internal sealed class StreamCall
{
    private readonly Channel<PayloadBuffer> _items = Channel.CreateUnbounded<PayloadBuffer>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private int _credits = ProtocolConstants.StreamWindow;

    public StreamCall(uint id, MethodDescriptor method)
    {
        Id = id;
        Method = method;
    }

    public uint Id { get; }

    public MethodDescriptor Method { get; }

    public ChannelReader<PayloadBuffer> Items => _items.Reader;

    /// <summary>Queues an item; false when the service sent more than it had credits for.</summary>
    public bool TryAdd(PayloadBuffer item)
    {
        if (Interlocked.Decrement(ref _credits) < 0 || !_items.Writer.TryWrite(item))
        {
            item.Return();
            return false;
        }

        return true;
    }

    public void Grant(int count) => Interlocked.Add(ref _credits, count);

    public void Complete(Exception? error = null) => _items.Writer.TryComplete(error);

    /// <summary>Gives back the buffers of items nobody will read.</summary>
    public void Drain()
    {
        _items.Writer.TryComplete();
        while (_items.Reader.TryRead(out var item))
        {
            item.Return();
        }
    }
}
